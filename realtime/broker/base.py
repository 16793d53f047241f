"""The broker interface (after encode/broadcaster's publish/subscribe shape, with callbacks).

A listener is called with each message's bytes, or with None when the broker may have lost
messages for it (a reconnect to Redis, an overflow): the listener must then resync from the store.
Messages are best effort; the store is the source of truth and every message carries seqs, so a
gap is always noticed by the receiver.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

Listener = Callable[[bytes | None], None]


class Subscription(Protocol):
    async def close(self) -> None: ...


class Broker(Protocol):
    async def publish(self, channel: str, message: bytes) -> None: ...

    async def publish_many(self, messages: Sequence[tuple[str, bytes]]) -> None:
        """Publish each (channel, message) in order, as one round trip where the backend can
        (the hub's presence heartbeat for every room at once)."""
        ...

    async def subscribe(self, channel: str, listener: Listener) -> Subscription: ...

    @property
    def healthy(self) -> bool:
        """False while the backend is unreachable (shown to users as a notice)."""
        ...

    async def close(self) -> None: ...
