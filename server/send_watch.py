"""Cuts off clients that stop taking frames: one check per process, not one timer per send.

A send to a client that does not read blocks once the connection's write buffer is full. Each
connection notes when its send began (`Connection.sending_since`); every `every_s` this watch
looks at all of them and has any send pending longer than `timeout_s` cut off (the connection
closes with 1013 and the browser resyncs). A timer per send (`asyncio.timeout`) cost a tenth of
the server's CPU in the benchmark: a timer handle made and cancelled for every frame
(docs/performance.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from server.periodic import Periodic


class Watched(Protocol):
    sending_since: float | None

    def cut_off(self) -> None: ...


class SendWatch:
    def __init__(self, timeout_s: float, every_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout_s = timeout_s
        self.clock = clock
        self._connections: set[Watched] = set()
        every = every_s if every_s is not None else max(0.05, min(1.0, timeout_s / 4))
        self._timer = Periodic("send watch", every, self._check)

    def register(self, connection: Watched) -> None:
        self._connections.add(connection)

    def unregister(self, connection: Watched) -> None:
        self._connections.discard(connection)

    async def _check(self) -> None:
        self.check()

    def check(self) -> None:
        """Cut off every connection whose send has been pending for longer than the timeout."""
        now = self.clock()
        for connection in tuple(self._connections):
            began = connection.sending_since
            if began is not None and now - began > self.timeout_s:
                self._connections.discard(connection)
                connection.cut_off()

    def start(self) -> None:
        self._timer.start()

    async def stop(self) -> None:
        await self._timer.stop()
