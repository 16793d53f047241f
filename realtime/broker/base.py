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

    async def subscribe(self, channel: str, listener: Listener, listed_in: str | None = None) -> Subscription:
        """Returns once the broker has the subscription: anything published after that arrives.

        `listed_in`: the name of a set in the broker's keyspace that holds `channel` while this
        subscription lives, for a publisher that sends only to those who listen (the Redis
        store's append script, `realtime.store.base.Fanout`). A channel found missing from the
        set (taken off while its connection was down, or the set lost) is listed again and the
        listeners are told None, as after a reconnect. A broker without a keyspace shared by
        processes (the in-memory one) has nobody to list for and ignores it."""
        ...

    @property
    def healthy(self) -> bool:
        """False while the backend is unreachable (shown to users as a notice)."""
        ...

    async def close(self) -> None: ...
