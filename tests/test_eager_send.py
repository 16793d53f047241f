"""server/eager_send.py: a send that need not wait completes at once; one that must, later, in order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from server.eager_send import send_eagerly


class Socket:
    """Like uvicorn's websocket send: it waits only while the client's buffer is full."""

    def __init__(self) -> None:
        self.writable = asyncio.Event()
        self.writable.set()
        self.sent: list[str] = []
        self.gone = False

    async def send(self, message: dict[str, Any]) -> None:
        await self.writable.wait()
        if self.gone:
            raise OSError("client gone")
        self.sent.append(message["text"])


async def test_a_send_that_need_not_wait_is_done_before_send_eagerly_returns() -> None:
    socket = Socket()
    assert send_eagerly(socket.send, {"text": "a"}) is None
    assert socket.sent == ["a"]


async def test_a_send_that_must_wait_is_finished_by_awaiting_what_is_returned() -> None:
    socket = Socket()
    socket.writable.clear()
    rest = send_eagerly(socket.send, {"text": "a"})
    assert rest is not None and socket.sent == []
    finishing = asyncio.ensure_future(rest)
    await asyncio.sleep(0.01)
    assert not finishing.done() and socket.sent == []  # still waiting for the client
    socket.writable.set()
    await asyncio.wait_for(finishing, 1)
    assert socket.sent == ["a"]


async def test_errors_of_the_send_reach_the_caller_now_or_when_awaited() -> None:
    socket = Socket()
    socket.gone = True
    with pytest.raises(OSError):
        send_eagerly(socket.send, {"text": "a"})
    socket.writable.clear()
    rest = send_eagerly(socket.send, {"text": "b"})
    assert rest is not None
    socket.writable.set()
    with pytest.raises(OSError):
        await rest


async def test_cancelling_a_waiting_send_closes_it_without_sending() -> None:
    socket = Socket()
    socket.writable.clear()
    rest = send_eagerly(socket.send, {"text": "a"})
    assert rest is not None
    finishing = asyncio.ensure_future(rest)
    await asyncio.sleep(0)
    finishing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await finishing
    socket.writable.set()
    await asyncio.sleep(0.01)
    assert socket.sent == []
