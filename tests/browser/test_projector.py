"""The projector in a real browser (issue 15): once the session ends it shows a closing screen,
live and after a reload, with no join code, no QR code and no people; between two sessions of a
trajectory it says when the group meets next; it speaks the session's language, and has its own
language switch that leaves the mentor's language alone. axe-core on each; screenshots for the eye
(KRING_SHOTS, /tmp/shots/projector by default)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE, PROJECTOR, NewContext, axe_check, create_session, join, wait_live
from tests.browser.test_evaluation import send

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

SHOTS = Path(os.environ.get("KRING_SHOTS", "/tmp/shots/projector"))

TEXTS = {
    "en": {"locale": "en-GB", "thanks": "Thank you for being here!", "ended": "This session has ended.",
           "join": "Join at", "next": "Next session", "room_mode": "Room mode"},
    "nl": {"locale": "nl-NL", "thanks": "Bedankt dat je er was!", "ended": "Deze bijeenkomst is afgelopen.",
           "join": "Doe mee via", "next": "Volgende bijeenkomst", "room_mode": "Zaalmodus"},
}


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"))


async def projector_href(mentor: Page) -> str:
    href = await mentor.locator(".share-actions a[href*='/p/']").first.get_attribute("href")
    assert href is not None and re.search(r"/p/[A-Z0-9]{8}/[\w-]+$", href), href
    return href


async def expect_closing(projector: Page, texts: dict[str, str], title: str) -> None:
    """The closing screen, and nothing to join with: no code, no QR code, no people."""
    closing = projector.locator("#stage .stage-closing")
    await expect(closing).to_be_visible()
    await expect(closing.locator(".closing-title")).to_have_text(title)
    await expect(closing.locator(".closing-thanks")).to_have_text(texts["thanks"])
    await expect(closing.locator(".closing-status")).to_contain_text(texts["ended"].rstrip("."))
    for gone in (".pj-code", ".qr", "#presence", ".stage-join-line"):
        await expect(projector.locator(f"#stage {gone}")).to_have_count(0)
    # Readable from the back of the room, and all of it on the one screen.
    sizes = await closing.evaluate("""(el) => {
        const px = (sel) => parseFloat(getComputedStyle(el.querySelector(sel)).fontSize);
        return {thanks: px('.closing-thanks'), title: px('.closing-title'), status: px('.closing-status'),
                height: document.scrollingElement.scrollHeight};
    }""")
    assert sizes["thanks"] >= 96 and sizes["title"] >= 48 and sizes["status"] >= 36, sizes
    assert sizes["height"] <= PROJECTOR["viewport"]["height"], sizes


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_the_projector_shows_a_closing_screen_when_the_session_ends(new_context: NewContext, lang: str) -> None:
    texts = TEXTS[lang]
    mentor = await (await new_context(locale=texts["locale"])).new_page()
    code = await create_session(mentor, f"Startersgroep {lang}", language=lang)
    for name in ("Ada", "Bram", "Chris"):
        await join(await new_context(**PHONE, locale=texts["locale"]), code, name)
    # The beamer laptop's browser is English: the projector speaks the session's language anyway.
    projector = await (await new_context(**PROJECTOR, locale="en-US")).new_page()
    await projector.goto(await projector_href(mentor))
    await wait_live(projector)
    await expect(projector.locator("html")).to_have_attribute("lang", lang)
    await expect(projector.locator("#stage .pj-label")).to_contain_text(texts["join"])
    await expect(projector.locator("#stage .pj-code")).to_be_visible()
    await expect(projector.locator("#stage #presence li.person")).to_have_count(3)
    await shot(projector, f"projector-join-{lang}")
    room_mode = projector.get_by_role("button", name=texts["room_mode"])
    await expect(room_mode).to_have_count(1)

    # The mentor ends the session while the projector is open: it changes live.
    await mentor.locator("form[action$='/end'] input[name=confirm]").check()
    await mentor.locator("form[action$='/end'] button[type=submit]").click()
    await mentor.wait_for_url(re.compile(rf"/m/{code}$"))
    await expect_closing(projector, texts, f"Startersgroep {lang}")
    await expect(projector.locator("#stage .closing-eyebrow")).to_contain_text(re.compile(r"\d{4}"))  # the date
    await expect(projector.locator("#stage .closing-join")).to_have_count(0)
    await expect(room_mode).to_have_count(0)  # an ended session has no room to bring in
    await axe_check(projector)
    await shot(projector, f"projector-ended-{lang}")

    # And so after a reload.
    await projector.reload()
    await wait_live(projector)
    await expect_closing(projector, texts, f"Startersgroep {lang}")
    await expect(room_mode).to_have_count(0)


async def test_between_two_sessions_the_projector_says_when_the_group_meets_next(new_context: NewContext) -> None:
    texts = TEXTS["nl"]
    mentor = await (await new_context(locale="nl-NL")).new_page()
    code = await create_session(mentor, "Leidinggeven in de zorg", language="nl")
    display_code = f"{code[:4]}-{code[4:]}"
    await send(mentor, {"cmd": "traj_plan", "name": "Leidinggeven", "theme": "", "target_group": "", "sessions": "6",
                        "cadence": "weekly", "format": "hybrid", "first_date": "2026-12-03",
                        "start_time": "19:00", "end_time": "21:00"},
               {"cmd": "traj_session", "number": "2", "date": "2026-12-10", "title": "Feedback die landt",
                "start_time": "19:00", "end_time": "21:00"},
               {"cmd": "traj_start", "number": "1"})
    projector = await (await new_context(**PROJECTOR)).new_page()
    await projector.goto(await projector_href(mentor))
    await wait_live(projector)
    await expect(projector.locator("#stage .pj-code")).to_be_visible()

    await send(mentor, {"cmd": "traj_end"})
    await expect_closing(projector, texts, "Leidinggeven in de zorg")
    await expect(projector.locator("#stage .closing-eyebrow")).to_contain_text("Bijeenkomst 1 van 6")
    upcoming = projector.locator("#stage .closing-next")
    await expect(upcoming).to_contain_text(texts["next"], ignore_case=True)
    await expect(upcoming.locator(".closing-next-when")).to_have_text("donderdag 10 december 2026 · 19:00")
    await expect(upcoming.locator(".closing-next-what")).to_have_text("Bijeenkomst 2 · Feedback die landt")
    # The room is still open: someone new can join, from a small line at the bottom.
    await expect(projector.locator("#stage .closing-join")).to_contain_text(display_code)
    await axe_check(projector)
    await shot(projector, "projector-between-sessions-nl")

    # The next session starts: the join screen is back.
    await send(mentor, {"cmd": "traj_start", "number": "2"})
    await expect(projector.locator("#stage .pj-code")).to_be_visible()
    await expect(projector.locator("#stage .stage-closing")).to_have_count(0)


async def test_the_projector_has_its_own_language_switch(new_context: NewContext) -> None:
    # The mentor's browser is English, the session Dutch; the projector is a tab of the same browser.
    context = await new_context(locale="en-US")
    mentor = await context.new_page()
    code = await create_session(mentor, "Startersgroep", language="nl")
    await join(await new_context(**PHONE, locale="nl-NL"), code, "Ada")
    await mentor.locator("form.lang-switch button[value=en]").click()  # the mentor reads English
    await expect(mentor.locator("html")).to_have_attribute("lang", "en")
    await wait_live(mentor)

    projector = await context.new_page()
    await projector.set_viewport_size(PROJECTOR["viewport"])
    await projector.goto(await projector_href(mentor))
    await wait_live(projector)
    await expect(projector.locator("html")).to_have_attribute("lang", "nl")  # the session's language
    switch = projector.locator("form.lang-switch-projector")
    await expect(switch.locator("button[value=nl]")).to_have_attribute("aria-pressed", "true")
    await expect(projector.locator("#stage .pj-label")).to_contain_text(TEXTS["nl"]["join"])
    await axe_check(projector)

    await switch.locator("button[value=en]").click()
    await expect(projector.locator("html")).to_have_attribute("lang", "en")
    await wait_live(projector)
    await expect(projector.locator("#stage .pj-label")).to_contain_text(TEXTS["en"]["join"])
    await expect(switch.locator("button[value=en]")).to_have_attribute("aria-pressed", "true")
    await shot(projector, "projector-switched-en")
    # Live updates come in the projector's language too.
    await join(await new_context(**PHONE, locale="nl-NL"), code, "Bram")
    await expect(projector.locator("#stage #presence .presence-counts")).to_contain_text("2")
    await expect(projector.locator("#stage #presence h2")).to_have_text("Who is here")

    # The mentor switches their own language to Dutch: the projector keeps English, across reloads.
    await mentor.reload()
    await mentor.locator("form.lang-switch button[value=nl]").click()
    await expect(mentor.locator("html")).to_have_attribute("lang", "nl")
    await projector.reload()
    await wait_live(projector)
    await expect(projector.locator("html")).to_have_attribute("lang", "en")
    # And the projector back to Dutch leaves the mentor in Dutch, the choice they made.
    await projector.locator("form.lang-switch-projector button[value=nl]").click()
    await expect(projector.locator("html")).to_have_attribute("lang", "nl")
    await mentor.reload()
    await expect(mentor.locator("html")).to_have_attribute("lang", "nl")
    await mentor.locator("form.lang-switch button[value=en]").click()
    await expect(mentor.locator("html")).to_have_attribute("lang", "en")
    await projector.reload()
    await wait_live(projector)
    await expect(projector.locator("html")).to_have_attribute("lang", "nl")
    await axe_check(projector)
    await shot(projector, "projector-switched-nl")
