"""uvicorn's websocket protocol, keeping less for every open socket (issue 19).

For each socket uvicorn's `WebSocketsSansIOProtocol` keeps, for as long as it is open: an
`asyncio.Queue` for what the client sends (three deques and an `asyncio.Event` with a fourth, 760
bytes each on CPython 3.11), an `asyncio.Event` (a fifth deque) for whether the transport takes
more, and the handshake's request and response with their headers. In a benchmark with 1,000
sockets that was about 7 kB of the 36 kB each socket cost (docs/performance.md, "Memory per
socket"). `LeanWebSocketProtocol` is the same protocol with an inbox and a flag that allocate only
while something waits, and it lets go of the handshake once its response is written.

It leans on uvicorn's internals (the attributes `queue`, `writable`, `request` and `response`, and
that `start_keepalive` runs right after the handshake's response): uvicorn is pinned
(requirements.lock), and tests/test_ws_protocol.py runs a real uvicorn with it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState


class Inbox:
    """What uvicorn's websocket protocol asks of its `asyncio.Queue`: `put_nowait`, `get` and
    `empty`, unbounded as that queue is (uvicorn stops reading while a message waits, so it holds
    one or two). One reader at a time, as an ASGI app's `receive` has."""

    __slots__ = ("_getter", "_items")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._getter: asyncio.Future[None] | None = None

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        getter = self._getter
        if getter is not None and not getter.done():
            getter.set_result(None)

    async def get(self) -> Any:
        while not self._items:
            if self._getter is not None:
                raise RuntimeError("a websocket's messages are read by one task at a time")
            getter = self._getter = asyncio.get_running_loop().create_future()
            try:
                await getter
            finally:
                self._getter = None
        return self._items.pop(0)


class Flag:
    """What uvicorn's websocket protocol asks of its `asyncio.Event` `writable`, with the list of
    waiters made only while someone waits (an Event makes a deque for every socket)."""

    __slots__ = ("_set", "_waiters")

    def __init__(self, value: bool = True) -> None:
        self._set = value
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        if self._set:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)
        return True


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websocket protocol with an `Inbox`, a `Flag`, and no handshake kept (the `ws`
    class that server/__main__.py gives uvicorn)."""

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag(True)  # type: ignore[assignment]

    def start_keepalive(self) -> None:
        # uvicorn calls this once the handshake's response is written (the socket is accepted):
        # neither the request nor the response is read again, and with their headers they were
        # about 3 kB per open socket.
        self.request = None  # type: ignore[assignment]
        self.response = None  # type: ignore[assignment]
        super().start_keepalive()
