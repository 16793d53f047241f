"""What only the SQLite store does: appends on the loop with a cached last seq (realtime/store/sqlite.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from realtime.errors import Conflict
from realtime.events import TitleChanged
from realtime.store.sqlite import SqliteStore
from tests.corekit import CODEC


async def test_a_stale_cached_seq_still_conflicts_when_another_writer_appended(tmp_path: Path) -> None:
    path = str(tmp_path / "k.db")
    one, two = SqliteStore(path, CODEC), SqliteStore(path, CODEC)
    try:
        await one.append("R", 0, 1.0, [TitleChanged("a")])  # one now believes the log ends at 1
        await two.append("R", 1, 2.0, [TitleChanged("b")])  # another writer moved it on
        with pytest.raises(Conflict):
            await one.append("R", 1, 3.0, [TitleChanged("lost race")])
        # After the conflict it looks again, and appends where the log really ends.
        await one.append("R", 2, 4.0, [TitleChanged("c")])
        assert [s.event for s in await two.read("R")] == [TitleChanged("a"), TitleChanged("b"), TitleChanged("c")]
    finally:
        await one.close()
        await two.close()


async def test_a_deleted_room_starts_again_at_one(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "k.db"), CODEC)
    try:
        await store.append("R", 0, 1.0, [TitleChanged("a"), TitleChanged("b")])
        await store.delete("R")
        with pytest.raises(Conflict):
            await store.append("R", 2, 2.0, [TitleChanged("stale")])
        await store.append("R", 0, 3.0, [TitleChanged("new")])
        assert [s.seq for s in await store.read("R")] == [1]
    finally:
        await store.close()
