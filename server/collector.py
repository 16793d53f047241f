"""A full garbage collection after many websockets have ended (issue 14: memory after a flood).

uvicorn's protocol objects and websockets' sans-I/O protocol hold themselves in cycles (a parser
holding its protocol's bound methods, a generator holding its protocol), so a closed connection is
freed by the cyclic collector, not when its last reference goes. The server process runs full
collections a hundred times less often than Python would (server/__main__.py tune_gc: they
stalled the loop under load), so after a flood of short-lived hostile sockets their memory stayed:
measured, 223,000 refused frames on 27,000 sockets left RSS at 188 MiB against 113 MiB before,
after a quiet minute. So the sockets that ended are counted, and once there are many a full
collection frees them, at most every `every_s` seconds: the cost of one collection (tens of
milliseconds with a thousand open sockets) is paid only after that many sockets came and went.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from server.periodic import Periodic


class EndedSockets:
    def __init__(self, threshold: int = 200, every_s: float = 1.0,
                 collect: Callable[[int], int] = gc.collect) -> None:
        self.threshold = threshold
        self.ended_since = 0  # websockets that ended since the last collection
        self.collections = 0
        self._collect = collect
        self._timer = Periodic("collection after ended sockets", every_s, self._check)

    def ended(self) -> None:
        self.ended_since += 1

    async def _check(self) -> None:
        self.check()

    def check(self) -> bool:
        """Collect if enough sockets ended since the last time; whether it did."""
        if self.ended_since < self.threshold:
            return False
        self.ended_since = 0
        self._collect(2)
        self.collections += 1
        return True

    def start(self) -> None:
        self._timer.start()

    async def stop(self) -> None:
        await self._timer.stop()
