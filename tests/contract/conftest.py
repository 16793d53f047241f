"""Every store and broker implementation runs through the same contract tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from realtime.broker.base import Broker
from realtime.broker.memory import MemoryBroker
from realtime.store.base import EventStore
from realtime.store.memory import MemoryStore
from realtime.store.sqlite import SqliteStore

STORES = ["memory", "sqlite"]
BROKERS = ["memory"]


@pytest_asyncio.fixture(params=STORES)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[EventStore]:
    made: EventStore = MemoryStore() if request.param == "memory" else SqliteStore(str(tmp_path / "k.db"))
    yield made
    await made.close()


@pytest_asyncio.fixture(params=BROKERS)
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[Broker]:
    made = MemoryBroker()
    yield made
    await made.close()
