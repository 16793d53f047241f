"""The post-it wall in a real browser: a phone writes, the projector shows it; anonymous walls
keep authors out of the HTML others receive; keyboard-only moving and grouping; votes; axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import (
    LIVE_MS,
    PHONE,
    PROJECTOR,
    NewContext,
    axe_check,
    create_session,
    join,
    record_frames,
    wait_live,
)

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def new_wall(mentor: Page, title: str, *, anonymous: bool = False) -> None:
    form = mentor.locator("#wall details.wall-new form")
    if not await mentor.locator("#wall details.wall-new").evaluate("d => d.open"):
        await mentor.locator("#wall details.wall-new summary").click()
    await form.locator("input[name=title]").fill(title)
    await form.locator("select[name=template]").select_option(index=2)  # start / stop / continue
    if anonymous:
        await form.locator("input[name=anonymous]").check()
    await form.get_by_role("button", name="Create wall").click()
    await expect(mentor.locator("#wall .wall-title", has_text=title)).to_be_visible()


async def projector_on_wall(new_context: NewContext, mentor: Page, *, fake_clock: bool = False) -> Page:
    await mentor.locator("#wall .wall-card").first.get_by_role("button", name="Show on projector").click()
    href = await mentor.get_by_role("link", name="Open projector view").get_attribute("href")
    assert href
    projector = await (await new_context(**PROJECTOR)).new_page()
    if fake_clock:  # time runs as usual, and the test can jump ahead (projector.clock)
        await projector.clock.install()
    frames = record_frames(projector)  # before the socket opens
    projector.frames_seen = frames  # type: ignore[attr-defined]
    await projector.goto(href)
    await wait_live(projector)
    await expect(projector.locator(".wall-stage")).to_be_visible()
    return projector


async def write(page: Page, text: str, column: str = "Stop") -> None:
    card = page.locator("#wall-mine .wall-mine-card").first
    area = card.locator("textarea[name=text]").first
    await area.fill(text)
    await expect(card.locator(".wall-counter").first).to_contain_text(f"{280 - len(text)} of 280")
    await card.locator("fieldset.choice").first.get_by_label(column).check()
    await card.get_by_role("button", name="Add post-it").click()
    await expect(card.locator(".wall-mine-list")).to_contain_text(text)


async def test_phone_writes_projector_shows_and_anonymity_holds(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Wall")
    await new_wall(mentor, "How did it go?", anonymous=True)
    projector = await projector_on_wall(new_context, mentor)
    projector_frames: list[str] = projector.frames_seen  # type: ignore[attr-defined]
    ada = await join(await new_context(**PHONE), code, "Adalovelace", "room")
    bram_page = await (await new_context(**PHONE)).new_page()
    bram_frames = record_frames(bram_page)
    bram = await join(bram_page.context, code, "Brampton", "remote", page=bram_page)

    await write(ada, "More breaks please")
    note = projector.locator(".wall-stage .note", has_text="More breaks please")
    await expect(note).to_be_visible(timeout=LIVE_MS)
    await expect(note).to_have_class(re.compile(r"\bis-newest\b"))
    await expect(note.locator(".note-author")).to_have_count(0)
    await expect(bram.locator("#wall .note", has_text="More breaks please")).to_be_visible()
    await expect(mentor.locator("#wall .note", has_text="More breaks please")).to_be_visible()
    # The HTML that reached the projector and the other phone never names the author.
    for frames in (projector_frames, bram_frames):
        received = "".join(frames)
        assert "More breaks please" in received
        assert "Adalovelace" not in received.replace('class="person-name">Adalovelace', "")

    await expect(projector.locator(".wall-stage")).to_be_visible()
    await axe_check(ada)
    await axe_check(projector)


async def test_keyboard_only_moving_grouping_and_votes(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Keys")
    await new_wall(mentor, "Retro")
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    await write(ada, "First")
    await write(ada, "Second")

    # The mentor moves "Second" to another column and groups it, with the keyboard only.
    note = mentor.locator("#wall .note", has_text="Second")
    await note.locator("details.note-menu > summary").focus()
    await mentor.keyboard.press("Enter")
    await note.locator("select[name=column]").focus()
    await note.locator("select[name=column]").select_option(label="Continue")
    await note.get_by_role("button", name="Move", exact=True).focus()
    await mentor.keyboard.press("Enter")
    continue_column = mentor.locator("#wall .wall-col", has=mentor.locator("h3", has_text="Continue"))
    moved = continue_column.locator(".note", has_text="Second")
    await expect(moved).to_be_visible()
    await expect(ada.locator("#wall .wall-col", has=ada.locator("h3", has_text="Continue"))).to_contain_text("Second")

    note = mentor.locator("#wall .note", has_text="Second")
    if not await note.locator("details.note-menu").evaluate("d => d.open"):
        await note.locator("details.note-menu > summary").focus()
        await mentor.keyboard.press("Enter")
    await note.locator("input[name=label]").focus()
    await mentor.keyboard.type("Energy")
    await mentor.keyboard.press("Enter")
    await expect(mentor.locator("#wall .wall-group", has_text="Energy")).to_contain_text("Second")
    await expect(ada.locator("#wall .wall-group-label", has_text="Energy")).to_be_visible()

    # The mentor renames the group inline: Enter on "Rename" puts the cursor in the label (its
    # text selected), Escape cancels, Enter sends and gives focus back to "Rename".
    group = mentor.locator("#wall .wall-group", has_text="Energy")
    rename = group.locator(".wall-group-rename > summary")
    label = group.locator(".wall-group-rename input[name=label]")
    await rename.focus()
    await mentor.keyboard.press("Enter")
    await expect(label).to_be_focused()
    await mentor.keyboard.type("Never mind")
    await mentor.keyboard.press("Escape")
    await expect(rename).to_be_focused()
    await expect(label).to_be_hidden()
    await mentor.keyboard.press("Enter")
    await expect(label).to_be_focused()
    await expect(label).to_have_value("Energy")  # the cancelled text is gone
    await axe_check(mentor)  # with the inline rename open
    await mentor.keyboard.type("Energy and rest")
    await mentor.keyboard.press("Enter")
    await expect(ada.locator("#wall .wall-group-label")).to_have_text("Energy and rest")
    await expect(mentor.locator("#wall .wall-group-label")).to_have_text("Energy and rest")
    await expect(rename).to_be_focused()
    await expect(label).to_be_hidden()

    # A voting round of one vote each: the second vote is refused, on the phone too.
    await mentor.locator("#wall summary", has_text="Dot voting").click()
    voting = mentor.locator("#wall form", has=mentor.locator("input[name=per_person]"))
    await voting.locator("input[name=per_person]").fill("1")
    await voting.get_by_role("button", name="Start a voting round").click()
    await ada.locator("#wall .note", has_text="First").get_by_role("button", name=re.compile("^Vote")).click()
    await expect(ada.locator("#wall-mine .wall-votes-left")).to_contain_text("0 of 1 votes left")
    # Spent: the page disables "Vote" (issue 15); the server refuses a vote sent anyway, and says so
    # next to the post-it's form.
    second = ada.locator("#wall .note", has_text="Second").get_by_role("button", name=re.compile("^Vote"))
    await expect(second).to_be_disabled()
    await second.evaluate("b => { b.disabled = false; b.click(); }")
    await expect(ada.locator("#wall .note", has_text="Second").locator(".form-error")).to_contain_text(
        "You have used all your votes (1)")
    await axe_check(mentor)


async def test_hidden_until_reveal_shows_nothing_of_others(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Blind")
    form = mentor.locator("#wall details.wall-new form")
    await form.locator("input[name=title]").fill("What do you expect?")
    await form.locator("input[name=blind]").check()
    await form.get_by_role("button", name="Create wall").click()
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    bram_page = await (await new_context(**PHONE)).new_page()
    bram_frames = record_frames(bram_page)
    bram = await join(bram_page.context, code, "Bram", "remote", page=bram_page)

    await write(ada, "A quiet first thought", column="Expectations")
    await expect(bram.locator("#wall .wall-blind-note")).to_contain_text("1 post-it so far")
    await expect(bram.locator("#wall .note")).to_have_count(0)
    assert "A quiet first thought" not in "".join(bram_frames)
    await expect(mentor.locator("#wall .note", has_text="A quiet first thought")).to_be_visible()

    await mentor.get_by_role("button", name=re.compile(r"^Reveal the post-its")).click()
    await expect(bram.locator("#wall .note", has_text="A quiet first thought")).to_be_visible()
    await axe_check(bram)


async def test_drag_and_drop_moves_a_post_it_for_everyone(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()  # laptop-sized
    code = await create_session(mentor, "Drag")
    await new_wall(mentor, "Retro")
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    await write(ada, "Drag me", column="Start")
    await write(ada, "Stay here", column="Continue")
    projector = await projector_on_wall(new_context, mentor)

    def column(page: Page, scope: str, name: str) -> Locator:
        return page.locator(f"{scope} .wall-col", has=page.locator("h3", has_text=name))

    dragged = column(mentor, "#wall", "Start").locator(".note", has_text="Drag me")
    await expect(dragged).to_have_attribute("draggable", "true")
    # Dropped on the upper half of "Stay here": it lands before it, in "Continue".
    target = column(mentor, "#wall", "Continue").locator(".note", has_text="Stay here")
    await dragged.drag_to(target, target_position={"x": 12, "y": 6})
    for page, scope in ((mentor, "#wall"), (ada, "#wall"), (projector, ".wall-stage")):
        await expect(column(page, scope, "Continue").locator(".note-text")).to_have_text(["Drag me", "Stay here"])
        await expect(column(page, scope, "Start").locator(".note")).to_have_count(0)
    # And dropped on an empty stretch of a column: at its end.
    dragged = column(mentor, "#wall", "Continue").locator(".note", has_text="Drag me")
    await dragged.drag_to(column(mentor, "#wall", "Stop"))
    await expect(column(projector, ".wall-stage", "Stop").locator(".note-text")).to_have_text(["Drag me"])
    await expect(column(ada, "#wall", "Stop").locator(".note-text")).to_have_text(["Drag me"])
    await expect(column(ada, "#wall", "Continue").locator(".note-text")).to_have_text(["Stay here"])


async def test_projector_highlights_the_post_its_of_the_last_seconds(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Recent")
    await new_wall(mentor, "Ideas?")
    projector = await projector_on_wall(new_context, mentor, fake_clock=True)
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    bram = await join(await new_context(**PHONE), code, "Bram", "remote")
    stage = projector.locator(".wall-stage")
    recent = re.compile(r"\bis-recent\b")

    await write(ada, "Walk and talk")
    await write(bram, "Shorter days")
    first, second = stage.locator(".note", has_text="Walk and talk"), stage.locator(".note", has_text="Shorter days")
    await expect(second).to_have_class(re.compile(r"\bis-newest\b"))
    await expect(first).to_have_class(recent)  # a few seconds old: still highlighted, calmly
    await expect(second).to_have_class(recent)
    await expect(first.locator(".note-new")).to_have_count(0)  # "New" only on the newest
    await expect(second.locator(".note-new")).to_be_visible()

    await projector.clock.fast_forward(11_000)  # past wall_view.RECENT_S for both
    await expect(first).not_to_have_class(recent)
    await expect(second).not_to_have_class(recent)
    await expect(second.locator(".note-new")).to_be_hidden()

    # A later post-it is highlighted; a re-render does not bring the old highlight back.
    await write(ada, "Coffee first")
    third = stage.locator(".note", has_text="Coffee first")
    await expect(third).to_have_class(recent)
    await expect(third.locator(".note-new")).to_be_visible()
    await expect(second).not_to_have_class(recent)
    await expect(first).not_to_have_class(recent)
    await axe_check(projector)


async def test_an_open_menu_stays_open_while_others_post(new_context: NewContext) -> None:
    """Live updates morph the wall from the server; what a viewer opened is theirs to close."""
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Busy wall")
    await new_wall(mentor, "Retro")
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    await write(ada, "First", column="Start")
    menu = mentor.locator("#wall .note", has_text="First").locator("details.note-menu")
    await menu.locator("summary").click()
    settings = mentor.locator("#wall details.wall-tools", has=mentor.locator("summary", has_text="Settings"))
    await settings.locator("summary").click()
    await write(ada, "Second", column="Stop")
    await expect(mentor.locator("#wall .note", has_text="Second")).to_be_visible()
    await write(ada, "Third", column="Stop")
    await expect(mentor.locator("#wall .note", has_text="Third")).to_be_visible()
    assert await menu.evaluate("d => d.open") and await settings.evaluate("d => d.open")
    # Closing is the viewer's too, and stays closed through the next update.
    await menu.locator("summary").click()
    await write(ada, "Fourth", column="Stop")
    await expect(mentor.locator("#wall .note", has_text="Fourth")).to_be_visible()
    assert not await menu.evaluate("d => d.open")
