"""`python -m bench --scenario coldopen --json` (issue 19): how long a room with a long log takes to
open after a restart, on SQLite and on Redis, with and without snapshots (realtime/snapshot.py),
and how long a server takes to answer /healthz on an empty data dir and with such a room stored,
with and without cached bytecode (`startup`; bytecode_env says which is the product's case).

The log is made by the core itself from a year of commands (people, post-its written and cleared,
votes, hands raised and lowered, polls answered, renames), appended in batches. "Open" is what
the first page of a room waits for after a restart: `Hub.room(code)` on a fresh hub and store. With
snapshots the worst case is measured: the snapshot is KRING_SNAPSHOT_EVERY - 1 events behind.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import code_version, cpu_seconds, log
from bench.load import box_busy_s, cores
from bench.serverproc import ServerProcess
from realtime import polls, queue, wall
from realtime.broker.memory import MemoryBroker
from realtime.core import Core
from realtime.events import Actor, Command, CreateSession, Join, Role, Stamped, UpdateProfile
from realtime.hub import Hub
from realtime.snapshot import Snapshots
from realtime.state import RoomState
from realtime.store.base import EventStore
from server.feature import build_core
from server.kring import core_version
from server.manifest import FEATURES
from server.settings import Settings

SIZES = (10_000, 100_000)
PEOPLE = 20
EVERY = Settings().snapshot_every
REDIS_URL = "redis://127.0.0.1:6379/11"
MENTOR = Actor(Role.MENTOR)
STARTS = 3  # server starts per case
# /healthz asked every 5 ms while a server starts: the goal is 1 s, so 100 ms steps are too coarse.
START_POLL_S = 0.005


def commands() -> itertools.cycle[tuple[int, Command, Actor]]:
    """An endless, valid mix of what a group does (the index says which step it is)."""
    steps: list[tuple[Command, Actor]] = []
    for person in range(PEOPLE):
        me = Actor(Role.PARTICIPANT, f"p{person}")
        steps += [
            (wall.AddNote("w1", "", f"idea of p{person}", "yellow", "c1"), me),  # id filled in below
            (queue.RaiseHand(""), me),
            (wall.CastVote("w1", ""), me),
            (UpdateProfile(f"Person {person}", "remote" if person % 3 else "room"), me),
            (polls.AnswerPoll("q1", "", (person % 3,), ()), me),
            (wall.WithdrawVote("w1", ""), me),
            (queue.LowerHand(), me),
            (wall.DeleteNote("w1", ""), me),
        ]
    return itertools.cycle(list(enumerate(steps)))


def make_log(core: Core, size: int) -> list[Stamped]:
    state, out = RoomState(), []

    def run(command: Command, actor: Actor) -> None:
        nonlocal state
        for event in core.decide(state, command, actor):
            stamped = Stamped(state.seq + 1, 1_700_000_000.0 + state.seq, event)
            state = core.evolve(state, stamped)
            out.append(stamped)

    run(CreateSession("A year", "nl", "COLDOPEN", "jt", "mk"), MENTOR)
    for person in range(PEOPLE):
        run(Join(f"p{person}", f"P{person}", "room", f"h{person}"), Actor(Role.PARTICIPANT, f"p{person}"))
    run(wall.CreateWall("w1", "Retro", ("c1", "c2"), ("Good", "Better"), False, False), MENTOR)
    run(wall.StartVote("w1", "20", True, False), MENTOR)
    run(polls.CreatePoll("q1", "single", "How?", ("A", "B", "C"), 1, 5, "", "", False, False, ()), MENTOR)
    run(polls.SetPollStatus("q1", "open"), MENTOR)
    notes: dict[str, str] = {}  # person -> their live post-it
    for index, (command, actor) in commands():
        if len(out) >= size:
            break
        pid = actor.pid
        if isinstance(command, wall.AddNote):
            notes[pid] = f"n{index}-{len(out)}"
            command = wall.AddNote("w1", notes[pid], command.text, "yellow", "c1")
        elif isinstance(command, (wall.CastVote, wall.WithdrawVote, wall.DeleteNote)):
            command = type(command)("w1", notes[pid])
        elif isinstance(command, polls.AnswerPoll):
            command = polls.AnswerPoll("q1", f"a{len(out)}", command.choices, ())
        run(command, actor)
    return out[:size]


async def append_all(store: EventStore, code: str, log_: list[Stamped]) -> None:
    for start in range(0, len(log_), 1000):
        batch = log_[start:start + 1000]
        await store.append(code, start, batch[0].at, [s.event for s in batch])


async def open_ms(store: EventStore, core: Core, snapshots: Snapshots | None) -> tuple[float, int]:
    hub = Hub(store, MemoryBroker(), time.time, "bench", core, snapshots=snapshots)
    started = time.perf_counter()
    room = await hub.room("COLDOPEN")
    took = (time.perf_counter() - started) * 1000.0
    seq = room.state.seq
    await hub.close()
    return took, seq


async def measure(kind: str, make_store: Any, core: Core, log_: list[Stamped]) -> dict[str, Any]:
    store: EventStore = make_store()
    await store.delete("COLDOPEN")
    # The log up to the last snapshot point, a snapshot of it, then EVERY - 1 events more.
    cut = max(1, len(log_) - (EVERY - 1))
    await append_all(store, "COLDOPEN", log_[:cut])
    snapshots = Snapshots(core_version(), EVERY)
    maker = Hub(store, MemoryBroker(), time.time, "maker", core, snapshots=snapshots)
    await maker.room("COLDOPEN")  # folds the whole log once and stores a snapshot
    for _ in range(200):
        if await store.load_snapshot("COLDOPEN") is not None:
            break
        await asyncio.sleep(0.05)
    await maker.close()
    kept = await store.load_snapshot("COLDOPEN")
    for start in range(cut, len(log_), 1000):
        batch = log_[start:start + 1000]
        await store.append("COLDOPEN", start, batch[0].at, [s.event for s in batch])
    await store.close()
    runs_log, runs_snap = [], []
    for _ in range(3):
        store = make_store()
        runs_log.append((await open_ms(store, core, None))[0])
        await store.close()
        store = make_store()
        took, seq = await open_ms(store, core, Snapshots(core_version(), EVERY))
        runs_snap.append(took)
        assert seq == len(log_)
        await store.close()
    store = make_store()
    await store.delete("COLDOPEN")
    await store.close()
    return {"store": kind, "events": len(log_), "open_ms_whole_log": round(min(runs_log), 1),
            "open_ms": round(min(runs_snap), 1), "open_ms_runs": [round(x, 1) for x in runs_snap],
            "snapshot_seq": kept[0] if kept else None, "snapshot_kb": round(len(kept[1]) / 1024, 1) if kept else None,
            "events_folded_after_snapshot": len(log_) - (kept[0] if kept else 0)}


def start_ms(data: Path, env: dict[str, str]) -> tuple[float, float]:
    """One start of `python -m server` (as the Procfile runs it) on data dir `data`: ms from Popen
    to the first 200 of /healthz, and the CPU ms the server process had used by then."""
    server = ServerProcess(data, env=env)
    started = time.perf_counter()
    server.start(poll_s=START_POLL_S)
    took = (time.perf_counter() - started) * 1000.0
    assert server.proc is not None
    cpu = cpu_seconds(server.proc.pid) * 1000.0
    server.stop()
    return round(took, 1), round(cpu)


def bytecode_env(mode: str, empty_cache: Path) -> dict[str, str]:
    """`cached`: the product's case. Python writes each module's bytecode (__pycache__) on the
    first start and reads it after; pip compiled the libraries when it installed them. `none`:
    every module of Kring and of its libraries compiled again at each start (bytecode read from and
    written to nowhere: an empty PYTHONPYCACHEPREFIX, PYTHONDONTWRITEBYTECODE=1), the worst case."""
    if mode == "cached":
        return {"PYTHONDONTWRITEBYTECODE": ""}  # empty is unset for Python
    return {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(empty_cache)}


def healthz_ms(core: Core, log_: list[Stamped]) -> dict[str, Any]:
    """Server starts on an empty data dir and on one holding a room of `len(log_)` events, with
    and without cached bytecode (issue 19: /healthz within 1 s of starting, whatever is stored)."""
    from realtime.store.sqlite import SqliteStore

    out: dict[str, Any] = {"starts": STARTS, "poll_ms": START_POLL_S * 1000,
                           "loadavg_1m_before": round(os.getloadavg()[0], 2)}
    busy, wall = box_busy_s(), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kring-coldopen-") as name:
        root = Path(name)
        empty, full = root / "empty", root / "full"
        full.mkdir()
        store = SqliteStore(str(full / "kring.db"), core.codec)
        asyncio.run(append_all(store, "COLDOPEN", log_))
        asyncio.run(store.close())
        (root / "pycache").mkdir()
        for mode in ("cached", "none"):
            env = bytecode_env(mode, root / "pycache")
            if mode == "cached":
                start_ms(root / "prime", env)  # writes whatever bytecode is not cached yet; not counted
            for label, data in (("empty", empty), (f"events_{len(log_)}", full)):
                runs = [start_ms(data, env) for _ in range(STARTS)]
                out[f"{mode}_bytecode"] = {**out.get(f"{mode}_bytecode", {}),
                                           label: {"healthz_ms": [r[0] for r in runs], "cpu_ms": [r[1] for r in runs]}}
                log(f"coldopen: start-up, {mode} bytecode, {label}: {runs} (ms to /healthz, CPU ms)")
    # The box is shared: how busy it was while the servers started (2 cores = 200%).
    out["box_busy_pct"] = round(100.0 * (box_busy_s() - busy) / (time.perf_counter() - wall), 1)
    return out


def run() -> dict[str, Any]:
    from realtime.store.redis import RedisStore
    from realtime.store.sqlite import SqliteStore

    load_before = round(os.getloadavg()[0], 2)
    core = build_core(FEATURES)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kring-coldopen-") as name:
        for size in SIZES:
            started = time.perf_counter()
            log_ = make_log(core, size)
            log(f"coldopen: a log of {len(log_)} events made in {time.perf_counter() - started:.1f} s")
            path = str(Path(name) / f"cold-{size}.db")
            results.append(asyncio.run(measure("sqlite", lambda path=path: SqliteStore(path, core.codec), core, log_)))
            log(f"coldopen: {results[-1]}")
            results.append(asyncio.run(measure("redis", lambda: RedisStore(REDIS_URL, core.codec), core, log_)))
            log(f"coldopen: {results[-1]}")
        startup = healthz_ms(core, log_)
    return {"scenario": "coldopen", "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "commit": code_version(), "cores": cores(), "loadavg_1m": load_before,
            "snapshot_every": EVERY, "results": results, "startup": startup}
