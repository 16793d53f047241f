"""After a reload a phone may vibrate only once the person has tapped the page (Chromium's sticky
user activation), so the your-turn buzz would be lost without a word (issue 15): with the hand up,
the page asks for one tap, and the note goes with that tap."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PHONE, NewContext, axe_check, create_session, join, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

NOTE = "Tap anywhere once, so that your phone can vibrate when it is your turn."


async def test_after_a_reload_the_hand_asks_for_one_tap_so_the_turn_can_vibrate(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Buzz after a reload")
    ana = await join(await new_context(**PHONE), code, "Ana")
    note = ana.locator("#queue-me .queue-tap-note")
    await expect(note).to_have_count(0)  # hand down: nothing to buzz for

    await ana.locator("#queue-me").get_by_role("button", name="Raise my hand", exact=True).click()
    await expect(ana.locator("#queue-me .queue-position")).to_contain_text("Your hand is up")
    await expect(note).to_have_count(1)
    await expect(note).to_be_hidden()  # that tap already lets the phone vibrate

    await ana.reload()
    await wait_live(ana)
    await expect(note).to_be_visible()
    await expect(note).to_have_text(NOTE)
    await axe_check(ana)
    await ana.locator("#queue-me .queue-position").tap()
    await expect(note).to_be_hidden()
    assert await ana.evaluate("navigator.userActivation.hasBeenActive")

    # In Dutch too.
    await ana.context.add_cookies([{"name": "kring_lang", "value": "nl", "url": ana.url}])
    await ana.reload()
    await wait_live(ana)
    await expect(note).to_have_text(
        "Tik één keer ergens op de pagina, zodat je telefoon kan trillen als je aan de beurt bent.")
    await expect(note).to_be_visible()
