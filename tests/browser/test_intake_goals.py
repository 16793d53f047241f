"""A participant on a phone (390x844) fills in the intake, sets learning goals and does a check-in
the mentor opened, in Dutch and in English; the mentor sees the group profile and the group's
progress; axe-core finds nothing serious on any of these pages."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SEND, NewContext, axe_check, axe_check_regions, cast

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

TEXT = {
    "en": {"prompt": "Fill in your intake", "filled": "Filled in", "saved": "your check-in is saved",
           "open": "Open a check-in now", "mine": "Your learning goals", "progress": "Your progress on:",
           "more": "More"},
    "nl": {"prompt": "Vul je intake in", "filled": "Ingevuld", "saved": "je check-in is opgeslagen",
           "open": "Nu een check-in openen", "mine": "Je leerdoelen", "progress": "Je voortgang op:",
           "more": "Meer"},
}


async def fill_intake(phone: Page) -> None:
    form = phone.locator("#intake-me form")
    await form.locator("textarea[name=learn]").fill("Giving feedback that lands")
    await form.locator("input[name=experience][value=new]").check()
    await form.locator("input[name=style][value=examples]").check()
    await form.locator("input[name=style][value=discussion]").check()
    await form.locator("input[name=setting][value=online]").check()
    await form.locator("input[name=need][value=captions]").check()
    await form.locator("textarea[name=access]").fill("I use captions when I join online")
    await form.locator("button[type=submit]").click()


async def add_goal(phone: Page, text: str) -> None:
    form = phone.locator("#goals-me form.goal-add")
    await form.locator("textarea[name=text]").fill(text)
    await form.locator("button[type=submit]").click()
    await expect(phone.locator("#goals-me .goal-list .goal-text", has_text=text)).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_phone_intake_goals_and_check_in(new_context: NewContext, lang: str) -> None:
    words = TEXT[lang]
    room = await cast(new_context, "Feedback geven" if lang == "nl" else "Giving feedback", lang, phones=("Ada",))
    mentor, code, (phone,) = room.mentor, room.code, room.phones
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [
        {"cmd": "traj_plan", "name": "Feedback", "theme": "", "target_group": "", "sessions": "6",
         "cadence": "weekly", "format": "hybrid", "first_date": "2026-12-01"},
        {"cmd": "goal_group_add", "text": "Everyone is heard"},
    ]])

    # The live page asks for the intake; the card leads to the trajectory page.
    prompt = phone.locator("#intake-prompt")
    await expect(prompt).to_contain_text(words["prompt"])
    await phone.get_by_role("tab", name=words["more"]).click()  # one tap away on the phone
    await prompt.get_by_role("link").click()
    await phone.wait_for_url(re.compile(rf"/s/{code}/trajectory#intake-me$"))
    await axe_check(phone)
    await fill_intake(phone)
    intake = phone.locator("#intake-me")
    await expect(intake.locator(".badge-intake-done")).to_have_text(words["filled"])
    await expect(intake.locator(".intake-answers")).to_contain_text("Giving feedback that lands")
    # Her answers stay with her: the form keeps them for a change later.
    await expect(intake.locator("input[name=style][value=discussion]")).to_be_checked()

    # Goals: the hint on measurable goals, then two goals of her own beside the group's.
    await expect(phone.locator("#goals-me h2")).to_have_text(words["mine"])
    await expect(phone.locator("#goal-hint")).to_be_visible()
    await add_goal(phone, "By session 4 I give feedback once a week")
    await add_goal(phone, "I ask for feedback after each lesson")
    await expect(phone.locator("#goals-me .goal-list-group")).to_contain_text("Everyone is heard")
    await axe_check(phone)

    # The mentor opens a check-in on the live console; the phone's live page shows the form.
    await mentor.goto(f"/m/{code}")
    await mentor.locator("#goals-control").get_by_role("button", name=words["open"]).click()
    await expect(mentor.locator("#goals-control .badge-live")).to_be_visible()
    await phone.goto(f"/s/{code}")
    checkin = phone.locator("#goals-checkin")
    await expect(checkin.locator("form.goals-rate")).to_be_visible()
    sets = checkin.locator(".goal-scale-set")
    await expect(sets).to_have_count(3)  # her two goals and the group's
    # Phone-sized steps: every 0-10 button is big enough to tap.
    box = await sets.first.locator(".goal-scale-step").nth(7).bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
    await sets.first.locator(".goal-scale-step").nth(7).click()
    await sets.nth(2).locator(".goal-scale-step").nth(5).click()
    await sets.first.locator("details.goal-note summary").click()
    await sets.first.locator("textarea").fill("Did it twice this week")
    await checkin.locator("button[type=submit]").click()
    await expect(checkin.locator(".goals-done")).to_contain_text(words["saved"])
    await expect(sets.first.locator("input[value='7']")).to_be_checked()
    await axe_check(phone)
    await expect(mentor.locator("#goals-control .goals-status")).to_contain_text("1")

    # Her progress: one chart per rated goal, with the value, on her trajectory page.
    await phone.goto(f"/s/{code}/trajectory")
    figures = phone.locator("#goals-progress figure")
    await expect(figures).to_have_count(2)
    await expect(figures.first.locator(".goal-latest strong")).to_have_text("7")
    await expect(figures.first.locator("svg .goal-dot")).to_have_count(1)
    await expect(figures.first.locator("table")).to_contain_text(words["progress"])
    await expect(figures.first.locator(".goal-notes")).to_contain_text("Did it twice this week")

    # The mentor's trajectory page: the group profile and the group's progress.
    await mentor.goto(f"/m/{code}/trajectory")
    await expect(mentor.locator("#intake-profile .intake-bar")).to_have_count(10)
    await expect(mentor.locator("#intake-profile")).to_contain_text("I use captions when I join online")
    person = mentor.locator("#goals-group .goals-person")
    await expect(person).to_contain_text("By session 4 I give feedback once a week")
    await axe_check_regions(mentor, "#intake-profile", "#goals-control", "#goals-group")
