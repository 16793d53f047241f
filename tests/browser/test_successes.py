"""Successes and the mentor's own notes in real browsers. A phone (390x844) shares a win with the
group and one with the mentor only; the console lists both, the projector (1920x1080) shows the
shared one large and then the calm list, never the private one; in Dutch too. The mentor keeps
their own goals and a reflection on the trajectory page, which a phone's frames never carry.
axe-core on every page; screenshots for the eye."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    NewContext,
    axe_check,
    create_session,
    join,
    record_frames,
    show_tab,
    wait_live,
)
from tests.browser.test_trajectory import SHOTS, plan_six, shot

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

PRIVATE = "Asked my manager for a raise"


@pytest.mark.parametrize("labels", [
    {"lang": "en", "locale": "en-GB", "more": "More", "polls": "Polls", "new": "Share a success",
     "field": "Your success",
     "group": "The group: on their pages, and on the projector at the next meeting", "share": "Share",
     "only": "Only the mentor", "show_one": "Show on projector: Ada", "all": "Successes",
     "title": "Our successes", "of": "1 of 1", "hide": "Hide", "none": "No successes shared yet."},
    {"lang": "nl", "locale": "nl-NL", "more": "Meer", "polls": "Peilingen", "new": "Een succes delen",
     "field": "Je succes",
     "group": "De groep: op hun pagina's, en op de beamer bij de volgende bijeenkomst", "share": "Delen",
     "only": "Alleen de mentor", "show_one": "Op de beamer tonen: Ada", "all": "Successen",
     "title": "Onze successen", "of": "1 van 1", "hide": "Verbergen", "none": "Nog geen successen gedeeld."},
])
async def test_a_phone_shares_a_win_and_the_projector_shows_it(new_context: NewContext,
                                                                 labels: dict[str, str]) -> None:
    lang = labels["lang"]
    mentor = await (await new_context(**LAPTOP, locale=labels["locale"])).new_page()
    code = await create_session(mentor, "Starters group", language=lang)
    phone = await join(await new_context(**PHONE, locale=labels["locale"]), code, "Ada")
    href = await mentor.locator(".share-actions a[target=_blank]").first.get_attribute("href")
    assert href is not None
    projector = await (await new_context(**PROJECTOR, locale=labels["locale"])).new_page()
    projector_frames = record_frames(projector)
    await projector.goto(href)
    await wait_live(projector)

    await show_tab(phone, labels["more"])
    box = phone.locator("#successes")
    for text, shared in (("My first client signed <b>today</b>", True), (PRIVATE, False)):
        await box.get_by_text(labels["new"], exact=True).click()
        form = box.locator("#successes-new form")
        await form.get_by_label(labels["field"]).fill(text)
        if shared:
            await box.screenshot(path=str(SHOTS / f"successes-phone-form-{lang}.png"))
        if shared:
            await form.get_by_label(labels["group"]).check()
        else:
            await expect(form.get_by_label(labels["only"])).to_be_checked()  # the default
        await form.get_by_role("button", name=labels["share"], exact=True).click()
        await expect(box.locator(".successes-list")).to_contain_text(text)
    await expect(box.locator(".success").filter(has_text=PRIVATE)).to_contain_text(labels["only"])
    await axe_check(phone)
    await shot(phone, f"successes-phone-{lang}")
    await box.screenshot(path=str(SHOTS / f"successes-phone-region-{lang}.png"))

    console = mentor.locator("#successes-console")
    await expect(console.locator(".success")).to_have_count(2)
    await axe_check(mentor)
    await shot(mentor, f"successes-console-{lang}")
    await console.screenshot(path=str(SHOTS / f"successes-console-region-{lang}.png"))
    # One at a time, large; only the shared one has a projector button.
    await expect(console.get_by_role("button", name=labels["show_one"])).to_have_count(1)
    await show_tab(phone, labels["polls"])
    await console.get_by_role("button", name=labels["show_one"]).click()
    # On the projector they are the group's "now": the phone opens the tab that holds them.
    await expect(phone.get_by_role("tab", name=labels["more"], exact=True)).to_have_attribute("aria-selected", "true")
    await expect(box).to_be_visible()
    stage = projector.locator("#stage")
    await expect(stage.locator(".stage-success-one blockquote")).to_have_text("My first client signed <b>today</b>")
    await expect(stage).to_contain_text(labels["of"])
    await axe_check(projector)
    await shot(projector, f"successes-projector-one-{lang}")
    # The calm list from the projector control.
    await mentor.locator("#projector-control").get_by_role("button", name=labels["all"], exact=True).click()
    await expect(stage.locator(".stage-successes-list li")).to_have_count(1)
    await expect(stage.locator("h2")).to_have_text(labels["title"])
    await axe_check(projector)
    await shot(projector, f"successes-projector-list-{lang}")
    # Hidden by the mentor: gone from the projector.
    await console.get_by_role("button", name=labels["hide"], exact=True).click()
    await expect(stage).to_contain_text(labels["none"])
    assert not any(PRIVATE in frame for frame in projector_frames)
    assert PRIVATE not in await projector.content()


@pytest.mark.parametrize("labels", [
    {"lang": "en", "locale": "en-GB", "plan": {
        "tab": "Trajectory", "name": "Name of the trajectory", "trajectory": "Starters 2026",
        "theme": "Theme", "theme_value": "Feedback", "target": "Target group", "target_value": "New teachers",
        "count": "Number of sessions", "first": "Date of the first session", "fortnightly": "Every two weeks",
        "hybrid": "Hybrid", "submit": "Plan the sessions", "first_label": "Mon 7 Sept", "last_label": "Mon 16 Nov"},
     "live": "Live session", "start": "Start session 1", "title": "My growth as a mentor", "goal": "New goal",
     "add": "Add goal", "reached": "Mark as reached", "well": "What went well",
     "differently": "What I will do differently", "save": "Save reflection", "written": "written"},
    {"lang": "nl", "locale": "nl-NL", "plan": {
        "tab": "Traject", "name": "Naam van het traject", "trajectory": "Starters 2026",
        "theme": "Thema", "theme_value": "Feedback", "target": "Doelgroep", "target_value": "Startende docenten",
        "count": "Aantal bijeenkomsten", "first": "Datum van de eerste bijeenkomst", "fortnightly": "Om de week",
        "hybrid": "Hybride", "submit": "Bijeenkomsten plannen", "first_label": "ma 7 sep", "last_label": "ma 16 nov"},
     "live": "Live bijeenkomst", "start": "Bijeenkomst 1 starten", "title": "Mijn groei als mentor",
     "goal": "Nieuw doel", "add": "Doel toevoegen", "reached": "Markeren als bereikt", "well": "Wat ging goed",
     "differently": "Wat ik anders ga doen", "save": "Reflectie opslaan", "written": "geschreven"},
])
async def test_the_mentor_keeps_goals_and_reflections_that_no_phone_gets(
    new_context: NewContext, labels: dict[str, str | dict[str, str]],
) -> None:
    text = {k: v for k, v in labels.items() if isinstance(v, str)}
    plan = labels["plan"]
    assert isinstance(plan, dict)
    mentor = await (await new_context(**LAPTOP, locale=text["locale"])).new_page()
    code = await create_session(mentor, "Starters group", language=text["lang"])
    await plan_six(mentor, code, plan)
    await mentor.get_by_role("navigation").get_by_role("link", name=text["live"]).click()
    await wait_live(mentor)
    await mentor.locator("#trajectory-bar").get_by_role("button", name=text["start"]).click()
    phone = await join(await new_context(**PHONE, locale=text["locale"]), code, "Ada")
    phone_frames = record_frames(phone)
    await phone.goto(f"/s/{code}/trajectory")
    await wait_live(phone)

    await mentor.get_by_role("navigation").get_by_role("link", name=plan["tab"]).click()
    await wait_live(mentor)
    notes = mentor.locator("#mentor-notes")
    await expect(notes.locator("h2")).to_have_text(text["title"])
    await notes.get_by_label(text["goal"]).fill("SECRET-GOAL: let silences last longer")
    await notes.get_by_role("button", name=text["add"]).click()
    await expect(notes.locator(".mentor-goal")).to_contain_text("SECRET-GOAL: let silences last longer")
    await notes.get_by_role("button", name=text["reached"]).click()
    await expect(notes.locator(".mentor-goal.is-reached")).to_have_count(1)
    reflection = notes.locator("#reflection-form-1")
    await expect(reflection).to_have_attribute("open", "")  # the newest held session, not yet written
    await reflection.get_by_label(text["well"]).fill("SECRET-WELL: the round of cases")
    await reflection.get_by_label(text["differently"]).fill("SECRET-DIFFERENT: start on time")
    await reflection.get_by_role("button", name=text["save"]).click()
    await expect(reflection.locator("summary")).to_contain_text(text["written"])
    await axe_check(mentor)
    await shot(mentor, f"mentor-notes-{text['lang']}")
    await notes.screenshot(path=str(SHOTS / f"mentor-notes-region-{text['lang']}.png"))
    # The phone saw the session start and everything else live, but never the notes.
    await phone.reload()
    await wait_live(phone)
    assert await phone.locator("#mentor-notes").count() == 0
    assert "SECRET" not in await phone.content()
    assert not any("SECRET" in frame for frame in phone_frames)
    await axe_check(phone)
