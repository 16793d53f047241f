"""Snapshots of a room's state (realtime/snapshot.py): a room opens from its latest snapshot and
the events after it, to exactly the state its whole log folds to; a snapshot of other code, a
broken one, or one that would run code is never used; erasure drops it."""

from __future__ import annotations

import asyncio
import itertools
import os
import pickle
from pathlib import Path

import pytest

from realtime import polls, queue, wall
from realtime.broker.memory import MemoryBroker
from realtime.core import Core
from realtime.erasure import redaction_plan
from realtime.events import Actor, CreateSession, EraseParticipant, Join, Role, SetTitle, Stamped
from realtime.hub import Hub
from realtime.snapshot import Snapshots
from realtime.state import RoomState
from realtime.store.sqlite import SqliteStore
from tests.corekit import CODEC, CORE

MENTOR = Actor(Role.MENTOR)


def who(pid: str) -> Actor:
    return Actor(Role.PARTICIPANT, pid)


def rich_log(people: int = 6) -> list[Stamped]:
    """A session with people, a wall with post-its and votes, a poll with answers, hands raised."""
    state, log = RoomState(), []
    steps: list[tuple[object, Actor]] = [(CreateSession("Week 3", "nl", "ACDEFGHJ", "jt", "mk"), MENTOR)]
    steps += [(Join(f"p{i}", f"Person {i}", "remote" if i % 2 else "room", f"h{i}"), who(f"p{i}"))
              for i in range(people)]
    steps += [(wall.CreateWall("w1", "Retro", ("c1", "c2"), ("Good", "Better"), False, False), MENTOR),
              (wall.StartVote("w1", "3", True, True), MENTOR)]
    steps += [(wall.AddNote("w1", f"n{i}", f"idea {i}", "yellow", "c1" if i % 2 else "c2"), who(f"p{i}"))
              for i in range(people)]
    steps += [(wall.CastVote("w1", f"n{(i + 1) % people}"), who(f"p{i}")) for i in range(people)]
    steps += [(polls.CreatePoll("q1", "single", "How?", ("A", "B"), 1, 5, "", "", False, True, ()), MENTOR),
              (polls.SetPollStatus("q1", "open"), MENTOR)]
    steps += [(polls.AnswerPoll("q1", f"a{i}", (i % 2,), ()), who(f"p{i}")) for i in range(people)]
    steps += [(queue.RaiseHand(""), who(f"p{i}")) for i in range(0, people, 2)]
    for command, actor in steps:
        for event in CORE.decide(state, command, actor):  # type: ignore[arg-type]
            stamped = Stamped(state.seq + 1, 1000.0 + state.seq, event)
            state = CORE.evolve(state, stamped)
            log.append(stamped)
    return log


def test_a_state_round_trips_through_a_snapshot() -> None:
    state = CORE.fold(rich_log())
    snapshots = Snapshots("v1")
    again = snapshots.load(snapshots.dump(state), state.seq)
    assert again == state and again is not state
    # Folding on from a snapshot gives what folding the whole log gives.
    extra = Stamped(state.seq + 1, 2000.0, wall.WallNoteAdded("w1", "late", "p1", "later", "pink", "c1", True))
    assert CORE.evolve(again, extra) == CORE.evolve(state, extra)  # type: ignore[arg-type]


def test_a_snapshot_of_other_code_a_broken_one_or_a_wrong_seq_is_not_used() -> None:
    state = CORE.fold(rich_log())
    data = Snapshots("v1").dump(state)
    assert Snapshots("v2").load(data, state.seq) is None
    assert Snapshots("v1").load(data[: len(data) // 2], state.seq) is None
    assert Snapshots("v1").load(b"garbage", state.seq) is None
    assert Snapshots("v1").load(data, state.seq - 1) is None


class Boom:
    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (os.system, ("touch /tmp/kring-snapshot-pwned",))


def test_a_snapshot_that_would_run_code_is_refused(tmp_path: Path) -> None:
    marker = Path("/tmp/kring-snapshot-pwned")
    marker.unlink(missing_ok=True)
    snapshots = Snapshots("v1")
    evil = b"KRS1" + len(b"v1").to_bytes(2, "big") + b"v1" + pickle.dumps(Boom(), protocol=5)
    assert snapshots.load(evil, 1) is None
    assert not marker.exists()


class CountingCore(Core):
    """The real core, counting the events it folds (how much of the log an open read)."""

    folded = 0

    def evolve(self, state: RoomState, stamped: Stamped) -> RoomState:
        CountingCore.folded += 1
        return super().evolve(state, stamped)


async def test_a_room_opens_from_its_snapshot_and_folds_only_what_came_after(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "k.db"), CODEC)
    ticks = itertools.count(1)
    core = CountingCore(CORE.features)
    one = Hub(store, MemoryBroker(), lambda: float(next(ticks)), "one", core, snapshots=Snapshots("v1", every=10))
    await one.create(CreateSession("T", "en", "ACDEFGHJ", "jt", "mk"))
    for i in range(25):
        await one.execute("ACDEFGHJ", SetTitle(f"title {i}"), MENTOR)
    await asyncio.sleep(0.2)  # the snapshot is written in the background
    kept = await store.load_snapshot("ACDEFGHJ")
    assert kept is not None and kept[0] == 20  # every 10 events: at 10, then at 20
    expected = (await one.room("ACDEFGHJ")).state
    await one.close()

    CountingCore.folded = 0
    two = Hub(store, MemoryBroker(), lambda: float(next(ticks)), "two", core, snapshots=Snapshots("v1", every=10))
    room = await two.room("ACDEFGHJ")
    assert room.state == expected and room.state.title == "title 24"
    assert CountingCore.folded == 26 - kept[0]
    await two.close()

    # Other code (another version) folds the whole log, and gets the same state.
    CountingCore.folded = 0
    three = Hub(store, MemoryBroker(), lambda: float(next(ticks)), "three", core, snapshots=Snapshots("v2", every=0))
    assert (await three.room("ACDEFGHJ")).state == expected and CountingCore.folded == 26
    await three.close()
    await store.close()


async def test_the_stored_state_of_a_room_comes_from_its_snapshot_without_opening_it(tmp_path: Path) -> None:
    """What the retention sweep reads of an old room (server/retention.py): the same state as the
    whole log gives, from the snapshot when there is one, and the room stays closed (issue 19:
    folding a long log on the loop at start-up kept /healthz from answering)."""
    store = SqliteStore(str(tmp_path / "k.db"), CODEC)
    ticks = itertools.count(1)
    core = CountingCore(CORE.features)
    one = Hub(store, MemoryBroker(), lambda: float(next(ticks)), "one", core, snapshots=Snapshots("v1", every=10))
    await one.create(CreateSession("T", "en", "ACDEFGHJ", "jt", "mk"))
    for i in range(25):
        await one.execute("ACDEFGHJ", SetTitle(f"title {i}"), MENTOR)
    await asyncio.sleep(0.2)  # the snapshot is written in the background
    expected = (await one.room("ACDEFGHJ")).state
    await one.close()

    CountingCore.folded = 0
    two = Hub(store, MemoryBroker(), lambda: float(next(ticks)), "two", core, snapshots=Snapshots("v1", every=10))
    assert await two.stored_state("ACDEFGHJ") == expected
    assert CountingCore.folded == 26 - 20 and two.loaded("ACDEFGHJ") is None
    await two.close()

    CountingCore.folded = 0  # no snapshots: the whole log, folded off the loop
    three = Hub(store, MemoryBroker(), lambda: float(next(ticks)), "three", core)
    assert await three.stored_state("ACDEFGHJ") == expected
    assert CountingCore.folded == 26 and three.loaded("ACDEFGHJ") is None
    await three.close()
    await store.close()


async def test_erasure_drops_the_snapshot_and_the_room_reopens_without_the_erased(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "k.db"), CODEC)
    ticks = itertools.count(1)
    hub = Hub(store, MemoryBroker(), lambda: float(next(ticks)), "one", CORE, snapshots=Snapshots("v1", every=3))
    await hub.create(CreateSession("T", "en", "ACDEFGHJ", "jt", "mk"))
    for pid, name in (("ann", "Annabel Secret"), ("bo", "Bo")):
        await hub.execute("ACDEFGHJ", Join(pid, name, "room", f"h{pid}"), who(pid))
    await hub.execute("ACDEFGHJ", wall.CreateWall("w1", "Q", ("c1",), ("C",), False, False), MENTOR)
    await hub.execute("ACDEFGHJ", wall.AddNote("w1", "n1", "Annabel's idea", "yellow", "c1"), who("ann"))
    await asyncio.sleep(0.2)
    kept = await store.load_snapshot("ACDEFGHJ")
    assert kept is not None and b"Annabel" in kept[1]
    # The erase as the shell does it (server/trajectory_routes.py erase).
    await hub.execute("ACDEFGHJ", EraseParticipant("ann"), who("ann"))
    room = await hub.room("ACDEFGHJ")
    async with room.lock:
        seqs, _ = redaction_plan(CORE, await store.read("ACDEFGHJ"), "ann")
        hub.rewriting(room)
        await store.redact("ACDEFGHJ", seqs)
    await hub.reload("ACDEFGHJ")
    await asyncio.sleep(0.2)
    kept = await store.load_snapshot("ACDEFGHJ")
    assert kept is None or b"Annabel" not in kept[1]  # a new one, made from the rewritten log
    await hub.close()
    hub = Hub(store, MemoryBroker(), lambda: float(next(ticks)), "two", CORE, snapshots=Snapshots("v1", every=3))
    state = (await hub.room("ACDEFGHJ")).state
    assert "ann" not in state.participants and not state.part(wall.PART).walls["w1"].notes
    await hub.close()
    await store.close()


@pytest.mark.parametrize("every", [0, 1])
async def test_snapshots_never_change_what_a_room_is(tmp_path: Path, every: int) -> None:
    """The same commands with snapshots after every event and without any: the same state."""
    store = SqliteStore(str(tmp_path / f"k{every}.db"), CODEC)
    ticks = itertools.count(1)
    hub = Hub(store, MemoryBroker(), lambda: float(next(ticks)), "one", CORE, snapshots=Snapshots("v1", every=every))
    await hub.create(CreateSession("T", "en", "ACDEFGHJ", "jt", "mk"))
    for i in range(6):
        await hub.execute("ACDEFGHJ", Join(f"p{i}", f"P{i}", "room", f"h{i}"), who(f"p{i}"))
        await hub.execute("ACDEFGHJ", queue.RaiseHand(""), who(f"p{i}"))
    await asyncio.sleep(0.2)
    await hub.close()
    snapshots = Snapshots("v1", every=every)
    reopened = Hub(store, MemoryBroker(), lambda: float(next(ticks)), "two", CORE, snapshots=snapshots)
    state = (await reopened.room("ACDEFGHJ")).state
    assert state == CORE.fold(await store.read("ACDEFGHJ"))
    await reopened.close()
    await store.close()
