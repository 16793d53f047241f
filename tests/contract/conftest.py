"""Every store and broker implementation runs through the same contract tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from realtime.broker.base import Broker
from realtime.broker.memory import MemoryBroker
from realtime.broker.redis import RedisBroker
from realtime.store.base import EventStore
from realtime.store.memory import MemoryStore
from realtime.store.redis import RedisStore
from realtime.store.sqlite import SqliteStore
from tests.corekit import CODEC

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, flushed by each test
STORES = ["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)]
BROKERS = ["memory", pytest.param("redis", marks=pytest.mark.redis)]


async def _flushed_redis() -> None:
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(REDIS_URL)
    await client.flushdb()
    await client.aclose()


@pytest_asyncio.fixture(params=STORES)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[EventStore]:
    made: EventStore
    if request.param == "memory":
        made = MemoryStore(CODEC)
    elif request.param == "sqlite":
        made = SqliteStore(str(tmp_path / "k.db"), CODEC)
    else:
        await _flushed_redis()
        made = RedisStore(REDIS_URL, CODEC)
    yield made
    await made.close()


@pytest_asyncio.fixture(params=BROKERS)
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[Broker]:
    made: Broker = MemoryBroker() if request.param == "memory" else RedisBroker(REDIS_URL)
    yield made
    await made.close()
