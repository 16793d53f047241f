"""A big room hears of new events once per tick; a mentoring group at once (realtime/room.py)."""

from __future__ import annotations

import asyncio

from realtime.events import SessionCreated, Stamped, TitleChanged
from realtime.room import BIG_ROOM_WATCHERS, EVENT_TICK_S, Change, Room
from realtime.state import RoomState
from tests.corekit import CORE


def created() -> Stamped:
    return Stamped(1, 1.0, SessionCreated("Start", "en", "ABCDEFGH", "tok", "hash"))


def titled(seq: int, title: str) -> Stamped:
    return Stamped(seq, 1.0 + seq, TitleChanged(title))


async def test_a_small_room_is_told_of_each_event_at_once() -> None:
    room = Room("ABCDEFGH", RoomState(), CORE)
    seen: list[Change] = []
    room.watch(seen.append)
    assert room.apply([created()])
    assert room.apply([titled(2, "Two")])
    assert [[s.seq for s in c.events] for c in seen] == [[1], [2]]


async def test_a_big_room_is_told_once_per_tick_with_everything_in_order() -> None:
    room = Room("ABCDEFGH", RoomState(), CORE)
    seen: list[Change] = []
    room.watch(seen.append)
    for _ in range(BIG_ROOM_WATCHERS - 1):
        room.watch(lambda change: None)
    assert room.apply([created()])
    assert room.apply([titled(2, "Two")])
    assert room.apply([titled(3, "Three")])
    assert seen == []  # held for the tick...
    assert room.state.title == "Three"  # ...while the state is already current
    await asyncio.sleep(EVENT_TICK_S * 3)
    assert [[s.seq for s in c.events] for c in seen] == [[1, 2, 3]]
    assert room.apply([titled(4, "Four")])
    await asyncio.sleep(EVENT_TICK_S * 3)
    assert [[s.seq for s in c.events] for c in seen] == [[1, 2, 3], [4]]


def test_a_state_the_hub_already_folded_is_used_only_on_the_very_state_it_started_from() -> None:
    import dataclasses

    from tests.corekit import evolve

    room = Room("ABCDEFGH", RoomState(), CORE)
    assert room.apply([created()])
    base = room.state
    event = titled(2, "Two")
    # A marker the real fold would not produce: shows which path apply took.
    folded = dataclasses.replace(evolve(base, event), title="from the hub")
    assert room.apply([event], folded=(base, folded))
    assert room.state is folded

    # The same seq but another state object (a room reloaded after an erasure): folded again.
    room = Room("ABCDEFGH", dataclasses.replace(base), CORE)
    assert room.apply([event], folded=(base, folded))
    assert room.state.title == "Two"
