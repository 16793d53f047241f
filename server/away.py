"""Lowering the hands of people who stayed away: the one timer the queue needs in the shell.

Presence is ephemeral (realtime/presence.py), so the core cannot know who is away; this task
looks every SWEEP_S seconds at the rooms this process holds and, for each raised hand whose owner
has been away for realtime.queue.GRACE_S or more, runs ExpireHand through the hub. The core
checks the claim again (the away time against the grace period), and a second process sending
the same command finds the hand already lowered: nothing happens twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from realtime import queue
from realtime.errors import KringError
from realtime.events import Actor, Role
from realtime.hub import Hub
from realtime.room import Room
from server.periodic import Periodic

log = logging.getLogger("kring.away")

SWEEP_S = 5.0
# The shell acts for the mentor here: ExpireHand has no socket parser, so nobody can send it.
SYSTEM = Actor(Role.MENTOR)


def expired(room: Room, now: float, grace_s: float = queue.GRACE_S) -> list[queue.ExpireHand]:
    """The ExpireHand commands due in `room` at `now`."""
    due: list[queue.ExpireHand] = []
    for entry in room.state.part(queue.PART).entries:
        since = room.presence.away_since(entry.pid)
        if since is not None and not room.presence.is_online(entry.pid) and now - since >= grace_s:
            due.append(queue.ExpireHand(entry.pid, since, now, grace_s))
    return due


async def sweep(hub: Hub, rooms: Iterable[Room], now: float, grace_s: float = queue.GRACE_S) -> int:
    """Lower every hand that is due; returns how many commands were sent."""
    sent = 0
    for room in tuple(rooms):
        for command in expired(room, now, grace_s):
            try:
                await hub.execute(room.code, command, SYSTEM)
                sent += 1
            except KringError:  # the store is down or the room went: try again next sweep
                log.warning("could not lower an away hand in %s", room.code, exc_info=True)
    return sent


def loaded_rooms(hub: Hub) -> list[Room]:
    return hub.rooms()


class AwayTimer:
    """A background task that sweeps every SWEEP_S seconds until stopped."""

    def __init__(
        self, hub: Hub, clock: Callable[[], float], every_s: float = SWEEP_S, grace_s: float = queue.GRACE_S
    ) -> None:
        self.hub = hub
        self.clock = clock
        self.every_s = every_s
        self.grace_s = grace_s
        self._timer = Periodic("away sweep", every_s, self._sweep)

    async def _sweep(self) -> None:
        await sweep(self.hub, loaded_rooms(self.hub), self.clock(), self.grace_s)

    def start(self) -> None:
        self._timer.start()

    async def stop(self) -> None:
        await self._timer.stop()
