"""Erasure and deletion across processes: two hubs on one store and one broker stand in for two
processes; after a rewrite of the log (someone's data erased) or a deleted room, the other
process must not keep the old state in memory."""

from __future__ import annotations

import asyncio
import itertools
import time

from realtime import erasure
from realtime.broker.memory import MemoryBroker
from realtime.events import Actor, CreateSession, EraseParticipant, Join, Role, UpdateProfile
from realtime.hub import Hub
from realtime.store.memory import MemoryStore
from tests.corekit import CODEC, CORE

MENTOR = Actor(Role.MENTOR)


async def until(condition: object, deadline_s: float = 5.0) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


def test_reload_and_forget_reach_the_other_process() -> None:
    async def scenario() -> None:
        store, broker = MemoryStore(CODEC), MemoryBroker()
        ticks = itertools.count(1)
        one = Hub(store, broker, lambda: float(next(ticks)), "one", CORE)
        two = Hub(store, broker, lambda: float(next(ticks)), "two", CORE)
        try:
            await one.create(CreateSession("T", "en", "ROOM1", "jt", "mk"))
            ann = Actor(Role.PARTICIPANT, "ann")
            await one.execute("ROOM1", Join("ann", "Ann", "room", "h"), ann)
            await one.execute("ROOM1", UpdateProfile("Ann Secret", "remote"), ann)
            other = await two.room("ROOM1")
            await until(lambda: "ann" in other.state.participants)
            resets: list[bool] = []
            other.watch(lambda change: resets.append(change.reset))
            # The erase, as server/trajectory_exports.erase does it, on process one.
            await one.execute("ROOM1", EraseParticipant("ann"), ann)
            seqs, _ = erasure.redaction_plan(CORE, await store.read("ROOM1"), "ann")
            await store.redact("ROOM1", seqs)
            await one.reload("ROOM1")
            await until(lambda: True in resets)
            assert "Ann Secret" not in repr(other.state) and "Ann Secret" not in repr(list(other.recent))
            assert "Ann Secret" not in repr((await one.room("ROOM1")).state)
            # A deleted room leaves the other process's memory too.
            await store.delete("ROOM1")
            await one.forget("ROOM1")
            assert one.loaded("ROOM1") is None
            await until(lambda: two.loaded("ROOM1") is None)
        finally:
            await one.close()
            await two.close()

    asyncio.run(scenario())
