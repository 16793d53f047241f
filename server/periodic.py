"""A job that runs every few seconds in the background until stopped: the away sweep of the queue
(server/away.py) and the retention sweep (server/retention.py). One failing run is logged and the
next one runs as planned: a store that is away for a minute must not end the timer for good."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("kring.periodic")


class Periodic:
    def __init__(self, name: str, every_s: float, job: Callable[[], Awaitable[None]], *,
                 at_start: bool = False) -> None:
        self.name = name
        self.every_s = every_s
        self.job = job
        self.at_start = at_start  # run once right away, then every every_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        if not self.at_start:
            await asyncio.sleep(self.every_s)
        while True:
            try:
                await self.job()
            except Exception:
                log.exception("%s failed", self.name)
            await asyncio.sleep(self.every_s)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
