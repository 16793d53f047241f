"""The hub: commands through decide -> store -> fold -> watchers -> broker, with fakes.

Two hubs on one store and one broker stand in for two processes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Sequence

import orjson
import pytest
import pytest_asyncio

from realtime.broker.memory import MemoryBroker
from realtime.codec import encode_stamped
from realtime.core import Core
from realtime.errors import Forbidden, Rejected, RoomNotFound
from realtime.events import (
    Actor,
    Command,
    CreateSession,
    Event,
    Join,
    Role,
    SetTitle,
    Stamped,
    TitleChanged,
    UpdateProfile,
)
from realtime.hub import EVENTS_CHANNEL, PRESENCE_TICK_S, Hub, framed, presence_channel_for
from realtime.room import Change
from realtime.state import RoomState
from realtime.store.memory import MemoryStore
from tests.corekit import CODEC, CORE

MENTOR = Actor(Role.MENTOR)


class Clock:
    def __init__(self) -> None:
        self.ticks = itertools.count(1)

    def __call__(self) -> float:
        return float(next(self.ticks))


@pytest_asyncio.fixture
async def pair() -> AsyncIterator[tuple[Hub, Hub, MemoryStore]]:
    store, broker = MemoryStore(CODEC), MemoryBroker()
    one, two = Hub(store, broker, Clock(), "one", CORE), Hub(store, broker, Clock(), "two", CORE)
    yield one, two, store
    await one.close()
    await two.close()


def create(code: str = "ACDEFGHJ") -> CreateSession:
    return CreateSession("Week 1", "en", code, "jt", "mk")


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_unknown_room(pair: tuple[Hub, Hub, MemoryStore]) -> None:
    one, _, _ = pair
    with pytest.raises(RoomNotFound):
        await one.room("NOPE")


async def test_events_reach_watchers_on_both_hubs_in_order(pair: tuple[Hub, Hub, MemoryStore]) -> None:
    one, two, _ = pair
    room1 = await one.create(create())
    room2 = await two.room("ACDEFGHJ")
    seen1: list[Change] = []
    seen2: list[Change] = []
    one.watch(room1, seen1.append)
    two.watch(room2, seen2.append)
    await one.execute("ACDEFGHJ", Join("p1", "Anna", "room", "h1"), Actor(Role.PARTICIPANT, "p1"))
    await two.execute("ACDEFGHJ", Join("p2", "Bram", "remote", "h2"), Actor(Role.PARTICIPANT, "p2"))
    await settle()
    assert room1.state == room2.state
    assert list(room1.state.participants) == ["p1", "p2"]
    assert [s.seq for c in seen1 for s in c.events] == [2, 3]
    assert [s.seq for c in seen2 for s in c.events] == [2, 3]


async def test_rejected_command_stores_nothing(pair: tuple[Hub, Hub, MemoryStore]) -> None:
    one, _, store = pair
    await one.create(create())
    with pytest.raises(Rejected):
        await one.execute("ACDEFGHJ", SetTitle("x"), Actor(Role.PARTICIPANT, "p1"))
    with pytest.raises(Rejected):
        await one.execute("ACDEFGHJ", SetTitle(""), MENTOR)
    assert await store.last_seq("ACDEFGHJ") == 1


async def test_a_forbidden_command_is_refused_without_waiting_in_the_rooms_queue(
        pair: tuple[Hub, Hub, MemoryStore]) -> None:
    """A participant's mentor-only command is refused at once, even while the room's queue does
    not move (issue 14: a flood of them queued in front of everyone's actions); an allowed one
    waits its turn."""
    one, _, store = pair
    room = await one.create(create())
    await one.execute("ACDEFGHJ", Join("p1", "Anna", "room", "th"), Actor(Role.PARTICIPANT, "p1"))
    room.flushing = True  # a batch is being written and never ends: nothing queued moves
    with pytest.raises(Forbidden):
        await one.execute("ACDEFGHJ", SetTitle("mine now"), Actor(Role.PARTICIPANT, "p1"))
    waiting = asyncio.create_task(one.execute("ACDEFGHJ", SetTitle("Week 2"), MENTOR))
    await settle()
    assert not waiting.done() and len(room.pending) == 1
    room.flushing = False
    waiting.cancel()
    assert await store.last_seq("ACDEFGHJ") == 2


class CountingCore(Core):
    """The app's core, counting how often decide runs."""

    def __init__(self) -> None:
        super().__init__(CORE.features)
        self.decided = 0

    def decide(self, state: RoomState, command: Command, actor: Actor) -> list[Event]:
        self.decided += 1
        return super().decide(state, command, actor)


async def test_each_command_is_decided_once_and_the_role_check_needs_no_decide() -> None:
    """The check before the queue is by role alone (the declaration, CoreFeature.mentor_only): an
    allowed command runs decide once, in its batch; a refused one not at all."""
    core = CountingCore()
    hub = Hub(MemoryStore(CODEC), MemoryBroker(), Clock(), "solo", core)
    try:
        await hub.create(create())
        await hub.execute("ACDEFGHJ", Join("p1", "Anna", "room", "th"), Actor(Role.PARTICIPANT, "p1"))
        core.decided = 0
        await hub.execute("ACDEFGHJ", UpdateProfile("Anna B", "room"), Actor(Role.PARTICIPANT, "p1"))
        await hub.execute("ACDEFGHJ", SetTitle("Week 2"), MENTOR)
        assert core.decided == 2
        with pytest.raises(Forbidden) as refused:
            await hub.execute("ACDEFGHJ", SetTitle("mine now"), Actor(Role.PARTICIPANT, "p1"))
        assert refused.value.code == "not_mentor" and core.decided == 2
    finally:
        await hub.close()


async def test_create_with_a_taken_code_is_rejected(pair: tuple[Hub, Hub, MemoryStore]) -> None:
    one, two, _ = pair
    await one.create(create())
    with pytest.raises(Rejected) as info:
        await two.create(create())
    assert info.value.code == "session_exists"


async def test_concurrent_commands_on_two_hubs_all_land_once(pair: tuple[Hub, Hub, MemoryStore]) -> None:
    one, two, store = pair
    await one.create(create())
    await two.room("ACDEFGHJ")
    jobs = [
        (one if i % 2 else two).execute(
            "ACDEFGHJ", Join(f"p{i}", f"P{i}", "room", f"h{i}"), Actor(Role.PARTICIPANT, f"p{i}")
        )
        for i in range(30)
    ]
    await asyncio.gather(*jobs)
    await settle()
    log = await store.read("ACDEFGHJ")
    assert [s.seq for s in log] == list(range(1, 32))
    assert len((await one.room("ACDEFGHJ")).state.participants) == 30
    assert (await one.room("ACDEFGHJ")).state == (await two.room("ACDEFGHJ")).state


async def test_a_lost_broker_message_is_read_from_the_store(pair: tuple[Hub, Hub, MemoryStore]) -> None:
    one, two, store = pair
    await one.create(create())
    room2 = await two.room("ACDEFGHJ")
    # Write behind everyone's back, as if the broker had lost the message.
    await store.append("ACDEFGHJ", 1, 5.0, [TitleChanged("lost")])
    await one.execute("ACDEFGHJ", SetTitle("after"), MENTOR)
    await settle()
    for _ in range(50):
        if room2.state.seq == 3:
            break
        await asyncio.sleep(0.01)
    assert room2.state.seq == 3 and room2.state.title == "after"
    assert (await one.room("ACDEFGHJ")).state == room2.state


async def test_since_gives_missed_events_or_none_when_too_old(pair: tuple[Hub, Hub, MemoryStore]) -> None:
    one, _, _ = pair
    room = await one.create(create())
    await one.execute("ACDEFGHJ", SetTitle("b"), MENTOR)
    await one.execute("ACDEFGHJ", SetTitle("c"), MENTOR)
    assert [s.seq for s in room.since(1) or ()] == [2, 3]
    assert room.since(3) == ()
    room.recent.popleft()
    room.recent.popleft()
    assert room.since(0) is None


async def test_presence_counts_tabs_and_tells_watchers(pair: tuple[Hub, Hub, MemoryStore]) -> None:
    one, _, _ = pair
    room = await one.create(create())
    seen: list[Change] = []
    one.watch(room, seen.append)
    one.connect(room, "p1")
    one.connect(room, "p1")  # a second tab
    one.disconnect(room, "p1")
    assert room.presence.is_online("p1")
    one.connect(room, "p2")
    await asyncio.sleep(PRESENCE_TICK_S * 3)
    # Who came within one tick is told once, with everyone who came.
    assert [(c.presence, c.pids) for c in seen] == [(True, frozenset({"p1", "p2"}))]
    one.disconnect(room, "p1")
    assert not room.presence.is_online("p1")
    assert room.presence.away_since("p1") is not None
    await asyncio.sleep(PRESENCE_TICK_S * 3)
    assert [(c.presence, c.pids) for c in seen][1:] == [(True, frozenset({"p1"}))]


async def test_presence_is_shared_between_processes(pair: tuple[Hub, Hub, MemoryStore]) -> None:
    one, two, _ = pair
    room1 = await one.create(create())
    room2 = await two.room("ACDEFGHJ")
    seen2: list[Change] = []
    two.watch(room2, seen2.append)
    one.connect(room1, "p1")
    for _ in range(200):
        if room2.presence.is_online("p1"):
            break
        await asyncio.sleep(0.01)
    assert room2.presence.is_online("p1")
    for _ in range(200):
        if seen2:
            break
        await asyncio.sleep(0.01)
    # The other process knows who came, so its pages get that person's line, not the whole list.
    assert [(c.presence, c.pids) for c in seen2] == [(True, frozenset({"p1"}))]
    one.disconnect(room1, "p1")
    for _ in range(200):
        if not room2.presence.is_online("p1"):
            break
        await asyncio.sleep(0.01)
    assert not room2.presence.is_online("p1")
    assert room2.presence.away_since("p1") is not None


class SlowCountingStore(MemoryStore):
    """A store whose appends take a while and are counted (a fake: the hub is what is tested)."""

    def __init__(self) -> None:
        super().__init__(CODEC)
        self.appends = 0

    async def append(self, room: str, expected_seq: int, at: float, events: list) -> list:  # type: ignore[override]
        self.appends += 1
        await asyncio.sleep(0.01)
        return await super().append(room, expected_seq, at, events)


async def test_a_busy_room_commits_in_batches_and_rejections_stay_apart() -> None:
    store = SlowCountingStore()
    hub = Hub(store, MemoryBroker(), Clock(), "solo", CORE)
    try:
        await hub.create(create())
        store.appends = 0
        jobs = [hub.execute("ACDEFGHJ", Join(f"p{i}", f"P{i}", "room", f"h{i}"), Actor(Role.PARTICIPANT, f"p{i}"))
                for i in range(50)]
        # A duplicate join in the same batch: decided after p0's join, so it is rejected alone.
        jobs.append(hub.execute("ACDEFGHJ", Join("p0", "Again", "room", "hx"), Actor(Role.PARTICIPANT, "p0")))
        results = await asyncio.gather(*jobs, return_exceptions=True)
        assert all(isinstance(r, list) and len(r) == 1 for r in results[:50])
        assert isinstance(results[50], Rejected) and results[50].code == "already_joined"
        assert sorted(r[0].seq for r in results[:50]) == list(range(2, 52))  # type: ignore[index]
        assert store.appends < 10  # batched, not one round trip per command
        log = await store.read("ACDEFGHJ")
        assert [s.seq for s in log] == list(range(1, 52))
        assert (await hub.room("ACDEFGHJ")).state.seq == 51
    finally:
        await hub.close()


async def test_one_message_on_the_events_channel_can_carry_several_rooms(
    pair: tuple[Hub, Hub, MemoryStore],
) -> None:
    # Issue 19: a store that appends many rooms in one call publishes them as one message: the
    # origin line, then a line per room. A line that cannot be read spoils only itself, and a
    # process skips the message of its own commits (the origin is its node).
    one, _, store = pair
    await one.create(create("ACDEFGHJ"))
    await one.create(create("KMNPQRST"))
    first, second = await one.room("ACDEFGHJ"), await one.room("KMNPQRST")
    a = await store.append("ACDEFGHJ", 1, 5.0, [TitleChanged("A")])
    b = await store.append("KMNPQRST", 1, 5.0, [TitleChanged("B")])
    lines = [encode_stamped("ACDEFGHJ", a), b"not json", encode_stamped("KMNPQRST", b)]
    await one.broker.publish(EVENTS_CHANNEL, framed("one", lines))  # its own: skipped
    await settle()
    assert (first.state.seq, second.state.seq) == (1, 1)
    await one.broker.publish(EVENTS_CHANNEL, framed("elsewhere", lines))
    await settle()
    assert (first.state.title, second.state.title) == ("A", "B")
    assert (first.state.seq, second.state.seq) == (2, 2)


async def test_a_line_for_a_room_not_held_here_is_not_decoded(
    pair: tuple[Hub, Hub, MemoryStore], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Behind a proxy that routes by code, most of what other processes commit is for rooms with
    # no page here (issue 19, scale-out): those lines are passed over by their head alone.
    one, _, store = pair
    await one.create(create("ACDEFGHJ"))
    held = await one.room("ACDEFGHJ")
    a = await store.append("ACDEFGHJ", 1, 5.0, [TitleChanged("A")])
    other = encode_stamped("KMNPQRST", [Stamped(1, 5.0, TitleChanged("B"))])
    decoded: list[str] = []
    real = one.core.codec.decode_stamped

    def counting(raw: bytes) -> tuple[str, list[Stamped]]:
        code, stamped = real(raw)
        decoded.append(code)
        return code, stamped

    monkeypatch.setattr(one.core.codec, "decode_stamped", counting)
    await one.broker.publish(EVENTS_CHANNEL, framed("elsewhere", [other, encode_stamped("ACDEFGHJ", a)]))
    await settle()
    assert held.state.title == "A" and decoded == ["ACDEFGHJ"]


async def test_the_heartbeat_sends_every_room_with_people_here_in_one_go(
    pair: tuple[Hub, Hub, MemoryStore], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each process repeats who is connected to it, for each room where someone is, so that the
    # others can tell when it is gone: all rooms' snapshots in one publish_many (one round trip).
    monkeypatch.setattr("realtime.hub.PRESENCE_HEARTBEAT_S", 0.01)
    one, _, _ = pair
    batches: list[list[str]] = []
    publish_many = one.broker.publish_many

    async def recording(messages: Sequence[tuple[str, bytes]]) -> None:
        batches.append([channel for channel, _ in messages])
        await publish_many(messages)

    monkeypatch.setattr(one.broker, "publish_many", recording)
    rooms = [await one.create(create(code)) for code in ("ACDEFGHJ", "KMNPQRST", "UVWXYZ23")]
    heard: list[bytes | None] = []
    await one.broker.subscribe(presence_channel_for("KMNPQRST"), heard.append)
    one.connect(rooms[0], "p1")
    one.connect(rooms[1], "p2")  # nobody in the third room
    for _ in range(500):
        if batches and batches[-1]:
            break
        await asyncio.sleep(0.01)
    assert sorted(batches[-1]) == [presence_channel_for("ACDEFGHJ"), presence_channel_for("KMNPQRST")]
    await settle()
    assert any(m is not None and orjson.loads(m)["counts"] == {"p2": 1} for m in heard)
