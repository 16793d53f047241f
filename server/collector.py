"""Memory after many websockets ended (issue 14: a flood of hostile frames must not cost memory
that stays).

Two things keep the memory of a closed connection after it closed:

1. Cycles. uvicorn's protocol objects and websockets' sans-I/O protocol hold themselves in cycles
   (a parser holding its protocol's bound methods, a generator holding its protocol), so a closed
   connection is freed by the cyclic collector, not when its last reference goes. The server
   process runs full collections a hundred times less often than Python would (server/__main__.py
   tune_gc: they stalled the loop under load), so after a flood of short-lived hostile sockets
   their memory stayed: measured, 223,000 refused frames on 27,000 sockets left RSS at 188 MiB
   against 113 MiB before, after a quiet minute. So the sockets that ended are counted, and after
   `threshold` of them a full collection frees them, checked every `every_s` seconds: the cost
   of one collection (tens of milliseconds with a thousand open sockets) is paid only after that
   many sockets came and went.
2. The allocator. Freed objects go back to pymalloc's arenas and to glibc's malloc, which keeps
   freed memory in its heaps for the next allocation: after the collectors above had freed every
   connection, RSS still stayed 34 % above its start. So once a flood is over (at least
   `trim_after` sockets ended since the last trim, and none in the last `every_s` seconds) a full
   collection runs and then glibc's `malloc_trim(0)`, which hands the free pages of all its
   arenas back to the system. Only after a flood, not on every check: a trim walks every heap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import platform
from collections.abc import Callable

from server.periodic import Periodic

log = logging.getLogger("kring.collector")


def glibc_trim() -> Callable[[], int] | None:
    """glibc's malloc_trim(0), or None where the C library is not glibc (musl, macOS, Windows):
    there is no such call there, and nothing to do."""
    if platform.libc_ver()[0] != "glibc":
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: int(trim(0))


class EndedSockets:
    def __init__(self, threshold: int = 1000, every_s: float = 5.0, trim_after: int = 100,
                 collect: Callable[[int], int] = gc.collect,
                 trim: Callable[[], int] | None = None) -> None:
        self.threshold = threshold
        self.trim_after = trim_after
        self.ended_since = 0  # websockets that ended since the last collection
        self.ended_since_trim = 0  # ... since the last trim
        self._ended_at_last_check = 0  # ended_since_trim when the previous check ran
        self.collections = 0
        self.trims = 0
        self._collect = collect
        self._trim = trim  # None: no trim (not glibc, or KRING_MALLOC_TRIM=off)
        self._timer = Periodic("collection after ended sockets", every_s, self._check)

    def ended(self) -> None:
        self.ended_since += 1
        self.ended_since_trim += 1

    async def _check(self) -> None:
        self.check()

    def check(self) -> bool:
        """Collect if enough sockets ended since the last time, and after a flood also give the
        freed memory back; whether it collected."""
        quiet = self.ended_since_trim == self._ended_at_last_check
        self._ended_at_last_check = self.ended_since_trim
        if quiet and self.ended_since_trim >= self.trim_after:
            # The flood is over: free what is left of it and hand the pages back.
            ended = self.ended_since_trim
            self._collect(2)
            self.collections += 1
            self.ended_since = 0
            self.ended_since_trim = self._ended_at_last_check = 0
            if self._trim is not None:
                self._trim()
                self.trims += 1
                log.info("memory given back after %d ended sockets", ended)
            return True
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
