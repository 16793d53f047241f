"""Redis-specific behaviour: two processes' hubs on one Redis, and losing the connection."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import redis.asyncio as aioredis

from realtime.broker.redis import RedisBroker
from realtime.errors import BackendUnavailable, Conflict
from realtime.events import Actor, CreateSession, Join, Role, TitleChanged
from realtime.hub import EVENTS_CHANNEL, Hub, announcement
from realtime.store.redis import RedisStore
from server.settings import Settings
from tests.corekit import CODEC, CORE

pytestmark = pytest.mark.redis
URL = "redis://127.0.0.1:6379/14"


@pytest_asyncio.fixture
async def admin() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(URL)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


async def eventually(predicate: object, timeout: float = 10.0) -> None:
    async def poll() -> None:
        while not predicate():  # type: ignore[operator]
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


async def test_two_hubs_on_one_redis_agree_on_one_order(admin: aioredis.Redis) -> None:
    ticks = itertools.count(1)
    hubs = [Hub(RedisStore(URL, CODEC), RedisBroker(URL), lambda: float(next(ticks)), f"n{i}", CORE) for i in range(2)]
    try:
        await hubs[0].create(CreateSession("T", "en", "ACDEFGHJ", "jt", "mk"))
        rooms = [await hub.room("ACDEFGHJ") for hub in hubs]
        await asyncio.gather(*(
            hubs[i % 2].execute("ACDEFGHJ", Join(f"p{i}", f"P{i}", "room", f"h{i}"), Actor(Role.PARTICIPANT, f"p{i}"))
            for i in range(40)
        ))
        await eventually(lambda: all(r.state.seq == 41 for r in rooms))
        assert rooms[0].state == rooms[1].state
        assert [s.seq for s in await hubs[0].store.read("ACDEFGHJ")] == list(range(1, 42))
    finally:
        for hub in hubs:
            await hub.close()
            await hub.broker.close()
            await hub.store.close()


async def test_a_store_that_announces_its_appends_publishes_each_commit_once(admin: aioredis.Redis) -> None:
    # Store and broker on one Redis (server/kring.py): the append script publishes, the hub not.
    ticks = itertools.count(1)
    hubs = [Hub(RedisStore(URL, CODEC, announce=announcement, origin=f"n{i}"), RedisBroker(URL),
                lambda: float(next(ticks)), f"n{i}", CORE)
            for i in range(2)]
    listener = RedisBroker(URL)
    heard: list[bytes | None] = []
    try:
        await hubs[0].create(CreateSession("T", "en", "ACDEFGHJ", "jt", "mk"))
        await listener.subscribe(EVENTS_CHANNEL, heard.append)
        other = await hubs[1].room("ACDEFGHJ")
        await hubs[0].execute("ACDEFGHJ", Join("p1", "Ann", "room", "h1"), Actor(Role.PARTICIPANT, "p1"))
        await eventually(lambda: other.state.seq == 2)  # only the store's message can have told it
        assert other.state.participants["p1"].name == "Ann"
        await asyncio.sleep(0.2)
        assert len(heard) == 1 and heard[0] is not None
        origin, line = heard[0].split(b"\n")
        assert origin == b"n0"  # the committing process, which skips its own
        assert CODEC.decode_stamped(line)[1][0].seq == 2
        with pytest.raises(Conflict):  # a refused append announces nothing
            await hubs[0].store.append("ACDEFGHJ", 0, 1.0, [Join("p2", "Bo", "room", "h2")])
        await asyncio.sleep(0.2)
        assert len(heard) == 1
    finally:
        await listener.close()
        for hub in hubs:
            await hub.close()
            await hub.broker.close()
            await hub.store.close()


async def test_broker_recovers_after_losing_its_connection(admin: aioredis.Redis) -> None:
    broker = RedisBroker(URL, max_backoff_s=0.2)
    got: list[bytes | None] = []
    try:
        await broker.subscribe("kring:test", got.append)
        await broker.publish("kring:test", b"before")
        await eventually(lambda: b"before" in got)
        # Only this test's database's pub/sub clients: the Redis on 6379 is shared, and killing
        # every pub/sub client cut off other runs' servers (a benchmark's, in issue 19).
        ours = [c["id"] for c in await admin.client_list(_type="pubsub") if str(c.get("db")) == "14"]
        assert ours
        for client_id in ours:
            await admin.client_kill_filter(_id=client_id)
        await eventually(lambda: None in got)  # told that messages may have been lost
        await eventually(lambda: broker.healthy)
        await broker.publish("kring:test", b"after")
        await eventually(lambda: b"after" in got)
    finally:
        await broker.close()


async def test_appends_of_one_tick_go_in_one_call_and_each_room_is_checked_on_its_own(
    admin: aioredis.Redis,
) -> None:
    # Issue 19: one script call carries every room's appends of a tick; a refused one among them
    # stores and publishes nothing, and does not hold back the others.
    store = RedisStore(URL, CODEC, announce=announcement, tick_s=0.05, origin="me")
    listener = RedisBroker(URL)
    heard: list[bytes | None] = []
    try:
        await listener.subscribe(EVENTS_CHANNEL, heard.append)
        for room in ("A", "B", "C"):
            await store.append(room, 0, 1.0, [TitleChanged(f"{room}0")])
        await eventually(lambda: len(heard) == 3)
        heard.clear()
        calls = store.calls
        results = await asyncio.gather(
            store.append("A", 1, 2.0, [TitleChanged("A1"), TitleChanged("A2")]),
            store.append("B", 0, 2.0, [TitleChanged("B stale")]),  # B is at 1: refused
            store.append("C", 1, 2.0, [TitleChanged("C1")]),
            return_exceptions=True,
        )
        assert store.calls == calls + 1
        assert [s.seq for s in results[0]] == [2, 3]  # type: ignore[union-attr]
        assert isinstance(results[1], Conflict)
        assert [s.seq for s in results[2]] == [2]  # type: ignore[union-attr]
        assert [s.event for s in await store.read("B")] == [TitleChanged("B0")]
        assert [s.event for s in await store.read("A", after=1)] == [TitleChanged("A1"), TitleChanged("A2")]
        await eventually(lambda: len(heard) == 1)
        await asyncio.sleep(0.2)
        assert len(heard) == 1  # one message for the call
        message = heard[0]
        assert message is not None
        origin, *lines = message.split(b"\n")
        assert origin == b"me"
        announced = [CODEC.decode_stamped(line) for line in lines]  # A's two events once, then C's
        assert [(room, [s.seq for s in stamped]) for room, stamped in announced] == [("A", [2, 3]), ("C", [2])]
    finally:
        await listener.close()
        await store.close()


async def test_an_append_given_up_before_its_call_stores_nothing(admin: aioredis.Redis) -> None:
    # A command that timed out while its append waited for the tick: the append is left out.
    store = RedisStore(URL, CODEC, tick_s=0.2)
    try:
        await store.append("R", 0, 1.0, [TitleChanged("first")])  # starts a tick
        waiting = asyncio.ensure_future(store.append("R", 1, 2.0, [TitleChanged("given up")]))
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert [s.seq for s in await store.append("R", 1, 3.0, [TitleChanged("next")])] == [2]
        assert [s.event for s in await store.read("R")] == [TitleChanged("first"), TitleChanged("next")]
    finally:
        await store.close()


async def test_a_quiet_store_sends_an_append_at_once(admin: aioredis.Redis) -> None:
    # The tick only spaces calls while appends keep coming: the first after a quiet spell waits
    # for nothing. (A long tick makes the difference plain without timing anything.)
    store = RedisStore(URL, CODEC, tick_s=3600.0)
    try:
        await asyncio.wait_for(store.append("R", 0, 1.0, [TitleChanged("a")]), 60)
        assert store.calls == 1
    finally:
        await store.close()


async def test_appends_waiting_for_a_call_fail_clearly_when_redis_is_away() -> None:
    store = RedisStore("redis://127.0.0.1:1/0", CODEC)  # nothing listens on port 1
    try:
        results = await asyncio.gather(*(store.append(room, 0, 1.0, [TitleChanged("x")]) for room in "AB"),
                                       return_exceptions=True)
        assert all(isinstance(r, BackendUnavailable) for r in results)
    finally:
        await store.close()


def test_the_redis_tick_comes_from_the_environment() -> None:
    assert Settings.from_env({}).redis_tick_s == 0.01
    assert Settings.from_env({"KRING_REDIS_TICK_MS": "0"}).redis_tick_s == 0.0
    assert Settings.from_env({"KRING_REDIS_TICK_MS": "25"}).redis_tick_s == 0.025
    for bad in ("-1", "nan", "soon"):
        with pytest.raises(ValueError):
            Settings.from_env({"KRING_REDIS_TICK_MS": bad})


async def test_a_refused_append_of_any_size_leaves_the_log_as_it_was(admin: aioredis.Redis) -> None:
    # A refused append stores none of its items, however many (a script that pushed first and
    # checked after would have to trim them all off again): behind, ahead, or for no log at all.
    store = RedisStore(URL, CODEC, announce=announcement, origin="me")
    many = [TitleChanged(f"t{i}") for i in range(2500)]
    try:
        with pytest.raises(Conflict):  # a room that does not exist yet, but a seq as if it did
            await store.append("NEW", 3, 1.0, many)
        assert await admin.exists("kring:log:NEW") == 0
        assert [s.seq for s in await store.append("A", 0, 1.0, many)] == list(range(1, 2501))
        with pytest.raises(Conflict):  # behind the log
            await store.append("A", 2499, 2.0, many)
        with pytest.raises(Conflict):  # ahead of it
            await store.append("A", 2501, 2.0, many[:3])
        assert await store.last_seq("A") == 2500
        assert [s.event for s in await store.read("A", after=2497)] == many[-3:]
        assert [s.seq for s in await store.append("A", 2500, 3.0, many[:2])] == [2501, 2502]
    finally:
        await store.close()
