"""Assignments between sessions: the mentor gives one with a due session; participants mark it done
and add a short reflection; the reflections can go on a wall in the next session.

Theory of operation
-------------------
An assignment has a title, a description and the session it is due (`due`: a session number of the
trajectory; 0 in a room without one). Each participant has at most one report per assignment
(done or not, and a reflection), which they can change until the due session has ended. The mentor
sees every report; a participant only their own (web/assignments_view.py).

"Reflections on a wall" is one mentor command of this module that emits the wall feature's own
events (WallCreated, then one WallNoteAdded per reflection), so the wall needs no change: the new
wall is anonymous (reflections were written for the mentor, so the group sees them without names),
and each post-it keeps its author's pid, so its author can still edit or remove it there. Column
and note ids inside the new wall are derived here ("c1", "r1", "r2", ...): they only need to be
unique within that wall, whose own id comes from the shell.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime import trajectory, wall
from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line

if TYPE_CHECKING:
    from realtime.state import RoomState

TITLE_MAX = 120
DESCRIPTION_MAX = 1000
# A reflection fits on one post-it of the wall.
REFLECTION_MAX = wall.NOTE_TEXT_MAX
ASSIGNMENTS_MAX = 50
ID_MAX = 32


# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "assignment_not_found": "That assignment does not exist (any more).",
    "assignment_closed": "The session this assignment was due has ended: it can no longer be changed.",
    "assignments_full": "There is no room for more assignments ({max}).",
    "assignment_wall_exists": "These reflections are on a wall already.",
    "assignment_no_reflections": "Nobody has written a reflection yet.",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Report:
    done: bool
    reflection: str
    at: float


_NO_REPORTS: Mapping[str, Report] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Assignment:
    aid: str
    title: str
    description: str
    due: int  # session number; 0 in a room without a trajectory
    given_in: int  # the session that was current when it was given
    given_at: float
    reports: Mapping[str, Report] = field(default_factory=lambda: _NO_REPORTS)  # pid -> report
    wall: str = ""  # the wall its reflections were put on, if any

    @property
    def done_count(self) -> int:
        return sum(1 for r in self.reports.values() if r.done)

    def reflections(self) -> list[tuple[str, str]]:
        """(pid, reflection) of every non-empty reflection, in the order they were first written."""
        return [(pid, r.reflection) for pid, r in self.reports.items() if r.reflection]


_NO_ASSIGNMENTS: Mapping[str, Assignment] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class AssignmentsState:
    assignments: Mapping[str, Assignment] = field(default_factory=lambda: _NO_ASSIGNMENTS)


PART: Part[AssignmentsState] = Part("assignments", AssignmentsState())


def is_closed(state: RoomState, assignment: Assignment) -> bool:
    """Reports can change until the due session has ended (a room without trajectory: until it ends)."""
    session = state.part(trajectory.PART).session(assignment.due)
    return session is not None and session.ended_at is not None


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class GiveAssignment(Command):
    assignment: str  # new id, from the shell
    title: str
    description: str
    due: str


@dataclass(frozen=True, slots=True)
class EditAssignment(Command):
    assignment: str
    title: str
    description: str
    due: str


@dataclass(frozen=True, slots=True)
class RemoveAssignment(Command):
    assignment: str


@dataclass(frozen=True, slots=True)
class ReportAssignment(Command):
    assignment: str
    done: bool
    reflection: str


@dataclass(frozen=True, slots=True)
class ReflectionsToWall(Command):
    assignment: str
    wall: str  # new id, from the shell
    column: str  # the column's name, in the mentor's language (from the form)


COMMANDS: tuple[type[Command], ...] = (
    GiveAssignment, EditAssignment, RemoveAssignment, ReportAssignment, ReflectionsToWall,
)


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class AssignmentGiven(Event):
    assignment: str
    title: str
    description: str
    due: int
    session: int


@dataclass(frozen=True, slots=True)
class AssignmentEdited(Event):
    assignment: str
    title: str
    description: str
    due: int


@dataclass(frozen=True, slots=True)
class AssignmentRemoved(Event):
    assignment: str


@dataclass(frozen=True, slots=True)
class AssignmentReported(Event):
    assignment: str
    pid: str
    done: bool
    reflection: str


@dataclass(frozen=True, slots=True)
class AssignmentWallMade(Event):
    assignment: str
    wall: str


EVENTS: tuple[type[Event], ...] = (
    AssignmentGiven, AssignmentEdited, AssignmentRemoved, AssignmentReported, AssignmentWallMade,
)


# ---------------------------------------------------------------- decide


def _due(state: RoomState, value: object) -> int:
    high = len(state.part(trajectory.PART).sessions)
    low = min(max(state.part(trajectory.PART).current, 1), high) if high else 0
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise Rejected("out_of_range", field="assignment_due", min=low, max=high)
    return int(text)


def _assignment(state: RoomState, aid: object) -> Assignment:
    found = state.part(PART).assignments.get(aid) if isinstance(aid, str) else None
    if found is None:
        raise Rejected("assignment_not_found")
    return found


def _text(command: GiveAssignment | EditAssignment) -> tuple[str, str]:
    return (
        clean_line(command.title, "assignment_title", TITLE_MAX),
        clean_line(command.description, "assignment_description", DESCRIPTION_MAX, required=False),
    )


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_open(state)
    if isinstance(command, ReportAssignment):
        me = require_member(state, actor)
        assignment = _assignment(state, command.assignment)
        if is_closed(state, assignment):
            raise Rejected("assignment_closed")
        reflection = clean_line(command.reflection, "assignment_reflection", REFLECTION_MAX, required=False)
        done = bool(command.done)
        before = assignment.reports.get(me.pid)
        if before is not None and (before.done, before.reflection) == (done, reflection):
            return []
        if before is None and not done and not reflection:
            return []
        return [AssignmentReported(assignment.aid, me.pid, done, reflection)]
    require_mentor(actor)
    assignments = state.part(PART).assignments
    if isinstance(command, GiveAssignment):
        if len(assignments) >= ASSIGNMENTS_MAX:
            raise Rejected("assignments_full", max=ASSIGNMENTS_MAX)
        title, description = _text(command)
        due = _due(state, command.due)
        aid = command.assignment
        if not isinstance(aid, str) or not aid or len(aid) > ID_MAX or aid in assignments:
            raise Rejected("bad_message")
        return [AssignmentGiven(aid, title, description, due, state.part(trajectory.PART).current)]
    if isinstance(command, EditAssignment):
        assignment = _assignment(state, command.assignment)
        title, description = _text(command)
        due = assignment.due if command.due.strip() == str(assignment.due) else _due(state, command.due)
        if (title, description, due) == (assignment.title, assignment.description, assignment.due):
            return []
        return [AssignmentEdited(assignment.aid, title, description, due)]
    if isinstance(command, RemoveAssignment):
        return [AssignmentRemoved(_assignment(state, command.assignment).aid)]
    if isinstance(command, ReflectionsToWall):
        return _to_wall(state, command)
    raise Rejected("unknown_command")


def _to_wall(state: RoomState, command: ReflectionsToWall) -> list[Event]:
    assignment = _assignment(state, command.assignment)
    if assignment.wall and assignment.wall in state.part(wall.PART).walls:
        raise Rejected("assignment_wall_exists")
    reflections = assignment.reflections()[: wall.NOTES_PER_WALL_MAX]
    if not reflections:
        raise Rejected("assignment_no_reflections")
    if len(state.part(wall.PART).walls) >= wall.WALLS_MAX:
        raise Rejected("too_many", field="wall", max=wall.WALLS_MAX)
    wid = command.wall
    if not isinstance(wid, str) or not wid or len(wid) > wall.ID_MAX or wid in state.part(wall.PART).walls:
        raise Rejected("bad_message")
    column = clean_line(command.column, "wall_column", wall.COLUMN_NAME_MAX)
    title = assignment.title[: wall.WALL_TITLE_MAX]
    events: list[Event] = [
        AssignmentWallMade(assignment.aid, wid),
        wall.WallCreated(wid, title, ("c1",), (column,), True, False),
    ]
    events.extend(
        wall.WallNoteAdded(wid, f"r{index}", pid, text, "yellow", "c1", False)
        for index, (pid, text) in enumerate(reflections, start=1)
    )
    return events


# ---------------------------------------------------------------- evolve


def _with(state: AssignmentsState, assignment: Assignment) -> AssignmentsState:
    assignments = dict(state.assignments)
    assignments[assignment.aid] = assignment
    return AssignmentsState(MappingProxyType(assignments))


def _fold(state: AssignmentsState, event: Event, at: float) -> AssignmentsState:
    if isinstance(event, AssignmentGiven):
        return _with(state, Assignment(event.assignment, event.title, event.description, event.due, event.session, at))
    found = state.assignments.get(getattr(event, "assignment", ""))
    if found is None:
        if isinstance(event, EVENTS):
            return state
        raise TypeError(f"assignments.evolve: unknown event {event!r}")
    if isinstance(event, AssignmentEdited):
        return _with(state, dataclasses.replace(found, title=event.title, description=event.description, due=event.due))
    if isinstance(event, AssignmentRemoved):
        assignments = dict(state.assignments)
        del assignments[found.aid]
        return AssignmentsState(MappingProxyType(assignments))
    if isinstance(event, AssignmentReported):
        reports = dict(found.reports)
        reports[event.pid] = Report(event.done, event.reflection, at)
        return _with(state, dataclasses.replace(found, reports=MappingProxyType(reports)))
    if isinstance(event, AssignmentWallMade):
        return _with(state, dataclasses.replace(found, wall=event.wall))
    raise TypeError(f"assignments.evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    return state.with_part(PART, _fold(state.part(PART), stamped.event, stamped.at))


# ---------------------------------------------------------------- export


def export(state: RoomState) -> Any:
    names = {pid: p.name for pid, p in state.participants.items()}
    return [
        {
            "id": a.aid,
            "title": a.title,
            "description": a.description,
            "due_session": a.due,
            "given_in_session": a.given_in,
            "given_at": a.given_at,
            "wall": a.wall or None,
            "reports": [
                {"person": pid, "name": names.get(pid, ""), "done": r.done, "reflection": r.reflection, "at": r.at}
                for pid, r in a.reports.items()
            ],
        }
        for a in state.part(PART).assignments.values()
    ]


FEATURE = CoreFeature(
    name="assignments",
    commands=COMMANDS,
    mentor_only=(GiveAssignment, EditAssignment, RemoveAssignment, ReflectionsToWall),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        AssignmentGiven: (),
        AssignmentEdited: (),
        AssignmentRemoved: (),
        AssignmentReported: ("pid",),
        AssignmentWallMade: (),
    },
    export_key="assignments",
    export=export,
    reasons=REASONS,
)
