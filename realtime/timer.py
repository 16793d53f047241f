"""A plain countdown timer for the whole room: on the projector and on every phone and laptop.

Theory of operation
-------------------
The mentor sets a timer (minutes and an optional label: "Exercise in pairs"), starts it, pauses
it, adds a minute, or clears it. The core never reads a clock: the moment something happened is
the `at` of its stamped event, so starting computes `ends_at = at + left` and pausing computes
`left = ends_at - at` in `evolve`, and every process folds the same numbers. While it runs the
browsers count down from `ends_at` themselves (web/static/timer.js): the server sends nothing
while time passes, only when the mentor presses something.

A timer that ran out keeps "running" at 0:00 (the time is up) until the mentor adds a minute
(which counts from the moment it is added: `max(ends_at, at) + 60`), sets it again or clears it.
Starting and pausing are idempotent, so two mentor devices pressing at once do the same thing once.
Other work forms (the retro's phases, breakout groups) use this one timer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_mentor, require_open
from realtime.text import clean_line

if TYPE_CHECKING:
    from realtime.state import RoomState

MINUTES_MIN = 1
MINUTES_MAX = 180
# A timer never plans more than this in all (set plus every added minute): a runaway "+1 min"
# button stays a timer, not a calendar.
TOTAL_MAX_S = 240 * 60
EXTEND_S = 60
LABEL_MAX = 80

REASONS: Mapping[str, str] = {
    "timer_not_set": "There is no timer: set one first.",
    "timer_up": "The time is up: add a minute or set the timer again.",
    "timer_too_long": "A timer can run at most {max} minutes in all.",
}


@dataclass(frozen=True, slots=True)
class TimerState:
    set: bool = False
    label: str = ""
    total_s: int = 0  # planned: set plus every added minute
    left_s: float = 0.0  # what is left while it does not run
    ends_at: float | None = None  # epoch seconds it runs out, while it runs

    @property
    def running(self) -> bool:
        return self.ends_at is not None


PART: Part[TimerState] = Part("timer", TimerState())


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class SetTimer(Command):
    """Set (or reset) the timer to `minutes`, not running yet."""

    minutes: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class StartTimer(Command):
    pass


@dataclass(frozen=True, slots=True)
class PauseTimer(Command):
    pass


@dataclass(frozen=True, slots=True)
class AddMinute(Command):
    pass


@dataclass(frozen=True, slots=True)
class ClearTimer(Command):
    pass


COMMANDS: tuple[type[Command], ...] = (SetTimer, StartTimer, PauseTimer, AddMinute, ClearTimer)


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class TimerSet(Event):
    seconds: int
    label: str


@dataclass(frozen=True, slots=True)
class TimerStarted(Event):
    pass


@dataclass(frozen=True, slots=True)
class TimerPaused(Event):
    pass


@dataclass(frozen=True, slots=True)
class TimerExtended(Event):
    seconds: int


@dataclass(frozen=True, slots=True)
class TimerCleared(Event):
    pass


EVENTS: tuple[type[Event], ...] = (TimerSet, TimerStarted, TimerPaused, TimerExtended, TimerCleared)


# ---------------------------------------------------------------- decide


def _minutes(value: object) -> int:
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not MINUTES_MIN <= int(text) <= MINUTES_MAX:
        raise Rejected("out_of_range", field="timer_minutes", min=MINUTES_MIN, max=MINUTES_MAX)
    return int(text)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_mentor(actor)
    require_open(state)
    timer = state.part(PART)
    if isinstance(command, SetTimer):
        label = clean_line(command.label, "timer_label", LABEL_MAX, required=False)
        return [TimerSet(_minutes(command.minutes) * 60, label)]
    if isinstance(command, ClearTimer):
        return [TimerCleared()] if timer.set else []
    if not isinstance(command, (StartTimer, PauseTimer, AddMinute)):
        raise Rejected("unknown_command")
    if not timer.set:
        raise Rejected("timer_not_set")
    if isinstance(command, StartTimer):
        if timer.running:
            return []  # another device started it already
        if timer.left_s <= 0:
            raise Rejected("timer_up")
        return [TimerStarted()]
    if isinstance(command, PauseTimer):
        return [TimerPaused()] if timer.running else []
    if timer.total_s + EXTEND_S > TOTAL_MAX_S:
        raise Rejected("timer_too_long", max=TOTAL_MAX_S // 60)
    return [TimerExtended(EXTEND_S)]


# ---------------------------------------------------------------- evolve


def _fold(timer: TimerState, event: Event, at: float) -> TimerState:
    if isinstance(event, TimerSet):
        return TimerState(set=True, label=event.label, total_s=event.seconds, left_s=float(event.seconds))
    if isinstance(event, TimerCleared):
        return TimerState()
    if isinstance(event, TimerStarted):
        return dataclasses.replace(timer, ends_at=at + timer.left_s)
    if isinstance(event, TimerPaused):
        left = max(0.0, (timer.ends_at or at) - at)
        return dataclasses.replace(timer, ends_at=None, left_s=left)
    if isinstance(event, TimerExtended):
        total = timer.total_s + event.seconds
        if timer.ends_at is not None:
            # A minute more from now when the time was already up, not a minute that is already past.
            return dataclasses.replace(timer, total_s=total, ends_at=max(timer.ends_at, at) + event.seconds)
        return dataclasses.replace(timer, total_s=total, left_s=timer.left_s + event.seconds)
    raise TypeError(f"timer.evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    return state.with_part(PART, _fold(state.part(PART), stamped.event, stamped.at))


def export(state: RoomState) -> Any:
    timer = state.part(PART)
    if not timer.set:
        return None
    return {
        "label": timer.label,
        "planned_seconds": timer.total_s,
        "running": timer.running,
        "ends_at": timer.ends_at,
        "left_seconds": None if timer.running else round(timer.left_s),
    }


FEATURE = CoreFeature(
    name="timer",
    commands=COMMANDS,
    mentor_only=(SetTimer, StartTimer, PauseTimer, AddMinute, ClearTimer),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    # Only the mentor sets the timer: no event names a participant.
    personal={cls: () for cls in EVENTS},
    part=PART,
    export=export,
    reasons=REASONS,
    projector_views=("timer",),
)
