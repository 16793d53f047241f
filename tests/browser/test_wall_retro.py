"""The guided retro on a wall in a real browser (issue 17): phases moved on by the mentor with a
timer on the phones and the projector, several post-its grouped at once by keyboard and from a
phone, group totals, the ranked "discuss these" list walked through with the spotlight, and an
action point that lands in the session's carry-over. Both languages; axe-core on every role."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE, SEND, NewContext, axe_check, create_session, join
from tests.browser.test_wall import projector_on_wall, write
from tests.browser.test_wall_votes_keys import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def next_phase(mentor: Page, button: re.Pattern[str], minutes: str = "", votes: str = "") -> None:
    form = mentor.locator("#wall form.wall-phase-next").first
    if minutes:
        await form.locator("input[name=minutes]").fill(minutes)
    if votes:
        await form.locator("input[name=votes]").fill(votes)
    await form.get_by_role("button", name=button).click()


async def test_a_guided_retro_from_writing_to_an_action_point(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Retro")
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [
        {"cmd": "traj_plan", "name": "Start-ups", "theme": "Pitching", "target_group": "Founders",
         "sessions": "3", "cadence": "weekly", "format": "hybrid", "first_date": "2026-09-07"},
        {"cmd": "traj_start", "number": "1"},
    ]])
    form = mentor.locator("#wall details.wall-new form")
    await form.locator("input[name=title]").fill("How did the month go?")
    await form.locator("select[name=template]").select_option(index=2)  # start / stop / continue
    await form.locator("input[name=blind]").check()  # hidden until the group phase
    await form.get_by_role("button", name="Create wall").click()
    projector = await projector_on_wall(new_context, mentor)
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    bram = await join(await new_context(**PHONE), code, "Bram", "remote")

    # Writing, with a five-minute timer on the phones and the projector.
    await next_phase(mentor, re.compile("^Guide a retro"), minutes="5")
    for page, scope in ((ada, "#wall"), (bram, "#wall"), (projector, ".wall-stage")):
        await expect(page.locator(f"{scope} .wall-phases li[aria-current=step]")).to_have_text("Writing")
        await expect(page.locator(f"{scope} .wall-phase-timer [role=timer]")).to_have_text(re.compile(r"^[45]:\d\d$"))
    await write(ada, "Shorter days")
    await write(ada, "More walks", column="Continue")
    await write(bram, "Fewer meetings")
    await expect(bram.locator("#wall .note")).to_have_count(0)  # hidden until the group phase
    await axe_check(bram)

    # Grouping: the post-its show; the mentor selects two and groups them, by keyboard only.
    await next_phase(mentor, re.compile("^Next: Grouping"))
    await expect(bram.locator("#wall .note")).to_have_count(3)
    await expect(projector.locator(".wall-stage .wall-phases li[aria-current=step]")).to_have_text("Grouping")
    for text in ("Shorter days", "Fewer meetings"):
        box = mentor.locator("#wall .note", has_text=text).get_by_role("checkbox")
        await box.focus()
        await mentor.keyboard.press("Space")
        await expect(box).to_be_checked()
    label = mentor.locator("#wall form.wall-pick input[name=label]")
    await label.focus()
    await mentor.keyboard.type("Time")
    await mentor.keyboard.press("Enter")
    group = mentor.locator("#wall .wall-group", has_text="Time")
    await expect(group.locator(".note")).to_have_count(2)
    await expect(ada.locator("#wall .wall-group", has_text="Time").locator(".note")).to_have_count(2)
    await axe_check(mentor)

    # From a phone, when the mentor lets participants arrange: "More walks" joins the group.
    wid = await mentor.locator("#wall .wall-board").first.get_attribute("data-wall")
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [
        {"cmd": "wall_configure", "wall": wid, "title": "How did the month go?", "arrange": "on"}]])
    walks = ada.locator("#wall .note", has_text="More walks")
    await walks.get_by_role("checkbox").check()
    await ada.locator("#wall form.wall-pick select[name=into]").select_option(label="Time")
    await ada.locator("#wall form.wall-pick").get_by_role("button", name="Group the selected post-its").click()
    await expect(mentor.locator("#wall .wall-group", has_text="Time").locator(".note")).to_have_count(3)
    await axe_check(ada)

    # Voting: two dots each; the projector shows the phase; counts hidden until the discussion.
    await next_phase(mentor, re.compile("^Next: Voting"), votes="2")
    await expect(ada.locator("#wall-mine .wall-votes-left")).to_contain_text("2 of 2 votes left")
    await ada.locator("#wall .note", has_text="Shorter days").get_by_role("button", name=re.compile("^Vote")).click()
    await ada.locator("#wall .note", has_text="More walks").get_by_role("button", name=re.compile("^Vote")).click()
    await bram.locator("#wall .note", has_text="Fewer meetings").get_by_role("button", name=re.compile("^Vote")).click()
    await expect(ada.locator("#wall-mine .wall-votes-left")).to_contain_text("0 of 2 votes left")
    await expect(bram.locator("#wall .wall-group-votes")).to_have_count(0)

    # Discussing: the vote closes, the group's total shows, and the ranked list leads with it.
    await next_phase(mentor, re.compile("^Next: Discussing"), minutes="10")
    for page in (ada, bram, mentor):
        await expect(page.locator("#wall .wall-group-votes")).to_have_text("3 votes")
        await expect(page.locator("#wall .wall-ranked-list > li").first).to_contain_text("Time")
    await expect(projector.locator(".wall-stage .wall-group-votes")).to_have_text("3 votes")
    first = mentor.locator("#wall .wall-ranked-list > li").first
    await first.get_by_role("button", name=re.compile("^Spotlight")).click()
    await expect(projector.locator(".wall-spotlight .wall-spotlight-label")).to_have_text("Time 3 votes")
    await expect(projector.locator(".wall-spotlight .note")).to_have_count(3)
    SHOTS.mkdir(parents=True, exist_ok=True)
    await projector.screenshot(path=str(SHOTS / "projector-retro-spotlight.png"))
    await axe_check(projector)
    action = first.locator("input[name=text]")
    await action.fill("Block one meeting-free afternoon a week")
    await first.get_by_role("button", name="Make it an action point").click()
    await expect(action).to_have_value("Time")  # sent: the form is back to its entry
    # Session 1's carry-over has it: what the next session picks up (realtime/carryover.py).
    exported = await (await mentor.request.get(f"/m/{code}/export.json")).json()
    assert exported["carryover"] == [{"session": 1, "action_points": ["Block one meeting-free afternoon a week"],
                                      "open_questions": []}]


async def test_the_retro_phases_in_dutch(new_context: NewContext) -> None:
    mentor = await (await new_context(locale="nl-NL")).new_page()
    code = await create_session(mentor, "Retro NL", language="nl")
    form = mentor.locator("#wall details.wall-new form")
    await form.locator("input[name=title]").fill("Hoe ging het?")
    await form.locator("button[type=submit]").click()
    ada = await join(await new_context(locale="nl-NL", **PHONE), code, "Ada", "room")
    await mentor.locator("#wall form.wall-phase-next button[type=submit]").first.click()
    await expect(ada.locator("#wall .wall-phases li[aria-current=step]")).to_have_text("Schrijven")
    await expect(ada.locator("#wall .wall-phase-hint")).to_have_text("Schrijf je post-its.")
    await expect(mentor.locator("#wall form.wall-phase-next").first).to_contain_text("Volgende: Groeperen")
    await axe_check(ada)
    await axe_check(mentor)


async def test_comments_and_reactions_under_a_post_it_and_the_mentor_hides_one(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Talk")
    form = mentor.locator("#wall details.wall-new form")
    await form.locator("input[name=title]").fill("Ideas?")
    await form.get_by_role("button", name="Create wall").click()
    projector = await projector_on_wall(new_context, mentor)
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    bram = await join(await new_context(**PHONE), code, "Bram", "remote")
    await write(ada, "Walk and talk", column="Expectations")

    note = bram.locator("#wall .note", has_text="Walk and talk")
    await note.locator("details.note-talk > summary").click()
    await note.get_by_role("button", name="Good idea").click()
    # The reaction shows before the comment is typed (a comment typed while an update morphs the
    # post-it is the next test's).
    await expect(note.locator(".note-reacts")).to_contain_text("1")
    await note.get_by_label("Your comment").fill("Yes, outside!")
    await note.get_by_label("Your comment").press("Enter")
    await expect(note.locator(".note-comment-list")).to_contain_text("Yes, outside! – Bram")
    await expect(note.locator("details.note-talk")).to_have_attribute("open", "")  # stays open
    await expect(note.get_by_label("Your comment")).to_have_value("")
    on_ada = ada.locator("#wall .note", has_text="Walk and talk")
    await expect(on_ada.locator(".note-reacts")).to_contain_text("1")
    await expect(on_ada.locator("details.note-talk > summary")).to_contain_text("1 comment")
    stage_note = projector.locator(".wall-stage .note", has_text="Walk and talk")
    await expect(stage_note.locator(".note-comment-count")).to_have_text("1 comment")
    await expect(stage_note.locator(".note-reacts")).to_contain_text("1")
    await axe_check(bram)

    # The mentor hides the comment: greyed on the console, gone on the phones.
    mine = mentor.locator("#wall .note", has_text="Walk and talk")
    await mine.locator("details.note-talk > summary").click()
    await mine.get_by_role("button", name=re.compile("^Hide.*Yes, outside")).click()
    await expect(mine.locator(".note-comment-list li.is-hidden")).to_contain_text("Yes, outside!")
    await expect(ada.locator("#wall .note", has_text="Walk and talk").locator(".note-comment-list")).to_have_count(0)
    await expect(stage_note.locator(".note-comment-count")).to_have_count(0)
    await axe_check(mentor)


async def test_a_comment_being_typed_survives_a_live_update_of_its_post_it(new_context: NewContext) -> None:
    """A post-it's comment box is filled in from the wall's template (wall.js); a live update of
    that post-it (someone reacts) morphs it back to the server's HTML and the box is filled in
    again. What was typed, and the focus, must come back with it (it was the known issue of a
    comment that came out empty)."""
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Typing")
    form = mentor.locator("#wall details.wall-new form")
    await form.locator("input[name=title]").fill("Ideas?")
    await form.get_by_role("button", name="Create wall").click()
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    bram = await join(await new_context(**PHONE), code, "Bram", "remote")
    await write(ada, "Walk and talk", column="Expectations")

    note = bram.locator("#wall .note", has_text="Walk and talk")
    await note.locator("details.note-talk > summary").click()
    box = note.get_by_label("Your comment")
    await box.fill("Half typed, not sent")
    before = await box.element_handle()
    # Ada reacts: Bram's copy of the post-it is morphed (its reactions line is new).
    on_ada = ada.locator("#wall .note", has_text="Walk and talk")
    await on_ada.locator("details.note-talk > summary").click()
    await on_ada.get_by_role("button", name="Good idea").click()
    await expect(note.locator(".note-reacts")).to_contain_text("1")
    # The box was made anew (so this checks the refill, not a box the morph left alone) ...
    assert before is not None and not await before.evaluate("el => el.isConnected")
    # ... with the text and the focus it had.
    await expect(box).to_have_value("Half typed, not sent")
    await expect(box).to_be_focused()
    await box.press("Enter")
    await expect(note.locator(".note-comment-list")).to_contain_text("Half typed, not sent – Bram")
    # Sent is sent: the update that brought the comment (a refill) did not bring the text back.
    await expect(box).to_have_value("")
