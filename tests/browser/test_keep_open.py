"""Menus and forms a viewer opened stay open through live updates: the mentor is changing a group
goal (and has "Delete data" of someone open) on the trajectory page while participants add goals
and join, which re-renders those very regions; the half-typed text stays, and sending the change
folds the form away. axe-core on the regions involved."""

from __future__ import annotations

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import SEND, NewContext, axe_check_regions, create_session, join, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

TYPED = "Everyone is heard, in the room and online"


async def is_open(details: Locator) -> bool:
    return bool(await details.evaluate("d => d.open"))


async def planned_with_a_group_goal(new_context: NewContext, title: str) -> tuple[Page, str]:
    """A mentor's page and the code of a planned trajectory with one group goal."""
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, title)
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [
        {"cmd": "traj_plan", "name": "Feedback", "theme": "", "target_group": "", "sessions": "6",
         "cadence": "weekly", "format": "hybrid", "first_date": "2026-12-01"},
        {"cmd": "goal_group_add", "text": "Everyone is heard"},
    ]])
    return mentor, code


async def add_goal(participant: Page, text: str) -> None:
    form = participant.locator("#goals-me form.goal-add")
    await form.locator("textarea[name=text]").fill(text)
    await form.locator("button[type=submit]").click()
    await expect(participant.locator("#goals-me .goal-list .goal-text", has_text=text)).to_be_visible()


async def test_open_forms_survive_live_updates_and_close_when_sent(new_context: NewContext) -> None:
    mentor, code = await planned_with_a_group_goal(new_context, "Keep it open")
    ada = await join(await new_context(), code, "Ada")
    await mentor.goto(f"/m/{code}/trajectory")
    await wait_live(mentor)

    # The mentor starts changing the group goal, and opens "Delete data" of Ada.
    change = mentor.locator("#goals-group details.goal-change")
    await change.locator("summary").click()
    await change.locator("textarea[name=text]").fill(TYPED)
    erase = mentor.locator("#trajectory-people li.traj-person", has_text="Ada").locator("details")
    await erase.locator("summary").click()
    assert await is_open(change) and await is_open(erase)

    # Meanwhile Ada adds a goal (re-renders the mentor's #goals-group) and Bob joins (re-renders
    # #trajectory-people): both arrive on the mentor's page ...
    await ada.goto(f"/s/{code}/trajectory")
    await wait_live(ada)
    await add_goal(ada, "I ask for feedback after each lesson")
    await expect(mentor.locator("#goals-group .goals-person")).to_contain_text("I ask for feedback after each lesson")
    await join(await new_context(), code, "Bob")
    await expect(mentor.locator("#trajectory-people .traj-person-name")).to_have_text(["Ada", "Bob"])

    # ... and what the mentor had open is still open, with the typed text.
    assert await is_open(change), "the goal's Change form folded shut on a live update"
    assert await is_open(erase), "Delete data of Ada folded shut on a live update"
    await expect(change.locator("textarea[name=text]")).to_have_value(TYPED)
    await axe_check_regions(mentor, "#goals-group", "#trajectory-people")

    # Sending the change closes the form; the goal has its new text, and it stays closed after
    # the next live update.
    await change.get_by_role("button", name="Save").click()
    await expect(mentor.locator("#goals-group .goal-list-group .goal-text")).to_have_text(TYPED)
    assert not await is_open(change)
    await add_goal(ada, "I give feedback once a week")
    ada_goals = mentor.locator("#goals-group .goals-person", has_text="Ada")
    await expect(ada_goals).to_contain_text("I give feedback once a week")
    assert not await is_open(change)


async def test_an_edit_the_server_refuses_opens_again_with_the_notice(new_context: NewContext) -> None:
    mentor, code = await planned_with_a_group_goal(new_context, "Refused edit")
    await mentor.goto(f"/m/{code}/trajectory")
    await wait_live(mentor)
    change = mentor.locator("#goals-group details.goal-change")
    await change.locator("summary").click()
    # Only spaces: the browser's `required` lets it through, the server refuses an empty goal.
    await change.locator("textarea[name=text]").fill("   ")
    await change.get_by_role("button", name="Save").click()
    await expect(change.locator(".form-error")).not_to_be_empty()  # next to the form (issue 15)
    await expect(change).to_have_attribute("open", "")  # open again, to fix it
    await expect(mentor.locator("#goals-group .goal-list-group .goal-text")).to_have_text("Everyone is heard")
    # Fixed and sent again: accepted, so it closes and stays closed.
    await change.locator("textarea[name=text]").fill(TYPED)
    await change.get_by_role("button", name="Save").click()
    await expect(mentor.locator("#goals-group .goal-list-group .goal-text")).to_have_text(TYPED)
    assert not await is_open(change)
