"""server/ws_protocol.py: uvicorn's websocket protocol with a lighter inbox and writable flag, and
no handshake kept once the socket is open (issue 19). The parts alone, then a real uvicorn on a
free port with a real websockets client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect
from uvicorn.server import ServerState
from websockets.asyncio.client import connect

from bench.serverproc import free_port
from bench.wskit import FakeTransport, upgrade_request
from server.ws_protocol import INBOX_BYTES, INBOX_MESSAGES, Flag, Inbox, LeanWebSocketProtocol, frame_size


def text(body: str) -> dict[str, str]:
    return {"type": "websocket.receive", "text": body}


async def test_inbox_hands_out_in_order_and_wakes_a_waiting_reader() -> None:
    inbox = Inbox()
    assert inbox.empty()
    inbox.put_nowait(text("a"))
    inbox.put_nowait(text("bc"))
    assert inbox.qsize() == 2 and inbox.size == 3
    assert await inbox.get() == text("a")
    assert await inbox.get() == text("bc")
    assert inbox.size == 0
    reader = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    assert not reader.done()
    inbox.put_nowait(text("c"))
    assert await reader == text("c")
    assert inbox.empty()


async def test_inbox_refuses_a_second_reader_and_survives_a_cancelled_one() -> None:
    inbox = Inbox()
    first = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError):
        await inbox.get()
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    inbox.put_nowait(text("after"))
    assert await inbox.get() == text("after")


def test_inbox_room_counts_messages_and_bytes_and_takes_one_big_message_alone() -> None:
    inbox = Inbox()
    assert inbox.room(1, INBOX_BYTES * 4)  # empty: any one message
    assert not inbox.room(2, INBOX_BYTES + 1)
    assert inbox.room(INBOX_MESSAGES, INBOX_BYTES) and not inbox.room(INBOX_MESSAGES + 1, 0)
    inbox.put_nowait({"type": "websocket.receive", "bytes": b"x" * (INBOX_BYTES - 10)})
    assert inbox.room(1, 10) and not inbox.room(1, 11)
    for _ in range(INBOX_MESSAGES - 1):
        inbox.put_nowait({"type": "websocket.connect"})
    assert not inbox.room(1, 0)


def test_frame_size_reads_the_three_length_forms_and_waits_for_a_whole_header() -> None:
    assert frame_size(b"\x81") is None
    assert frame_size(b"\x81\x85") is None  # masked: 4 more bytes of mask
    assert frame_size(b"\x81\x85abcd") == (6, 5)
    assert frame_size(b"\x81\x05") == (2, 5)  # unmasked (the parser refuses it, not this)
    assert frame_size(b"\x81\xfe\x01") is None
    assert frame_size(b"\x81\xfe\x01\x00abcd") == (8, 256)
    assert frame_size(b"\x82\xff" + (70_000).to_bytes(8, "big") + b"abcd") == (14, 70_000)
    assert frame_size(b"xx\x81\x85abcd", start=2) == (6, 5)


async def test_flag_lets_through_while_set_and_holds_while_clear() -> None:
    flag = Flag(True)
    assert flag.is_set()
    assert await flag.wait() is True
    flag.clear()
    waiters = [asyncio.create_task(flag.wait()) for _ in range(2)]
    await asyncio.sleep(0)
    assert not any(w.done() for w in waiters)
    flag.set()
    assert await asyncio.gather(*waiters) == [True, True]
    cancelled = (flag.clear(), asyncio.create_task(flag.wait()))[1]
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    flag.set()  # nothing left waiting: no error
    assert flag.is_set()


async def echo(ws: WebSocket) -> None:
    await ws.accept()
    try:
        while True:
            await ws.send_text("echo " + await ws.receive_text())
    except WebSocketDisconnect:
        pass


class RecordingInbox(Inbox):
    """The inbox, noting how full it is after every message the client sent."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[int, int]] = []

    def put_nowait(self, item: Any) -> None:
        super().put_nowait(item)
        if item["type"] == "websocket.receive":
            self.seen.append((self.qsize(), self.size))


class RecordingProtocol(LeanWebSocketProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inbox = self.queue = RecordingInbox()


def within_bound(inbox: RecordingInbox) -> bool:
    return all(count <= INBOX_MESSAGES and (size <= INBOX_BYTES or count == 1) for count, size in inbox.seen)


async def until(condition: Callable[[], object], timeout_s: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


@asynccontextmanager
async def uvicorn_serving(handler: Callable[[WebSocket], Awaitable[None]]) -> AsyncIterator[uvicorn.Server]:
    """A real uvicorn on a free port with RecordingProtocol, serving `handler` at /ws."""
    app = Starlette(routes=[WebSocketRoute("/ws", handler)])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, ws=RecordingProtocol,
                                           ws_per_message_deflate=False, lifespan="off", log_level="warning",
                                           timeout_graceful_shutdown=2))
    serving = asyncio.create_task(server.serve())
    try:
        await until(lambda: server.started)
        yield server
    finally:
        server.should_exit = True
        await serving


def url(server: uvicorn.Server) -> str:
    return f"ws://127.0.0.1:{server.config.port}/ws"


def the_protocol(server: uvicorn.Server) -> RecordingProtocol:
    [protocol] = [c for c in server.server_state.connections if isinstance(c, RecordingProtocol)]
    return protocol


@pytest.mark.slow
async def test_a_real_uvicorn_speaks_websocket_with_it_and_keeps_no_handshake() -> None:
    async with uvicorn_serving(echo) as server:
        async with connect(url(server)) as client:
            # Far more than the transport buffers at once: the writable flag pauses and resumes,
            # and frames bigger than one read are given to the parser in parts.
            big = "x" * 60_000
            for n in range(50):
                await client.send(f"{n} {big}")
            for n in range(50):
                assert await client.recv() == f"echo {n} {big}"
            protocol = the_protocol(server)
            assert isinstance(protocol.queue, Inbox) and isinstance(protocol.writable, Flag)
            assert protocol.request is None and protocol.response is None
            # Nor does the websockets parser, a generator that still has the request as a local.
            kept = protocol.conn.parser.gi_frame.f_locals["request"]
            assert not list(kept.headers.raw_items()) and not kept.path
            assert len(protocol.inbox.seen) == 50 and within_bound(protocol.inbox)
        # The client closed: the app saw the disconnect and the connection is gone.
        await until(lambda: not server.server_state.connections)


@pytest.mark.slow
async def test_a_client_that_sends_faster_than_the_app_reads_waits_and_its_inbox_stays_bounded() -> None:
    """Issue 14: thousands of small frames arrive in one read while the app does not read. They
    wait as bytes and reading stops; the app then gets every one, in order, and the inbox never
    held more than its bound."""
    go, got = asyncio.Event(), []

    async def slow(ws: WebSocket) -> None:
        await ws.accept()
        await go.wait()
        while (message := await ws.receive_text()) != "end":
            got.append(int(message))
        await ws.send_text(str(len(got)))

    frames = 5000
    async with uvicorn_serving(slow) as server:
        async with connect(url(server)) as client:
            for n in range(frames):
                await client.send(str(n))
            await client.send("end")
            protocol = the_protocol(server)
            try:
                # The server read what was sent and stopped reading: it waits as bytes, not messages.
                await until(lambda: protocol.read_paused and len(protocol.backlog) > 10_000)
                assert protocol.inbox.qsize() <= INBOX_MESSAGES
            finally:
                go.set()
            assert await client.recv() == str(frames)
            assert got == list(range(frames))
            assert len(protocol.inbox.seen) == frames + 1 and within_bound(protocol.inbox)


def masked_text(body: str) -> bytes:
    """A client's text frame (payload under 126 bytes), masked with a zero key."""
    data = body.encode()
    return bytes([0x81, 0x80 | len(data)]) + b"\0\0\0\0" + data


async def test_frames_that_come_with_the_upgrade_request_wait_like_any_others() -> None:
    """uvicorn's HTTP layer passes the protocol only the upgrade request, but the protocol does not
    count on it: frames in the same read are not parsed with the request, they wait for room."""
    go, got = asyncio.Event(), []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        await go.wait()
        while (message := await receive())["text"] != "end":
            got.append(int(message["text"]))

    protocol = RecordingProtocol(uvicorn.Config(app, lifespan="off", ws_per_message_deflate=False), ServerState(), {})
    transport = FakeTransport()
    protocol.connection_made(transport)
    frames = 2000
    frames_sent = b"".join(masked_text(str(n)) for n in range(frames)) + masked_text("end")
    protocol.data_received(upgrade_request() + frames_sent)
    assert protocol.handshake_initiated and transport.paused and len(protocol.backlog) > 5_000
    assert protocol.inbox.qsize() <= INBOX_MESSAGES
    go.set()
    await until(lambda: len(got) == frames and not protocol.backlog)
    assert got == list(range(frames)) and not transport.paused
    assert b" 101 " in transport.written and within_bound(protocol.inbox)
    protocol.connection_lost(None)


async def test_a_pong_that_waits_unread_behind_the_clients_messages_does_not_close_the_socket() -> None:
    """uvicorn closes with 1011 when its ping gets no pong in time; while the client's bytes wait
    unparsed for room in the inbox the pong may be among them, so the wait starts again."""
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await asyncio.Event().wait()  # never reads

    config = uvicorn.Config(app, lifespan="off", ws_per_message_deflate=False, ws_ping_interval=60, ws_ping_timeout=60)
    protocol = RecordingProtocol(config, ServerState(), {})
    transport = FakeTransport()
    protocol.connection_made(transport)
    protocol.data_received(upgrade_request())
    await until(lambda: protocol.handshake_complete)
    protocol.data_received(b"".join(masked_text(str(n)) for n in range(100)))
    assert protocol.backlog and transport.paused
    protocol.keepalive_timeout()  # the pong's time is up, with the client's bytes waiting
    assert not transport.closing and protocol.pong_timer is not None
    protocol.pong_timer.cancel()
    protocol.backlog.clear()  # nothing waits: a missing pong means the client is gone
    protocol.keepalive_timeout()
    assert transport.closing
    protocol.connection_lost(None)
