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
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_mentor, require_open
from realtime.text import clean_line, one_of, parse_date

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


# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "trajectory_not_planned": "Plan the trajectory first.",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class PlannedSession:
    number: int  # 1-based
    date: str  # ISO date, "" when not planned
    title: str = ""
    started_at: float | None = None
    # The room's seq just before this session started: what has a seq above it was made in it
    # (or in a later session).
    started_seq: int = 0
    ended_at: float | None = None

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


@dataclass(frozen=True, slots=True)
class PlanSession(Command):
    """Change one planned session's date or title."""

    number: str
    date: str
    title: str


@dataclass(frozen=True, slots=True)
class StartTrajectorySession(Command):
    number: str


@dataclass(frozen=True, slots=True)
class EndTrajectorySession(Command):
    pass


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


@dataclass(frozen=True, slots=True)
class TrajectorySessionStarted(Event):
    number: int


@dataclass(frozen=True, slots=True)
class TrajectorySessionEnded(Event):
    number: int


COMMANDS: tuple[type[Command], ...] = (PlanTrajectory, PlanSession, StartTrajectorySession, EndTrajectorySession)
EVENTS: tuple[type[Event], ...] = (
    TrajectoryPlanned,
    SessionPlanned,
    TrajectorySessionStarted,
    TrajectorySessionEnded,
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
        return [
            TrajectoryPlanned(
                name=clean_line(command.name, "trajectory_name", NAME_MAX),
                theme=clean_line(command.theme, "trajectory_theme", THEME_MAX, required=False),
                target_group=clean_line(command.target_group, "trajectory_target", TARGET_MAX, required=False),
                cadence=cadence,
                format=one_of(command.format, "trajectory_format", FORMATS),
                dates=planned_dates(first, count, cadence),
            )
        ]
    if isinstance(command, PlanSession):
        if not trajectory.planned:
            raise Rejected("trajectory_not_planned")
        number = _number(command.number, "trajectory_session", 1, len(trajectory.sessions))
        date = parse_date(command.date, "trajectory_date", required=False)
        title = clean_line(command.title, "trajectory_session_title", SESSION_TITLE_MAX, required=False)
        current = trajectory.sessions[number - 1]
        if (date, title) == (current.date, current.title):
            return []
        return [SessionPlanned(number=number, date=date, title=title)]
    if isinstance(command, StartTrajectorySession):
        if not trajectory.planned:
            raise Rejected("trajectory_not_planned")
        number = _number(command.number, "trajectory_session", 1, len(trajectory.sessions))
        if number == trajectory.current and trajectory.running:
            return []
        events: list[Event] = []
        if trajectory.running:  # starting the next one closes the one that runs
            events.append(TrajectorySessionEnded(trajectory.current))
        events.append(TrajectorySessionStarted(number))
        return events
    if isinstance(command, EndTrajectorySession):
        if not trajectory.running:
            return []
        return [TrajectorySessionEnded(trajectory.current)]
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    trajectory = state.part(PART)
    if isinstance(event, TrajectoryPlanned):
        sessions = tuple(
            dataclasses.replace(trajectory.sessions[i], date=date) if i < len(trajectory.sessions)
            else PlannedSession(number=i + 1, date=date)
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
            trajectory, event.number, lambda s: dataclasses.replace(s, date=event.date, title=event.title)
        )
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
        "current": trajectory.current,
        "sessions": [
            {
                "number": s.number,
                "date": s.date,
                "title": s.title,
                "started_at": s.started_at,
                "ended_at": s.ended_at,
            }
            for s in trajectory.sessions
        ],
    }


FEATURE = CoreFeature(
    name="trajectory",
    commands=COMMANDS,
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        TrajectoryPlanned: (),
        SessionPlanned: (),
        TrajectorySessionStarted: (),
        TrajectorySessionEnded: (),
    },
    export_key="trajectory",
    export=export,
    reasons=REASONS,
)
