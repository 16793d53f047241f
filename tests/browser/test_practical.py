"""Practical information in real browsers: the mentor plans with times, writes the practical page
from the template on a laptop, prints it with the join QR code; a phone joins and reads it on the
welcome page and on its trajectory page. In English and in Dutch; axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE, NewContext, axe_check, create_session, wait_live
from tests.browser.test_trajectory import shot

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

EN = {"tab": "Trajectory", "name": "Name of the trajectory", "first": "Date of the first session",
      "start": "Start time", "end": "End time", "submit": "Plan the sessions",
      "write": "Write the practical information", "address": "Address", "link": "Online link",
      "save": "Save the practical information", "print": "Printable version", "template": "I prepare every meeting",
      "heading": "Practical information", "mine": "My trajectory", "continue": "Continue to the session",
      "time": "19:00–21:00", "bad": "Online link must be a web address that starts with https://"}
NL = {"tab": "Traject", "name": "Naam van het traject", "first": "Datum van de eerste bijeenkomst",
      "start": "Begintijd", "end": "Eindtijd", "submit": "Bijeenkomsten plannen",
      "write": "Praktische informatie schrijven", "address": "Adres", "link": "Online link",
      "save": "Praktische informatie bewaren", "print": "Versie om te printen",
      "template": "Ik bereid elke bijeenkomst voor", "heading": "Praktische informatie", "mine": "Mijn traject",
      "continue": "Door naar de bijeenkomst", "time": "19:00–21:00",
      "bad": "Online link moet een webadres zijn dat begint met https://"}


async def write_practical(mentor: Page, code: str, labels: dict[str, str]) -> None:
    await mentor.get_by_role("navigation").get_by_role("link", name=labels["tab"]).click()
    await mentor.wait_for_url(re.compile(rf"/m/{code}/trajectory$"))
    await wait_live(mentor)
    plan = mentor.locator("#trajectory-plan")
    await plan.get_by_label(labels["name"]).fill("Starters 2026")
    await plan.get_by_label(labels["first"]).fill("2026-09-07")
    await plan.get_by_label(labels["start"]).fill("19:00")
    await plan.get_by_label(labels["end"]).fill("21:00")
    await plan.get_by_role("button", name=labels["submit"]).click()
    await expect(plan.locator(".traj-session").first).to_contain_text(labels["time"])
    box = mentor.locator("#practical")
    await expect(box).to_contain_text(labels["time"])
    # The form is open and starts from the template.
    await expect(box.locator("textarea[name=of_mentor]")).to_have_value(re.compile(labels["template"]))
    await box.get_by_label(labels["address"], exact=True).fill("Stationsplein 1, Utrecht")
    await box.get_by_label(labels["link"]).fill("javascript:alert(1)")
    # The browser's own check (type=url) would stop this; the server's is what counts.
    await box.locator("input[name=online_link]").evaluate("el => el.type = 'text'")
    await box.get_by_role("button", name=labels["save"]).click()
    # The refusal sits next to the form that caused it.
    await expect(box.locator(".form-error")).to_contain_text(labels["bad"])
    await box.get_by_label(labels["link"]).fill("https://meet.example.org/abc")
    await box.get_by_role("button", name=labels["save"]).click()
    await expect(box.locator(".practical-info")).to_contain_text("Stationsplein 1, Utrecht")
    await expect(box.get_by_role("link", name="https://meet.example.org/abc")).to_be_visible()
    await axe_check(mentor)


async def check_participant(new_context: NewContext, code: str, labels: dict[str, str], locale: str) -> Page:
    phone = await (await new_context(**PHONE, locale=locale)).new_page()
    await phone.goto(f"/join?code={code}")
    await phone.locator("input[name=name]").fill("Ada")
    await phone.locator("input[name=location][value=room]").check()
    await phone.locator("form[action$='/join'] button.btn-primary").click()
    await phone.wait_for_url(re.compile(rf"/s/{code}/welcome$"))
    welcome = phone.locator(".practical-welcome")
    await expect(welcome.get_by_role("heading", name=labels["heading"])).to_be_visible()
    await expect(welcome).to_contain_text("Stationsplein 1, Utrecht")
    await expect(welcome).to_contain_text(labels["time"])
    await axe_check(phone)
    await phone.get_by_role("link", name=labels["continue"]).click()
    await wait_live(phone)
    await phone.get_by_role("navigation").get_by_role("link", name=labels["mine"]).click()
    await wait_live(phone)
    await expect(phone.locator("#practical")).to_contain_text("Stationsplein 1, Utrecht")
    await expect(phone.locator("#practical form")).to_have_count(0)
    await axe_check(phone)
    return phone


async def test_practical_information_in_english(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Starters group")
    await write_practical(mentor, code, EN)
    await shot(mentor, "practical-laptop")
    phone = await check_participant(new_context, code, EN, "en-GB")
    await shot(phone, "practical-phone")
    # A change arrives live on the phone's trajectory page.
    box = mentor.locator("#practical")
    await box.locator("summary").click()
    await box.get_by_label(EN["address"], exact=True).fill("Neude 11, Utrecht")
    await box.get_by_role("button", name=EN["save"]).click()
    await expect(phone.locator("#practical")).to_contain_text("Neude 11, Utrecht")
    # The printable page, with the join link's QR code.
    async with mentor.context.expect_page() as opened:
        await box.get_by_role("link", name=EN["print"]).click()
    printed = await opened.value
    await expect(printed.locator(".practical-print .qr svg")).to_be_visible()
    await expect(printed.locator(".practical-print")).to_contain_text("Neude 11, Utrecht")
    await axe_check(printed)
    await printed.emulate_media(media="print")
    await expect(printed.get_by_role("button", name="Print")).to_be_hidden()
    await shot(printed, "practical-print")


async def test_practical_information_in_dutch(new_context: NewContext) -> None:
    mentor = await (await new_context(locale="nl-NL")).new_page()
    code = await create_session(mentor, "Startersgroep", language="nl")
    await write_practical(mentor, code, NL)
    await shot(mentor, "practical-laptop-nl")
    await check_participant(new_context, code, NL, "nl-NL")
