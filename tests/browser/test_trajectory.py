"""The trajectory in real browsers: a mentor plans a 6-session trajectory (in English and in
Dutch), starts a session from the console, a phone joins and keeps its personal link, and the
projector shows the session number. axe-core on every page; screenshots for the eye."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE, NewContext, axe_check, create_session, open_projector, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

SHOTS = Path(os.environ.get("KRING_SHOTS", "/tmp/shots/t1"))


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def plan_six(mentor: Page, code: str, labels: dict[str, str]) -> None:
    await mentor.get_by_role("navigation").get_by_role("link", name=labels["tab"]).click()
    await mentor.wait_for_url(re.compile(rf"/m/{code}/trajectory$"))
    await wait_live(mentor)
    plan = mentor.locator("#trajectory-plan")
    await plan.get_by_label(labels["name"]).fill(labels["trajectory"])
    await plan.get_by_label(labels["theme"], exact=True).fill(labels["theme_value"])
    await plan.get_by_label(labels["target"], exact=True).fill(labels["target_value"])
    await plan.get_by_label(labels["count"]).fill("6")
    await plan.get_by_label(labels["first"]).fill("2026-09-07")
    await plan.get_by_label(labels["fortnightly"]).check()
    await plan.get_by_label(labels["hybrid"]).check()
    await plan.get_by_role("button", name=labels["submit"]).click()
    sessions = mentor.locator("#trajectory-plan .traj-session")
    await expect(sessions).to_have_count(6)
    await expect(sessions.first.locator(".traj-session-when")).to_contain_text(labels["first_label"])
    await expect(sessions.nth(5).locator(".traj-session-when")).to_contain_text(labels["last_label"])


async def test_mentor_plans_six_sessions_and_a_phone_comes_back_by_its_link(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Starters group")
    await expect(mentor.locator("#trajectory-bar")).to_contain_text("A single session")
    await plan_six(mentor, code, {
        "tab": "Trajectory", "name": "Name of the trajectory", "trajectory": "Starters 2026",
        "theme": "Theme", "theme_value": "Giving and receiving feedback",
        "target": "Target group", "target_value": "New teachers",
        "count": "Number of sessions", "first": "Date of the first session", "fortnightly": "Every two weeks",
        "hybrid": "Hybrid", "submit": "Plan the sessions", "first_label": "Mon 7 Sept",
        "last_label": "Mon 16 Nov",
    })
    # Give session 2 a title.
    second = mentor.locator("#traj-session-2")
    await second.get_by_text("Change date, time or title of session 2").click()
    await second.get_by_label("Title of the session").fill("Feedback that lands")
    await second.get_by_role("button", name="Save").click()
    await expect(second.locator(".traj-session-name")).to_have_text("Session 2: Feedback that lands")
    await axe_check(mentor)
    await shot(mentor, "plan-laptop")

    # Back on the console: one tap starts session 1.
    await mentor.get_by_role("navigation").get_by_role("link", name="Live session").click()
    await wait_live(mentor)
    bar = mentor.locator("#trajectory-bar")
    await bar.get_by_role("button", name="Start session 1").click()
    await expect(bar).to_contain_text("Session 1 of 6")
    await expect(bar).to_contain_text("Running now")
    await expect(mentor.locator("#end-title")).to_have_text("Close the trajectory")
    await axe_check(mentor)

    # The projector's join screen says which session this is.
    projector = await open_projector(new_context, mentor)
    await expect(projector.locator(".pj-session")).to_have_text("Session 1 of 6")
    await axe_check(projector)
    await shot(projector, "projector-join")

    # The mentor watches the people list on the trajectory page while a phone joins.
    await mentor.get_by_role("navigation").get_by_role("link", name="Trajectory").click()
    await wait_live(mentor)

    # A phone joins: it is shown its personal link once, then the session.
    phone = await (await new_context(**PHONE)).new_page()
    await phone.goto(f"/join?code={code}")
    await phone.locator("input[name=name]").fill("Ada")
    await phone.locator("input[name=location][value=room]").check()
    await phone.locator("form[action$='/join'] button.btn-primary").click()
    await phone.wait_for_url(re.compile(rf"/s/{code}/welcome$"))
    await expect(phone.get_by_text("Keep this link; it is yours.")).to_be_visible()
    link = await phone.get_by_label("Personal link", exact=True).input_value()
    assert re.fullmatch(rf"http://[^/]+/r/{code}/\S+", link), link
    await axe_check(phone)
    await shot(phone, "welcome-phone")
    await phone.get_by_role("link", name="Continue to the session").click()
    await wait_live(phone)
    await expect(phone.locator("#trajectory-bar")).to_contain_text("Session 1 of 6")
    await phone.get_by_role("navigation").get_by_role("link", name="My trajectory").click()
    await wait_live(phone)
    await expect(phone.locator("#trajectory-overview .traj-session")).to_have_count(6)
    await expect(phone.locator("#trajectory-overview")).to_contain_text("Feedback that lands")
    await axe_check(phone)
    await shot(phone, "my-trajectory-phone")

    # Ada lost her link: the mentor makes a new one from the list that arrived live (its form
    # token is filled in by trajectory.js); the old link stops working.
    people = mentor.locator("#trajectory-people")
    await expect(people.locator(".traj-person-name")).to_have_text(["Ada"])
    await people.get_by_role("button", name="New link for Ada").click()
    await expect(mentor.get_by_role("heading", name="A new personal link for Ada")).to_be_visible()
    new_link = await mentor.get_by_label("Personal link", exact=True).input_value()
    assert new_link != link
    await axe_check(mentor)
    await shot(mentor, "new-link-laptop")
    stranger = await (await new_context()).new_page()
    await stranger.goto(link)
    await expect(stranger.get_by_role("heading", name="This personal link does not work (any more)")).to_be_visible()

    # The same person on another device, by the new link alone.
    laptop = await (await new_context()).new_page()
    await laptop.goto(new_link)
    await laptop.wait_for_url(re.compile(rf"/s/{code}$"))
    await wait_live(laptop)
    await expect(laptop.locator("#me .me-name")).to_have_text("Ada")


async def test_dutch_mentor_plans_six_sessions(new_context: NewContext) -> None:
    mentor = await (await new_context(locale="nl-NL")).new_page()
    code = await create_session(mentor, "Startersgroep", language="nl")
    await plan_six(mentor, code, {
        "tab": "Traject", "name": "Naam van het traject", "trajectory": "Starters 2026",
        "theme": "Thema", "theme_value": "Feedback geven en ontvangen",
        "target": "Doelgroep", "target_value": "Startende docenten",
        "count": "Aantal bijeenkomsten", "first": "Datum van de eerste bijeenkomst", "fortnightly": "Om de week",
        "hybrid": "Hybride", "submit": "Bijeenkomsten plannen", "first_label": "ma 7 sep",
        "last_label": "ma 16 nov",
    })
    await expect(mentor.locator("#trajectory-plan")).to_contain_text("6 bijeenkomsten gepland")
    await mentor.locator("#traj-session-1").get_by_role("button", name="Bijeenkomst 1 starten").click()
    await expect(mentor.locator("#trajectory-plan")).to_contain_text("Bijeenkomst 1 van 6")
    await axe_check(mentor)
    await shot(mentor, "plan-laptop-nl")
