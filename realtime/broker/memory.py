"""The in-process broker of the embedded default. It carries bytes only, like Redis would.

Listeners are called through `loop.call_soon`, never inside `publish`, so a publisher is never
re-entered by its own listener (as with a real network broker). Nothing is queued here beyond the
event loop's own ready queue: each call is one small decode-and-apply in the hub. A listener that
raises is logged (once per subscription), as the Redis broker does; the others are not affected.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from realtime.broker.base import Listener

log = logging.getLogger("kring.broker.memory")


class _MemorySubscription:
    def __init__(self, broker: MemoryBroker, channel: str, listener: Listener) -> None:
        self._broker = broker
        self.channel = channel
        self.listener = listener
        self.failed = False

    def deliver(self, message: bytes) -> None:
        try:
            self.listener(message)
        except Exception:
            if not self.failed:
                self.failed = True
                log.exception("a listener on %s failed (its later failures are not logged)", self.channel)

    async def close(self) -> None:
        self._broker._remove(self)


class MemoryBroker:
    def __init__(self) -> None:
        self._subs: dict[str, list[_MemorySubscription]] = {}

    @property
    def healthy(self) -> bool:
        return True

    async def publish(self, channel: str, message: bytes) -> None:
        loop = asyncio.get_running_loop()
        for sub in tuple(self._subs.get(channel, ())):
            loop.call_soon(sub.deliver, bytes(message))

    async def publish_many(self, messages: Sequence[tuple[str, bytes]]) -> None:
        for channel, message in messages:
            await self.publish(channel, message)

    async def subscribe(self, channel: str, listener: Listener) -> _MemorySubscription:
        sub = _MemorySubscription(self, channel, listener)
        self._subs.setdefault(channel, []).append(sub)
        return sub

    def _remove(self, sub: _MemorySubscription) -> None:
        subs = self._subs.get(sub.channel, [])
        if sub in subs:
            subs.remove(sub)
        if not subs:
            self._subs.pop(sub.channel, None)

    async def close(self) -> None:
        self._subs.clear()
