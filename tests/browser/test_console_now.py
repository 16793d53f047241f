"""The mentor's console in the phone's "now" shape (issue 15), in the realistic session of
tests/browser/test_phone_now.py (six people, four walls, eight polls, about forty post-its).

- On top what the mentor needs all session: the invitation, the projector control, the
  hand-raise queue (with its hands up), the timer; the reactions console while an alarm is on.
- What is now (#console-now) heads the section with its controls: the open poll's buttons are on
  the first screen at 1366x768; other sections are folded, and the page is at most three screens.
- When what is now changes (a wall on the projector), a polite notice says so and that wall's
  section opens first; sections the mentor opened stay open across live updates and reloads.
- axe-core finds nothing serious; screenshots in English and Dutch.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SEND, NewContext, axe_check, open_section, wait_live
from tests.browser.test_phone_now import POLLS, WALLS, page_height, realistic_session

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

LAPTOP = {"width": 1366, "height": 768}
SCREEN = LAPTOP["height"]
SHOTS = Path(os.environ.get("KRING_SHOTS", "/tmp/kring-shots"))


async def on_first_screen(page: Page, selector: str) -> None:
    box = await page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= SCREEN, f"{selector} at y={box['y']}"


async def fold_all(page: Page) -> None:
    await page.locator("[data-sections=close]").click()
    await page.reload()
    await wait_live(page)


@pytest.mark.timeout(400)  # building the session sends some 150 commands from seven pages
async def test_the_console_shows_what_is_now_on_its_first_screen(new_context: NewContext) -> None:
    s = await realistic_session(new_context, "Week 3: giving feedback")
    code, mentor, polls, walls, phones = s["code"], s["mentor"], s["polls"], s["walls"], s["phones"]
    await mentor.set_viewport_size(LAPTOP)
    # Two hands up: the queue is on top, with its hands.
    for name in ("Bram", "Emma"):
        await phones[name].evaluate(SEND, [f"/ws/s/{code}", [{"cmd": "queue_raise", "kind": ""}]])
    await fold_all(mentor)
    await expect(mentor.locator("#queue .queue-name")).to_have_count(2)

    # The open poll is now: named on top, its section open and first, its buttons on the first
    # screen; the seven closed polls, the walls and the rest are folded.
    now = mentor.locator("#console-now")
    await expect(now).to_contain_text("Poll")
    await expect(now.locator("h2")).to_have_text(POLLS[-1])
    await expect(mentor.locator("#section-polls")).to_have_attribute("open", "")
    SHOTS.mkdir(parents=True, exist_ok=True)
    await mentor.screenshot(path=str(SHOTS / "console-now-en.png"), full_page=True)
    await on_first_screen(mentor, f"#poll-{polls[-1]} button")
    await on_first_screen(mentor, "#queue-title")
    await on_first_screen(mentor, "#queue .queue-name")
    await on_first_screen(mentor, "#projector-control form")
    await expect(mentor.locator(f"#poll-{polls[0]}")).to_be_hidden()
    await expect(mentor.locator("#section-wall")).not_to_have_attribute("open", "")
    await expect(mentor.locator(f"#wall-{walls[0]}")).to_be_hidden()
    height = await page_height(mentor)
    print(f"console height, folded, a poll now: {height} px")
    assert height <= 3 * SCREEN, height
    await axe_check(mentor)

    # "Show everything" lifts the folding in the now section; "Open all" shows all.
    await mentor.locator("#section-polls [data-section-all]").click()
    await expect(mentor.locator(f"#poll-{polls[0]}")).to_be_visible()

    # A wall on the projector: a notice, its section opens and comes first, that wall's cards.
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "projector", "view": "wall", "ref": walls[1]}]])
    await expect(mentor.locator("#console-now-notice")).to_have_text(f"Now: Post-it wall: {WALLS[1]}")
    await expect(mentor.locator("#section-wall")).to_have_attribute("open", "")
    await expect(mentor.locator(f"#wall-{walls[1]}")).to_be_visible()
    await expect(mentor.locator(f"#wall-{walls[0]}")).to_be_hidden()
    await mentor.evaluate("() => window.scrollTo(0, 0)")
    await on_first_screen(mentor, f"#wall-title-{walls[1]}")
    print(f"console height, a wall now: {await page_height(mentor)} px")
    await mentor.screenshot(path=str(SHOTS / "console-wall-en.png"))

    # A section the mentor opens stays open through live updates and a reload.
    await open_section(mentor, "Agenda")
    await phones["Ana"].evaluate(SEND, [f"/ws/s/{code}", [{"cmd": "queue_raise", "kind": ""}]])
    await expect(mentor.locator("#queue .queue-name")).to_have_count(3)
    await expect(mentor.locator("#section-agenda")).to_have_attribute("open", "")
    await mentor.reload()
    await wait_live(mentor)
    await expect(mentor.locator("#section-agenda")).to_have_attribute("open", "")
    await expect(mentor.locator("#section-evaluation")).not_to_have_attribute("open", "")
    # The section's summary works with the keyboard.
    await mentor.locator("#section-evaluation > summary").focus()
    await mentor.keyboard.press("Enter")
    await expect(mentor.locator("#section-evaluation")).to_have_attribute("open", "")
    await axe_check(mentor)

    # An alarm keeps the reactions console on top, in sight.
    for name in list(phones)[:4]:
        await phones[name].evaluate(SEND, [f"/ws/s/{code}", [{"cmd": "react", "kind": "cant_hear"}]])
    await expect(mentor.locator("#reactions-console.has-alarm")).to_be_visible()
    await on_first_screen(mentor, "#reactions-console")
    await mentor.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    await expect(mentor.locator("#reactions-console")).to_be_in_viewport()
    await mentor.screenshot(path=str(SHOTS / "console-alarm-en.png"))

    # In Dutch.
    await mentor.locator("form.lang-switch button[value=nl]").click()
    await expect(mentor.locator("html")).to_have_attribute("lang", "nl")
    await wait_live(mentor)
    await expect(mentor.locator("#console-now")).to_contain_text("Nu")
    await mentor.screenshot(path=str(SHOTS / "console-now-nl.png"), full_page=True)
    await axe_check(mentor)
