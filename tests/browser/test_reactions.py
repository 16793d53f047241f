"""Reactions in real browsers: a phone taps applause and it floats onto the projector, the console
counts it; a remote laptop taps "can't hear you" and the console and the room laptop (the
projector page) show the alarm with the name until the mentor says the sound is fixed; in
English and in Dutch; axe-core on every view."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import NewContext, axe_check, axe_check_regions, cast

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

TEXTS = {
    "en": {"react": "React", "applause": "Applause", "cant_hear": "I can't hear you", "fixed": "Sound fixed",
           "alarm": "1 remote attendee can't hear you", "room": "1 remote attendee can't hear the room"},
    "nl": {"react": "Reageren", "applause": "Applaus", "cant_hear": "Ik hoor je niet", "fixed": "Geluid is opgelost",
           "alarm": "1 deelnemer op afstand hoort je niet", "room": "1 deelnemer op afstand hoort de zaal niet"},
}


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_reactions_float_on_the_projector_and_the_alarm_reaches_console_and_room(
    new_context: NewContext, lang: str
) -> None:
    words = TEXTS[lang]
    room = await cast(new_context, "Reactions in the browser", lang, phones=("Ada",), laptops=("Bram Thuis",))
    mentor, (phone,), (laptop,) = room.mentor, room.phones, room.laptops
    projector = await room.open_projector()

    # Folded into one round button on the phone's bottom edge: a tap opens them, one more reacts.
    await phone.locator("#reactions summary", has_text=words["react"]).click()
    await phone.locator("#reactions").get_by_role("button", name=words["applause"]).click()
    await expect(projector.locator("#rx-pops .rx-pop.rx-applause")).to_have_count(1)
    await expect(mentor.locator("#reactions-console .rx-applause strong")).to_have_text("1")
    # It floats away again after a few seconds.
    await expect(projector.locator("#rx-pops .rx-pop")).to_have_count(0, timeout=10_000)

    await laptop.locator("#reactions summary", has_text=words["react"]).click()
    await laptop.locator("#reactions").get_by_role("button", name=words["cant_hear"]).click()
    await expect(mentor.locator("#reactions-console .rx-alarm")).to_contain_text(words["alarm"])
    await expect(mentor.locator("#reactions-console .rx-alarm")).to_contain_text("Bram Thuis")
    await expect(projector.locator(".rx-screen-alarm")).to_contain_text(words["room"])
    await expect(projector.locator(".rx-screen-alarm")).to_contain_text("Bram Thuis")
    await expect(phone.locator(".rx-alarm, .rx-screen-alarm")).to_have_count(0)

    await axe_check(phone)
    await axe_check(laptop)
    await axe_check(projector)
    await axe_check_regions(mentor, "#reactions-console")
    await mentor.get_by_role("button", name=words["fixed"]).click()
    await expect(projector.locator(".rx-screen-alarm")).to_have_count(0)
    await expect(mentor.locator("#reactions-console .rx-alarm")).to_have_count(0)
