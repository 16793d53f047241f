"""The EventStore contract (realtime/store/base.py), for every implementation."""

from __future__ import annotations

import asyncio

import pytest

from realtime.errors import Conflict
from realtime.events import ParticipantJoined, SessionEnded, TitleChanged
from realtime.store.base import EventStore


async def test_append_assigns_consecutive_seqs_and_reads_back(store: EventStore) -> None:
    first = await store.append("R1", 0, 10.0, [TitleChanged("a"), TitleChanged("b")])
    assert [s.seq for s in first] == [1, 2]
    second = await store.append("R1", 2, 11.5, [SessionEnded()])
    assert [s.seq for s in second] == [3]
    read = await store.read("R1")
    assert read == first + second
    assert read[2].at == 11.5
    assert await store.read("R1", after=2) == second
    assert await store.last_seq("R1") == 3


async def test_rooms_are_separate_and_unknown_rooms_are_empty(store: EventStore) -> None:
    await store.append("A", 0, 1.0, [TitleChanged("a")])
    await store.append("B", 0, 1.0, [TitleChanged("b")])
    assert [s.event for s in await store.read("A")] == [TitleChanged("a")]
    assert await store.read("nope") == []
    assert await store.last_seq("nope") == 0


async def test_wrong_expected_seq_conflicts_and_stores_nothing(store: EventStore) -> None:
    await store.append("R", 0, 1.0, [TitleChanged("a")])
    with pytest.raises(Conflict):
        await store.append("R", 0, 1.0, [TitleChanged("again")])
    with pytest.raises(Conflict):
        await store.append("R", 5, 1.0, [TitleChanged("ahead")])
    assert [s.event for s in await store.read("R")] == [TitleChanged("a")]


async def test_concurrent_writers_never_share_a_seq(store: EventStore) -> None:
    await store.append("R", 0, 1.0, [TitleChanged("start")])

    async def writer(name: str) -> int:
        wins = 0
        for _ in range(20):
            while True:
                last = await store.last_seq("R")
                try:
                    await store.append("R", last, 1.0, [ParticipantJoined(name, name, "room", "h")])
                    wins += 1
                    break
                except Conflict:
                    await asyncio.sleep(0)
        return wins

    results = await asyncio.gather(*(writer(f"w{i}") for i in range(4)))
    assert results == [20, 20, 20, 20]
    log = await store.read("R")
    assert [s.seq for s in log] == list(range(1, 82))


async def test_delete_forgets_a_room(store: EventStore) -> None:
    await store.append("R", 0, 1.0, [TitleChanged("a")])
    await store.delete("R")
    assert await store.read("R") == []
    assert [s.seq for s in await store.append("R", 0, 1.0, [TitleChanged("b")])] == [1]
