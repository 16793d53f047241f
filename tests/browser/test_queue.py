"""The hand-raise queue in real browsers: a phone raises a hand, the projector and the console
show it in place, the mentor gives the turn and the phone says so; the alternate policy; axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.async_api import Page, expect

from bench.serverproc import ServerProcess
from server.away import SWEEP_S
from tests.browser.conftest import (
    LIVE_MS,
    PHONE,
    NewContext,
    axe_check,
    create_session,
    join,
    open_projector,
    wait_live,
)

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

# Records vibrations instead of buzzing (headless Chromium has no motor, and we want to count).
VIBRATE_SPY = "navigator.vibrate = (pattern) => { window.__buzzes = (window.__buzzes || 0) + 1; return true; };"


async def projector_for(new_context: NewContext, mentor: Page) -> Page:
    projector = await open_projector(new_context, mentor)
    await mentor.locator("#queue").get_by_role("button", name="Show on projector").click()
    await expect(projector.locator("#stage")).to_have_class(re.compile(r"\bstage-view-queue\b"))
    return projector


async def raise_hand(page: Page, mark: str = "Raise my hand") -> None:
    if mark != "Raise my hand":  # the marks are folded away on the phone's first screen
        await page.locator("#queue-me .queue-marks > summary").click()
    await page.locator("#queue-me").get_by_role("button", name=mark, exact=True).click()
    await expect(page.locator("#queue-me .queue-position")).to_contain_text("Your hand is up")


async def test_phone_raises_everyone_sees_the_place_and_the_turn_arrives(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Queue in the browser")
    projector = await projector_for(new_context, mentor)
    bram = await join(await new_context(), code, "Bram", "remote")
    phone = await new_context(**PHONE)
    await phone.add_init_script(script=VIBRATE_SPY)
    ada = await join(phone, code, "Ada", "room")

    await raise_hand(bram, "Question")
    await raise_hand(ada)
    position = ada.locator("#queue-me .queue-position")
    await expect(position).to_have_text("Your hand is up: you are 2nd in line.")
    await expect(position).to_have_attribute("aria-live", "polite")

    await expect(mentor.locator("#queue .queue-name")).to_have_text(["Bram", "Ada"])
    await expect(projector.locator(".stage-entry-name")).to_have_text(["Bram", "Ada"])
    await expect(projector.locator(".stage-entry").nth(1)).to_have_attribute("data-location", "room")
    await expect(projector.locator(".stage-entry").first).to_contain_text("Question")
    await expect(ada.locator("#queue .queue-name")).to_have_text(["Bram", "Ada"])
    await axe_check(ada)

    # Bram lowers his hand: Ada moves up, and her screen reader hears it (same live element).
    await bram.locator("#queue-me").get_by_role("button", name="Lower my hand").click()
    await expect(position).to_have_text("Your hand is up: you are next.")
    await raise_hand(bram)

    await mentor.locator("#queue").get_by_role("button", name="Give turn to Ada").click()
    notice = ada.locator("#queue-turn [role=alert]")
    await expect(notice).to_be_visible()
    await expect(notice).to_contain_text("It's your turn!")
    assert await ada.evaluate("window.__buzzes") == 1
    await expect(bram.locator("#queue-turn [role=alert]")).to_have_count(0)
    await expect(projector.locator(".stage-speaker-name")).to_have_text("Ada")
    timer = projector.locator(".stage-timer")
    await expect(timer).not_to_have_text("0:00", timeout=LIVE_MS)  # ticks in the browser
    await expect(mentor.locator("#queue .queue-speaker-name")).to_have_text("Ada")
    await axe_check(mentor)
    await axe_check(projector)

    # Done: the notice goes, the balance counts the turn.
    await mentor.locator("#queue").get_by_role("button", name="Done").click()
    await expect(notice).to_have_count(0)
    row = mentor.locator("#queue-balance tr", has=mentor.locator("th", has_text="Ada"))
    await expect(row.locator("td").nth(1)).to_have_text("1")


async def test_alternate_policy_interleaves_room_and_remote(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Alternate")
    projector = await projector_for(new_context, mentor)
    people = [("Rik", "room"), ("Roos", "room"), ("Xander", "remote"), ("Xia", "remote")]
    for name, location in people:  # both in the room first, then both remote
        page = await join(await new_context(**PHONE), code, name, location)
        await raise_hand(page)
    await expect(mentor.locator("#queue .queue-name")).to_have_text(["Rik", "Roos", "Xander", "Xia"])

    await mentor.locator("#queue-order > summary").click()
    await mentor.locator("#queue").get_by_role("button", name="Alternate room and remote").click()
    interleaved = ["Rik", "Xander", "Roos", "Xia"]
    await expect(mentor.locator("#queue .queue-name")).to_have_text(interleaved)
    await expect(projector.locator(".stage-entry-name")).to_have_text(interleaved)
    await expect(projector.locator(".stage-why")).to_contain_text("Why Rik is next")

    # Rik spoke (room): the remote side is first now.
    await mentor.locator("#queue").get_by_role("button", name="Next: Rik").click()
    await expect(projector.locator(".stage-speaker-name")).to_have_text("Rik")
    await expect(projector.locator(".stage-entry-name")).to_have_text(["Xander", "Roos", "Xia"])
    await expect(projector.locator(".stage-why")).to_contain_text("Remote's turn")


# A server of its own with a short grace period: the shared one keeps the default (120 s).
GRACE_S = 4


@pytest.fixture(scope="module")
def short_grace_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("kring-grace"), env={"KRING_QUEUE_GRACE_S": str(GRACE_S)})
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


async def test_a_hand_left_behind_is_lowered_after_the_grace_and_the_owner_is_told(
    new_context: NewContext, short_grace_server: ServerProcess
) -> None:
    url = short_grace_server.url
    mentor = await (await new_context(base_url=url)).new_page()
    code = await create_session(mentor, "Grace")
    phone = await new_context(base_url=url, **PHONE)
    ada = await join(phone, code, "Ada", "remote")
    bram = await join(await new_context(base_url=url, **PHONE), code, "Bram", "room")
    await raise_hand(ada)
    await raise_hand(bram)
    entry = mentor.locator("#queue .queue-entry", has_text="Ada")
    await expect(mentor.locator("#queue .queue-name")).to_have_text(["Ada", "Bram"])
    await expect(entry).not_to_have_class(re.compile(r"\bis-away\b"))

    # Ada closes the page: marked away at once, still in line; after the grace her hand is gone.
    await ada.close()
    await expect(entry).to_have_class(re.compile(r"\bis-away\b"))
    await expect(entry.locator(".queue-away")).to_have_text("away")
    # The sweep runs every SWEEP_S seconds, so allow one sweep on top of the grace period.
    lowered_ms = LIVE_MS + (GRACE_S + SWEEP_S) * 1000
    await expect(mentor.locator("#queue .queue-name")).to_have_text(["Bram"], timeout=lowered_ms)
    await expect(bram.locator("#queue-me .queue-position")).to_have_text("Your hand is up: you are next.")

    # Back again: told that the hand was lowered, and it is down.
    ada = await phone.new_page()
    await ada.goto(f"/s/{code}")
    await wait_live(ada)
    notice = ada.locator("#queue-me .queue-notice")
    await expect(notice).to_contain_text("Your hand was lowered because you were away for a while.")
    await expect(ada.locator("#queue-me .queue-position")).to_have_text("Your hand is down.")
    await axe_check(ada)
    await notice.get_by_role("button", name="OK").click()
    await expect(notice).to_have_count(0)
    await raise_hand(ada)
    await expect(mentor.locator("#queue .queue-name")).to_have_text(["Bram", "Ada"])
