"""uvicorn's websocket protocol, keeping less for every open socket (issue 19), and bounded for
what a socket sends (issue 14).

For each socket uvicorn's `WebSocketsSansIOProtocol` keeps, for as long as it is open: an
`asyncio.Queue` for what the client sends (three deques and an `asyncio.Event` with a fourth, 760
bytes each on CPython 3.11), an `asyncio.Event` (a fifth deque) for whether the transport takes
more, and the handshake's request and response with their headers. In a benchmark with 1,000
sockets that was about 7 kB of the 36 kB each socket cost (docs/performance.md, "Memory per
socket"). `LeanWebSocketProtocol` is the same protocol with an inbox and a flag that allocate only
while something waits, and it lets go of the handshake once its response is written.

Back-pressure (issue 14): uvicorn hands every byte the transport read (up to 256 KiB at once) to
the websocket parser, and every frame in it to the inbox. It stops reading after a message, but
the read before that could hold thousands of small frames: a socket that sends faster than the
app reads piled them up as Python objects (8 sockets per person: RSS +70 %). Here the bytes read
wait as bytes in a backlog, and the parser is given whole frames only while the inbox has room
(`INBOX_MESSAGES` messages, `INBOX_BYTES` bytes); while it is full, reading is paused, so the
client's frames wait in the kernel and then in the client (TCP's own back-pressure). What a
flooding socket costs is one read (the backlog), the inbox's bound, and the kernel's buffers.

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
from websockets.protocol import State

# What may wait in a socket's inbox for the app to take it. The app takes one message at a time
# and answers it before it takes the next (server/ws.py), so a page that sends a burst of form
# posts waits a little longer; a bigger inbox would only let a flood pile up sooner.
INBOX_MESSAGES = 4
INBOX_BYTES = 64 * 1024
# The most a websocket frame header takes: 2 bytes, 8 of extended length, 4 of mask.
_HEADER_MAX = 14
# Before the handshake: the request's head, which ends with an empty line.
_END_OF_HEAD = b"\r\n\r\n"


def frame_size(data: bytes | bytearray, start: int = 0) -> tuple[int, int] | None:
    """The header and payload lengths of the frame that begins at `data[start]` (RFC 6455,
    section 5.2), or None while its header is not complete."""
    have = len(data) - start
    if have < 2:
        return None
    second = data[start + 1]
    length = second & 0x7F
    header = 2
    if length == 126:
        header = 4
    elif length == 127:
        header = 10
    if second & 0x80:  # masked: every client frame is
        header += 4
    if have < header:
        return None
    if length >= 126:
        length = int.from_bytes(data[start + 2:start + (4 if length == 126 else 10)], "big")
    return header, length


class Inbox:
    """What uvicorn's websocket protocol asks of its `asyncio.Queue`: `put_nowait`, `get` and
    `empty`, and how much it holds (`qsize`, `size`: the characters or bytes of its messages). It
    never refuses a message (uvicorn puts its disconnect messages in it too): the protocol keeps
    it within its bound by giving the parser frames only while `room` says they fit. One reader
    at a time, as an ASGI app's `receive` has."""

    __slots__ = ("_getter", "_items", "size")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._getter: asyncio.Future[None] | None = None
        self.size = 0

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    def room(self, messages: int, payload: int) -> bool:
        """Whether `messages` more messages of `payload` bytes in all fit: one message alone fits
        in an empty inbox whatever its size (at most uvicorn's `ws_max_size`); more, within
        INBOX_MESSAGES and INBOX_BYTES."""
        count = len(self._items) + messages
        return count <= 1 or (count <= INBOX_MESSAGES and self.size + payload <= INBOX_BYTES)

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        self.size += _size(item)
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
        item = self._items.pop(0)
        self.size -= _size(item)
        return item


def _size(message: Any) -> int:
    body = message.get("text") or message.get("bytes")
    return len(body) if body else 0


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
    """uvicorn's websocket protocol with a bounded `Inbox`, a `Flag`, back-pressure, and no
    handshake kept (the `ws` class that server/__main__.py gives uvicorn)."""

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.inbox = Inbox()
        self.queue = self.inbox  # type: ignore[assignment]
        self.writable = Flag(True)  # type: ignore[assignment]
        self.backlog = bytearray()  # read, not yet given to the parser
        self._owed = 0  # bytes of a frame the parser has begun and still needs
        self._blocked = False  # the backlog's next frame waits for room in the inbox

    def data_received(self, data: bytes) -> None:
        self.backlog += data
        self._pump()

    async def receive(self) -> Any:
        message = await self.inbox.get()
        self._pump()
        return message

    def connection_lost(self, exc: Exception | None) -> None:
        self.backlog = bytearray()  # what was never read goes with the socket
        super().connection_lost(exc)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._pump()

    def write_prepared(self, frame: bytes) -> bool:
        """Write a whole text frame made by server/wire_frames.py, the bytes uvicorn's `send`
        would have written for its text, when nothing stands in the way. False, with nothing
        written, when the frame must go through `send` instead: the client's buffer is full (send
        waits for it), the socket closes or has closed (send raises what the app expects then),
        or the handshake agreed on an extension that changes a frame's bytes (compression)."""
        conn = self.conn
        if self.close_sent or not self.writable.is_set() or conn.state is not State.OPEN \
                or conn.extensions or self.transport.is_closing():
            return False
        self.transport.write(frame)
        return True

    def keepalive_timeout(self) -> None:
        # uvicorn closes with 1011 when its ping's pong does not come in time. While what the
        # client sent waits here unparsed (back-pressure), its pong may be in there, behind its
        # messages: the client is there, and it is the server that has not read it. Without this
        # a socket whose frames wait for the app was closed with 1011 before the app saw them, so
        # a flooding one was never closed for abuse (4008) and never got a back-off.
        if self.backlog and not self.close_sent:
            self.pong_timer = None
            self._wait_for_pong()
            return
        super().keepalive_timeout()

    def _wait_for_pong(self) -> None:
        assert self.ping_timeout is not None  # uvicorn calls keepalive_timeout only then
        self.pong_timer = self.loop.call_later(self.ping_timeout, self.keepalive_timeout)

    def _pump(self) -> None:
        """Give the parser what fits in the inbox, then read on only while more would fit."""
        while self.backlog and not self.transport.is_closing():
            size = self._next()
            if not size:
                break
            chunk = bytes(self.backlog[:size])
            del self.backlog[:size]
            self.conn.receive_data(chunk)
            if self.conn.parser_exc is not None:  # malformed, too big: uvicorn closes the socket
                self.handle_parser_exception()
                break
            self.handle_events()  # messages go into the inbox (and uvicorn pauses reading)
        if self.transport.is_closing():
            self.backlog.clear()
            return
        pause = not self.close_sent and (self._blocked or not self.inbox.room(1, 0))
        if pause != self.read_paused:
            self.read_paused = pause
            if pause:
                self.transport.pause_reading()
            else:
                self.transport.resume_reading()

    def _next(self) -> int:
        """How many bytes of the backlog the parser may have now: the whole frames that fit in
        the inbox, or the start of one that fits (the parser checks its header at once and keeps
        the rest until it comes). 0: nothing now, either for want of room (`_blocked`) or of
        bytes."""
        backlog, inbox = self.backlog, self.inbox
        self._blocked = False
        if self.close_sent:  # the app closed: messages are dropped, only the peer's close counts
            return len(backlog)
        if not self.handshake_initiated:
            # The request's head only: frames sent right after it wait like any others. Without
            # its end, all but the bytes that may be the start of the end.
            end = backlog.find(_END_OF_HEAD)
            return end + len(_END_OF_HEAD) if end >= 0 else max(0, len(backlog) - len(_END_OF_HEAD) + 1)
        if not self.writable.is_set():
            # The client does not read what we write: parse nothing that may need an answer
            # (a ping's pong) until it does (resume_writing).
            self._blocked = True
            return 0
        if self._owed:  # its room was counted when its start was given
            size = min(self._owed, len(backlog))
            self._owed -= size
            return size
        offset, frames, payloads = 0, 0, 0
        while offset < len(backlog):
            found = frame_size(backlog, offset)
            if found is None:
                break
            header, payload = found
            if not inbox.room(frames + 1, payloads + payload):
                self._blocked = not frames
                break
            end = offset + header + payload
            if end > len(backlog):
                if not frames:
                    self._owed = end - len(backlog)
                    return len(backlog)
                break
            offset, frames, payloads = end, frames + 1, payloads + payload
        return offset

    def start_keepalive(self) -> None:
        # uvicorn calls this once the handshake's response is written (the socket is accepted):
        # neither the request nor the response is read again, and with their headers they were
        # about 3 kB per open socket. The request is emptied, not only let go of: the websockets
        # parser, a generator that runs for as long as the socket is open, still holds it as a
        # local of its finished handshake step (2.8 kB of headers per socket, found by
        # tracemalloc; the ASGI scope has its own copy of the headers).
        if self.request is not None:
            self.request.headers.clear()
            self.request.path = ""
        self.request = None  # type: ignore[assignment]
        self.response = None  # type: ignore[assignment]
        super().start_keepalive()


def prepared_writer(send: Any) -> LeanWebSocketProtocol | None:
    """The protocol whose `write_prepared` may stand in for `send`: only when `send` is that
    protocol's own `send`, not a middleware's wrapper of it (a middleware that sees every frame
    must go on seeing them, server/app.py), and not another ASGI server's."""
    owner = getattr(send, "__self__", None)
    if isinstance(owner, LeanWebSocketProtocol) and send == owner.send:
        return owner
    return None
