"""Going offline on a phone (issue 15): the page notices within 5 seconds, from the browser's own
offline event or, when the connection just stalls and never closes, from its heartbeat; it says
so, calmly and politely announced; and a post-it typed meanwhile keeps its text until the server
has it, reaches the wall once the connection is back, and is stored once.

The stalled case is a real one: a Kring process of this test's own, stopped with SIGSTOP (its TCP
connections stay open and silent, as behind a dead wifi) and resumed with SIGCONT, by its PID."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from bench.serverproc import ServerProcess
from tests.browser.conftest import (
    PHONE,
    SEND,
    NewContext,
    axe_check,
    create_session,
    join,
    open_projector,
    show_tab,
    wait_live,
)

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

OFFLINE_TEXT = "You are offline. What you type is kept and sent as soon as the connection is back."
# The goal is 5 s (issue 15); the page's heartbeat gives up on a silent socket after at most 4.5 s
# (web/static/kring.js). The rest is for a busy two-core test machine and Playwright's polling.
NOTICED_MS = 6_000


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A Kring process for this test alone: it gets stopped, and the shared one must not be."""
    proc = ServerProcess(tmp_path / "kring").start()
    try:
        yield proc
    finally:
        if proc.proc is not None and proc.proc.poll() is None:
            os.kill(proc.proc.pid, signal.SIGCONT)  # never leave it stopped, whatever failed
        proc.stop()


async def session_with_a_wall(
    new_context: NewContext, title: str, **where: str
) -> tuple[Page, Page, list[str]]:
    """A mentor's console with one wall, and Ana on her phone with the wall's write form open; and
    every websocket frame Ana's page sends."""
    mentor = await (await new_context(**where)).new_page()
    code = await create_session(mentor, title)
    await mentor.evaluate(SEND, [f"/ws/m/{code}", [{"cmd": "wall_create", "title": "Ideas", "template": "Ideas"}]])
    ana = await (await new_context(**PHONE, **where)).new_page()
    sent: list[str] = []
    ana.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(str(payload))))
    await join(ana.context, code, "Ana", page=ana)
    await show_tab(ana, "Walls")
    write = ana.locator("#wall-mine details.wall-write")
    if not await write.evaluate("d => d.open"):
        await write.locator("summary").click()
    await expect(write.get_by_label("Your post-it")).to_be_visible()
    return mentor, ana, sent


async def test_the_browser_going_offline_is_said_and_a_post_it_waits_for_the_connection(
    new_context: NewContext,
) -> None:
    mentor, ana, sent = await session_with_a_wall(new_context, "Offline on a phone")
    conn = ana.locator("#conn")
    form = ana.locator("#wall-mine details.wall-write form")

    await ana.context.set_offline(True)
    await expect(conn).to_have_attribute("data-state", "offline", timeout=NOTICED_MS)
    await expect(conn).to_be_visible()
    await expect(conn).to_have_text(OFFLINE_TEXT)
    await expect(conn).to_have_attribute("aria-live", "polite")
    await axe_check(ana)

    # Chromium's offline emulation leaves an open websocket working, so only the page itself can
    # keep the post-it back: the form stays busy with its text, and nothing goes out.
    await form.get_by_label("Your post-it").fill("Written on the train")
    await form.get_by_role("button", name="Add post-it").click()
    await expect(form).to_have_attribute("aria-busy", "true")
    await ana.wait_for_timeout(1_500)  # what the form would take to be stored and emptied
    await expect(form.get_by_label("Your post-it")).to_have_value("Written on the train")
    assert not any("Written on the train" in frame for frame in sent), sent
    await expect(mentor.locator("#wall .note", has_text="Written on the train")).to_have_count(0)

    await ana.context.set_offline(False)
    await wait_live(ana)
    await expect(mentor.locator("#wall .note", has_text="Written on the train")).to_have_count(1)
    await expect(ana.locator("#wall .note", has_text="Written on the train")).to_have_count(1)
    await expect(form.get_by_label("Your post-it")).to_have_value("")
    await expect(form).not_to_have_attribute("aria-busy", "true")
    assert sum("Written on the train" in frame for frame in sent) == 1, sent


async def test_a_stalled_server_is_noticed_and_what_was_typed_arrives_once_it_is_back(
    new_context: NewContext, own_server: ServerProcess
) -> None:
    assert own_server.proc is not None
    pid = own_server.proc.pid
    mentor, ana, sent = await session_with_a_wall(new_context, "A stalled connection", base_url=own_server.url)
    conn = ana.locator("#conn")
    form = ana.locator("#wall-mine details.wall-write form")
    projector = await open_projector(new_context, mentor, base_url=own_server.url)

    os.kill(pid, signal.SIGSTOP)  # the server's sockets stay open; nothing answers any more
    stopped_at = time.monotonic()
    try:
        await expect(conn).to_have_attribute("data-state", "offline", timeout=NOTICED_MS)
        noticed_after = time.monotonic() - stopped_at
        # Every live page has the heartbeat; the projector's notice speaks to the room.
        await expect(projector.locator("#conn")).to_have_text(
            "This screen is offline. It catches up as soon as the connection is back.", timeout=NOTICED_MS)
        await expect(mentor.locator("#conn")).to_have_attribute("data-state", "offline", timeout=NOTICED_MS)
        await expect(conn).to_be_visible()
        await expect(conn).to_have_text(OFFLINE_TEXT)
        await form.get_by_label("Your post-it").fill("Typed while nobody answered")
        await form.get_by_role("button", name="Add post-it").click()
        await expect(form).to_have_attribute("aria-busy", "true")
        await expect(form.get_by_label("Your post-it")).to_have_value("Typed while nobody answered")
        await expect(form.locator(".form-error")).to_have_count(0)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert noticed_after < NOTICED_MS / 1000, noticed_after

    await wait_live(ana)
    await wait_live(projector)
    await expect(mentor.locator("#wall .note", has_text="Typed while nobody answered")).to_have_count(1)
    await expect(ana.locator("#wall .note", has_text="Typed while nobody answered")).to_have_count(1)
    await expect(form.get_by_label("Your post-it")).to_have_value("")
    await expect(form).not_to_have_attribute("aria-busy", "true")
    # Sent once, on the socket that came back or a new one: never twice.
    assert sum("Typed while nobody answered" in frame for frame in sent) == 1, sent


async def test_a_socket_that_stays_silent_is_replaced_and_a_message_in_flight_is_marked_not_resent(
    new_context: NewContext, own_server: ServerProcess
) -> None:
    """A post-it that went out just as the connection stalled: the page cannot know whether the
    server has it, so it keeps the text and says so in the form instead of sending it twice; after
    10 silent seconds it gives the socket up and connects anew."""
    assert own_server.proc is not None
    pid = own_server.proc.pid
    mentor, ana, sent = await session_with_a_wall(new_context, "A message in flight", base_url=own_server.url)
    conn = ana.locator("#conn")
    form = ana.locator("#wall-mine details.wall-write form")
    await form.get_by_label("Your post-it").fill("Sent as the line went quiet")

    os.kill(pid, signal.SIGSTOP)
    try:
        await form.get_by_role("button", name="Add post-it").click()
        await expect(conn).to_have_attribute("data-state", "offline", timeout=NOTICED_MS)
        error = form.locator(".form-error")
        # ABANDON_AFTER (10 s) after the first unanswered ping, plus the margin above.
        await expect(error).to_have_text(
            "The connection broke while this was being sent. If it does not show up, send it again.",
            timeout=10_000 + NOTICED_MS)
        await expect(form.get_by_label("Your post-it")).to_have_value("Sent as the line went quiet")
        await expect(form).not_to_have_attribute("aria-busy", "true")
        await expect(conn).to_have_attribute("data-state", "offline")
    finally:
        os.kill(pid, signal.SIGCONT)

    await wait_live(ana)
    await axe_check(ana)
    assert sum("Sent as the line went quiet" in frame for frame in sent) == 1, sent
    # The stopped server's kernel had taken the frame in: once resumed, the server read it from
    # the old socket and stored it. The page sent it that once, so it is on the wall once.
    for page in (mentor, ana):
        await expect(page.locator("#wall .note", has_text="Sent as the line went quiet")).to_have_count(1)
