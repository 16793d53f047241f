"""Durable event logs, one per room, chosen by URL (`sqlite:///path`, `memory://`, `redis://`)."""

from __future__ import annotations

from realtime.store.base import EventStore


def open_store(url: str) -> EventStore:
    """The store for `url`. Backends are imported lazily so the embedded default needs no Redis."""
    if url.startswith("sqlite:///"):
        from realtime.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"))
    if url.startswith("memory://"):
        from realtime.store.memory import MemoryStore

        return MemoryStore()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from realtime.store.redis import RedisStore

        return RedisStore(url)
    raise ValueError(f"unsupported store URL {url!r} (use sqlite:///path, memory:// or redis://)")


__all__ = ["EventStore", "open_store"]
