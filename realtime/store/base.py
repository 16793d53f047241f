"""The interface every event store implements; tests/contract/test_store_contract.py checks it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from realtime.events import Event, Stamped


class EventStore(Protocol):
    """An append-only log of events per room, with one authority for the order.

    `append` succeeds only when the room's last seq is `expected_seq`; otherwise it raises
    `Conflict` and stores nothing. So two writers can never give two events the same seq, and
    a writer that lost the race reloads and decides again. An append that returned is durable.

    `publishes_appends`: the store itself publishes each append on the broker (RedisStore when
    store and broker are one Redis), so the hub does not.
    """

    @property
    def publishes_appends(self) -> bool: ...

    async def append(
        self, room: str, expected_seq: int, at: float, events: Sequence[Event]
    ) -> list[Stamped]: ...

    async def read(self, room: str, after: int = 0) -> list[Stamped]:
        """Events of `room` with seq > after, in order; [] for an unknown room."""
        ...

    async def last_seq(self, room: str) -> int: ...

    async def delete(self, room: str) -> None:
        """Forget a room's whole log (retention, the mentor's delete)."""
        ...

    async def close(self) -> None: ...

    async def redact(self, room: str, seqs: Collection[int]) -> None:
        """Replace the events at `seqs` by `Redacted` markers (same seq and time, no content): the
        one rewrite of a log, for someone who deletes their data (realtime/erasure.py). Unknown
        seqs are ignored. Afterwards the old content is gone from the store, not just hidden."""
        ...

    async def activity(self) -> list[tuple[str, float]]:
        """Every stored room with the time of its last event (for the retention sweep)."""
        ...

    async def save_snapshot(self, room: str, seq: int, data: bytes) -> None:
        """Keep `data`, the room's folded state at `seq` (realtime/snapshot.py), as its snapshot,
        unless the one kept is of a later seq (one of the same seq is replaced: after a rewrite,
        the state at a seq is made anew). A cache of the log: `delete` and `redact` drop it."""
        ...

    async def load_snapshot(self, room: str) -> tuple[int, bytes] | None:
        """The room's snapshot (its seq and data), or None."""
        ...
