"""Calendar in real browsers: the mentor cancels and restores a session and sees the group's
calendar address; a phone gets its own calendar address; both feeds parse back with `icalendar`
and show the cancellation. English and Dutch; axe-core on every page."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE, NewContext, axe_check, create_session, wait_live
from tests.browser.test_trajectory import shot

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def statuses(page: Page, url: str) -> dict[int, str]:
    response = await page.request.get(url)
    assert response.ok
    parsed = Calendar.from_ical(await response.body())
    assert isinstance(parsed, Calendar)
    return {int(str(e["UID"]).split("-")[1]): str(e["STATUS"]) for e in parsed.walk("VEVENT")}


async def plan_three(mentor: Page, code: str, tab: str, name: str, first: str, submit: str) -> None:
    await mentor.get_by_role("navigation").get_by_role("link", name=tab).click()
    await mentor.wait_for_url(re.compile(rf"/m/{code}/trajectory$"))
    await wait_live(mentor)
    plan = mentor.locator("#trajectory-plan")
    await plan.get_by_label(name).fill("Starters 2026")
    await plan.locator("input[name=sessions]").fill("3")
    await plan.get_by_label(first).fill("2026-09-07")
    await plan.get_by_role("button", name=submit).click()
    await expect(mentor.locator("#trajectory-plan .traj-session")).to_have_count(3)


async def test_cancel_a_session_and_both_feeds_say_so(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Starters group")
    await plan_three(mentor, code, "Trajectory", "Name of the trajectory", "Date of the first session",
                     "Plan the sessions")
    group_url = await mentor.locator("#group-calendar-link").input_value()
    assert re.fullmatch(rf"http://[^/]+/cal/{code}/[0-9a-f]{{32}}\.ics", group_url)
    assert await statuses(mentor, group_url) == {1: "CONFIRMED", 2: "CONFIRMED", 3: "CONFIRMED"}
    third = mentor.locator("#traj-session-3")
    await third.get_by_text("Change date, time or title of session 3").click()
    await third.get_by_role("button", name="Cancel session 3").click()
    await expect(third.locator(".traj-session-when")).to_contain_text("Cancelled")
    await expect(third.get_by_role("button", name="Restore session 3")).to_be_visible()
    await axe_check(mentor)
    await shot(mentor, "calendar-cancelled-laptop")
    assert (await statuses(mentor, group_url))[3] == "CANCELLED"

    phone = await (await new_context(**PHONE)).new_page()
    await phone.goto(f"/join?code={code}")
    await phone.locator("input[name=name]").fill("Ada")
    await phone.locator("input[name=location][value=room]").check()
    await phone.locator("form[action$='/join'] button.btn-primary").click()
    await phone.wait_for_url(re.compile(rf"/s/{code}/welcome$"))
    await expect(phone.locator(".practical-welcome")).to_contain_text("Cancelled")
    await phone.get_by_role("link", name="Continue to the session").click()
    await wait_live(phone)
    await phone.get_by_role("navigation").get_by_role("link", name="My trajectory").click()
    await wait_live(phone)
    await expect(phone.locator("#trajectory-overview .traj-session").nth(2)).to_contain_text("Cancelled")
    await phone.get_by_role("button", name="Get my calendar address").click()
    await expect(phone.get_by_role("heading", name="Your calendar")).to_be_visible()
    mine = await phone.get_by_label("Calendar address").input_value()
    assert mine != group_url and f"/cal/{code}/" in mine
    await axe_check(phone)
    await shot(phone, "calendar-phone")
    assert (await statuses(phone, mine))[3] == "CANCELLED"

    await third.get_by_role("button", name="Restore session 3").click()
    await expect(third.get_by_role("button", name="Start session 3")).to_be_visible()
    assert (await statuses(phone, mine))[3] == "CONFIRMED"


async def test_cancel_in_dutch(new_context: NewContext) -> None:
    mentor = await (await new_context(locale="nl-NL")).new_page()
    code = await create_session(mentor, "Startersgroep", language="nl")
    await plan_three(mentor, code, "Traject", "Naam van het traject", "Datum van de eerste bijeenkomst",
                     "Bijeenkomsten plannen")
    second = mentor.locator("#traj-session-2")
    await second.get_by_text("Datum, tijd of titel van bijeenkomst 2 wijzigen").click()
    await second.get_by_role("button", name="Bijeenkomst 2 afzeggen").click()
    await expect(second.locator(".traj-session-when")).to_contain_text("Afgezegd")
    await expect(mentor.locator("#practical")).to_contain_text("Agenda-adres van de groep")
    await axe_check(mentor)
