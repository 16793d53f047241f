"""E-mail between meetings in real browsers, on a Kring process of its own with an SMTP server
(aiosmtpd) configured: a phone opts in, the mentor sees that it did (not the address), a message
arrives by mail in the phone's language, a bad address is refused in that language, and the phone
stops its e-mail again. English and Dutch; axe-core on the phone's page and the mentor's region."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pytest
from playwright.async_api import expect

from bench.serverproc import ServerProcess
from tests.browser.conftest import PHONE, NewContext, axe_check, axe_check_regions, create_session, join, show_tab
from tests.browser.test_trajectory import shot
from tests.smtpkit import Received, SmtpServer

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("kring-mail"), env={
        "KRING_SMTP_HOST": "127.0.0.1", "KRING_SMTP_PORT": str(smtp.port), "KRING_SMTP_STARTTLS": "off",
        "KRING_MAIL_FROM": "Kring <kring@example.org>", "KRING_MAIL_SWEEP_S": "0.2",
    }).start()
    try:
        yield proc
    finally:
        proc.stop()


async def mail_to(smtp: SmtpServer, address: str) -> Received:
    for _ in range(300):
        found = [m for m in smtp.inbox.mails if m.rcpt_tos == (address,)]
        if found:
            return found[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no mail to {address}")


@pytest.mark.parametrize("labels", [
    {"lang": "en", "locale": "en-GB", "more": "More", "field": "E-mail address", "consent": "Yes, send me",
     "save": "Save", "goes": "go to", "mentor": "1 participant gets", "subject": "a message from your mentor",
     "bad": "must be an e-mail address", "change": "Change address", "stop": "Stop e-mails"},
    {"lang": "nl", "locale": "nl-NL", "more": "Meer", "field": "E-mailadres", "consent": "Ja, stuur me",
     "save": "Opslaan", "goes": "gaan naar", "mentor": "1 deelnemer krijgt", "subject": "een bericht van je mentor",
     "bad": "moet een e-mailadres zijn", "change": "Adres wijzigen", "stop": "Stop de e-mails"},
])
async def test_a_phone_opts_in_gets_a_message_and_stops(new_context: NewContext, mail_server: ServerProcess,
                                                        smtp: SmtpServer, labels: dict[str, str]) -> None:
    lang = labels["lang"]
    mentor = await (await new_context(base_url=mail_server.url, locale=labels["locale"])).new_page()
    code = await create_session(mentor, "Starters group", language=lang)
    phone = await join(await new_context(base_url=mail_server.url, **PHONE, locale=labels["locale"]), code, "Ada")
    await show_tab(phone, labels["more"])
    box = phone.locator("#mail")
    address = f"ada.{lang}@example.org"
    await box.get_by_label(labels["field"]).fill(address)
    await box.get_by_label(re.compile(labels["consent"])).check()
    await shot(phone, f"mail-phone-form-{lang}")
    await axe_check(phone)
    await box.get_by_role("button", name=labels["save"]).click()
    await expect(box).to_contain_text(f"{labels['goes']} {address}")
    await axe_check(phone)
    await shot(phone, f"mail-phone-on-{lang}")
    # The mentor sees who gets e-mail, not where it goes.
    region = mentor.locator("#mail")
    await expect(region).to_contain_text(labels["mentor"])
    await expect(region).to_contain_text("Ada")
    assert address not in await mentor.content()
    await axe_check_regions(mentor, "#mail")
    await shot(mentor, f"mail-mentor-{lang}")
    # A message to the group arrives by mail, in the phone's language.
    messages = mentor.locator("#messages")
    await messages.locator("summary").first.click()
    await messages.locator("textarea[name=text]").fill("Bring a case next week")
    await messages.locator("form:has(input[value=message_post]) button").click()
    received = await mail_to(smtp, address)
    assert labels["subject"] in received.message["Subject"] and "Bring a case next week" in received.body
    # An address the browser lets through but Kring cannot send to: refused in the phone's language.
    await box.get_by_text(labels["change"]).click()
    await box.get_by_label(labels["field"]).fill("ada@localhost")
    await box.get_by_label(re.compile(labels["consent"])).check()
    await box.get_by_role("button", name=labels["save"]).click()
    await expect(box.locator(".form-error")).to_contain_text(labels["bad"])  # next to its form
    await expect(box).to_contain_text(f"{labels['goes']} {address}")  # nothing changed
    await box.get_by_role("button", name=re.compile(labels["stop"])).click()
    await expect(box.get_by_label(labels["field"])).to_have_value("")
    await expect(region).not_to_contain_text("Ada")
