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


async def test_redact_replaces_events_by_markers_and_keeps_seqs(store: EventStore) -> None:
    from realtime.events import Redacted

    await store.append("R", 0, 1.0, [TitleChanged("keep"), ParticipantJoined("p1", "Secret Name", "room", "h")])
    await store.append("R", 2, 2.5, [TitleChanged("keep too")])
    await store.append("OTHER", 0, 1.0, [ParticipantJoined("p1", "Secret Name", "room", "h")])
    await store.redact("R", [2, 99])
    read = await store.read("R")
    assert [s.seq for s in read] == [1, 2, 3]
    assert [s.event for s in read] == [TitleChanged("keep"), Redacted(), TitleChanged("keep too")]
    assert read[1].at == 1.0  # the time stays: retention still knows the room's activity
    assert await store.last_seq("R") == 3
    # Appends go on after a redaction as before; other rooms are untouched.
    assert [s.seq for s in await store.append("R", 3, 3.0, [SessionEnded()])] == [4]
    assert (await store.read("OTHER"))[0].event == ParticipantJoined("p1", "Secret Name", "room", "h")


async def test_activity_lists_rooms_with_their_last_event_time(store: EventStore) -> None:
    assert await store.activity() == []
    await store.append("A", 0, 10.0, [TitleChanged("a")])
    await store.append("A", 1, 20.0, [TitleChanged("a2")])
    await store.append("B", 0, 15.0, [TitleChanged("b")])
    assert sorted(await store.activity()) == [("A", 20.0), ("B", 15.0)]
    await store.delete("A")
    assert await store.activity() == [("B", 15.0)]


async def test_snapshots_keep_the_latest_and_go_with_deletes_and_rewrites(store: EventStore) -> None:
    await store.append("R", 0, 1.0, [TitleChanged("a"), TitleChanged("b"), TitleChanged("c")])
    assert await store.load_snapshot("R") is None
    await store.save_snapshot("R", 2, b"state at two \x00\xff")
    assert await store.load_snapshot("R") == (2, b"state at two \x00\xff")
    await store.save_snapshot("R", 1, b"older")  # an older one never replaces a newer one
    assert await store.load_snapshot("R") == (2, b"state at two \x00\xff")
    await store.save_snapshot("R", 3, b"newer")
    assert await store.load_snapshot("R") == (3, b"newer")
    assert await store.load_snapshot("OTHER") is None
    await store.redact("R", [2])  # a rewrite of the log drops the snapshot (it may hold what went)
    assert await store.load_snapshot("R") is None
    await store.save_snapshot("R", 3, b"again")
    await store.delete("R")
    assert await store.load_snapshot("R") is None
