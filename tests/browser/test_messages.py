"""Messages between meetings in real browsers: the mentor writes to the group from the laptop, a
phone sees it marked new and marks it read; in Dutch too. axe-core on every page."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PHONE, NewContext, axe_check, create_session, join, show_tab
from tests.browser.test_trajectory import shot

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@pytest.mark.parametrize("labels", [
    {"lang": "en", "locale": "en-GB", "write": "Write to the group", "field": "Message", "send": "Send to the group",
     "new": "1 new", "read": "Mark as read", "more": "More"},
    {"lang": "nl", "locale": "nl-NL", "write": "Schrijf aan de groep", "field": "Bericht",
     "send": "Naar de groep sturen", "new": "1 nieuw", "read": "Markeren als gelezen", "more": "Meer"},
])
async def test_mentor_writes_and_a_phone_reads(new_context: NewContext, labels: dict[str, str]) -> None:
    mentor = await (await new_context(locale=labels["locale"])).new_page()
    code = await create_session(mentor, "Starters group", language=labels["lang"])
    phone = await join(await new_context(**PHONE, locale=labels["locale"]), code, "Ada")
    box = mentor.locator("#messages")
    await box.get_by_text(labels["write"]).click()
    await box.get_by_label(labels["field"]).fill("Bring a case from your own work next week")
    await box.get_by_role("button", name=labels["send"]).click()
    await show_tab(phone, labels["more"])  # between the meetings' things are one tap away on a phone
    mine = phone.locator("#messages")
    await expect(mine).to_contain_text("Bring a case from your own work next week")
    await expect(mine.locator("h2")).to_contain_text(labels["new"])
    await axe_check(phone)
    await shot(phone, f"messages-phone-{labels['lang']}")
    await mine.get_by_role("button", name=labels["read"]).click()
    await expect(mine.locator("h2")).not_to_contain_text(labels["new"])
    await expect(box.get_by_label(labels["field"])).to_have_value("")
    await axe_check(mentor)
