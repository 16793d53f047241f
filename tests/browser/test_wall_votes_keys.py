"""Issue 15's wall items in a real browser: a participant's own dots on the post-its (with "Vote"
disabled when spent and "Take back" on the post-it), the focus staying on a moved or grouped
post-it with fewer key presses, and a projected wall of 60 post-its that stays readable (text at
least 24 px at 1920x1080) with one post-it or a group in the spotlight."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import (
    PHONE,
    SEND,
    NewContext,
    axe_check,
    create_session,
    join,
)
from tests.browser.test_wall import new_wall, projector_on_wall, write

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

# Where the projector screenshots go (looked at by a person; not compared by the test).
SHOTS = Path(os.environ.get("KRING_SHOTS", "/tmp/kring-shots"))


async def start_voting(mentor: Page, per_person: int, *, multiple: bool = False, live: bool = True) -> None:
    tools = mentor.locator("#wall details.wall-tools", has_text="Dot voting")
    if not await tools.evaluate("d => d.open"):
        await tools.locator("summary").first.click()
    if await tools.get_by_role("button", name="Stop voting").count():
        await tools.get_by_role("button", name="Stop voting").click()
    await tools.locator("input[name=per_person]").fill(str(per_person))
    if multiple:
        await tools.locator("input[name=multiple]").check()
    if live:
        await tools.locator("input[name=live]").check()
    await tools.get_by_role("button", name="Start a voting round").click()
    await expect(mentor.locator("#wall .badge", has_text="Voting")).to_be_visible()


async def test_own_dots_show_on_the_post_its_and_go_back_from_there(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Dots")
    await new_wall(mentor, "Retro")
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    bram = await join(await new_context(**PHONE), code, "Bram", "remote")
    await write(ada, "Shorter days")
    await write(ada, "More walks")
    await start_voting(mentor, 2, multiple=True)

    days = ada.locator("#wall .note", has_text="Shorter days")
    walks = ada.locator("#wall .note", has_text="More walks")
    vote = re.compile("^Vote")
    back = re.compile("^Take back")
    await expect(days.get_by_role("button", name=back)).to_be_hidden()
    await days.get_by_role("button", name=vote).click()
    await expect(days.locator(".note-mine")).to_contain_text("yours: 1")
    await expect(days.get_by_role("button", name=back)).to_be_visible()
    await days.get_by_role("button", name=vote).click()  # several on one post-it are allowed here
    await expect(days.locator(".note-mine")).to_contain_text("yours: 2")
    # Spent: "Vote" is disabled on every post-it, and nobody else's page shows Ada's dots.
    await expect(walks.get_by_role("button", name=vote)).to_be_disabled()
    await expect(days.get_by_role("button", name=vote)).to_be_disabled()
    await expect(walks.locator(".note-mine")).to_be_hidden()
    await expect(bram.locator("#wall .note", has_text="Shorter days").locator(".note-votes")).to_have_text("● 2")
    await expect(bram.locator("#wall .note-mine:visible")).to_have_count(0)
    await expect(bram.locator("#wall .note", has_text="More walks").get_by_role("button", name=vote)).to_be_enabled()
    await axe_check(ada)

    # Taken back on the post-it itself: one dot goes, voting is possible again.
    await days.get_by_role("button", name=back).click()
    await expect(days.locator(".note-mine")).to_contain_text("yours: 1")
    await expect(walks.get_by_role("button", name=vote)).to_be_enabled()
    await expect(bram.locator("#wall .note", has_text="Shorter days").locator(".note-votes")).to_have_text("● 1")

    # A round of one vote per post-it: after one here, "Vote" here is disabled, elsewhere not.
    await start_voting(mentor, 3)
    await expect(days.locator(".note-mine")).to_be_hidden()  # a new round starts from zero
    await days.get_by_role("button", name=vote).click()
    await expect(days.get_by_role("button", name=vote)).to_be_disabled()
    await expect(walks.get_by_role("button", name=vote)).to_be_enabled()
    await expect(ada.locator("#wall-mine .wall-votes-left")).to_contain_text("2 of 3 votes left")


async def test_focus_stays_on_a_moved_or_grouped_post_it(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Focus")
    await new_wall(mentor, "Retro")
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    await write(ada, "First", column="Start")
    await write(ada, "Second", column="Start")

    def summary(text: str) -> object:
        return mentor.locator("#wall .note", has_text=text).locator("details.note-menu > summary")

    # Moving to another column with the keyboard: the focus is on the post-it in its new place.
    await summary("Second").focus()  # type: ignore[attr-defined]
    await mentor.keyboard.press("Enter")
    note = mentor.locator("#wall .note", has_text="Second")
    await note.locator("select[name=column]").focus()
    await note.locator("select[name=column]").select_option(label="Continue")
    await mentor.keyboard.press("Tab")
    await mentor.keyboard.press("Enter")
    continue_col = mentor.locator("#wall .wall-col", has=mentor.locator("h3", has_text="Continue"))
    await expect(continue_col.locator(".note", has_text="Second")).to_be_visible()
    await expect(summary("Second")).to_be_focused()  # type: ignore[arg-type]

    # A new group: Enter opens the menu with the cursor in the new group's label, Enter sends it.
    await mentor.keyboard.press("Enter")
    await expect(note.locator("input[name=label]")).to_be_focused()
    await mentor.keyboard.type("Energy")
    await mentor.keyboard.press("Enter")
    await expect(mentor.locator("#wall .wall-group", has_text="Energy")).to_contain_text("Second")
    await expect(summary("Second")).to_be_focused()  # type: ignore[arg-type]

    # Into that group from another column: Enter (open), ArrowDown (pick the group), Enter (send).
    await summary("First").focus()  # type: ignore[attr-defined]
    await mentor.keyboard.press("Enter")
    await expect(mentor.locator("#wall .note", has_text="First").locator("select[name=group]")).to_be_focused()
    await mentor.keyboard.press("ArrowDown")
    await mentor.keyboard.press("Enter")
    await expect(mentor.locator("#wall .wall-group", has_text="Energy")).to_contain_text("First")
    await expect(summary("First")).to_be_focused()  # type: ignore[arg-type]
    await expect(ada.locator("#wall .wall-group", has_text="Energy")).to_contain_text("First")
    await axe_check(mentor)


TEXTS = [
    "More breaks please", "Walk and talk in pairs", "Coffee before we start", "Shorter check-in",
    "The case about the bakery was great", "Less theory, more practice", "Start on time",
    "Share slides beforehand", "Remote people could not hear the room", "Pair up with someone new",
    "Write down one action each", "The exercise in groups of three worked", "Too long on one topic",
    "Good questions from Ada", "Ask remote people first",
]


async def test_a_projected_wall_of_60_post_its_stays_readable_and_spotlights(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Big wall")
    await new_wall(mentor, "How did the last month go?")
    projector = await projector_on_wall(new_context, mentor)
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    wid = await mentor.locator("#wall .wall-board").first.get_attribute("data-wall")
    columns = await mentor.locator("#wall .wall-col").evaluate_all("cs => cs.map(c => c.dataset.column)")
    # 60 post-its, spread unevenly over the columns (as real walls are): 30, 20, 10.
    spread = [columns[0]] * 30 + [columns[1]] * 20 + [columns[2]] * 10
    messages = [{"cmd": "wall_note_add", "wall": wid, "text": TEXTS[i % len(TEXTS)], "colour": "yellow",
                 "column": cid} for i, cid in enumerate(spread)]
    await ada.evaluate(SEND, [f"/ws/s/{code}", messages[:40]])
    bram = await join(await new_context(**PHONE), code, "Bram", "remote")
    await bram.evaluate(SEND, [f"/ws/s/{code}", messages[40:]])

    stage = projector.locator(".wall-stage")
    await expect(stage.locator(".note")).to_have_count(60)
    await projector.wait_for_timeout(300)  # wall.js fits the board in the next frames
    SHOTS.mkdir(parents=True, exist_ok=True)
    await projector.screenshot(path=str(SHOTS / "projector-wall-60.png"))
    sizes = await stage.locator(".note-text").evaluate_all(
        "ps => ps.map(p => parseFloat(getComputedStyle(p).fontSize))")
    assert min(sizes) >= 24, min(sizes)
    # All of it on the screen: the projector cannot scroll.
    bottoms = await stage.locator(".note").evaluate_all("ns => ns.map(n => n.getBoundingClientRect().bottom)")
    assert max(bottoms) <= 1080, max(bottoms)
    overflowing = await stage.locator(".note-text").evaluate_all(
        "ps => ps.filter(p => p.scrollWidth > p.clientWidth + 1).length")
    assert overflowing == 0

    # The mentor spotlights one post-it: large over the wall, then a group, then nothing.
    note = mentor.locator("#wall .note", has_text="The case about the bakery").first
    await note.locator("details.note-menu > summary").click()
    await note.get_by_role("button", name="Spotlight on the projector").click()
    spot = projector.locator(".wall-spotlight")
    await expect(spot).to_be_visible()
    await expect(spot.locator(".note-text")).to_have_text("The case about the bakery was great")
    assert await spot.locator(".note-text").evaluate("p => parseFloat(getComputedStyle(p).fontSize)") >= 48
    await expect(mentor.locator("#wall .wall-spot-admin")).to_contain_text("The case about the bakery")
    await projector.screenshot(path=str(SHOTS / "projector-wall-spotlight.png"))
    await axe_check(projector)

    if not await note.locator("details.note-menu").evaluate("d => d.open"):
        await note.locator("details.note-menu > summary").click()
    await note.locator("input[name=label]").fill("Cases")
    await note.get_by_role("button", name="New group").click()
    group = mentor.locator("#wall .wall-group", has_text="Cases")
    await group.get_by_role("button", name=re.compile("^Spotlight")).click()
    await expect(spot.locator(".wall-spotlight-label")).to_have_text("Cases")
    await expect(spot.locator(".note")).to_have_count(1)
    await mentor.locator("#wall .wall-spot-admin").get_by_role("button", name="End spotlight").click()
    await expect(spot).to_be_hidden()
    await expect(ada.locator(".wall-spotlight, .wall-spot-admin")).to_have_count(0)
