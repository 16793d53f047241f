"""A websocket protocol's surroundings without a socket, for the tests and benchmarks of
server/ws_protocol.py: a client's upgrade request, and a transport that records what it is told."""

from __future__ import annotations

import asyncio
from typing import Any


def upgrade_request(extra_headers: str = "") -> bytes:
    """A client's websocket upgrade request; `extra_headers`: more header lines, each ending in CRLF."""
    return ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            f"{extra_headers}\r\n").encode()


class FakeTransport(asyncio.Transport):
    """What the protocol asks of its transport, keeping what it is told (`keep=False`: the bytes
    written are dropped, for a benchmark that writes millions of frames)."""

    def __init__(self, keep: bool = True) -> None:
        super().__init__()
        self.keep = keep
        self.paused, self.closing, self.written = False, False, bytearray()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def pause_reading(self) -> None:
        self.paused = True

    def resume_reading(self) -> None:
        self.paused = False

    def is_closing(self) -> bool:
        return self.closing

    def write(self, data: Any) -> None:
        if self.keep:
            self.written += data

    def close(self) -> None:
        self.closing = True
