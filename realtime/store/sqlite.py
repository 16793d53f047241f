"""The embedded default store: one SQLite file in WAL mode.

Every write is one `BEGIN IMMEDIATE ... COMMIT` on the one write connection; reads run on a
thread with their own connection (WAL lets them proceed while a write is open).
`synchronous=NORMAL` in WAL mode keeps every committed transaction across a crash of the process
(kill -9); only a power loss or OS crash can take the last transactions back. Set
KRING_SQLITE_SYNC=FULL to close that gap too, at the cost of an fsync per append
(docs/deployment.md).

Where writes run: with NORMAL a commit does no fsync and takes tens of microseconds, so writes run
on the event loop's own thread. Handing each append to a writer thread and back cost 9-13 ms under
load (the GIL hand-off and waiting for the loop's turn), which was most of a command's latency
(docs/performance.md). The fsyncs of NORMAL happen at checkpoints: automatic checkpoints are off on
the loop's connection, and a background thread runs a PASSIVE checkpoint (which never blocks a
writer) every CHECKPOINT_EVERY appends. With FULL every commit fsyncs, so writes stay on the
writer thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from realtime.codec import Codec, encode_event
from realtime.errors import Conflict
from realtime.events import Event, Redacted, Stamped

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    room TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at REAL NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (room, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    room TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL
);
"""


# Appends between two background checkpoints (each a few pages); the WAL stays small.
CHECKPOINT_EVERY = 200


class SqliteStore:
    publishes_appends = False  # the hub publishes (realtime/store/base.py)

    def __init__(self, path: str, codec: Codec, synchronous: str = "NORMAL") -> None:
        self._codec = codec
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError("synchronous must be NORMAL or FULL")
        self._path = path
        self._synchronous = synchronous
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="kring-sqlite-w")
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="kring-sqlite-r")
        self._wconn: sqlite3.Connection | None = None
        self._rconn: sqlite3.Connection | None = None
        # NORMAL: writes on the loop's thread with this connection (see the module docstring).
        self._on_loop = synchronous == "NORMAL" and path != ":memory:"
        self._lconn: sqlite3.Connection | None = None
        self._since_checkpoint = 0
        self._last: dict[str, int] = {}  # room -> last seq this process appended (loop path only)
        self._checkpointing = False
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

    # Each connection is created on, and only ever used by, its own thread.
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=True)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA busy_timeout=5000")
        # Deleted and overwritten content is zeroed in the file, not left in free pages: a
        # deleted room or redacted person must really be gone (docs/privacy.md).
        conn.execute("PRAGMA secure_delete=ON")
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

    def _loop_conn(self) -> sqlite3.Connection:
        if self._lconn is None:
            self._lconn = self._connect()
            self._lconn.execute("PRAGMA wal_autocheckpoint=0")  # the background thread checkpoints
        return self._lconn

    async def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run a write with the write connection: on the loop (NORMAL) or on the writer thread."""
        if self._on_loop:
            return fn(self._loop_conn())
        return await self._run(self._writer, lambda: fn(self._write_conn()))

    def _count_appends(self, n: int) -> None:
        if not self._on_loop:
            return
        self._since_checkpoint += n
        if self._since_checkpoint >= CHECKPOINT_EVERY and not self._checkpointing:
            self._since_checkpoint = 0
            self._checkpointing = True

            def passive() -> None:
                try:
                    self._write_conn().execute("PRAGMA wal_checkpoint(PASSIVE)")
                finally:
                    self._checkpointing = False

            self._writer.submit(passive)

    async def append(
        self, room: str, expected_seq: int, at: float, events: Sequence[Event]
    ) -> list[Stamped]:
        stamped = [Stamped(expected_seq + i + 1, at, ev) for i, ev in enumerate(events)]
        rows = [(room, s.seq, s.at, encode_event(s.event)) for s in stamped]

        # The last seq this process wrote for the room: when the caller expects just that, the
        # MAX(seq) lookup is skipped (a fifth of an append). Another process that appended
        # meanwhile makes the INSERT hit the primary key instead: still a Conflict, nothing stored.
        known = self._last.get(room)

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if known != expected_seq:
                    (last,) = conn.execute(
                        "SELECT COALESCE(MAX(seq), 0) FROM events WHERE room = ?", (room,)
                    ).fetchone()
                    if last != expected_seq:
                        raise Conflict(f"{room}: expected seq {expected_seq}, log is at {last}")
                try:
                    conn.executemany("INSERT INTO events (room, seq, at, data) VALUES (?, ?, ?, ?)", rows)
                except sqlite3.IntegrityError as exc:
                    raise Conflict(f"{room}: seq {expected_seq + 1} is taken") from exc
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        if rows:
            try:
                await self._write(write)
            except Conflict:
                self._last.pop(room, None)
                raise
            if self._on_loop:  # the writer thread's path (FULL) keeps no cache
                self._last[room] = expected_seq + len(rows)
            self._count_appends(len(rows))
        return stamped

    async def read(self, room: str, after: int = 0) -> list[Stamped]:
        def read() -> list[tuple[int, float, bytes]]:
            return self._read_conn().execute(
                "SELECT seq, at, data FROM events WHERE room = ? AND seq > ? ORDER BY seq",
                (room, after),
            ).fetchall()

        decode = self._codec.decode_event
        return [Stamped(seq, at, decode(data)) for seq, at, data in await self._run(self._reader, read)]

    async def last_seq(self, room: str) -> int:
        def last() -> int:
            (seq,) = self._read_conn().execute(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE room = ?", (room,)
            ).fetchone()
            return int(seq)

        return await self._run(self._reader, last)

    async def delete(self, room: str) -> None:
        self._last.pop(room, None)

        def delete(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("DELETE FROM events WHERE room = ?", (room,))
                conn.execute("DELETE FROM snapshots WHERE room = ?", (room,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        await self._write(delete)
        await self._checkpoint()

    async def _checkpoint(self) -> None:
        # The WAL still holds the old pages until a checkpoint copies the new ones over them.
        # (A TRUNCATE checkpoint makes writers wait while it runs: only after rare deletes.)
        def checkpoint() -> None:
            self._write_conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")

        await self._run(self._writer, checkpoint)

    async def redact(self, room: str, seqs: Collection[int]) -> None:
        marker = encode_event(Redacted())
        rows = [(marker, room, seq) for seq in sorted(seqs)]

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("UPDATE events SET data = ? WHERE room = ? AND seq = ?", rows)
                # The snapshot holds what the rewrite took out: it goes (the next is made anew).
                conn.execute("DELETE FROM snapshots WHERE room = ?", (room,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        if rows:
            await self._write(write)
            await self._checkpoint()

    async def activity(self) -> list[tuple[str, float]]:
        def activity() -> list[tuple[str, float]]:
            rows = self._read_conn().execute("SELECT room, MAX(at) FROM events GROUP BY room").fetchall()
            return [(str(room), float(at)) for room, at in rows]

        return await self._run(self._reader, activity)

    async def save_snapshot(self, room: str, seq: int, data: bytes) -> None:
        def save(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO snapshots (room, seq, data) VALUES (?, ?, ?) "
                "ON CONFLICT (room) DO UPDATE SET seq = excluded.seq, data = excluded.data "
                "WHERE excluded.seq >= snapshots.seq",
                (room, seq, data),
            )

        # Off the loop: a snapshot is a few hundred kB to write, and nobody waits for it.
        await self._run(self._writer, lambda: save(self._write_conn()))

    async def load_snapshot(self, room: str) -> tuple[int, bytes] | None:
        def load() -> tuple[int, bytes] | None:
            row = self._read_conn().execute("SELECT seq, data FROM snapshots WHERE room = ?", (room,)).fetchone()
            return (int(row[0]), bytes(row[1])) if row else None

        return await self._run(self._reader, load)

    async def close(self) -> None:
        if self._lconn is not None:
            self._lconn.close()
            self._lconn = None

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
