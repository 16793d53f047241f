"""Materials in real browsers: the mentor adds a link and a file to session 1 on the trajectory
page of a laptop; a phone (390x844) finds both in its agenda tab and on "My trajectory" and
downloads the file; a wrong file is refused in the person's language. English and Dutch;
axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE, NewContext, axe_check, create_session, show_tab, wait_live
from tests.browser.test_trajectory import SHOTS, shot

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 30_000 + b"\n%%EOF\n"

EN = {"lang": "en", "locale": "en-GB", "tab": "Trajectory", "name": "Name of the trajectory",
      "first": "Date of the first session", "submit": "Plan the sessions", "add_link": "Add a link",
      "title": "Title", "url": "Web address", "link_button": "Add the link", "add_file": "Add a file",
      "file": "File", "file_button": "Add the file", "agenda": "Agenda", "mine": "My trajectory",
      "heading": "Materials of session 1", "refused": "The file was not added", "back": "Back",
      "wrong": "Only PDF, PNG, JPEG"}
NL = {"lang": "nl", "locale": "nl-NL", "tab": "Traject", "name": "Naam van het traject",
      "first": "Datum van de eerste bijeenkomst", "submit": "Bijeenkomsten plannen", "add_link": "Een link toevoegen",
      "title": "Titel", "url": "Webadres", "link_button": "Link toevoegen", "add_file": "Een bestand toevoegen",
      "file": "Bestand", "file_button": "Bestand toevoegen", "agenda": "Agenda", "mine": "Mijn traject",
      "heading": "Materialen van bijeenkomst 1", "refused": "Het bestand is niet toegevoegd", "back": "Terug",
      "wrong": "Je kunt alleen PDF-"}


async def plan(mentor: Page, code: str, labels: dict[str, str]) -> None:
    await mentor.get_by_role("navigation").get_by_role("link", name=labels["tab"]).click()
    await mentor.wait_for_url(re.compile(rf"/m/{code}/trajectory$"))
    await wait_live(mentor)
    form = mentor.locator("#trajectory-plan")
    await form.get_by_label(labels["name"]).fill("Starters 2026")
    await form.get_by_label(labels["first"]).fill("2026-09-07")
    await form.get_by_role("button", name=labels["submit"]).click()
    await expect(form.locator(".traj-session")).to_have_count(6)


async def add_file(mentor: Page, labels: dict[str, str], name: str, data: bytes) -> None:
    box = mentor.locator("#materials-plan")
    await box.get_by_text(labels["add_file"]).click()
    await box.get_by_label(labels["file"], exact=True).set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": data}])
    await box.get_by_role("button", name=labels["file_button"]).click()


@pytest.mark.parametrize("labels", [EN, NL], ids=["en", "nl"])
async def test_mentor_adds_a_link_and_a_file_and_a_phone_downloads_it(new_context: NewContext,
                                                                     labels: dict[str, str]) -> None:
    mentor = await (await new_context(locale=labels["locale"])).new_page()
    code = await create_session(mentor, "Starters group", language=labels["lang"])
    await plan(mentor, code, labels)
    box = mentor.locator("#materials-plan")
    await box.get_by_text(labels["add_link"]).click()
    await box.get_by_label(labels["title"], exact=True).fill("Reading: feedback that lands")
    await box.get_by_label(labels["url"]).fill("https://example.org/reading")
    await box.get_by_role("button", name=labels["link_button"]).click()
    link = box.get_by_role("link", name=re.compile("Reading: feedback that lands"))
    await expect(link).to_have_attribute("rel", "noopener noreferrer")
    await expect(link).to_have_attribute("href", "https://example.org/reading")

    # A page made to look like a PDF is refused, in the mentor's language, and nothing is listed.
    await add_file(mentor, labels, "slides.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    await expect(mentor.get_by_role("heading", name=labels["refused"])).to_be_visible()
    await expect(mentor.locator("main")).to_contain_text(labels["wrong"])
    await axe_check(mentor)
    await mentor.get_by_role("link", name=labels["back"]).click()
    await wait_live(mentor)
    await expect(box.locator(".material")).to_have_count(1)

    await add_file(mentor, labels, "Week 1 slides.pdf", PDF)
    await mentor.wait_for_url(re.compile(rf"/m/{code}/trajectory#materials$"))
    await wait_live(mentor)
    await expect(box.locator(".material")).to_have_count(2)
    await expect(box.get_by_role("link", name="Week 1 slides.pdf")).to_be_visible()
    await axe_check(mentor)
    await shot(mentor, f"materials-laptop-{labels['lang']}")
    await box.screenshot(path=str(SHOTS / f"materials-laptop-box-{labels['lang']}.png"))

    phone = await (await new_context(**PHONE, locale=labels["locale"])).new_page()
    await phone.goto(f"/join?code={code}")
    await phone.locator("input[name=name]").fill("Ada")
    await phone.locator("input[name=location][value=remote]").check()
    await phone.locator("form[action$='/join'] button.btn-primary").click()
    await phone.wait_for_url(re.compile(rf"/s/{code}/welcome$"))
    await phone.goto(f"/s/{code}")
    await wait_live(phone)
    await show_tab(phone, labels["agenda"])
    now = phone.locator("#materials")
    await expect(now.get_by_role("heading", name=labels["heading"])).to_be_visible()
    await expect(now.get_by_role("link", name=re.compile("Reading: feedback that lands"))).to_be_visible()
    async with phone.expect_download() as started:
        await now.get_by_role("link", name="Week 1 slides.pdf").click()
    download = await started.value
    assert download.suggested_filename == "Week 1 slides.pdf"
    saved = await download.path()
    assert saved is not None and saved.read_bytes() == PDF
    await axe_check(phone)
    await shot(phone, f"materials-phone-{labels['lang']}")

    await phone.get_by_role("navigation").get_by_role("link", name=labels["mine"]).click()
    await wait_live(phone)
    plan_box = phone.locator("#materials-plan")
    await expect(plan_box.locator(".material")).to_have_count(2)
    await expect(plan_box.locator("form")).to_have_count(0)  # nothing to add or remove for her
    await axe_check(phone)
    await shot(phone, f"materials-phone-trajectory-{labels['lang']}")

    # The mentor's console shows them with the agenda of the session that comes next.
    await mentor.goto(f"/m/{code}")
    await wait_live(mentor)
    console = mentor.locator("#materials")
    await expect(console.get_by_role("heading", name=labels["heading"])).to_be_visible()
    await expect(console.get_by_role("link", name="Week 1 slides.pdf")).to_be_visible()
    await axe_check(mentor)
    await console.screenshot(path=str(SHOTS / f"materials-console-box-{labels['lang']}.png"))
