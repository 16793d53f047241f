"""Background tasks that never die quietly (issue 13, section 3).

A `Supervisor` owns the background tasks of one object (the hub, a broker):

- `keep(name, run)`: a task that should run for as long as its owner (the broker's reader, the
  hub's presence heartbeat). If it fails it is logged and started again, after a backoff that
  doubles from `min_backoff_s` up to `max_backoff_s` and starts over once a run lasted
  `healthy_after_s`. `on_restart` runs before each restart: the owner resyncs what the failed run
  may have missed (the broker tells every listener to read what it missed from the store).
  A run that returns normally has finished on purpose (its owner is closing) and is not restarted.
- `spawn(name, coro)`: a one-off task (a catch-up, an unload, a presence send); its failure is
  logged with its name instead of surfacing as "Task exception was never retrieved" at some
  later garbage collection, or never.

Cancellation is never caught: `close()` ends everything.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger("kring.supervise")


class Supervisor:
    def __init__(self, owner: str, *, min_backoff_s: float = 0.1, max_backoff_s: float = 5.0,
                 healthy_after_s: float = 30.0) -> None:
        self.owner = owner
        self.min_backoff_s = min_backoff_s
        self.max_backoff_s = max_backoff_s
        self.healthy_after_s = healthy_after_s
        self.restarts: dict[str, int] = {}  # name -> how often it was started again (tests, logs)
        self._kept: dict[str, asyncio.Task[None]] = {}
        self._spawned: set[asyncio.Task[None]] = set()

    def keep(self, name: str, run: Callable[[], Awaitable[None]],
             on_restart: Callable[[], None] | None = None) -> None:
        """Run `run()` until it returns, starting it again whenever it fails. Once per name."""
        task = self._kept.get(name)
        if task is not None and not task.done():
            return
        self.restarts.setdefault(name, 0)
        self._kept[name] = asyncio.get_running_loop().create_task(self._keep(name, run, on_restart))

    def running(self, name: str) -> bool:
        task = self._kept.get(name)
        return task is not None and not task.done()

    async def _keep(self, name: str, run: Callable[[], Awaitable[None]],
                    on_restart: Callable[[], None] | None) -> None:
        loop = asyncio.get_running_loop()
        backoff = self.min_backoff_s
        while True:
            started = loop.time()
            try:
                await run()
                return
            except Exception:
                if loop.time() - started >= self.healthy_after_s:
                    backoff = self.min_backoff_s
                log.exception("%s: %s failed; starting it again in %.1f s", self.owner, name, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff_s)
            self.restarts[name] += 1
            if on_restart is not None:
                try:
                    on_restart()
                except Exception:
                    log.exception("%s: resync before restarting %s failed", self.owner, name)

    def spawn(self, name: str, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._spawned.add(task)
        task.add_done_callback(lambda done: self._finished(name, done))

    def _finished(self, name: str, task: asyncio.Task[None]) -> None:
        self._spawned.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error("%s: %s failed", self.owner, name, exc_info=error)

    async def close(self) -> None:
        """Cancel every task and wait for the kept ones to end."""
        kept = list(self._kept.values())
        self._kept.clear()
        for task in (*kept, *self._spawned):
            task.cancel()
        self._spawned.clear()
        if kept:
            await asyncio.gather(*kept, return_exceptions=True)
