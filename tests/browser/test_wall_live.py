"""The wall's live updates in a real browser, sent post-it by post-it (web/wall_items.py): a new
post-it lands in its column on every page, a move takes it out and puts it in its new place, a
vote updates one count and a wall sorted by votes re-sorts itself, with no id on the page twice,
and what a page shows after all that is exactly what a fresh load shows."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import LIVE_MS, PHONE, NewContext, create_session, join, record_frames
from tests.browser.test_wall import new_wall, projector_on_wall, write

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def board(page: Page, scope: str) -> list[tuple[str, list[str]]]:
    """Each column's name and its post-its' texts, in the order shown."""
    result: list[list[str | list[str]]] = await page.eval_on_selector(scope, """root =>
        [...root.querySelectorAll('.wall-col')].map(col => [
          col.querySelector('.wall-col-name').firstChild.textContent.trim(),
          [...col.querySelectorAll('.note .note-text')].map(p => p.textContent)])""")
    return [(str(name), list(texts)) for name, texts in result]


async def duplicate_ids(page: Page) -> list[str]:
    found: list[str] = await page.evaluate("""() => {
        const seen = new Map();
        for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
        return [...seen].filter(([, n]) => n > 1).map(([id]) => id); }""")
    return found


async def test_post_its_arrive_move_and_sort_one_by_one(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Live wall")
    await new_wall(mentor, "Our week")
    projector = await projector_on_wall(new_context, mentor)
    ada = await join(await new_context(**PHONE), code, "Ada", "room")
    bram_page = await (await new_context(**PHONE)).new_page()
    frames = record_frames(bram_page)
    bram = await join(bram_page.context, code, "Bram", "remote", page=bram_page)

    for text, column in (("Less email", "Stop"), ("Pair up", "Start"), ("Walks", "Continue"), ("Notes", "Start")):
        await write(ada, text, column)
    for page, scope in ((bram, "#wall"), (mentor, "#wall"), (projector, ".wall-stage")):
        await expect(page.locator(f"{scope} .note")).to_have_count(4, timeout=LIVE_MS)
        assert await board(page, scope) == [("Start", ["Pair up", "Notes"]), ("Stop", ["Less email"]),
                                            ("Continue", ["Walks"])]
        assert await page.locator(f"{scope} .wall-col-count").all_inner_texts() == ["2", "1", "1"]
    # Bram's page got the post-its one by one, never the whole wall again.
    sent = [f for f in frames if "Pair up" in f or "Notes" in f]
    assert sent and not any('id="wall"' in f for f in sent)

    # The mentor moves "Notes" to Continue with the post-it's menu, then one place up.
    note = mentor.locator("#wall .note", has_text="Notes")
    await note.locator("summary", has_text="Move or group").click()
    await note.locator("select[name=column]").select_option(label="Continue")
    await note.get_by_role("button", name="Move", exact=True).click()
    expected = [("Start", ["Pair up"]), ("Stop", ["Less email"]), ("Continue", ["Walks", "Notes"])]
    for page, scope in ((bram, "#wall"), (projector, ".wall-stage"), (mentor, "#wall")):
        await expect(page.locator(f"{scope} .wall-col").nth(2).locator(".note")).to_have_count(2, timeout=LIVE_MS)
        assert await board(page, scope) == expected
        assert await page.locator(f"{scope} .wall-col-count").all_inner_texts() == ["1", "1", "2"]
    note = mentor.locator("#wall .note", has_text="Notes")
    if not await note.locator("details.note-menu").evaluate("d => d.open"):
        await note.locator("summary", has_text="Move or group").click()
    await expect(note.get_by_role("button", name="Down", exact=True)).to_be_hidden()  # already the last
    await note.get_by_role("button", name="Up", exact=True).click()
    await expect(bram.locator("#wall .wall-col").nth(2).locator(".note-text").first).to_have_text(
        "Notes", timeout=LIVE_MS)

    # Votes on a wall sorted by votes: each vote sends one count; the lists re-sort themselves.
    tools = mentor.locator("#wall details.wall-tools", has_text="Dot voting")
    await tools.locator("summary").first.click()
    await tools.locator("input[name=per_person]").fill("3")
    await tools.locator("input[name=live]").check()
    await tools.get_by_role("button", name="Start a voting round").click()
    await tools.get_by_role("button", name="Sort by votes").click()
    await expect(tools.get_by_role("button", name="Back to our own order")).to_be_visible(timeout=LIVE_MS)
    walks = bram.locator("#wall .note", has_text="Walks")
    await walks.get_by_role("button", name="Vote").click()
    await expect(walks.locator(".note-votes")).to_have_text("● 1", timeout=LIVE_MS)
    for page, scope in ((ada, "#wall"), (projector, ".wall-stage")):
        await expect(page.locator(f"{scope} .wall-col").nth(2).locator(".note").first).to_contain_text(
            "Walks", timeout=LIVE_MS)
    vote_frames = [f for f in frames if 'id="votes-' in f and "hx-swap-oob" in f]
    assert vote_frames and all('id="wall"' not in f for f in vote_frames[-1:])

    for page in (ada, bram, mentor, projector):
        assert await duplicate_ids(page) == []
    # What a page shows after all of it is what a fresh load shows.
    live = await board(bram, "#wall")
    await bram.reload()
    await expect(bram.locator("#wall .note")).to_have_count(4, timeout=LIVE_MS)
    assert await board(bram, "#wall") == live
