"""Snapshots of a room's folded state, so that a room with a long log opens fast.

Opening a room folds its whole log; a trajectory of a year grows to tens of thousands of events
(0.77 s to open 20,000; docs/performance.md, coldopen). The hub therefore stores the folded state
every so many events (`Snapshots.every`), and opening a room starts from the latest snapshot and
folds only the events after it.

A snapshot is only a cache of the log, never the truth:
- it carries the version of the code that made it (a hash of the core's source, computed by the
  composition root); a snapshot of another version is ignored and the room folds its log, and
  the next snapshot is of the new version;
- erasure rewrites the log and drops the room's snapshot (the store's `redact`), and deleting a
  room deletes it;
- one that does not load (cut short, corrupt, a class that moved) is ignored the same way.

The format is pickle (frozen dataclasses with slots, tuples, mappings, frozensets: the C pickler is
an order of magnitude faster than anything hand-written), read with an unpickler that only builds
classes of the core and a few builtins: whoever can write the store cannot run code through it.
"""

from __future__ import annotations

import asyncio
import io
import logging
import pickle
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime.events import Stamped
from realtime.state import RoomState

if TYPE_CHECKING:
    from realtime.core import Core
    from realtime.store.base import EventStore

log = logging.getLogger("kring.snapshot")

MAGIC = b"KRS1"
# What a snapshot may contain besides the core's own classes (realtime.*).
_ALLOWED_BUILTINS = {("builtins", "frozenset"), ("builtins", "set"), ("builtins", "dict"),
                     ("builtins", "tuple"), ("builtins", "list")}


def read_only(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    """What a read-only mapping of the state is rebuilt with (MappingProxyType itself cannot be
    named in a pickle: its class lives nowhere importable)."""
    return MappingProxyType(items)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, MappingProxyType):
            return read_only, (dict(obj),)
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_BUILTINS or module == "realtime" or module.startswith("realtime."):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a snapshot may not contain {module}.{name}")


class Snapshots:
    def __init__(self, version: str, every: int = 2000) -> None:
        """`version`: of the code that folds (a snapshot of another version is not used);
        `every`: how many events after the last snapshot the next one is taken (0: never)."""
        self.version = version.encode()
        self.every = every

    def due(self, seq: int, last: int) -> bool:
        return self.every > 0 and seq - last >= self.every

    def dump(self, state: RoomState) -> bytes:
        out = io.BytesIO()
        out.write(MAGIC + len(self.version).to_bytes(2, "big") + self.version)
        _Pickler(out, protocol=5).dump(state)
        return out.getvalue()

    def load(self, data: bytes, seq: int) -> RoomState | None:
        """The state of a snapshot taken at `seq`, or None when it is not usable here."""
        head = len(MAGIC) + 2
        if not data.startswith(MAGIC) or len(data) < head:
            return None
        size = int.from_bytes(data[len(MAGIC):head], "big")
        if data[head:head + size] != self.version:
            return None  # made by other code: fold the log instead
        try:
            state = _Unpickler(io.BytesIO(data[head + size:])).load()
        except Exception:  # noqa: BLE001 - a snapshot that does not load is a cache miss, not an error
            return None
        if not isinstance(state, RoomState) or state.seq != seq:
            return None
        return state


async def read_from_snapshot(
    store: EventStore, core: Core, snapshots: Snapshots, code: str
) -> tuple[RoomState, list[Stamped], int] | None:
    """A room's state from its snapshot and the events after it (with those events, and the
    snapshot's seq), or None when it has no snapshot this code can use (then fold the log)."""
    kept = await store.load_snapshot(code)
    if kept is None:
        return None
    seq, data = kept
    # Unpickling a big state takes a few milliseconds: not on the loop.
    state = await asyncio.to_thread(snapshots.load, data, seq)
    if state is not None:
        rest = await store.read(code, after=seq)
        if not rest or rest[0].seq == seq + 1:
            return core.fold(rest, state), rest, seq
    log.info("the snapshot of %s (seq %d) is not usable here; folding its whole log", code, seq)
    return None
