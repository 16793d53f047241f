"""On Redis, the broker's reader is the only way events reach another process: a failing
listener or watcher must not end it, and a reader that fails all the same is started again and
every loaded room catches up from the store (issue 13, section 3)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import redis.asyncio as aioredis

from realtime.broker.redis import RedisBroker
from realtime.events import Actor, CreateSession, Join, Role
from realtime.hub import Hub, announcement
from realtime.room import Change
from realtime.store.redis import RedisStore
from tests.corekit import CODEC, CORE

pytestmark = pytest.mark.redis
URL = "redis://127.0.0.1:6379/14"
CODE = "ACDEFGHJ"


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


class BuggyReaderBroker(RedisBroker):
    """A Redis broker whose reader breaks on its next `breaks` messages, as a bug in the reader
    itself would (not in a listener): the message it was handling is lost."""

    def __init__(self, url: str, breaks: int = 0) -> None:
        super().__init__(url, max_backoff_s=0.2)
        self.breaks = breaks

    def _dispatch(self, message: dict[str, object]) -> None:
        if self.breaks > 0:
            self.breaks -= 1
            raise RuntimeError("a bug in the reader")
        super()._dispatch(message)


def join(i: int) -> tuple[Join, Actor]:
    return Join(f"p{i}", f"P{i}", "room", f"h{i}"), Actor(Role.PARTICIPANT, f"p{i}")


async def test_a_failing_listener_does_not_end_the_reader(admin: aioredis.Redis,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    broker = RedisBroker(URL, max_backoff_s=0.2)
    got: list[bytes | None] = []

    def broken(message: bytes | None) -> None:
        raise RuntimeError("a listener with a bug")

    try:
        await broker.subscribe("kring:test", broken)
        await broker.subscribe("kring:test", got.append)
        await broker.publish("kring:test", b"one")
        await broker.publish("kring:test", b"two")
        await eventually(lambda: got == [b"one", b"two"])
        assert broker.reader_restarts == 0
        assert caplog.text.count("a listener on kring:test failed") == 1
    finally:
        await broker.close()


async def test_a_failing_reader_is_restarted_and_its_listeners_resync(admin: aioredis.Redis,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    broker = BuggyReaderBroker(URL, breaks=1)
    got: list[bytes | None] = []
    try:
        await broker.subscribe("kring:test", got.append)
        await broker.publish("kring:test", b"lost")  # ends the first run of the reader
        await eventually(lambda: None in got)  # told that something may have been lost
        await broker.publish("kring:test", b"after")
        await eventually(lambda: b"after" in got)
        assert b"lost" not in got
        assert broker.reader_restarts == 1
        assert "pub/sub reader failed" in caplog.text
    finally:
        await broker.close()


async def test_a_failing_watcher_on_another_process_does_not_end_its_fan_out(admin: aioredis.Redis) -> None:
    # The case: a watcher raising inside the broker's reader ended the reader, and with
    # it all fan-out between processes.
    ticks = itertools.count(1)
    hubs = [Hub(RedisStore(URL, CODEC, announce=announcement), RedisBroker(URL), lambda: float(next(ticks)), f"n{i}",
                CORE)
            for i in range(2)]
    try:
        await hubs[0].create(CreateSession("T", "en", CODE, "jt", "mk"))
        room2 = await hubs[1].room(CODE)
        seen: list[int] = []

        def broken(change: Change) -> None:
            raise RuntimeError("a page with a bug")

        hubs[1].watch(room2, broken)
        hubs[1].watch(room2, lambda change: seen.extend(s.seq for s in change.events))
        for i in range(3):
            await hubs[0].execute(CODE, *join(i))
            await eventually(lambda: room2.state.seq == i + 2)  # noqa: B023 (awaited at once)
        assert seen == [2, 3, 4]
        assert list(room2.state.participants) == ["p0", "p1", "p2"]
    finally:
        for hub in hubs:
            await hub.close()
            await hub.broker.close()
            await hub.store.close()


async def test_after_a_reader_restart_every_loaded_room_catches_up_from_the_store(admin: aioredis.Redis) -> None:
    ticks = itertools.count(1)
    buggy = BuggyReaderBroker(URL)
    one = Hub(RedisStore(URL, CODEC, announce=announcement), RedisBroker(URL), lambda: float(next(ticks)), "one", CORE)
    two = Hub(RedisStore(URL, CODEC, announce=announcement), buggy, lambda: float(next(ticks)), "two", CORE)
    codes = [CODE, "BCDEFGHJ"]
    try:
        for code in codes:
            await one.create(CreateSession("T", "en", code, "jt", "mk"))
        rooms = [await two.room(code) for code in codes]
        buggy.breaks = 1
        # The first of these messages breaks hub two's reader and is lost; the room that missed
        # it and the other one catch up from the store once the reader runs again.
        await one.execute(codes[0], *join(1))
        await eventually(lambda: buggy.reader_restarts == 1)
        await eventually(lambda: rooms[0].state.seq == 2)
        await one.execute(codes[1], *join(2))
        await one.execute(codes[0], *join(3))
        await eventually(lambda: rooms[0].state.seq == 3 and rooms[1].state.seq == 2)
        assert list(rooms[0].state.participants) == ["p1", "p3"]
        assert list(rooms[1].state.participants) == ["p2"]
    finally:
        for hub in (one, two):
            await hub.close()
            await hub.broker.close()
            await hub.store.close()
