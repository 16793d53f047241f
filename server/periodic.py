"""A job that runs every few seconds in the background until stopped: the away sweep of the queue
(server/away.py) and the retention sweep (server/retention.py). One failing run is logged and the
next one runs as planned: a store that is away for a minute must not end the timer for good. A run
that hangs (a store that never answers) is cut off after `timeout_s` (by default one period, and at
least a minute), so that it cannot hold up the runs after it either (issue 13).

`stop(grace_s=...)` lets a run that is under way finish (up to that long) instead of cutting it
where it is: the mail sweep sends, then records that it sent, and cut between the two a mail goes
twice after a restart (at-least-once). A job that does several things checks `stopping` between
them and ends early."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("kring.periodic")


class Periodic:
    def __init__(self, name: str, every_s: float, job: Callable[[], Awaitable[None]], *,
                 at_start: bool = False, timeout_s: float | None = None) -> None:
        self.name = name
        self.every_s = every_s
        self.job = job
        self.at_start = at_start  # run once right away, then every every_s
        self.timeout_s = timeout_s if timeout_s is not None else max(every_s, 60.0)
        self._task: asyncio.Task[None] | None = None
        self._running = False  # a run of the job is under way
        self.stopping = False  # stop() was called: a job ends at its next safe point


    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        if not self.at_start:
            await asyncio.sleep(self.every_s)
        while not self.stopping:
            self._running = True
            try:
                async with asyncio.timeout(self.timeout_s):
                    await self.job()
            except TimeoutError:
                log.error("%s took more than %.0f s and was stopped", self.name, self.timeout_s)
            except Exception:
                log.exception("%s failed", self.name)
            finally:
                self._running = False
            if not self.stopping:
                await asyncio.sleep(self.every_s)

    async def stop(self, grace_s: float = 0.0) -> None:
        """End the timer: a run under way may finish within `grace_s`, then it is cancelled."""
        task, self._task = self._task, None
        self.stopping = True
        if task is None:
            return
        if self._running and grace_s > 0:
            await asyncio.wait({task}, timeout=grace_s)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
