"""The trajectory: one group, one room code, 6 to 12 planned sessions over weeks.

Theory of operation
-------------------
A room that is never planned is a single session, as before. When the mentor plans a trajectory
(name, theme, target group, number of sessions, cadence, format, first date) the same room becomes
the group's home for the whole trajectory: the same code, the same participants (who come back as
the same person through their personal link), and everything made in it (walls, polls, intake,
goals, evaluations, topics, assignments) stays in its one event log.

The sessions are numbered from 1. The mentor starts a session and ends it; at most one runs at a
time. `started_seq` records the room's seq when a session started, so anything made in the room can
be placed in the session it was made in by its own seq (`session_of_seq`) without every feature
having to know about sessions. Other features (intake, goals, evaluation, agenda, ...) read
`state.part(PART).current` to tag what they record with the session it belongs to.

Dates are ISO strings ("2026-11-28"), as the events have always stored them; realtime.text.parse_date
checks what the mentor types and `datetime.date` does the arithmetic.

Times are the wall-clock times of the trajectory's place ("19:00" to "21:00"), with the trajectory's
time zone by name ("Europe/Amsterdam" unless the mentor picks another) from the standard time zone
database (zoneinfo). A session at 19:00 stays at 19:00 on the clock across a change to summer time;
`session_span` turns date, times and zone into aware datetimes for calendars and e-mail. Times came
after dates: a log stored before them has no `TrajectoryTimesPlanned` and its `SessionPlanned`
events lack the time fields, which decode as "" (no time), so old logs fold as before.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from realtime import breakouts
from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_mentor, require_open
from realtime.text import clean_line, one_of, parse_date, parse_time, parse_timezone

if TYPE_CHECKING:
    from realtime.state import RoomState

CADENCES = ("weekly", "fortnightly")
CADENCE_DAYS = {"weekly": 7, "fortnightly": 14}
FORMATS = ("room", "online", "hybrid")
SESSIONS_MIN = 1
SESSIONS_MAX = 16
NAME_MAX = 120
THEME_MAX = 200
TARGET_MAX = 200
SESSION_TITLE_MAX = 120
TIMEZONE_DEFAULT = "Europe/Amsterdam"


# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "trajectory_not_planned": "Plan the trajectory first.",
    "time_order": "The end time must be after the start time.",
    "trajectory_session_held": "A session that was held cannot be cancelled.",
    "trajectory_session_cancelled": "This session is cancelled: restore it first.",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class PlannedSession:
    number: int  # 1-based
    date: str  # ISO date, "" when not planned
    title: str = ""
    start: str = ""  # "HH:MM" on the clock of the trajectory's time zone, "" when not planned
    end: str = ""
    started_at: float | None = None
    # The room's seq just before this session started: what has a seq above it was made in it
    # (or in a later session).
    started_seq: int = 0
    ended_at: float | None = None
    # How often its date, times, title or cancellation changed: a calendar's SEQUENCE, so that a
    # subscriber's copy of a moved or cancelled meeting updates (web/calendar_feed.py).
    revision: int = 0
    cancelled: bool = False

    @property
    def started(self) -> bool:
        return self.started_at is not None

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.ended_at is None


@dataclass(frozen=True, slots=True)
class TrajectoryState:
    name: str = ""
    theme: str = ""
    target_group: str = ""
    cadence: str = "weekly"
    format: str = "hybrid"
    timezone: str = TIMEZONE_DEFAULT
    # The times the plan gave every session (one session can differ: SessionPlanned).
    start: str = ""
    end: str = ""
    sessions: tuple[PlannedSession, ...] = ()
    # The session that runs now, or the last one that ran; 0 before the first session.
    current: int = 0

    @property
    def planned(self) -> bool:
        return bool(self.sessions)

    @property
    def running(self) -> bool:
        session = self.session(self.current)
        return session is not None and session.running

    def session(self, number: int) -> PlannedSession | None:
        if 1 <= number <= len(self.sessions):
            return self.sessions[number - 1]
        return None

    def session_of_seq(self, seq: int) -> int:
        """The number of the session something made at `seq` belongs to; 0 = before the first."""
        number = 0
        for session in self.sessions:
            if session.started and seq > session.started_seq:
                number = session.number
        return number


PART: Part[TrajectoryState] = Part("trajectory", TrajectoryState())


# ---------------------------------------------------------------- commands and events


@dataclass(frozen=True, slots=True)
class PlanTrajectory(Command):
    """Plan (or re-plan) the trajectory. Numbers arrive as the text of a form field."""

    name: str
    theme: str
    target_group: str
    sessions: str
    cadence: str
    format: str
    first_date: str
    # Added with times; empty means no times, and the default zone.
    start_time: str = ""
    end_time: str = ""
    timezone: str = ""


@dataclass(frozen=True, slots=True)
class PlanSession(Command):
    """Change one planned session's date, times or title."""

    number: str
    date: str
    title: str
    start_time: str = ""
    end_time: str = ""


@dataclass(frozen=True, slots=True)
class StartTrajectorySession(Command):
    number: str


@dataclass(frozen=True, slots=True)
class EndTrajectorySession(Command):
    pass


@dataclass(frozen=True, slots=True)
class CancelTrajectorySession(Command):
    """Cancel a planned session that has not been held ("yes"), or restore it ("no")."""

    number: str
    cancelled: str


@dataclass(frozen=True, slots=True)
class TrajectoryPlanned(Event):
    name: str
    theme: str
    target_group: str
    cadence: str
    format: str
    dates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SessionPlanned(Event):
    number: int
    date: str
    title: str
    # Added with times: stored logs lack them and decode as "" (they had no times).
    start: str = ""
    end: str = ""


@dataclass(frozen=True, slots=True)
class TrajectorySessionCancelled(Event):
    number: int
    cancelled: bool  # False: restored


@dataclass(frozen=True, slots=True)
class TrajectoryTimesPlanned(Event):
    """The plan's time zone and the times of every session (a separate event so that
    TrajectoryPlanned is stored as it always was)."""

    timezone: str
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class TrajectorySessionStarted(Event):
    number: int


@dataclass(frozen=True, slots=True)
class TrajectorySessionEnded(Event):
    number: int


COMMANDS: tuple[type[Command], ...] = (
    PlanTrajectory, PlanSession, StartTrajectorySession, EndTrajectorySession, CancelTrajectorySession,
)
EVENTS: tuple[type[Event], ...] = (
    TrajectoryPlanned,
    SessionPlanned,
    TrajectorySessionStarted,
    TrajectorySessionEnded,
    TrajectoryTimesPlanned,
    TrajectorySessionCancelled,
)


# ---------------------------------------------------------------- decide


def _number(value: str, field: str, low: int, high: int) -> int:
    text = value.strip() if isinstance(value, str) else ""
    if not text.isdigit() or not low <= int(text) <= high:
        raise Rejected("out_of_range", field=field, min=low, max=high)
    return int(text)


def planned_dates(first: str, count: int, cadence: str) -> tuple[str, ...]:
    start, step = datetime.date.fromisoformat(first), datetime.timedelta(days=CADENCE_DAYS[cadence])
    return tuple((start + i * step).isoformat() for i in range(count))


def _times(start: str, end: str, prefix: str) -> tuple[str, str]:
    """Both times or neither; the end after the start (a session does not run past midnight)."""
    start = parse_time(start, f"{prefix}_start", required=False)
    end = parse_time(end, f"{prefix}_end", required=False)
    if start and not end:
        raise Rejected("missing_field", field=f"{prefix}_end")
    if end and not start:
        raise Rejected("missing_field", field=f"{prefix}_start")
    if start and end <= start:
        raise Rejected("time_order")
    return start, end


def session_span(
    trajectory: TrajectoryState, session: PlannedSession
) -> tuple[datetime.datetime, datetime.datetime] | None:
    """When a session starts and ends as aware datetimes in the trajectory's zone; None without
    a date or times. A wall-clock time that a change to summer time skips is taken as zoneinfo
    does (fold 0: the offset before the change)."""
    if not session.date or not session.start or not session.end:
        return None
    zone = ZoneInfo(trajectory.timezone)
    day = datetime.date.fromisoformat(session.date)
    begin = datetime.datetime.combine(day, datetime.time.fromisoformat(session.start), zone)
    finish = datetime.datetime.combine(day, datetime.time.fromisoformat(session.end), zone)
    return begin, finish


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_mentor(actor)
    require_open(state)
    trajectory = state.part(PART)
    if isinstance(command, PlanTrajectory):
        # A trajectory cannot shrink below the sessions that already ran (any of them: the mentor
        # may have run session 5 before going back to 3).
        low = max(SESSIONS_MIN, trajectory.current, *(s.number for s in trajectory.sessions if s.started))
        count = _number(command.sessions, "trajectory_sessions", low, SESSIONS_MAX)
        cadence = one_of(command.cadence, "trajectory_cadence", CADENCES)
        first = parse_date(command.first_date, "trajectory_first_date")
        start, end = _times(command.start_time, command.end_time, "trajectory")
        # An empty zone keeps the one the trajectory has (the default until the mentor picks one).
        zone = parse_timezone(command.timezone, "trajectory_timezone") or trajectory.timezone
        planned: list[Event] = [
            TrajectoryPlanned(
                name=clean_line(command.name, "trajectory_name", NAME_MAX),
                theme=clean_line(command.theme, "trajectory_theme", THEME_MAX, required=False),
                target_group=clean_line(command.target_group, "trajectory_target", TARGET_MAX, required=False),
                cadence=cadence,
                format=one_of(command.format, "trajectory_format", FORMATS),
                dates=planned_dates(first, count, cadence),
            )
        ]
        # Times only when they change something: a plan without times stays one event, as before.
        if (zone, start, end) != (trajectory.timezone, trajectory.start, trajectory.end) or any(
            (s.start, s.end) != (start, end) for s in trajectory.sessions
        ):
            planned.append(TrajectoryTimesPlanned(zone, start, end))
        return planned
    if isinstance(command, PlanSession):
        if not trajectory.planned:
            raise Rejected("trajectory_not_planned")
        number = _number(command.number, "trajectory_session", 1, len(trajectory.sessions))
        date = parse_date(command.date, "trajectory_date", required=False)
        title = clean_line(command.title, "trajectory_session_title", SESSION_TITLE_MAX, required=False)
        start, end = _times(command.start_time, command.end_time, "trajectory_session")
        current = trajectory.sessions[number - 1]
        if (date, title, start, end) == (current.date, current.title, current.start, current.end):
            return []
        return [SessionPlanned(number=number, date=date, title=title, start=start, end=end)]
    if isinstance(command, StartTrajectorySession):
        if not trajectory.planned:
            raise Rejected("trajectory_not_planned")
        number = _number(command.number, "trajectory_session", 1, len(trajectory.sessions))
        if number == trajectory.current and trajectory.running:
            return []
        if trajectory.sessions[number - 1].cancelled:
            raise Rejected("trajectory_session_cancelled")
        events: list[Event] = []
        if trajectory.running:  # starting the next one closes the one that runs
            events += [*breakouts.end_running(state), TrajectorySessionEnded(trajectory.current)]
        events.append(TrajectorySessionStarted(number))
        return events
    if isinstance(command, CancelTrajectorySession):
        if not trajectory.planned:
            raise Rejected("trajectory_not_planned")
        number = _number(command.number, "trajectory_session", 1, len(trajectory.sessions))
        cancelled = one_of(command.cancelled, "trajectory_cancelled", ("yes", "no")) == "yes"
        session = trajectory.sessions[number - 1]
        if session.started:
            raise Rejected("trajectory_session_held")
        if session.cancelled == cancelled:
            return []
        return [TrajectorySessionCancelled(number, cancelled)]
    if isinstance(command, EndTrajectorySession):
        if not trajectory.running:
            return []
        # Breakout groups that still run are brought back: a round never outlasts its session.
        return [*breakouts.end_running(state), TrajectorySessionEnded(trajectory.current)]
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    trajectory = state.part(PART)
    if isinstance(event, TrajectoryPlanned):
        sessions = tuple(
            _revised(trajectory.sessions[i], date=date) if i < len(trajectory.sessions)
            else PlannedSession(number=i + 1, date=date, start=trajectory.start, end=trajectory.end)
            for i, date in enumerate(event.dates)
        )
        trajectory = dataclasses.replace(
            trajectory,
            name=event.name,
            theme=event.theme,
            target_group=event.target_group,
            cadence=event.cadence,
            format=event.format,
            sessions=sessions,
        )
    elif isinstance(event, SessionPlanned):
        trajectory = _with_session(
            trajectory,
            event.number,
            lambda s: _revised(s, date=event.date, title=event.title, start=event.start, end=event.end),
        )
    elif isinstance(event, TrajectoryTimesPlanned):
        trajectory = dataclasses.replace(
            trajectory,
            timezone=event.timezone,
            start=event.start,
            end=event.end,
            sessions=tuple(_revised(s, start=event.start, end=event.end) for s in trajectory.sessions),
        )
    elif isinstance(event, TrajectorySessionCancelled):
        trajectory = _with_session(trajectory, event.number, lambda s: _revised(s, cancelled=event.cancelled))
    elif isinstance(event, TrajectorySessionStarted):
        trajectory = _with_session(
            trajectory,
            event.number,
            lambda s: dataclasses.replace(
                s, started_at=s.started_at or stamped.at, started_seq=s.started_seq or stamped.seq - 1,
                ended_at=None,
            ),
        )
        trajectory = dataclasses.replace(trajectory, current=event.number)
    elif isinstance(event, TrajectorySessionEnded):
        trajectory = _with_session(trajectory, event.number, lambda s: dataclasses.replace(s, ended_at=stamped.at))
    else:
        raise TypeError(f"trajectory.evolve: unknown event {event!r}")
    return state.with_part(PART, trajectory)


def _revised(session: PlannedSession, **changes: Any) -> PlannedSession:
    """The session with `changes`, one revision further when they change anything."""
    changed = dataclasses.replace(session, **changes)
    if changed == session:
        return session
    return dataclasses.replace(changed, revision=session.revision + 1)


def _with_session(trajectory: TrajectoryState, number: int, change: Any) -> TrajectoryState:
    sessions = list(trajectory.sessions)
    sessions[number - 1] = change(sessions[number - 1])
    return dataclasses.replace(trajectory, sessions=tuple(sessions))


# ---------------------------------------------------------------- export


def export(state: RoomState) -> dict[str, Any]:
    trajectory = state.part(PART)
    return {
        "planned": trajectory.planned,
        "name": trajectory.name,
        "theme": trajectory.theme,
        "target_group": trajectory.target_group,
        "cadence": trajectory.cadence,
        "format": trajectory.format,
        "timezone": trajectory.timezone,
        "current": trajectory.current,
        "sessions": [
            {
                "number": s.number,
                "date": s.date,
                "title": s.title,
                "start": s.start,
                "end": s.end,
                "cancelled": s.cancelled,
                "started_at": s.started_at,
                "ended_at": s.ended_at,
            }
            for s in trajectory.sessions
        ],
    }


FEATURE = CoreFeature(
    name="trajectory",
    commands=COMMANDS,
    mentor_only=(PlanTrajectory, PlanSession, StartTrajectorySession, EndTrajectorySession, CancelTrajectorySession),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        TrajectoryPlanned: (),
        SessionPlanned: (),
        TrajectorySessionStarted: (),
        TrajectorySessionEnded: (),
        TrajectoryTimesPlanned: (),
        TrajectorySessionCancelled: (),
    },
    export_key="trajectory",
    export=export,
    reasons=REASONS,
)
