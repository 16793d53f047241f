"""The room timer in real browsers: the mentor sets and starts it on the console; a phone, a remote
laptop and the projector count down by themselves (no frames while time passes), pause shows the
time left, "+1 minute" adds to it; in English and in Dutch; axe-core on every view."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import NewContext, axe_check, axe_check_regions, cast, record_frames, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

TEXTS = {
    "en": {"set": "Set", "minutes": "Minutes", "for": "What it is for (optional)", "start": "Start",
           "pause": "Pause", "add": "+1 minute", "show": "Show on projector", "paused": "paused"},
    "nl": {"set": "Zet", "minutes": "Minuten", "for": "Waarvoor (optioneel)", "start": "Start",
           "pause": "Pauzeer", "add": "+1 minuut", "show": "Op de beamer tonen", "paused": "gepauzeerd"},
}


def seconds(text: str) -> int:
    match = re.search(r"(\d+):(\d\d)", text)
    assert match, text
    return int(match.group(1)) * 60 + int(match.group(2))


def changes(frames: list[str]) -> list[str]:
    return [frame for frame in frames if frame != "<!--pong-->"]


async def clock_of(page: Page, scope: str) -> int:
    return seconds(await page.locator(f"{scope} .timer-clock").first.inner_text())


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_the_timer_counts_down_on_every_screen(new_context: NewContext, lang: str) -> None:
    words = TEXTS[lang]
    room = await cast(new_context, "Timer in the browser", lang, phones=("Ada",), laptops=("Bram",))
    mentor, (phone,), (laptop,) = room.mentor, room.phones, room.laptops
    await expect(phone.locator("#timer")).to_be_hidden()

    timer = mentor.locator("#timer")
    await timer.locator("summary").click()  # the console keeps the timer's form folded (issue 15)
    await timer.get_by_label(words["minutes"]).fill("3")
    await timer.get_by_label(words["for"]).fill("Pairs")
    await timer.get_by_role("button", name=words["set"], exact=True).click()
    await expect(phone.locator("#timer .timer-clock")).to_have_text("3:00")
    await expect(phone.locator("#timer")).to_contain_text("Pairs")
    await expect(phone.locator("#timer")).to_contain_text(words["paused"])
    await expect(phone.locator("#timer button")).to_have_count(0)

    projector = await room.open_projector()
    await timer.get_by_role("button", name=words["show"]).click()
    await expect(projector.locator("#stage")).to_have_class(re.compile(r"\bstage-view-timer\b"))
    await expect(projector.locator(".st-clock")).to_have_text("3:00")

    # Frames are recorded on sockets opened from now on: the phone's page opens its own again.
    frames = record_frames(phone)
    await phone.reload()
    await wait_live(phone)
    await timer.get_by_role("button", name=words["start"], exact=True).click()
    await expect(timer.get_by_role("button", name=words["pause"])).to_be_visible()
    # Every screen counts down by itself: after the start, no frame arrives while time passes.
    await expect(phone.locator("#timer .timer-clock")).not_to_have_text("3:00", timeout=5000)
    assert frames, "no frame was recorded: the check below would hold whatever was sent"
    started = len(changes(frames))
    await phone.wait_for_timeout(2200)
    assert len(changes(frames)) == started  # the heartbeat's answers are no changes
    for page, scope in ((phone, "#timer"), (laptop, "#timer"), (projector, "#stage")):
        left = await clock_of(page, scope)
        assert 170 <= left <= 178, (scope, left)

    await timer.get_by_role("button", name=words["add"]).click()
    await expect(projector.locator(".st-clock")).to_have_text(re.compile(r"^3:[45]\d$"))
    await timer.get_by_role("button", name=words["pause"]).click()
    await expect(laptop.locator("#timer")).to_contain_text(words["paused"])
    held = await clock_of(laptop, "#timer")
    await laptop.wait_for_timeout(1200)
    assert await clock_of(laptop, "#timer") == held and 220 <= held <= 239

    await axe_check(phone)
    await axe_check(laptop)
    await axe_check(projector)
    await axe_check_regions(mentor, "#timer")
