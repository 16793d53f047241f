"""The participant's phone shows what is happening now (issue 15), in a realistic session: six
people, four walls, eight polls and about forty post-its.

- The "now" area names what the mentor put in front of the group, the current activity's
  controls are on the first screen at 390x844, and the page is at most two screens high.
- When it changes (a wall on the projector, a poll sent to the phones), a polite notice says so,
  the tab of it opens, focused on it, and the focus goes to its title.
- While others post on the wall someone reads, the page does not jump: cumulative layout shift
  (PerformanceObserver, layout-shift entries without recent input) stays under 0.05.
- Live events reach the "My trajectory" page too: what is now, and "It's your turn!".
- axe-core finds nothing serious on the page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE, SEND, NewContext, axe_check, create_session, join, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

SCREEN = PHONE["viewport"]["height"]
PEOPLE = ["Ana", "Bram", "Chloë", "Daan", "Emma", "Fatima"]
WALLS = ["What do you want to learn?", "What went well this week?", "Questions for the guest", "Ideas for next time"]
POLLS = [f"Question {n}: how sure are you about the plan?" for n in range(1, 9)]

# Cumulative layout shift from now on, as the Layout Instability API reports it (shifts right
# after the person's own input do not count, as in the CLS metric).
CLS_START = """() => {
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
  }).observe({type: "layout-shift", buffered: false});
}"""


async def ids(page: Page, selector: str, attribute: str, prefix: str = "") -> list[str]:
    values = await page.eval_on_selector_all(selector, f"els => els.map(e => e.getAttribute({attribute!r}))")
    return [v.removeprefix(prefix) for v in values if v]


async def realistic_session(new_context: NewContext, title: str) -> dict[str, Any]:
    """A session as issue 15 tried it: 6 people, 4 walls, 8 polls (7 answered and closed, the
    last one open now), ~40 post-its. Returns the pages and ids."""
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, title)
    phones = {}
    for name in PEOPLE:
        phones[name] = await join(await new_context(**PHONE), code, name, "remote" if len(phones) % 2 else "room")
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [
        {"cmd": "wall_create", "title": t, "template": "Went well|Could be better|Ideas"} for t in WALLS
    ] + [
        {"cmd": "poll_create", "kind": "single", "question": q, "options": "Very sure\nSomewhat\nNot at all",
         "max_choices": "1", "live": "on"} for q in POLLS
    ]])
    await expect(mentor.locator("#polls-mentor article.poll")).to_have_count(len(POLLS))
    await expect(mentor.locator("#wall article.wall-card")).to_have_count(len(WALLS))
    polls = list(reversed(await ids(mentor, "#polls-mentor article.poll", "id", "poll-")))  # oldest first
    walls = list(reversed(await ids(mentor, "#wall article.wall-card", "id", "wall-")))
    # Seven polls run and close, with answers; the last one stays open: it is "now".
    for poll in polls[:-1]:
        await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "poll_status", "poll": poll, "status": "open"}]])
        for index, page in enumerate(phones.values()):
            answer = {"cmd": "poll_answer", "poll": poll, "choice": str(index % 3)}
            await page.evaluate(SEND, [f"/ws/s/{code}", [answer]])
        await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "poll_status", "poll": poll, "status": "closed"}]])
    # About forty post-its, spread over the walls and their columns.
    ana = phones["Ana"]
    await expect(ana.locator("#wall-mine .wall-mine-card")).to_have_count(len(WALLS))
    columns = {wid: await ids(ana, f"[data-now-ref='wall:{wid}'] input[name=column]", "value") for wid in walls}
    for n in range(40):
        wid = walls[n % len(walls)]
        writer = list(phones.values())[n % len(PEOPLE)]
        await writer.evaluate(SEND, [f"/ws/s/{code}", [{
            "cmd": "wall_note_add", "wall": wid, "column": columns[wid][n % 3], "colour": "yellow",
            "text": f"Post-it {n + 1}: more time to practise giving feedback in pairs",
        }]])
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "poll_status", "poll": polls[-1], "status": "open"}]])
    return {"mentor": mentor, "code": code, "phones": phones, "polls": polls, "walls": walls, "columns": columns}


async def page_height(page: Page) -> int:
    return int(await page.evaluate("() => document.documentElement.scrollHeight"))


async def on_first_screen(page: Page, selector: str) -> None:
    """`selector` is on the first screen and nothing covers it (the reactions button is fixed to
    the screen's bottom edge): what is at its middle is the element itself."""
    element = page.locator(selector)
    box = await element.bounding_box()
    assert box is not None, f"{selector} is not shown"
    bottom = box["y"] + box["height"]
    assert box["y"] >= 0 and bottom <= SCREEN, f"{selector} at y={box['y']}..{bottom}"
    uncovered = await element.evaluate("""(el) => { const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return hit !== null && (el === hit || el.contains(hit)); }""")
    assert uncovered, f"{selector} is covered"


@pytest.mark.timeout(400)  # building the session sends some 150 commands from seven pages
async def test_the_phone_shows_what_is_now_on_its_first_screen(new_context: NewContext) -> None:
    s = await realistic_session(new_context, "Week 3: giving feedback")
    code, mentor, polls, walls = s["code"], s["mentor"], s["polls"], s["walls"]
    ana = s["phones"]["Ana"]
    await ana.reload()
    await wait_live(ana)

    # The open poll is now: named at the top, its answer form on the first screen, and the
    # page (with seven closed polls, four walls and forty post-its behind the tabs) short.
    now = ana.locator("#now")
    await expect(now).to_contain_text("Poll")
    await expect(now.locator("#now-title")).to_have_text(POLLS[-1])
    await expect(ana.get_by_role("tab", name="Polls")).to_have_attribute("aria-selected", "true")
    await on_first_screen(ana, f"#poll-{polls[-1]} button[type=submit]")
    await expect(ana.locator(f"#poll-{polls[0]}")).to_be_hidden()
    assert await page_height(ana) <= 2 * SCREEN, await page_height(ana)
    # Her own hand is one glance away, on the same first screen.
    await on_first_screen(ana, "#queue-me .queue-hand")
    # A remote attendee on a phone has the way into the room's audio and video above the tabs,
    # with what is now, on the first screen (the poll is then one scroll down).
    bram = s["phones"]["Bram"]
    await expect(bram.locator("#now-title")).to_have_text(POLLS[-1])
    await on_first_screen(bram, "#now-title")
    await on_first_screen(bram, "#media-remote-panel button[data-media-with='camera,mic']")
    # Everything else is one tap away.
    await ana.get_by_role("tab", name="Walls").click()
    await expect(ana.locator(f"#wall-{walls[0]}")).to_be_visible()
    await ana.get_by_role("tab", name="Polls").click()
    await ana.get_by_role("button", name=re.compile("Show everything")).click()
    await expect(ana.locator(f"#poll-{polls[0]}")).to_be_visible()
    await axe_check(ana)

    # The mentor puts a wall on the projector: a notice, its tab, focused on that wall, and the
    # focus on its title; the write form is on the first screen.
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "projector", "view": "wall", "ref": walls[1]}]])
    await expect(ana.locator("#now-notice")).to_have_text(f"Now: Post-it wall: {WALLS[1]}")
    await expect(ana.get_by_role("tab", name="Walls")).to_have_attribute("aria-selected", "true")
    await expect(ana.locator("#now-title")).to_be_focused()
    await expect(ana.locator(f"#wall-{walls[0]}")).to_be_hidden()
    await expect(ana.locator(f"#wall-{walls[1]}")).to_be_visible()
    await ana.locator(f"[data-now-ref='wall:{walls[1]}'] details.wall-write > summary").click()
    await on_first_screen(ana, f"[data-now-ref='wall:{walls[1]}'] .wall-write button[type=submit]")
    # A wall of ten post-its in three columns shows one column at a time on a phone, with a tab
    # per column (name and count): the page stays within two screens (stacked, it was 2,420 px).
    board = ana.locator(f"#wall-{walls[1]}")
    tabs = board.get_by_role("tablist", name="Columns of this wall")
    await expect(tabs.get_by_role("tab")).to_have_count(3)
    await expect(tabs.get_by_role("tab", selected=True)).to_have_text("Went well 3")
    height = await page_height(ana)
    print(f"page height with the wall now: {height} px")
    assert height <= 2 * SCREEN, height
    await axe_check(ana)

    # Others post on that wall while Ana reads it: nothing jumps.
    await ana.evaluate(CLS_START)
    writers = [p for name, p in s["phones"].items() if name != "Ana"]
    for n in range(10):
        await writers[n % len(writers)].evaluate(SEND, [f"/ws/s/{code}", [{
            "cmd": "wall_note_add", "wall": walls[1], "column": s["columns"][walls[1]][n % 3], "colour": "blue",
            "text": f"Another thought {n + 1} while Ana reads",
        }]])
    await expect(ana.locator(f"#wall-{walls[1]} .note", has_text="Another thought 10 ")).to_have_count(1)
    await ana.wait_for_timeout(300)
    cls = await ana.evaluate("() => window.__cls")
    print(f"cumulative layout shift while 10 post-its arrive: {cls:.4f}")
    assert cls < 0.05, cls
    # The measurement does see a shift: content pushed in above what she reads counts.
    await ana.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'pushed';
        p.style.height = '120px'; document.querySelector('#tabs').before(p); }""")
    await ana.wait_for_timeout(300)
    assert await ana.evaluate("() => window.__cls") > cls
    await ana.evaluate("() => document.querySelector('#tabs').previousElementSibling.remove()")

    # One column at a time: a tap on a column's tab shows it.
    await expect(board.locator(".wall-col", has_text="Could be better")).to_be_hidden()
    await tabs.get_by_role("tab", name=re.compile("^Ideas")).click()
    await expect(board.locator(".wall-col", has_text="Ideas").locator(".note").first).to_be_visible()
    await expect(board.locator(".wall-col", has_text="Went well")).to_be_hidden()
    # By keyboard: the arrows move between the columns' tabs.
    await tabs.get_by_role("tab", name=re.compile("^Ideas")).press("ArrowLeft")
    await expect(tabs.get_by_role("tab", name=re.compile("^Could be better"))).to_be_focused()
    await expect(board.locator(".wall-col", has_text="Could be better").locator(".note").first).to_be_visible()
    # The chosen column stays chosen through live updates of the wall (3 + 4 + 1 in the first
    # column, 4 + 3 in the second).
    await s["phones"]["Bram"].evaluate(SEND, [f"/ws/s/{code}", [{
        "cmd": "wall_note_add", "wall": walls[1], "column": s["columns"][walls[1]][0], "colour": "pink",
        "text": "One more for the first column"}]])
    await expect(tabs.get_by_role("tab", name=re.compile("^Went well"))).to_have_text("Went well 8")
    await expect(tabs.get_by_role("tab", selected=True)).to_have_text("Could be better 7")
    await expect(board.locator(".note", has_text="One more for the first column")).to_be_hidden()
    await tabs.get_by_role("tab", name=re.compile("^Went well")).click()

    # Someone typing is not pulled away: the mentor opens the evaluation-free next step (back to
    # the poll) while Ana writes; the page says what is now and offers to go there.
    textarea = ana.locator(f"[data-now-ref='wall:{walls[1]}'] textarea[name=text]")
    await textarea.fill("Half a thought")
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "projector", "view": "poll", "ref": polls[-1]}]])
    await expect(ana.locator("#now-notice")).to_have_text(f"Now: Poll: {POLLS[-1]}")
    await expect(textarea).to_be_focused()
    await expect(textarea).to_have_value("Half a thought")
    go = ana.get_by_role("button", name="Show what is happening now")
    await expect(go).to_be_visible()
    await go.click()
    await expect(ana.locator(f"#poll-{polls[-1]}")).to_be_visible()
    await expect(ana.locator("#now-title")).to_be_focused()


async def test_live_events_reach_the_trajectory_page(new_context: NewContext) -> None:
    mentor = await (await new_context()).new_page()
    code = await create_session(mentor, "Every tab hears it")
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [
        {"cmd": "traj_plan", "name": "Feedback", "theme": "", "target_group": "", "sessions": "6",
         "cadence": "weekly", "format": "hybrid", "first_date": "2026-12-01"},
        {"cmd": "poll_create", "kind": "single", "question": "Ready for the case?", "options": "Yes\nNo",
         "max_choices": "1"},
    ]])
    bo = await join(await new_context(**PHONE), code, "Bo")
    await bo.goto(f"/s/{code}/trajectory")
    await wait_live(bo)
    await expect(bo.locator("#now")).to_contain_text("Nothing to do right now")

    poll = (await ids(mentor, "#polls-mentor article.poll", "id", "poll-"))[0]
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "poll_status", "poll": poll, "status": "open"}]])
    await expect(bo.locator("#now-notice")).to_have_text("Now: Poll: Ready for the case?")
    link = bo.locator("#now").get_by_role("link", name="Go to the session")
    await expect(link).to_have_attribute("href", f"/s/{code}")

    # Her turn reaches this page too (queue.js vibrates on it, as on the live page).
    await bo.evaluate(SEND, [f"/ws/s/{code}", [{"cmd": "queue_raise", "kind": ""}]])
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "queue_next", "expected": ""}]])
    await expect(bo.get_by_role("alert").filter(has_text="It's your turn!")).to_be_visible()
    await bo.wait_for_timeout(600)  # its 0.4 s entrance fades from a lighter colour: check it as shown
    await axe_check(bo)
