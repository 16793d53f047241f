"""One-to-ones and private notes in real browsers: the mentor offers two times and sets nothing
else (one booking each by default); a phone books one, moves it and sees the other as free; the
mentor sees who booked and writes a private note that the phone never gets. English and Dutch;
axe-core on the phone's and the mentor's pages. An online one-to-one: the phone and the mentor
join its call from their trajectory pages and see each other (Chromium's fake camera)."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE, NewContext, axe_check, create_session, join, record_frames, wait_live
from tests.browser.test_calendar import plan_three
from tests.browser.test_media import playing
from tests.browser.test_trajectory import SHOTS, shot

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

DAY = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()

EN = {"lang": "en", "locale": "en-GB", "tab": "Trajectory", "name": "Name of the trajectory",
      "first": "Date of the first session", "submit": "Plan the sessions", "my": "My trajectory",
      "offer": "Offer a time", "date": "Date", "start": "Start time", "place": "Place (in person)",
      "offer_button": "Offer this time", "book": "Book", "cancel": "Cancel this one-to-one",
      "move_to": "Move to another time", "move": "Move", "taken": "Taken", "free": "Free",
      "note_about": "Note about Ada", "save_note": "Save note"}
NL = {"lang": "nl", "locale": "nl-NL", "tab": "Traject", "name": "Naam van het traject",
      "first": "Datum van de eerste bijeenkomst", "submit": "Bijeenkomsten plannen", "my": "Mijn traject",
      "offer": "Een tijd aanbieden", "date": "Datum", "start": "Begintijd", "place": "Plek (op locatie)",
      "offer_button": "Deze tijd aanbieden", "book": "Boeken", "cancel": "Dit gesprek annuleren",
      "move_to": "Verplaatsen naar een andere tijd", "move": "Verplaatsen", "taken": "Bezet", "free": "Vrij",
      "note_about": "Notitie over Ada", "save_note": "Notitie opslaan"}


async def offer(mentor: Page, labels: dict[str, str], start: str) -> None:
    box = mentor.locator("#onetoone-mentor")
    details = box.locator("details.onetoone-new")
    if await details.get_attribute("open") is None:
        await details.locator("summary").click()
    await box.get_by_label(labels["date"], exact=True).fill(DAY)
    await box.get_by_label(labels["start"], exact=True).fill(start)
    await box.get_by_label(labels["place"]).fill("Room 2.14")
    await box.get_by_role("button", name=labels["offer_button"]).click()
    await expect(box.locator(".onetoone-slot").filter(has_text=start)).to_have_count(1)


@pytest.mark.parametrize("labels", [EN, NL], ids=["en", "nl"])
async def test_a_phone_books_and_moves_the_mentor_sees_who_and_writes_a_note(
        new_context: NewContext, labels: dict[str, str]) -> None:
    mentor = await (await new_context(locale=labels["locale"])).new_page()
    code = await create_session(mentor, "Starters group", language=labels["lang"])
    await plan_three(mentor, code, labels["tab"], labels["name"], labels["first"], labels["submit"])
    await offer(mentor, labels, "14:00")
    await offer(mentor, labels, "15:00")

    phone = await join(await new_context(**PHONE, locale=labels["locale"]), code, "Ada")
    frames = record_frames(phone)
    await phone.get_by_role("navigation").get_by_role("link", name=labels["my"]).click()
    await phone.wait_for_url(re.compile(rf"/s/{code}/trajectory$"))
    await wait_live(phone)
    mine = phone.locator("#onetoone")
    await mine.get_by_role("button", name=re.compile(rf"^{labels['book']}:? .*14:00")).click()
    await expect(mine.get_by_role("button", name=labels["cancel"])).to_be_visible()
    await expect(mentor.locator("#onetoone-mentor .onetoone-slot.is-taken")).to_contain_text("Ada")
    await axe_check(phone)
    await shot(phone, f"onetoone-phone-booked-{labels['lang']}")
    await mine.screenshot(path=str(SHOTS / f"onetoone-region-phone-booked-{labels['lang']}.png"))
    await mine.get_by_label(labels["move_to"]).select_option(index=0)
    await mine.get_by_role("button", name=labels["move"], exact=True).click()
    await expect(mine.locator(".onetoone-slot.is-mine")).to_contain_text("15:00")
    await expect(mentor.locator("#onetoone-mentor .onetoone-slot.is-taken")).to_contain_text("15:00")
    await expect(mentor.locator("#onetoone-mentor .onetoone-slot.is-free")).to_contain_text(labels["free"])

    notes = mentor.locator("#notes")
    await notes.locator("summary", has_text="Ada").click()
    await notes.get_by_label(labels["note_about"]).fill("Ask about the new team <b>soon</b>")
    # Someone joins while the mentor writes: the list grows, what is typed stays.
    await join(await new_context(**PHONE, locale=labels["locale"]), code, "Ben")
    await expect(notes.locator("summary", has_text="Ben")).to_be_visible()
    await expect(notes.get_by_label(labels["note_about"])).to_have_value("Ask about the new team <b>soon</b>")
    await notes.get_by_role("button", name=labels["save_note"]).click()
    await expect(notes.locator(".private-note-text")).to_contain_text("Ask about the new team <b>soon</b>")
    await axe_check(mentor)
    await shot(mentor, f"onetoone-mentor-{labels['lang']}")
    await mentor.locator("#onetoone-mentor").screenshot(
        path=str(SHOTS / f"onetoone-region-mentor-{labels['lang']}.png"))
    await notes.screenshot(path=str(SHOTS / f"notes-region-mentor-{labels['lang']}.png"))
    # The phone still sees Ada's own booking and the other time as free, and never the note.
    await phone.reload()
    await wait_live(phone)
    await expect(phone.locator("#onetoone .onetoone-slot.is-free")).to_have_count(1)
    assert "new team" not in await phone.content() and all("new team" not in f for f in frames)
    await shot(phone, f"onetoone-phone-moved-{labels['lang']}")
    await phone.locator("#onetoone").screenshot(path=str(SHOTS / f"onetoone-region-phone-moved-{labels['lang']}.png"))


async def test_an_online_one_to_one_is_a_call_of_two_from_the_personal_page(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Starters group")
    await plan_three(mentor, code, EN["tab"], EN["name"], EN["first"], EN["submit"])
    box = mentor.locator("#onetoone-mentor")
    await box.locator("details.onetoone-new summary").click()
    await box.get_by_label("Date", exact=True).fill(DAY)
    await box.get_by_label("Start time", exact=True).fill("10:00")
    await box.get_by_label("Online", exact=True).check()
    await box.get_by_role("button", name="Offer this time").click()
    await expect(box.locator(".onetoone-slot")).to_have_count(1)

    phone = await join(await new_context(**PHONE), code, "Ada", "room")
    await phone.goto(f"/s/{code}/trajectory")
    await wait_live(phone)
    await phone.locator("#onetoone").get_by_role("button", name=re.compile(r"^Book .*10:00")).click()
    await phone.locator("#onetoone").get_by_role("link", name="Join the call").click()
    await phone.wait_for_url(re.compile(rf"/s/{code}/call/[^/]+$"))
    panel = phone.locator("#call-panel")
    await expect(panel.get_by_role("heading", name="One-to-one call")).to_be_visible()
    await axe_check(phone)
    await panel.get_by_role("button", name="Join with camera and microphone").click()

    await box.get_by_role("link", name="Join the call").click()
    await mentor.wait_for_url(re.compile(rf"/m/{code}/call/[^/]+$"))
    await expect(mentor.get_by_role("heading", name="One-to-one call: Ada")).to_be_visible()
    await mentor.locator("#call-panel").get_by_role("button", name="Join with camera and microphone").click()
    # Each sees the other: the phone the mentor, the mentor Ada.
    await playing(phone, "#call-panel .media-tile[data-member='mentor'] video")
    await playing(mentor, "#call-panel .media-tile[data-member^='p:'] video")
    await expect(phone.locator("[data-media-status]")).to_have_text("Audio and video are live.")
    await axe_check(phone)
    await axe_check(mentor)
    await shot(phone, "onetoone-call-phone")
    await shot(mentor, "onetoone-call-mentor")
