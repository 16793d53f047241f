"""What a server loads after it answers, not before (issue 19: /healthz within 1 s of starting).

A start used to load everything in the lifespan, before uvicorn listened: both languages'
catalogs (~70 ms), their hyphenation dictionaries (~270 ms), the media relay's aiortc (~200 ms)
and, later, parsing every region template to see which use `now` (~1 s, web/render.py
`learn_templates`) came on top of Python importing Kring. Each of them now loads on first use, and this warm-up loads
them all in the background as soon as the lifespan has built Kring, so that the first pages rarely
wait for them either:

- the steps run one after another in a worker thread (asyncio.to_thread), so the event loop stays
  free to bind the port and answer; they share the GIL with it, which the loop takes back every
  few milliseconds (sys.getswitchinterval) while they run;
- then the media relay (server/media/loading.py), whose import runs in a thread too;
- then `then` (the server process's collector settings, server/__main__.py tune_gc), which must
  come after everything long-lived is loaded: it freezes what exists at that moment.

Loading on first use is what makes this safe: a page that comes before the warm-up reached its
language loads it itself (the loaders take a lock, so it is loaded once). A step that fails is
logged and skipped; the same load on first use then raises where it is needed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from server.media.loading import MediaLoader, MediaUnavailable

log = logging.getLogger("kring.warmup")


class WarmUp:
    def __init__(self, steps: Sequence[Callable[[], object]], media: MediaLoader | None = None,
                 then: Callable[[], None] | None = None) -> None:
        self._steps = tuple(steps)
        self._media = media
        self._then = then
        self._task: asyncio.Task[None] | None = None
        self.done = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="kring-warm-up")

    async def _run(self) -> None:
        started = time.perf_counter()
        for step in self._steps:
            try:
                await asyncio.to_thread(step)
            except Exception:  # loaded again on first use, where the error then shows
                log.exception("warm-up step %s failed", getattr(step, "__qualname__", step))
        if self._media is not None:
            try:
                await self._media.rooms()
            except MediaUnavailable:
                pass  # logged by the loader; media sockets are refused
        if self._then is not None:
            self._then()
        self.done.set()
        log.info("warmed up %.0f ms after the app started", (time.perf_counter() - started) * 1000)

    async def stop(self) -> None:
        """Wait for the warm-up to end: a step in a thread cannot be interrupted, and what it loads
        must not be half-made when the app closes (a test's app stops within a second of starting)."""
        if self._task is not None:
            await self._task
