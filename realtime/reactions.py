"""One-tap reactions and the hybrid alarm: applause, +1, a laugh, "slower", "can't hear you" and
"can't see the board", from phones and remote laptops.

Theory of operation
-------------------
A reaction is an event (`Reacted`): the counts on the mentor's console are folded from the log,
so they are exact and the same on every process, and "delete my data" takes a person's reactions
with them. To keep the log small a person may react once per `RATE_S` seconds: the time of the
tap is the shell's, carried in the command (`now`) and kept in the event (`tapped_at`), and a tap
is compared with the tap time of the person's last stored reaction, so decide stays pure. (Not
with the stamped `at`: under load a reaction may be committed a second after its tap, and the
next tap, sent 2.5 s after the first, then looked too early; bench/reactions.py found 24 of
1,257 refused that way.) A refused tap gets "slow down".

The projector shows each reaction briefly (web/static/reactions.js lets it float away); for that
the state keeps the last `RECENT_MAX` reactions by id, and nothing about who sent them.

"Can't hear you" from a remote attendee is the hybrid alarm: the remote people who said so since
the mentor last cleared it are kept by id, so the console and the room laptop (the projector
page) show at once who and how many. The mentor clears it ("Sound fixed"); anyone who still
cannot hear says so again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

KINDS = ("applause", "plus_one", "laugh", "slower", "cant_hear", "cant_see")
ALARM_KIND = "cant_hear"
RATE_S = 2.0
# Enough for every reaction of one change of a big room (a group commit, a 30 ms tick) to float by.
RECENT_MAX = 200
ID_MAX = 32

REASONS: Mapping[str, str] = {}


@dataclass(frozen=True, slots=True)
class Alarm:
    pids: tuple[str, ...] = ()  # remote attendees who cannot hear, in the order they said so
    since: float = 0.0


_NO_COUNTS: Mapping[str, int] = MappingProxyType({})
_NO_TIMES: Mapping[str, float] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ReactionsState:
    counts: Mapping[str, int] = field(default_factory=lambda: _NO_COUNTS)  # per kind, this room
    last_at: Mapping[str, float] = field(default_factory=lambda: _NO_TIMES)  # per person: last tap time
    recent: tuple[tuple[str, str], ...] = ()  # (reaction id, kind), newest last: the projector's pops
    alarm: Alarm = Alarm()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def kind_of(self, rid: str) -> str:
        return next((kind for r, kind in self.recent if r == rid), "")


PART: Part[ReactionsState] = Part("reactions", ReactionsState())


@dataclass(frozen=True, slots=True)
class React(Command):
    rid: str  # new id, from the shell
    kind: str
    now: float  # the shell's time of the tap (for the rate limit)


@dataclass(frozen=True, slots=True)
class ClearAlarm(Command):
    pass


@dataclass(frozen=True, slots=True)
class Reacted(Event):
    rid: str
    pid: str
    kind: str
    remote: bool
    tapped_at: float  # the shell's time of the tap (the rate limit's clock)


@dataclass(frozen=True, slots=True)
class AlarmCleared(Event):
    pass


EVENTS: tuple[type[Event], ...] = (Reacted, AlarmCleared)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    if isinstance(command, ClearAlarm):
        require_mentor(actor)
        return [AlarmCleared()] if state.part(PART).alarm.pids else []
    if not isinstance(command, React):
        raise Rejected("unknown_command")
    me = require_member(state, actor)
    require_open(state)
    kind = one_of(command.kind, "reaction", KINDS)
    if not isinstance(command.rid, str) or not command.rid or len(command.rid) > ID_MAX:
        raise Rejected("bad_message")
    last = state.part(PART).last_at.get(me.pid)
    if not isinstance(command.now, (int, float)):
        raise Rejected("bad_message")
    if last is not None and command.now - last < RATE_S:
        raise Rejected("rate_limited")
    return [Reacted(command.rid, me.pid, kind, me.location == "remote", float(command.now))]


def _fold(part: ReactionsState, event: Event, at: float) -> ReactionsState:
    if isinstance(event, AlarmCleared):
        return dataclasses.replace(part, alarm=Alarm())
    assert isinstance(event, Reacted)
    counts = dict(part.counts)
    counts[event.kind] = counts.get(event.kind, 0) + 1
    last = dict(part.last_at)
    last[event.pid] = event.tapped_at
    alarm = part.alarm
    if event.kind == ALARM_KIND and event.remote and event.pid not in alarm.pids:
        alarm = Alarm((*alarm.pids, event.pid), alarm.since if alarm.pids else at)
    return ReactionsState(
        counts=MappingProxyType(counts), last_at=MappingProxyType(last),
        recent=(*part.recent, (event.rid, event.kind))[-RECENT_MAX:], alarm=alarm,
    )


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    return state.with_part(PART, _fold(state.part(PART), stamped.event, stamped.at))


def export(state: RoomState) -> Any:
    part = state.part(PART)
    # Counts only: who reacted how is not kept for anyone to read.
    return {"counts": {kind: part.counts.get(kind, 0) for kind in KINDS}, "total": part.total}


FEATURE = CoreFeature(
    name="reactions",
    commands=(React, ClearAlarm),
    mentor_only=(ClearAlarm,),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    personal={Reacted: ("pid",), AlarmCleared: ()},
    part=PART,
    export=export,
    reasons=REASONS,
)
