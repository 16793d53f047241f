"""The embedded default store: one SQLite file in WAL mode.

One thread owns the only write connection and runs every append as `BEGIN IMMEDIATE ... COMMIT`,
so appends are serialized without Python locks; reads run on a second thread with its own
connection (WAL lets them proceed while a write is open). `synchronous=NORMAL` in WAL mode keeps
every committed transaction across a crash of the process (kill -9); only a power loss or OS crash
can take the last transactions back. Set KRING_SQLITE_SYNC=FULL to close that gap too, at the cost of
an fsync per append (docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from realtime.codec import decode_event, encode_event
from realtime.errors import Conflict
from realtime.events import Event, Stamped

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    room TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at REAL NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (room, seq)
) WITHOUT ROWID;
"""


class SqliteStore:
    def __init__(self, path: str, synchronous: str = "NORMAL") -> None:
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError("synchronous must be NORMAL or FULL")
        self._path = path
        self._synchronous = synchronous
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="kring-sqlite-w")
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="kring-sqlite-r")
        self._wconn: sqlite3.Connection | None = None
        self._rconn: sqlite3.Connection | None = None
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

    # Each connection is created on, and only ever used by, its own thread.
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=True)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.executescript(SCHEMA)
        return conn

    def _write_conn(self) -> sqlite3.Connection:
        if self._wconn is None:
            self._wconn = self._connect()
        return self._wconn

    def _read_conn(self) -> sqlite3.Connection:
        if self._rconn is None:
            self._rconn = self._connect()
        return self._rconn

    async def _run(self, pool: ThreadPoolExecutor, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool, fn)

    async def append(
        self, room: str, expected_seq: int, at: float, events: Sequence[Event]
    ) -> list[Stamped]:
        stamped = [Stamped(expected_seq + i + 1, at, ev) for i, ev in enumerate(events)]
        rows = [(room, s.seq, s.at, encode_event(s.event)) for s in stamped]

        def write() -> None:
            conn = self._write_conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                (last,) = conn.execute(
                    "SELECT COALESCE(MAX(seq), 0) FROM events WHERE room = ?", (room,)
                ).fetchone()
                if last != expected_seq:
                    raise Conflict(f"{room}: expected seq {expected_seq}, log is at {last}")
                conn.executemany("INSERT INTO events (room, seq, at, data) VALUES (?, ?, ?, ?)", rows)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        if rows:
            await self._run(self._writer, write)
        return stamped

    async def read(self, room: str, after: int = 0) -> list[Stamped]:
        def read() -> list[tuple[int, float, bytes]]:
            return self._read_conn().execute(
                "SELECT seq, at, data FROM events WHERE room = ? AND seq > ? ORDER BY seq",
                (room, after),
            ).fetchall()

        return [Stamped(seq, at, decode_event(data)) for seq, at, data in await self._run(self._reader, read)]

    async def last_seq(self, room: str) -> int:
        def last() -> int:
            (seq,) = self._read_conn().execute(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE room = ?", (room,)
            ).fetchone()
            return int(seq)

        return await self._run(self._reader, last)

    async def delete(self, room: str) -> None:
        def delete() -> None:
            self._write_conn().execute("DELETE FROM events WHERE room = ?", (room,))

        await self._run(self._writer, delete)

    async def close(self) -> None:
        def close_w() -> None:
            if self._wconn is not None:
                self._wconn.close()
                self._wconn = None

        def close_r() -> None:
            if self._rconn is not None:
                self._rconn.close()
                self._rconn = None

        await self._run(self._writer, close_w)
        await self._run(self._reader, close_r)
        self._writer.shutdown(wait=True)
        self._reader.shutdown(wait=True)
