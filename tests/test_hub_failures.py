"""The hub's failure paths (issue 13, section 3): whatever goes wrong in a batch, a watcher or a
background task, every command gets an answer and the room stays usable.

The store here is a fake that raises on demand (the hub is what is tested); the Redis variants
are in tests/test_supervision_redis.py.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from realtime import queue
from realtime.broker.memory import MemoryBroker
from realtime.errors import BackendUnavailable, CommandFailed, TimedOut
from realtime.events import (
    Actor,
    CreateSession,
    EraseParticipant,
    Event,
    Join,
    Role,
    SessionCreated,
    SetTitle,
    Stamped,
    TitleChanged,
)
from realtime.hub import Hub
from realtime.room import Change
from realtime.store.memory import MemoryStore
from server import away, retention
from tests.corekit import CODEC, CORE

MENTOR = Actor(Role.MENTOR)
CODE = "ACDEFGHJ"
# Only a guard against a hang on today's code (where these tests failed by never returning): no
# test here measures time.
HANG_S = 5.0


class Clock:
    def __init__(self) -> None:
        self.ticks = itertools.count(1)

    def __call__(self) -> float:
        return float(next(self.ticks))


class FlakyStore(MemoryStore):
    """A memory store whose reads raise `read_error` while it is set, whose next append raises
    `next_append_error` (once), and whose reads and appends wait for `read_gate` and
    `append_gate` while they are set."""

    def __init__(self) -> None:
        super().__init__(CODEC)
        self.read_error: BaseException | None = None
        self.next_append_error: BaseException | None = None
        self.append_gate: asyncio.Event | None = None
        self.read_gate: asyncio.Event | None = None
        self.unreadable: set[str] = set()  # rooms whose reads raise a plain error

    async def read(self, room: str, after: int = 0) -> list[Stamped]:
        if self.read_gate is not None:
            await self.read_gate.wait()
        if self.read_error is not None:
            raise self.read_error
        if room in self.unreadable:
            raise OSError(f"cannot read {room}")
        return await super().read(room, after)

    async def append(self, room: str, expected_seq: int, at: float, events: Sequence[Event]) -> list[Stamped]:
        if self.append_gate is not None:
            await self.append_gate.wait()
        error, self.next_append_error = self.next_append_error, None
        if error is not None:
            raise error
        return await super().append(room, expected_seq, at, events)


def create() -> CreateSession:
    return CreateSession("Week 1", "en", CODE, "jt", "mk")


def join(i: int) -> tuple[Join, Actor]:
    return Join(f"p{i}", f"P{i}", "room", f"h{i}"), Actor(Role.PARTICIPANT, f"p{i}")


async def test_a_conflict_then_a_failing_read_fails_the_batch_and_the_room_stays_usable() -> None:
    # Reproduced from issue 13: another process wrote first (Conflict), then reading what it wrote
    # failed. That exception escaped the batch: its futures never resolved, execute() never returned.
    store = FlakyStore()
    hub = Hub(store, MemoryBroker(), Clock(), "one", CORE)
    try:
        await hub.create(create())
        await hub.room(CODE)
        # Another process appends behind this hub's back (its broker message is lost).
        await store.append(CODE, 1, 5.0, [TitleChanged("Elsewhere")])
        store.read_error = BackendUnavailable("redis went away")
        with pytest.raises(BackendUnavailable):
            await asyncio.wait_for(hub.execute(CODE, SetTitle("Here"), MENTOR), HANG_S)
        # The store is back: the room catches up and the next command works.
        store.read_error = None
        stamped = await asyncio.wait_for(hub.execute(CODE, SetTitle("Here"), MENTOR), HANG_S)
        assert [s.seq for s in stamped] == [3]
        assert (await hub.room(CODE)).state.title == "Here"
    finally:
        await hub.close()


async def test_an_unexpected_error_in_a_batch_fails_every_command_in_it_with_command_failed() -> None:
    store = FlakyStore()
    hub = Hub(store, MemoryBroker(), Clock(), "one", CORE)
    try:
        await hub.create(create())
        await store.append(CODE, 1, 5.0, [TitleChanged("Elsewhere")])
        store.read_error = RuntimeError("disk I/O error")  # not a KringError: a bug or a broken disk
        results = await asyncio.wait_for(
            asyncio.gather(*(hub.execute(CODE, *join(i)) for i in range(5)), return_exceptions=True), HANG_S
        )
        # The first command may run in a batch of its own; every one of them failed clearly.
        assert all(isinstance(r, CommandFailed) for r in results), results
        assert all(isinstance(r, BackendUnavailable) for r in results)  # 503 and the notice
        store.read_error = None
        await asyncio.wait_for(hub.execute(CODE, *join(9)), HANG_S)
        assert list((await hub.room(CODE)).state.participants) == ["p9"]
    finally:
        await hub.close()


async def test_commands_that_arrive_while_a_batch_fails_still_get_their_turn() -> None:
    # The batch after a failed one must still run: the flush loop must not end with commands left.
    store = FlakyStore()
    hub = Hub(store, MemoryBroker(), Clock(), "one", CORE)
    try:
        await hub.create(create())
        gate = store.append_gate = asyncio.Event()
        store.next_append_error = RuntimeError("the first append breaks")
        first = asyncio.ensure_future(hub.execute(CODE, *join(1)))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        later = asyncio.ensure_future(hub.execute(CODE, *join(2)))  # waits behind the first batch
        await asyncio.sleep(0)
        store.append_gate = None
        gate.set()
        with pytest.raises(CommandFailed):
            await asyncio.wait_for(first, HANG_S)
        assert [s.seq for s in await asyncio.wait_for(later, HANG_S)] == [2]
    finally:
        await hub.close()


async def test_a_bug_in_decide_fails_that_command_only() -> None:
    hub = Hub(MemoryStore(CODEC), MemoryBroker(), Clock(), "one", CORE)
    try:
        await hub.create(create())
        # A field of the wrong type (which the socket's parser never lets through) makes decide
        # raise a TypeError, as a bug in the core would.
        broken = EraseParticipant(["p1"])  # type: ignore[arg-type]
        results = await asyncio.wait_for(asyncio.gather(
            hub.execute(CODE, *join(1)),
            hub.execute(CODE, broken, MENTOR),
            hub.execute(CODE, *join(2)),
            return_exceptions=True,
        ), HANG_S)
        assert isinstance(results[0], list) and isinstance(results[2], list)
        assert isinstance(results[1], CommandFailed)
        assert list((await hub.room(CODE)).state.participants) == ["p1", "p2"]
    finally:
        await hub.close()


async def test_execute_is_bounded_by_its_timeout() -> None:
    store = FlakyStore()
    hub = Hub(store, MemoryBroker(), Clock(), "one", core=CORE, command_timeout_s=0.2)
    try:
        await hub.create(create())
        store.append_gate = asyncio.Event()  # the store hangs
        with pytest.raises(TimedOut):
            await asyncio.wait_for(hub.execute(CODE, *join(1)), HANG_S)
        # A command still waiting for its batch when it timed out is dropped, never written later.
        with pytest.raises(TimedOut):
            await asyncio.wait_for(hub.execute(CODE, *join(2)), HANG_S)
        gate, store.append_gate = store.append_gate, None
        gate.set()
        stamped = await asyncio.wait_for(hub.execute(CODE, *join(3)), HANG_S)
        log = await store.read(CODE)
        assert stamped[0].seq == log[-1].seq
        assert "p2" not in {getattr(s.event, "pid", "") for s in log}
        assert (await hub.room(CODE)).state.seq == log[-1].seq
    finally:
        await hub.close()


async def test_a_failing_watcher_does_not_stop_the_others_or_the_command(caplog: pytest.LogCaptureFixture) -> None:
    store, broker = MemoryStore(CODEC), MemoryBroker()
    one, two = Hub(store, broker, Clock(), "one", CORE), Hub(store, broker, Clock(), "two", CORE)
    try:
        room1 = await one.create(create())
        room2 = await two.room(CODE)
        seen: dict[str, list[Change]] = {"a1": [], "b1": [], "a2": [], "b2": []}

        def broken(change: Change) -> None:
            raise RuntimeError("this page's renderer has a bug")

        one.watch(room1, seen["a1"].append)
        one.watch(room1, broken)
        one.watch(room1, seen["b1"].append)
        two.watch(room2, seen["a2"].append)
        two.watch(room2, broken)  # the same failure where the broker's message arrives
        two.watch(room2, seen["b2"].append)
        with caplog.at_level(logging.ERROR):
            for i in range(3):
                await asyncio.wait_for(one.execute(CODE, *join(i)), HANG_S)
            for _ in range(20):
                if room2.state.seq == 4:
                    break
                await asyncio.sleep(0.01)
        for name, changes in seen.items():
            assert [s.seq for c in changes for s in c.events] == [2, 3, 4], name
        assert room1.state == room2.state
        failures = [r for r in caplog.records if "watcher" in r.getMessage()]
        assert len(failures) == 2  # once per failing watcher, not once per change
        assert all(CODE in r.getMessage() for r in failures)
    finally:
        await one.close()
        await two.close()


async def test_the_away_sweep_does_not_hang_on_a_batch_that_fails() -> None:
    # Issue 13: the away sweep runs commands through execute, so it hung the same way.
    store = FlakyStore()
    hub = Hub(store, MemoryBroker(), Clock(), "one", CORE)
    try:
        room = await hub.create(create())
        await hub.execute(CODE, *join(1))
        await hub.execute(CODE, queue.RaiseHand(), Actor(Role.PARTICIPANT, "p1"))
        hub.connect(room, "p1")
        hub.disconnect(room, "p1")
        since = room.presence.away_since("p1")
        assert since is not None
        await store.append(CODE, room.state.seq, 50.0, [TitleChanged("Elsewhere")])  # a Conflict next
        store.read_error = BackendUnavailable("redis went away")
        sent = await asyncio.wait_for(away.sweep(hub, [room], since + queue.GRACE_S + 1), HANG_S)
        assert sent == 0  # nothing lowered this time: the next sweep tries again
        store.read_error = None
        assert await asyncio.wait_for(away.sweep(hub, [room], since + queue.GRACE_S + 1), HANG_S) == 1
        assert room.state.part(queue.PART).entries == ()
    finally:
        await hub.close()


async def test_commands_waiting_when_the_hub_closes_are_answered() -> None:
    store = FlakyStore()
    hub = Hub(store, MemoryBroker(), Clock(), "one", CORE)
    await hub.create(create())
    store.append_gate = asyncio.Event()  # the first batch hangs in the store
    first = asyncio.ensure_future(hub.execute(CODE, *join(1)))
    await asyncio.sleep(0.01)
    second = asyncio.ensure_future(hub.execute(CODE, *join(2)))  # waits for the next batch
    await asyncio.sleep(0.01)
    await hub.close()
    for waiting in (first, second):
        with pytest.raises(BackendUnavailable):
            await asyncio.wait_for(waiting, HANG_S)


class StickyBroker(MemoryBroker):
    """A memory broker whose unsubscribe fails, as a Redis that went away would."""

    async def subscribe(self, channel: str, listener: Callable[[bytes | None], None]) -> Any:
        sub = await super().subscribe(channel, listener)

        async def close() -> None:
            self._remove(sub)
            raise RuntimeError("could not unsubscribe")

        sub.close = close  # type: ignore[method-assign]
        return sub


async def test_an_unload_that_fails_to_unsubscribe_still_unloads_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub = Hub(MemoryStore(CODEC), StickyBroker(), Clock(), "one", core=CORE, idle_unload_s=0.01)
    try:
        room = await hub.create(create())
        hub.watch(room, lambda change: None)()  # a page opens and closes: the unload timer starts
        for _ in range(100):
            if hub.loaded(CODE) is None:
                break
            await asyncio.sleep(0.01)
        assert hub.loaded(CODE) is None
        assert "ACDEFGHJ: could not unsubscribe" in caplog.text
        again = await hub.room(CODE)  # the next use loads it afresh
        assert again is not room and again.state.seq == 1
    finally:
        await hub.close()


async def test_a_room_load_cut_off_by_a_timeout_gives_the_others_waiting_a_clear_error() -> None:
    store = FlakyStore()
    maker = Hub(store, MemoryBroker(), Clock(), "maker", CORE)  # another process made the room
    await maker.create(create())
    await maker.close()
    hub = Hub(store, MemoryBroker(), Clock(), "one", core=CORE, command_timeout_s=0.2)
    try:
        store.read_gate = asyncio.Event()  # loading the room hangs
        first = asyncio.ensure_future(hub.execute(CODE, SetTitle("New"), MENTOR))
        await asyncio.sleep(0.01)
        other = asyncio.ensure_future(hub.room(CODE))  # a page opening meanwhile, with no timeout
        with pytest.raises(TimedOut):
            await asyncio.wait_for(first, HANG_S)
        with pytest.raises(BackendUnavailable):
            await asyncio.wait_for(other, HANG_S)
        gate, store.read_gate = store.read_gate, None
        gate.set()
        assert (await hub.room(CODE)).state.seq == 1
    finally:
        await hub.close()


async def test_the_retention_sweep_goes_on_past_a_room_it_cannot_read(caplog: pytest.LogCaptureFixture) -> None:
    store = FlakyStore()
    hub = Hub(store, MemoryBroker(), Clock(), "one", CORE)
    try:
        for code in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
            await store.append(code, 0, 1.0, [SessionCreated("Old", "en", code, "j", "m")])
        store.unreadable = {"BBBBBBBB"}
        now = 400 * retention.DAY_S
        assert await retention.sweep(store, hub, now, 180) == ["AAAAAAAA", "CCCCCCCC"]
        assert "could not check BBBBBBBB" in caplog.text
        store.unreadable = set()
        assert await retention.sweep(store, hub, now, 180) == ["BBBBBBBB"]
    finally:
        await hub.close()
