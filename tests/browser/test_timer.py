"""The room timer in real browsers: the mentor sets and starts it on the console; a phone, a remote
laptop and the projector count down by themselves (no frames while time passes), pause shows the
time left, "+1 minute" adds to it; in English and in Dutch; axe-core on every view."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import (
    PHONE,
    PROJECTOR,
    NewContext,
    axe_check,
    axe_check_regions,
    create_session,
    join,
    record_frames,
    wait_live,
)

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

TEXTS = {
    "en": {"set": "Set", "minutes": "Minutes", "for": "What it is for (optional)", "start": "Start",
           "pause": "Pause", "add": "+1 minute", "show": "Show on projector", "paused": "paused",
           "open": "Open projector view"},
    "nl": {"set": "Zet", "minutes": "Minuten", "for": "Waarvoor (optioneel)", "start": "Start",
           "pause": "Pauzeer", "add": "+1 minuut", "show": "Op de beamer tonen", "paused": "gepauzeerd",
           "open": "Beamerweergave openen"},
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
    # Everyone's browser asks for the session's language (Accept-Language picks a person's language).
    locale = "nl-NL" if lang == "nl" else "en-US"
    mentor = await (await new_context(locale=locale)).new_page()
    code = await create_session(mentor, "Timer in the browser", language=lang)
    phone = await join(await new_context(**PHONE, locale=locale), code, "Ada", "room")
    laptop = await join(await new_context(locale=locale), code, "Bram", "remote")
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

    href = await mentor.get_by_role("link", name=words["open"]).get_attribute("href")
    assert href
    projector = await (await new_context(**PROJECTOR)).new_page()
    await projector.goto(href)
    await wait_live(projector)
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
