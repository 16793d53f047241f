"""`python -m bench.role_check`: what the hub's check before a room's queue costs per command
(issue 14). A participant's mentor-only command is refused before it waits in the queue; before,
that check ran the whole decide (so every command ran decide twice), now it looks the command up in
the features' declarations (CoreFeature.mentor_only).

Measured in one process on a fresh SQLite store in a temp dir, a room of 20 participants: the CPU
time (all threads, time.process_time) per `Hub.execute` of a participant's rename, one after the
other (each commits one event), and of a participant's EndSession (refused); and the check alone,
timed with timeit. Prints one line per measure; works on a tree from before the change too.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import timeit
from pathlib import Path

from realtime.broker.memory import MemoryBroker
from realtime.errors import Forbidden
from realtime.events import Actor, CreateSession, EndSession, Join, Role, UpdateProfile
from realtime.hub import Hub
from realtime.store.sqlite import SqliteStore
from server.feature import build_core
from server.manifest import FEATURES

CODE = "ACDEFGHJ"
PEOPLE = 20


async def measure(commands: int, path: Path) -> dict[str, float]:
    core = build_core(FEATURES)
    store = SqliteStore(str(path), core.codec)
    hub = Hub(store, MemoryBroker(), time.time, "bench", core)
    try:
        await hub.create(CreateSession("Bench", "en", CODE, "jt", "mk"))
        people = [Actor(Role.PARTICIPANT, f"p{i}") for i in range(PEOPLE)]
        for i, actor in enumerate(people):
            await hub.execute(CODE, Join(actor.pid, f"Person {i}", "room", f"h{i}"), actor)
        room = await hub.room(CODE)
        rename = [UpdateProfile(f"Person {i} {turn}", "room") for turn in range(2) for i in range(PEOPLE)]

        start_cpu, start = time.process_time(), time.perf_counter()
        for n in range(commands):
            await hub.execute(CODE, rename[n % len(rename)], people[n % PEOPLE])
        rename_cpu = (time.process_time() - start_cpu) / commands
        rename_wall = (time.perf_counter() - start) / commands

        start_cpu = time.process_time()
        for n in range(commands):
            try:
                await hub.execute(CODE, EndSession(), people[n % PEOPLE])
            except Forbidden:
                pass
        refused_cpu = (time.process_time() - start_cpu) / commands

        # The check alone, for an allowed command (every command pays it).
        old = getattr(hub, "_refuse_forbidden", None)
        command, actor = UpdateProfile("Person 0 x", "room"), people[0]
        if old is not None:
            check = timeit.timeit(lambda: old(room, command, actor), number=commands * 10) / (commands * 10)
        else:
            check = timeit.timeit(lambda: core.require_role(command, actor), number=commands * 10) / (commands * 10)
        return {"rename_cpu_us": rename_cpu * 1e6, "rename_wall_us": rename_wall * 1e6,
                "refused_cpu_us": refused_cpu * 1e6, "check_us": check * 1e6}
    finally:
        await hub.close()
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(asyncio.run(measure(args.commands, Path(tmp) / "kring.db")))
    for key in results[0]:
        values = sorted(r[key] for r in results)
        print(f"{key}: median {values[len(values) // 2]:.1f} (runs: {', '.join(f'{v:.1f}' for v in values)})")


if __name__ == "__main__":
    main()
