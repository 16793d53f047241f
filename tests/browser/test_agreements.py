"""Group agreements in real browsers: a phone proposes, the mentor fixes the list on the console,
the phone accepts and has the list pinned, the projector shows it; in Dutch too. axe-core on
every page."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PHONE, NewContext, axe_check, create_session, join, open_projector, show_tab
from tests.browser.test_trajectory import shot

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def test_propose_fix_accept_and_project(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Starters group")
    phone = await join(await new_context(**PHONE), code, "Ada")
    await show_tab(phone, "More")  # the agreements are one tap away on a phone ...
    box = phone.locator("#agreements")
    await box.get_by_label("Your proposal").fill("Phones away during the round")
    await box.get_by_role("button", name="Propose").click()
    console = mentor.locator("#agreements-console")
    await expect(console).to_contain_text("Phones away during the round")
    await console.get_by_text("Fix the list", exact=True).click()
    await expect(console.get_by_label("The agreements")).to_have_value("Phones away during the round")
    await console.get_by_label("The agreements").fill("Phones away during the round\nStart on time")
    await console.get_by_role("button", name="Fix the agreements").click()
    await expect(box.locator(".agreements-list li")).to_have_text(["Phones away during the round", "Start on time"])
    await axe_check(phone)
    await box.get_by_role("button", name="I accept these agreements").click()
    await expect(box).to_contain_text("You accepted these agreements.")
    await expect(console).to_contain_text("1 participant accepted: Ada")
    await shot(phone, "agreements-phone")
    await axe_check(mentor)
    await shot(mentor, "agreements-console")

    projector = await open_projector(new_context, mentor)
    await mentor.locator("#projector-control").get_by_role("button", name="Agreements").click()
    await expect(projector.locator(".stage-agreements-list li")).to_have_count(2)
    await expect(projector.locator("#stage")).not_to_contain_text("Ada")
    # ... and in front of everyone once they are on the projector.
    await show_tab(phone, "Polls")
    await mentor.locator("#projector-control").get_by_role("button", name="Queue").click()
    await mentor.locator("#projector-control").get_by_role("button", name="Agreements").click()
    await expect(phone.get_by_role("tab", name="More", exact=True)).to_have_attribute("aria-selected", "true")
    await expect(box).to_be_visible()
    await axe_check(projector)
    await shot(projector, "agreements-projector")


async def test_agreements_in_dutch(new_context: NewContext) -> None:
    mentor = await (await new_context(locale="nl-NL")).new_page()
    code = await create_session(mentor, "Startersgroep", language="nl")
    phone = await join(await new_context(**PHONE, locale="nl-NL"), code, "Ada")
    console = mentor.locator("#agreements-console")
    await console.get_by_text("Lijst vaststellen", exact=True).click()
    await console.get_by_label("De afspraken").fill("Op tijd beginnen")
    await console.get_by_role("button", name="Afspraken vaststellen").click()
    await show_tab(phone, "Meer")
    box = phone.locator("#agreements")
    await box.get_by_role("button", name="Ik accepteer deze afspraken").click()
    await expect(box).to_contain_text("Je hebt deze afspraken geaccepteerd.")
    await expect(console).to_contain_text("1 deelnemer heeft geaccepteerd: Ada")
    await axe_check(phone)
    await axe_check(mentor)
