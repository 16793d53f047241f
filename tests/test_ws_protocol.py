"""server/ws_protocol.py: uvicorn's websocket protocol with a lighter inbox and writable flag, and
no handshake kept once the socket is open (issue 19). The parts alone, then a real uvicorn on a
free port with a real websockets client."""

from __future__ import annotations

import asyncio

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.asyncio.client import connect

from bench.serverproc import free_port
from server.ws_protocol import Flag, Inbox, LeanWebSocketProtocol


async def test_inbox_hands_out_in_order_and_wakes_a_waiting_reader() -> None:
    inbox = Inbox()
    assert inbox.empty()
    inbox.put_nowait("a")
    inbox.put_nowait("b")
    assert inbox.qsize() == 2
    assert await inbox.get() == "a"
    assert await inbox.get() == "b"
    reader = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    assert not reader.done()
    inbox.put_nowait("c")
    assert await reader == "c"
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
    inbox.put_nowait("after")
    assert await inbox.get() == "after"


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


@pytest.mark.slow
async def test_a_real_uvicorn_speaks_websocket_with_it_and_keeps_no_handshake() -> None:
    app = Starlette(routes=[WebSocketRoute("/ws", echo)])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, ws=LeanWebSocketProtocol,
                                           ws_per_message_deflate=False, lifespan="off", log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        async with connect(f"ws://127.0.0.1:{port}/ws") as client:
            # Far more than the transport buffers at once: the writable flag pauses and resumes.
            big = "x" * 60_000
            for n in range(50):
                await client.send(f"{n} {big}")
            for n in range(50):
                assert await client.recv() == f"echo {n} {big}"
            [protocol] = [c for c in server.server_state.connections if isinstance(c, LeanWebSocketProtocol)]
            assert isinstance(protocol.queue, Inbox) and isinstance(protocol.writable, Flag)
            assert protocol.request is None and protocol.response is None
        # The client closed: the app saw the disconnect and the connection is gone.
        for _ in range(200):
            if not server.server_state.connections:
                break
            await asyncio.sleep(0.01)
        assert not server.server_state.connections
    finally:
        server.should_exit = True
        await serving
