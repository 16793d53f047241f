"""Fan-out of committed events between processes, chosen by URL (`memory://`; Redis is issue 7)."""

from __future__ import annotations

from realtime.broker.base import Broker, Listener, Subscription


def open_broker(url: str) -> Broker:
    if url.startswith("memory://"):
        from realtime.broker.memory import MemoryBroker

        return MemoryBroker()
    raise ValueError(f"unsupported broker URL {url!r} (use memory://)")


__all__ = ["Broker", "Listener", "Subscription", "open_broker"]
