"""Retention: rooms are deleted a set number of days after they were last used.

"Last used" is the later of the room's last event and the date of its last planned session (so a
trajectory with a session planned half a year ahead is not deleted in between). The sweep asks
the store for every room with the time of its last event (`EventStore.activity`), reads only the
rooms that are old by that measure to find their planned dates, and deletes what is due from the
store and from every process's memory (hub.forget). With several processes each sweeps; deleting
twice is harmless. KRING_RETENTION_DAYS = 0 turns it off. docs/privacy.md says what this means.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from realtime import contacts, onetoone, trajectory
from realtime.errors import KringError
from realtime.hub import Hub
from realtime.state import RoomState
from realtime.store.base import EventStore
from server.periodic import Periodic

log = logging.getLogger("kring.retention")

DAY_S = 86400.0
SWEEP_S = 3600.0


def last_planned_day(state: RoomState) -> float | None:
    """The start of the day after the room's last planned session (UTC), or None."""
    planned = [s.date for s in state.part(trajectory.PART).sessions if s.date]
    planned += [m.date for m in state.part(contacts.PART).meetings]
    # A one-to-one time offered months ahead keeps the room too (its bookings are in it).
    planned += [s.date for s in state.part(onetoone.PART).slots]
    if not planned:
        return None
    last = date.fromisoformat(max(planned))
    return datetime.combine(last, time(), UTC).timestamp() + DAY_S


def due(last_event_at: float, state: RoomState | None, now: float, days: int) -> bool:
    """Whether a room whose last event was at `last_event_at` is past its retention at `now`."""
    if days <= 0:
        return False
    horizon = now - days * DAY_S
    if last_event_at >= horizon:
        return False
    planned = last_planned_day(state) if state is not None else None
    return planned is None or planned < horizon


def _keep_files(code: str) -> None:
    pass


async def sweep(store: EventStore, hub: Hub, now: float, days: int,
                on_delete: Callable[[str], None] = _keep_files) -> list[str]:
    """Delete every room past retention; returns their codes. `on_delete` deletes what a room
    keeps outside the store (the materials' files, server/files.py)."""
    if days <= 0:
        return []
    deleted: list[str] = []
    for code, last_at in await store.activity():
        if last_at >= now - days * DAY_S:
            continue  # used recently: no need to read it
        # One room that cannot be read or folded (the store hiccups, a bug) must not keep the
        # sweep from the rooms after it: it is logged and tried again next sweep.
        try:
            state = await hub.stored_state(code)
            if not due(last_at, state, now, days):
                continue
            await store.delete(code)
            await hub.forget(code)
            await asyncio.to_thread(on_delete, code)  # disk work, off the event loop
            deleted.append(code)
        except KringError:
            log.warning("could not delete %s for retention", code, exc_info=True)
        except Exception:
            log.exception("retention: could not check %s", code)
    if deleted:
        log.info("retention: deleted %d room(s)", len(deleted))
    return deleted


class RetentionTimer:
    """A background task that sweeps every `every_s` seconds until stopped (and once at start)."""

    def __init__(self, store: EventStore, hub: Hub, clock: Callable[[], float], days: int,
                 every_s: float = SWEEP_S, on_delete: Callable[[str], None] = _keep_files) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock
        self.days = days
        self.every_s = every_s
        self.on_delete = on_delete
        self._timer = Periodic("retention sweep", every_s, self._sweep, at_start=True)

    async def _sweep(self) -> None:
        await sweep(self.store, self.hub, self.clock(), self.days, self.on_delete)

    def start(self) -> None:
        if self.days > 0:
            self._timer.start()

    async def stop(self) -> None:
        await self._timer.stop()
