"""A fixed UDP port range for the relay's media, for firewalls (KRING_MEDIA_PORTS, issue 16).

aiortc gathers its host candidates through aioice, which binds each UDP socket to port 0 (any
port) and has no setting for a range. The relay's media process therefore gives its event loop a
`create_datagram_endpoint` that binds aioice's host sockets, and only those, to the first free
port of the range (starting after the last one it used, so ports are not reused at once). When
the range is full aioice logs "Could not bind" and the connection has no candidate on that
address: size the range for two connections per member and one port per network address the
server has (see docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("kring.media")


def parse_range(text: str) -> tuple[int, int] | None:
    """"50000-50199" -> (50000, 50199); "" -> None. Raises ValueError when it is not a range."""
    text = text.strip()
    if not text:
        return None
    low_text, sep, high_text = text.partition("-")
    if not sep or not low_text.strip().isdigit() or not high_text.strip().isdigit():
        raise ValueError(f"KRING_MEDIA_PORTS must be LOW-HIGH, e.g. 50000-50199 (got {text!r})")
    low, high = int(low_text), int(high_text)
    if not 1024 <= low <= high <= 65535:
        raise ValueError(f"KRING_MEDIA_PORTS must lie within 1024-65535, low <= high (got {text!r})")
    return low, high


def _is_aioice_host_socket(factory: Callable[[], Any], kwargs: dict[str, Any]) -> bool:
    local = kwargs.get("local_addr")
    return (getattr(factory, "__module__", "") == "aioice.ice" and kwargs.get("sock") is None
            and kwargs.get("remote_addr") is None and isinstance(local, tuple) and local[1] == 0)


class PortRange:
    def __init__(self, low: int, high: int) -> None:
        self.low = low
        self.high = high
        self._next = low
        self._loop: asyncio.AbstractEventLoop | None = None
        self._original: Any = None

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._loop is not None:
            return
        self._loop = loop
        self._original = loop.create_datagram_endpoint

        async def create_datagram_endpoint(factory: Callable[[], Any], *args: Any, **kwargs: Any) -> Any:
            if args or not _is_aioice_host_socket(factory, kwargs):
                return await self._original(factory, *args, **kwargs)
            return await self._bind(factory, kwargs)

        loop.create_datagram_endpoint = create_datagram_endpoint  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        if self._loop is not None:
            self._loop.create_datagram_endpoint = self._original  # type: ignore[method-assign]
            self._loop = None

    async def _bind(self, factory: Callable[[], Any], kwargs: dict[str, Any]) -> Any:
        address = kwargs["local_addr"][0]
        size = self.high - self.low + 1
        for i in range(size):
            port = self.low + (self._next - self.low + i) % size
            try:
                result = await self._original(factory, **{**kwargs, "local_addr": (address, port)})
            except OSError as exc:
                if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                    continue
                raise
            self._next = self.low + (port - self.low + 1) % size
            return result
        log.warning("media: no free UDP port in KRING_MEDIA_PORTS %d-%d for %s", self.low, self.high, address)
        raise OSError(errno.EADDRINUSE, f"no free port in {self.low}-{self.high}")
