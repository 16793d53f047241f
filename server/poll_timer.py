"""Closing polls whose answer time is up: the polls' one timer in the shell.

The core never reads a clock (realtime/polls/): opening a poll with a time limit folds its
`ends_at` from the opening event's time. This task looks every SWEEP_S seconds at the rooms this
process holds and, for each open poll whose `ends_at` has passed by the injected clock, runs
ClosePollOnTime through the hub, as server/away.py does for away hands. The core checks the claim
(`now` against `ends_at`), and a second process (or the mentor) closing it first leaves nothing to
do. The phones count down from the same `ends_at` (web/static/timer.js), so the poll closes within
SWEEP_S of the moment their countdown shows 0:00.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from realtime import polls
from realtime.errors import KringError
from realtime.events import Actor, Role
from realtime.hub import Hub
from realtime.room import Room
from server.periodic import Periodic

log = logging.getLogger("kring.poll_timer")

SWEEP_S = 1.0
# The shell acts for the mentor here: ClosePollOnTime has no socket parser, so nobody can send it.
SYSTEM = Actor(Role.MENTOR)


def due(room: Room, now: float) -> list[polls.ClosePollOnTime]:
    """The ClosePollOnTime commands due in `room` at `now`."""
    return [
        polls.ClosePollOnTime(poll.poll_id, now)
        for poll in room.state.part(polls.PART).polls.values()
        if poll.status == "open" and poll.ends_at is not None and now >= poll.ends_at
    ]


async def sweep(hub: Hub, rooms: Iterable[Room], now: float) -> int:
    """Close every poll whose time is up; returns how many commands were sent."""
    sent = 0
    for room in tuple(rooms):
        for command in due(room, now):
            try:
                await hub.execute(room.code, command, SYSTEM)
                sent += 1
            except KringError:  # the store is down or the room went: try again next sweep
                log.warning("could not close a timed poll in %s", room.code, exc_info=True)
    return sent


class PollTimer:
    """A background task that sweeps every SWEEP_S seconds until stopped."""

    def __init__(self, hub: Hub, clock: Callable[[], float], every_s: float = SWEEP_S) -> None:
        self.hub = hub
        self.clock = clock
        self._timer = Periodic("poll timer sweep", every_s, self._sweep, timeout_s=60.0)

    async def _sweep(self) -> None:
        await sweep(self.hub, self.hub.rooms(), self.clock())

    def start(self) -> None:
        self._timer.start()

    async def stop(self) -> None:
        await self._timer.stop()
