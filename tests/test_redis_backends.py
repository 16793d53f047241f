"""Redis-specific behaviour: two processes' hubs on one Redis, and losing the connection."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import redis.asyncio as aioredis

from realtime.broker.redis import RedisBroker
from realtime.errors import Conflict
from realtime.events import Actor, CreateSession, Join, Role
from realtime.hub import Hub, announcement, channel_for
from realtime.store.redis import RedisStore
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
    hubs = [Hub(RedisStore(URL, CODEC, announce=announcement), RedisBroker(URL), lambda: float(next(ticks)), f"n{i}",
                CORE)
            for i in range(2)]
    listener = RedisBroker(URL)
    heard: list[bytes | None] = []
    try:
        await hubs[0].create(CreateSession("T", "en", "ACDEFGHJ", "jt", "mk"))
        await listener.subscribe(channel_for("ACDEFGHJ"), heard.append)
        other = await hubs[1].room("ACDEFGHJ")
        await hubs[0].execute("ACDEFGHJ", Join("p1", "Ann", "room", "h1"), Actor(Role.PARTICIPANT, "p1"))
        await eventually(lambda: other.state.seq == 2)  # only the store's message can have told it
        assert other.state.participants["p1"].name == "Ann"
        await asyncio.sleep(0.2)
        assert len(heard) == 1 and heard[0] is not None
        assert CODEC.decode_stamped(heard[0])[1][0].seq == 2
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
        killed = await admin.client_kill_filter(_type="pubsub")
        assert killed >= 1
        await eventually(lambda: None in got)  # told that messages may have been lost
        await eventually(lambda: broker.healthy)
        await broker.publish("kring:test", b"after")
        await eventually(lambda: b"after" in got)
    finally:
        await broker.close()
