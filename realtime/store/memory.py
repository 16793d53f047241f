"""An event store in memory: the fake for unit tests. It keeps encoded bytes, like a real store,
so that anything that could not survive serialization fails here too."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from realtime.codec import Codec, encode_event
from realtime.errors import Conflict
from realtime.events import Event, Redacted, Stamped


class MemoryStore:
    publishes_appends = False  # the hub publishes (realtime/store/base.py)

    def __init__(self, codec: Codec) -> None:
        self._codec = codec
        self._snapshots: dict[str, tuple[int, bytes]] = {}
        self._logs: dict[str, list[tuple[int, float, bytes]]] = {}

    async def append(
        self, room: str, expected_seq: int, at: float, events: Sequence[Event]
    ) -> list[Stamped]:
        log = self._logs.setdefault(room, [])
        if len(log) != expected_seq:
            raise Conflict(f"{room}: expected seq {expected_seq}, log is at {len(log)}")
        stamped = [Stamped(expected_seq + i + 1, at, ev) for i, ev in enumerate(events)]
        log.extend((s.seq, s.at, encode_event(s.event)) for s in stamped)
        return stamped

    async def read(self, room: str, after: int = 0) -> list[Stamped]:
        return [
            Stamped(seq, at, self._codec.decode_event(raw))
            for seq, at, raw in self._logs.get(room, [])[max(after, 0) :]
        ]

    async def last_seq(self, room: str) -> int:
        return len(self._logs.get(room, []))

    async def delete(self, room: str) -> None:
        self._logs.pop(room, None)
        self._snapshots.pop(room, None)

    async def close(self) -> None:
        self._logs.clear()

    async def redact(self, room: str, seqs: Collection[int]) -> None:
        self._snapshots.pop(room, None)
        log = self._logs.get(room, [])
        marker = encode_event(Redacted())
        for seq in seqs:
            if 1 <= seq <= len(log):
                log[seq - 1] = (seq, log[seq - 1][1], marker)

    async def activity(self) -> list[tuple[str, float]]:
        return [(room, log[-1][1]) for room, log in self._logs.items() if log]

    async def save_snapshot(self, room: str, seq: int, data: bytes) -> None:
        kept = self._snapshots.get(room)
        if kept is None or kept[0] <= seq:
            self._snapshots[room] = (seq, bytes(data))

    async def load_snapshot(self, room: str) -> tuple[int, bytes] | None:
        return self._snapshots.get(room)
