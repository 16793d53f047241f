"""Diagnosis only (`python -m bench --trace`): time the command path inside the server process.

Python imports `sitecustomize` at startup from any directory on PYTHONPATH, so putting this
directory there instruments an unchanged `python -m server`: no server code knows about it.
It wraps Hub.execute (whole command: waiting for the room lock, decide, append, apply, publish)
and the store's append (for SQLite: the hop to the writer thread and back), counts how many
commands are in flight per room (the queue at the room lock), and measures how late the event
loop wakes a 20 ms timer. Every second it appends one JSON line with that second's raw samples
(and time.monotonic(), the same clock the benchmark uses) to $KRING_BENCH_TRACE.

The wrappers add a little work per command, so a traced run's numbers are not reported.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

TRACE = os.environ.get("KRING_BENCH_TRACE", "")


def _install(path: Path) -> None:
    from realtime import hub as hub_module

    second: dict[str, Any] = {}
    in_flight: dict[str, int] = defaultdict(int)
    started = False

    def fresh() -> None:
        second.update(execute_ms=[], append_ms=[], loop_lag_ms=[], peak_in_flight_per_room=0)

    async def reporter() -> None:
        fresh()
        last = time.monotonic()
        with path.open("ab") as out:
            while True:
                before = time.monotonic()
                await asyncio.sleep(0.02)
                second["loop_lag_ms"].append((time.monotonic() - before - 0.02) * 1000.0)
                if time.monotonic() - last >= 1.0:
                    last = time.monotonic()
                    out.write(orjson.dumps({"t": last, **second}) + b"\n")
                    out.flush()
                    fresh()
                    second["peak_in_flight_per_room"] = max(in_flight.values(), default=0)

    original_execute = hub_module.Hub.execute

    async def execute(self: Any, code: str, command: Any, actor: Any) -> Any:
        nonlocal started
        if not started:  # the first command runs on the server's loop: start reporting there
            started = True
            fresh()
            asyncio.get_running_loop().create_task(reporter())
        store = self.store
        if not getattr(store, "_bench_traced", False):
            original_append = store.append

            async def append(*args: Any, **kwargs: Any) -> Any:
                begin = time.monotonic()
                try:
                    return await original_append(*args, **kwargs)
                finally:
                    second["append_ms"].append((time.monotonic() - begin) * 1000.0)

            store.append = append
            store._bench_traced = True
        in_flight[code] += 1
        second["peak_in_flight_per_room"] = max(second["peak_in_flight_per_room"], in_flight[code])
        begin = time.monotonic()
        try:
            return await original_execute(self, code, command, actor)
        finally:
            in_flight[code] -= 1
            second["execute_ms"].append((time.monotonic() - begin) * 1000.0)

    hub_module.Hub.execute = execute  # type: ignore[method-assign]


if TRACE:
    _install(Path(TRACE))
