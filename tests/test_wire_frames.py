"""server/wire_frames.py and LeanWebSocketProtocol.write_prepared (issue 19): a frame's wire bytes
are made once for all the pages that get it, and are exactly what uvicorn's own `send` writes for
its text. The parts alone, the protocol with a transport that keeps what it is told, then Kring
under a real uvicorn on a free port with real websocket clients."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.sync.client import connect

from bench.serverproc import free_port
from bench.wskit import FakeTransport, upgrade_request
from server.app import create_app
from server.kring import Kring
from server.wire_frames import WireFrames, text_frame
from server.ws_protocol import LeanWebSocketProtocol, prepared_writer
from tests.appkit import cookie_header
from tests.conftest import make_settings
from tests.test_ws_protocol import masked_text, until

# Every length form of a frame's header (7 bits, 16 bits, 64 bits) at and around its edges, and text
# that is not ASCII (the length is the encoded length).
TEXTS = ["", "a", "x" * 125, "x" * 126, "é" * 63, "é" * 64, "y" * 65_535, "y" * 65_536, "ü€" * 70_000]


async def open_protocol(deflate: bool = False) -> tuple[LeanWebSocketProtocol, FakeTransport]:
    """A protocol that accepted a socket (an app that accepts and then waits), on a FakeTransport."""
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await asyncio.Event().wait()

    config = uvicorn.Config(app, lifespan="off", ws_per_message_deflate=deflate)
    protocol = LeanWebSocketProtocol(config, ServerState(), {})
    transport = FakeTransport()
    protocol.connection_made(transport)
    extra = "Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else ""
    protocol.data_received(upgrade_request(extra))
    await until(lambda: protocol.handshake_complete)
    transport.written.clear()
    return protocol, transport


def close(protocol: LeanWebSocketProtocol) -> None:
    for task in protocol.tasks:
        task.cancel()
    protocol.connection_lost(None)


async def test_a_prepared_frame_is_byte_for_byte_what_uvicorns_send_writes() -> None:
    protocol, transport = await open_protocol()
    try:
        for text in TEXTS:
            await protocol.send({"type": "websocket.send", "text": text})
            by_send = bytes(transport.written)
            transport.written.clear()
            assert protocol.write_prepared(text_frame(text))
            assert bytes(transport.written) == by_send == text_frame(text), len(text)
            transport.written.clear()
    finally:
        close(protocol)


async def test_write_prepared_leaves_to_send_what_send_must_decide() -> None:
    """Nothing is written, and the caller goes through `send`, while the client's buffer is full
    (send waits), once the client's close came in or the app's went out (send raises or drops),
    and on a transport that closes."""
    frame = text_frame("hello")
    protocol, transport = await open_protocol()
    try:
        protocol.writable.clear()
        assert not protocol.write_prepared(frame)
        protocol.writable.set()
        assert protocol.write_prepared(frame) and bytes(transport.written) == frame
        transport.closing = True
        assert not protocol.write_prepared(frame)
    finally:
        close(protocol)

    protocol, transport = await open_protocol()
    try:
        protocol.data_received(bytes([0x88, 0x82]) + b"\0\0\0\0" + (1000).to_bytes(2, "big"))  # the client's close
        transport.written.clear()
        assert not protocol.write_prepared(frame) and not transport.written
    finally:
        close(protocol)

    protocol, transport = await open_protocol()
    try:
        await protocol.send({"type": "websocket.close", "code": 1000})
        transport.written.clear()
        assert not protocol.write_prepared(frame) and not transport.written
    finally:
        close(protocol)


async def test_a_socket_that_agreed_on_compression_is_never_written_plain() -> None:
    protocol, transport = await open_protocol(deflate=True)
    try:
        assert protocol.conn.extensions
        assert not protocol.write_prepared(text_frame("hello")) and not transport.written
        protocol.data_received(masked_text("still speaks"))  # and the socket still works
    finally:
        close(protocol)


async def test_the_prepared_path_is_offered_only_for_the_protocols_own_send() -> None:
    protocol, _ = await open_protocol()
    try:
        assert prepared_writer(protocol.send) is protocol

        async def wrapped(message: Any) -> None:  # a middleware that sees every frame
            await protocol.send(message)

        assert prepared_writer(wrapped) is None
        stock = WebSocketsSansIOProtocol(uvicorn.Config("server.app:create_app", lifespan="off"), ServerState(), {})
        assert prepared_writer(stock.send) is None
        assert prepared_writer(print) is None
    finally:
        close(protocol)


async def test_wire_frames_makes_a_frame_once_and_keeps_it_only_for_the_turn() -> None:
    frames = WireFrames(kept=3)
    shared = "<div id='x'>" + "z" * 300 + "</div>"
    first = frames.of(shared)
    assert first == text_frame(shared) and frames.of(shared) is first
    assert frames.of("".join(["<div id='x'>", "z" * 300, "</div>"])) is first  # the same text, another object
    assert (frames.made, frames.reused) == (1, 2)
    for n in range(3):
        frames.of(f"other {n}")
    assert len(frames) == 3 and shared not in frames and "other 0" in frames  # the oldest went
    await asyncio.sleep(0)  # the loop turns: nothing is kept
    assert len(frames) == 0
    again = frames.of(shared)
    assert again is not first and again == first and frames.made == 5
    await asyncio.sleep(0)
    assert len(frames) == 0


@contextmanager
def kring_under_uvicorn(tmp_path: Path) -> Iterator[tuple[str, Kring]]:
    """Kring's app under a real uvicorn with Kring's own protocol, in a thread of this process so
    the test can look at the Kring object."""
    port = free_port()
    config = uvicorn.Config(create_app(make_settings(tmp_path)), host="127.0.0.1", port=port,
                            ws=LeanWebSocketProtocol, ws_per_message_deflate=False, log_level="warning",
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}", server.lifespan.state["kring"]
    finally:
        server.should_exit = True
        thread.join(10)


def joined(base: str, code: str, name: str) -> str:
    with httpx.Client(base_url=base) as browser:
        page = browser.get(f"/s/{code}/join").text
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        response = browser.post(f"/s/{code}/join", data={"name": name, "location": "room", "csrf": token})
        assert response.status_code == 303, response.text
        return cookie_header(browser)


def wait_until(condition: Callable[[], object], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def receive_until(ws: Any, needle: str) -> str:
    deadline = time.monotonic() + 10
    while True:
        frame = ws.recv(timeout=max(0.01, deadline - time.monotonic()))
        if needle in frame:
            return str(frame)


@pytest.mark.slow
def test_kring_under_uvicorn_writes_a_shared_frame_prepared_and_every_page_gets_it(tmp_path: Path) -> None:
    """A rename under a real uvicorn: the others' frame is the same text, its bytes were made once
    and given to both, and each page got it whole, escaped as ever."""
    with kring_under_uvicorn(tmp_path) as (base, k):
        code = httpx.post(base + "/api/v1/sessions", json={"title": "Week 1", "language": "en"}).json()["code"]
        cookies = {name: joined(base, code, name) for name in ("Anna", "Bo", "Cas")}
        ws_base = base.replace("http://", "ws://")
        with ExitStack() as stack:
            sockets = {name: stack.enter_context(connect(f"{ws_base}/ws/s/{code}?since=0",
                                                         additional_headers={"cookie": cookie}))
                       for name, cookie in cookies.items()}
            for ws in sockets.values():
                receive_until(ws, 'id="presence"')
            # Every page's first frames are out and no sender runs, so the change goes out from the
            # fan-out itself (the prepared path); a page whose sender still ran would take its own.
            wait_until(lambda: len(k.send_watch._connections) == 3
                       and all(c.sending is None for c in k.send_watch._connections))
            made, reused = k.wire_frames.made, k.wire_frames.reused
            sockets["Anna"].send('{"cmd": "profile", "name": "Anna <b>Q</b>", "location": "room"}')
            seen = {name: receive_until(ws, "Anna &lt;b&gt;Q&lt;/b&gt;") for name, ws in sockets.items()}
            assert seen["Bo"] == seen["Cas"] and "<b>Q</b>" not in seen["Bo"]
            # Bo's and Cas's pages are of one kind: one frame made, given twice (Anna's own differs).
            assert k.wire_frames.reused > reused and k.wire_frames.made > made
            wait_until(lambda: len(k.wire_frames) == 0)  # nothing kept once the fan-out is over
