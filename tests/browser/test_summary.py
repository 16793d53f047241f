"""The session summary in a real browser (issue 15): after a session with a wall, votes and polls,
the mentor opens the printable summary from the console; axe-core finds nothing serious on it, and
printed (print media) it shows no buttons or links to click. Screenshots for the eye."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.async_api import Page, expect

from bench.serverproc import ServerProcess
from tests.appkit import connect, join_server
from tests.browser.conftest import LAPTOP, NewContext, axe_check, create_session
from tests.browser.test_trajectory import SHOTS, shot

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def run(ws: Any, **message: Any) -> None:
    """Send one command and wait until the server has handled it (a refused barrier after it, in
    the language of the session)."""
    await ws.send(json.dumps(message))
    await ws.send(json.dumps({"cmd": "test_barrier"}))
    for _ in range(200):
        frame = await ws.recv()
        if "Unknown action." in frame or "Onbekende actie." in frame:
            return
    raise AssertionError(f"no answer to {message}")


async def exported(page: Page, code: str) -> dict[str, Any]:
    data: dict[str, Any] = await (await page.request.get(f"/m/{code}/export.json")).json()
    return data


async def fill_session(server: ServerProcess, mentor: Page, code: str) -> None:
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in await mentor.context.cookies())
    people = {name: join_server(server, code, name, where) for name, where in (("Anna", "room"), ("Bram", "remote"))}
    async with connect(server, f"/ws/m/{code}", cookies, origin=server.url) as m:
        await run(m, cmd="wall_create", title="What went well? <b>|</b>", columns="Good\nBetter")
        wall = (await exported(mentor, code))["walls"][0]
        good, better = (c["id"] for c in wall["columns"])
        await run(m, cmd="poll_create", kind="single", question="Next topic?", options="Feedback\nPlanning\nConflict")
        await run(m, cmd="poll_create", kind="scale", question="How useful was today?", scale_max="5",
                  low_label="not", high_label="very", anonymous="on")
        poll_ids = [p["id"] for p in (await exported(mentor, code))["polls"]]
        for poll in poll_ids:
            await run(m, cmd="poll_status", poll=poll, status="open")
        texts = {"Anna": ("Good coffee", good, "0", "4"), "Bram": ("Shorter breaks, please", better, "1", "5")}
        for name, cookie in people.items():
            text, column, choice, value = texts[name]
            async with connect(server, f"/ws/s/{code}", cookie, origin=server.url) as p:
                await run(p, cmd="wall_note_add", wall=wall["id"], column=column, text=text, colour="yellow")
                await run(p, cmd="poll_answer", poll=poll_ids[0], choice=choice)
                await run(p, cmd="poll_answer", poll=poll_ids[1], value=value)
        notes = [n["id"] for c in (await exported(mentor, code))["walls"][0]["columns"] for n in c["notes"]]
        await run(m, cmd="wall_vote_start", wall=wall["id"], per_person="2", multiple="")
        for cookie in people.values():
            async with connect(server, f"/ws/s/{code}", cookie, origin=server.url) as p:
                await run(p, cmd="wall_vote", wall=wall["id"], note=notes[0])
        await run(m, cmd="wall_vote_reveal", wall=wall["id"])


async def test_the_printable_summary(new_context: NewContext, server: ServerProcess) -> None:
    mentor = await (await new_context(**LAPTOP)).new_page()
    code = await create_session(mentor, "Team day # 3 | <i>spring</i>")
    await fill_session(server, mentor, code)
    await mentor.reload()
    exports = mentor.locator(".share-actions", has=mentor.locator("a[download]"))
    await exports.screenshot(path=str(SHOTS / "summary-console-links.png"))
    await mentor.get_by_role("link", name="Summary to print").first.click()
    await mentor.wait_for_url(re.compile(rf"/m/{code}/summary$"))
    await expect(mentor.get_by_role("heading", level=1)).to_have_text("Team day # 3 | <i>spring</i>")
    await expect(mentor.get_by_role("heading", name="What went well? <b>|</b>")).to_be_visible()
    await expect(mentor.get_by_role("heading", name="Next topic?")).to_be_visible()
    await expect(mentor.locator(".summary-notes").first).to_contain_text("Good coffee")
    await expect(mentor.locator(".summary-bar-fill")).to_have_count(3 + 5)
    await axe_check(mentor)
    await shot(mentor, "summary-screen")
    await mentor.emulate_media(media="print")
    await expect(mentor.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    await expect(mentor.get_by_role("link", name="Mentor console")).to_be_hidden()
    await shot(mentor, "summary-print")


async def test_the_trajectory_summary_in_dutch(new_context: NewContext, server: ServerProcess) -> None:
    mentor = await (await new_context(**LAPTOP, locale="nl-NL")).new_page()
    code = await create_session(mentor, "Startersgroep", language="nl")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in await mentor.context.cookies())
    async with connect(server, f"/ws/m/{code}", cookies, origin=server.url) as m:
        await run(m, cmd="traj_plan", name="Starters 2026", theme="Leiding geven", target_group="", sessions="6",
                  cadence="fortnightly", format="hybrid", first_date="2026-09-07", start_time="19:00",
                  end_time="21:00")
        await run(m, cmd="traj_start", number="1")
    await fill_session(server, mentor, code)
    await mentor.goto(f"/m/{code}/trajectory")
    await mentor.get_by_role("link", name="Samenvatting van het traject om te printen").click()
    await mentor.wait_for_url(re.compile(rf"/m/{code}/trajectory/summary$"))
    await expect(mentor.get_by_role("heading", level=1)).to_have_text("Starters 2026")
    await expect(mentor.get_by_role("heading", name="Bijeenkomst 1", exact=True)).to_be_visible()
    await expect(mentor.locator(".summary-session")).to_contain_text("Peilingen")
    await axe_check(mentor)
    await mentor.emulate_media(media="print")
    await expect(mentor.get_by_role("button", name="Printen of als pdf bewaren")).to_be_hidden()
    await shot(mentor, "trajectory-summary-print-nl")
    # Printed to PDF (A4), the session starts on a page of its own after the overview.
    pdf = await mentor.pdf(format="A4")
    (SHOTS / "trajectory-summary-nl.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2
