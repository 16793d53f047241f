"""One room as a process holds it: the folded state, recent events for catch-up, and watchers.

The room itself does no I/O; the hub (hub.py) feeds it committed events from its own commands,
from the broker and from the store, and the room tells its watchers what changed.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from realtime import limits
from realtime.core import Core
from realtime.events import Stamped
from realtime.presence import Presence
from realtime.state import RoomState

log = logging.getLogger("kring.room")


@dataclass(frozen=True, slots=True)
class Change:
    """What a watcher is told. `reset` means: the state was reloaded, re-render everything."""

    events: tuple[Stamped, ...] = ()
    presence: bool = False
    reset: bool = False
    # The participants whose being online changed (a presence change on this process), or empty
    # when not known (another process's snapshot): then every presence view is re-rendered.
    pids: frozenset[str] = frozenset()
    # What the web layer works out once per change for all watchers of one kind (it is told to
    # every page of the room: with 1,000 pages, doing it per page was a fifth of the server's CPU).
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


Watcher = Callable[[Change], None]

# A room watched by at least BIG_ROOM_WATCHERS pages (a network event, not a mentoring group) is
# told of new events once per EVENT_TICK_S, all of them in one change: each page then renders and
# sends one frame per tick instead of one per event. In a room of 1,000 at 35 answers a second
# that cuts the frames, which are most of the server's work there, by a third; 30 ms kept the
# benchmark's p99 under 100 ms where 50 ms did not (docs/performance.md, burst). Smaller rooms
# are told at once: there a tick would only add latency.
BIG_ROOM_WATCHERS = 100
EVENT_TICK_S = 0.03


class Room:
    def __init__(self, code: str, state: RoomState, core: Core, recent: Sequence[Stamped] = ()) -> None:
        self.code = code
        self.core = core
        self.state = state
        self.recent: deque[Stamped] = deque(recent, maxlen=limits.RECENT_EVENTS)
        self.lock = asyncio.Lock()
        # Commands waiting for the next group commit (hub.Hub.execute), and whether one runs.
        self.pending: list[Any] = []
        self.flushing = False
        self.presence = Presence()
        # The seq of the room's latest snapshot in the store (0: none): realtime/snapshot.py.
        self.snapshot_seq = 0
        # Counts rewrites of the log (erasure): a snapshot taken before one is never written after.
        self.generation = 0
        self._watchers: set[Watcher] = set()
        self._failing: set[Watcher] = set()  # watchers that failed before (logged once each)
        self._held: list[Stamped] | None = None  # events waiting for the tick (big rooms)

    # -- watchers

    def watch(self, watcher: Watcher) -> Callable[[], None]:
        self._watchers.add(watcher)

        def unwatch() -> None:
            self._watchers.discard(watcher)
            self._failing.discard(watcher)

        return unwatch

    @property
    def watcher_count(self) -> int:
        return len(self._watchers)

    def notify(self, change: Change) -> None:
        # Watchers are cheap (a page marks work, or writes a cached frame). One that fails (a bug
        # in one page's render) must not stop the others, nor the command that caused the change,
        # nor the broker's reader that delivered it: it is logged, once per watcher so that a page
        # that keeps failing does not flood the log, and it keeps getting later changes.
        for watcher in tuple(self._watchers):
            try:
                watcher(change)
            except Exception:
                if watcher not in self._failing:
                    self._failing.add(watcher)
                    log.exception("a watcher of room %s failed (its later failures are not logged)", self.code)

    # -- events

    def apply(self, stamped: Sequence[Stamped], folded: tuple[RoomState, RoomState] | None = None) -> bool:
        """Fold events that follow the current state. Already-known ones are skipped.

        Returns False when there is a gap (an event is missing before these): the caller must
        read the missing events from the store. Nothing is applied in that case.

        `folded`: (a state, the state after folding exactly `stamped` onto it), which the hub
        already worked out while deciding; used as is when the room is still at that very state
        object (not merely at its seq: a room reloaded after an erasure has another state at the
        same seq), sparing a second fold of every event this process commits.
        """
        fresh = [s for s in stamped if s.seq > self.state.seq]
        if not fresh:
            return True
        if fresh[0].seq != self.state.seq + 1:
            return False
        if folded is not None and folded[0] is self.state and len(fresh) == len(stamped) \
                and folded[1].seq == fresh[-1].seq:
            state = folded[1]
        else:
            state = self.state
            for item in fresh:
                if item.seq != state.seq + 1:
                    return False
                state = self.core.evolve(state, item)
        self.state = state
        self.recent.extend(fresh)
        self._tell_events(fresh)
        return True

    def _tell_events(self, fresh: list[Stamped]) -> None:
        if self._held is not None:
            self._held.extend(fresh)
        elif len(self._watchers) < BIG_ROOM_WATCHERS:
            self.notify(Change(events=tuple(fresh)))
        else:
            self._held = list(fresh)
            asyncio.get_running_loop().call_later(EVENT_TICK_S, self._release)

    def _release(self) -> None:
        held, self._held = self._held, None
        if held:
            self.notify(Change(events=tuple(held)))

    def since(self, seq: int) -> tuple[Stamped, ...] | None:
        """Events after `seq`, or None when `seq` is older than what is kept in memory."""
        if seq == self.state.seq:
            return ()
        if seq > self.state.seq:
            return None  # a page from the future (a restored backup): re-render everything
        if seq < 0 or not self.recent or self.recent[0].seq > seq + 1:
            return None
        return tuple(s for s in self.recent if s.seq > seq)
