"""Durable event logs, one per room, chosen by URL (`sqlite:///path`, `memory://`, `redis://`)."""

from __future__ import annotations

from realtime.codec import Codec
from realtime.store.base import EventStore

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def open_store(url: str, codec: Codec) -> EventStore:
    """The store for `url`. Backends are imported lazily so the embedded default needs no Redis."""
    if url.startswith("sqlite:///"):
        from realtime.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"), codec)
    if url.startswith("memory://"):
        from realtime.store.memory import MemoryStore

        return MemoryStore(codec)
    if url.startswith(REDIS_SCHEMES):
        from realtime.store.redis import RedisStore

        return RedisStore(url, codec)
    raise ValueError(f"unsupported store URL {url!r} (use sqlite:///path, memory:// or redis://)")


__all__ = ["REDIS_SCHEMES", "EventStore", "open_store"]
