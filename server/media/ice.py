"""The STUN/TURN servers the relay's own connections use, checked before they cost anything.

aiortc gathers every candidate before it answers (no trickle on its side), and a STUN or TURN
server that does not answer holds each gathering for aioice's 5 s time-out: with publish and
receive connections a join took 12.6 s instead of 0.58 s (issue 16). So the relay asks each
configured server once (a STUN Binding request over UDP, which TURN servers answer too, or a TCP
connect for `?transport=tcp` and `turns:`) when it starts and then every `interval` seconds, in
the background, and gives new connections only the servers that answered the last time. A dead
server then costs no join any time; one that comes back is used again after the next check. The
browsers get the whole list regardless (their gathering trickles: web/static/media.js).
"""

from __future__ import annotations

import asyncio
import logging
import os
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

log = logging.getLogger("kring.media")

STUN_MAGIC = 0x2112A442
BINDING_REQUEST = 0x0001


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    transport: str  # "udp" or "tcp" (turns: is TLS over TCP: a TCP connect is the check)


def endpoint(url: str) -> Endpoint | None:
    """Where `url` (stun:host[:port], turn:host[:port][?transport=udp|tcp], turns:...) lives."""
    scheme, _, rest = url.partition(":")
    scheme = scheme.lower()
    if scheme not in ("stun", "stuns", "turn", "turns") or not rest:
        return None
    address, _, query = rest.partition("?")
    transport = parse_qs(query).get("transport", ["udp"])[0].lower()
    if scheme in ("stuns", "turns"):
        transport = "tcp"
    default = 5349 if scheme in ("stuns", "turns") else 3478
    if address.startswith("["):  # [IPv6]:port
        host, _, tail = address[1:].partition("]")
        port = tail[1:] if tail.startswith(":") else ""
    else:
        host, _, port = address.partition(":")
    if not host or (port and not port.isdigit()):
        return None
    return Endpoint(host, int(port) if port else default, "tcp" if transport == "tcp" else "udp")


def _urls(server: Mapping[str, Any]) -> list[str]:
    urls = server.get("urls", [])
    return [urls] if isinstance(urls, str) else [str(u) for u in urls]


class _Reply(asyncio.DatagramProtocol):
    def __init__(self, transaction: bytes, answered: asyncio.Future[bool]) -> None:
        self.transaction = transaction
        self.answered = answered

    def datagram_received(self, data: bytes, addr: Any) -> None:
        # Any STUN message for our transaction (success or error: a TURN server may say 401) shows
        # the server is there.
        if len(data) >= 20 and data[8:20] == self.transaction and not self.answered.done():
            self.answered.set_result(True)

    def error_received(self, exc: Exception) -> None:
        if not self.answered.done():
            self.answered.set_result(False)


async def _stun_answers(where: Endpoint, timeout: float) -> bool:
    loop = asyncio.get_running_loop()
    transaction = os.urandom(12)
    request = struct.pack("!HHI", BINDING_REQUEST, 0, STUN_MAGIC) + transaction
    answered: asyncio.Future[bool] = loop.create_future()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: _Reply(transaction, answered), remote_addr=(where.host, where.port))
    try:
        # Two tries inside the time-out: one lost datagram does not condemn a server.
        for _ in range(2):
            transport.sendto(request)
            try:
                return await asyncio.wait_for(asyncio.shield(answered), timeout / 2)
            except TimeoutError:
                continue
        return False
    finally:
        transport.close()


async def _tcp_answers(where: Endpoint, timeout: float) -> bool:
    _, writer = await asyncio.wait_for(asyncio.open_connection(where.host, where.port), timeout)
    writer.close()
    return True


async def answers(url: str, timeout: float = 1.0) -> bool:
    """Whether the server at `url` answers within `timeout` seconds."""
    where = endpoint(url)
    if where is None:
        return False
    try:
        if where.transport == "tcp":
            return await _tcp_answers(where, timeout)
        return await asyncio.wait_for(_stun_answers(where, timeout), timeout + 1)
    except (OSError, TimeoutError):
        return False


Probe = Callable[[str, float], Any]  # awaitable of bool: `answers` or a stand-in in tests


class IceServers:
    """The configured servers, and the ones (each with only its URLs that answered) in use now."""

    def __init__(self, servers: tuple[Mapping[str, Any], ...], interval: float = 60.0,
                 timeout: float = 1.0, probe: Probe = answers) -> None:
        self.servers = servers
        self.interval = interval
        self.timeout = timeout
        self.usable: tuple[Mapping[str, Any], ...] = ()  # nothing until a check says so
        self.checks = 0
        self._probe = probe
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    async def check(self) -> tuple[Mapping[str, Any], ...]:
        """Ask every configured URL at once; keep each server with the URLs that answered."""
        urls = [(i, url) for i, server in enumerate(self.servers) for url in _urls(server)]
        results = await asyncio.gather(*(self._probe(url, self.timeout) for _, url in urls))
        alive: dict[int, list[str]] = {}
        for (i, url), ok in zip(urls, results, strict=True):
            if ok:
                alive.setdefault(i, []).append(url)
            else:
                log.warning("media: ICE server %s does not answer; new connections leave it out", url)
        usable = tuple({**self.servers[i], "urls": found} for i, found in sorted(alive.items()))
        self.checks += 1
        if usable != self.usable:
            self.usable = usable
            for listener in self._listeners:
                listener()
        return usable

    async def _loop(self) -> None:
        while True:
            try:
                await self.check()
            except Exception:  # a check must never stop the checking
                log.exception("media: checking the ICE servers failed")
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        if self.servers and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
