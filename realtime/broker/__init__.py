"""Fan-out of committed events between processes, chosen by URL (`memory://`, `redis://`)."""

from __future__ import annotations

from realtime.broker.base import Broker, Listener, Subscription
from realtime.store import REDIS_SCHEMES


def open_broker(url: str) -> Broker:
    if url.startswith("memory://"):
        from realtime.broker.memory import MemoryBroker

        return MemoryBroker()
    if url.startswith(REDIS_SCHEMES):
        from realtime.broker.redis import RedisBroker

        return RedisBroker(url)
    raise ValueError(f"unsupported broker URL {url!r} (use memory:// or redis://)")


__all__ = ["Broker", "Listener", "Subscription", "open_broker"]
