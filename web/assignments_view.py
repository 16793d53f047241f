"""The web side of assignments between sessions: a participant's own assignments with "done" and a
reflection, and the mentor's overview of who did what (with "put the reflections on a wall").

Privacy: a participant gets the assignments and only their own report; the mentor gets everyone's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import assignments, events, trajectory, wall
from realtime.assignments import Assignment, Report
from realtime.events import Role
from realtime.room import Room
from web import assignments_commands
from web.feature import TRAJECTORY_ONLY, Region, WebFeature
from web.viewer import Viewer

# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "assignment_title": "Title of the assignment",
    "assignment_description": "What to do",
    "assignment_due": "Due in session",
    "assignment_reflection": "Reflection",
}


@dataclass(frozen=True, slots=True)
class PersonReport:
    name: str
    done: bool
    reflection: str


@dataclass(frozen=True, slots=True)
class AssignmentView:
    aid: str
    title: str
    description: str
    due: int
    due_date: str
    closed: bool
    mine: Report | None = None  # a participant's own report
    people: tuple[PersonReport, ...] = ()  # the mentor only: everyone, done first
    done_count: int = 0
    reflection_count: int = 0
    wall: str = ""  # the wall its reflections are on (if it still exists)


def _due_date(room: Room, number: int) -> str:
    session = room.state.part(trajectory.PART).session(number)
    return session.date if session is not None else ""


def _view(room: Room, a: Assignment, viewer: Viewer) -> AssignmentView:
    state = room.state
    base = AssignmentView(
        aid=a.aid, title=a.title, description=a.description, due=a.due, due_date=_due_date(room, a.due),
        closed=assignments.is_closed(state, a),
    )
    if viewer.role is Role.PARTICIPANT:
        return AssignmentView(**{**_fields(base), "mine": a.reports.get(viewer.pid)})
    people = []
    for pid, person in state.participants.items():
        report = a.reports.get(pid)
        done = report is not None and report.done
        people.append(PersonReport(person.name, done, report.reflection if report else ""))
    people.sort(key=lambda p: (not p.done, not p.reflection))
    return AssignmentView(
        **{
            **_fields(base),
            "people": tuple(people),
            "done_count": sum(1 for p in people if p.done),
            "reflection_count": sum(1 for p in people if p.reflection),
            "wall": a.wall if a.wall in state.part(wall.PART).walls else "",
        }
    )


def _fields(view: AssignmentView) -> dict[str, Any]:
    return {name: getattr(view, name) for name in AssignmentView.__dataclass_fields__}


def _due_now(room: Room, viewer: Viewer) -> tuple[AssignmentView, ...]:
    """For the mentor's live console: the assignments due in the current session (all of them in a
    room without a trajectory), to see who did them and put the reflections on a wall."""
    state = room.state
    current = state.part(trajectory.PART).current
    due = [a for a in state.part(assignments.PART).assignments.values() if a.due == current]
    return tuple(_view(room, a, viewer) for a in due)


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    if viewer.role is Role.MENTOR and viewer.page == "live":
        return {"assignments_due": _due_now(room, viewer)}
    if viewer.role is Role.PARTICIPANT and viewer.page == "live":
        # A small card on the phone's live page: what is still open for me, with a link.
        state = room.state
        mine = [
            _view(room, a, viewer)
            for a in sorted(state.part(assignments.PART).assignments.values(), key=lambda a: a.due)
            if not assignments.is_closed(state, a)
        ]
        return {"assignments_mine": tuple(mine)}
    if viewer.page != "trajectory" or viewer.role is Role.PROJECTOR:
        return {}
    state = room.state
    given = sorted(state.part(assignments.PART).assignments.values(), key=lambda a: (a.due, a.given_at))
    plan = state.part(trajectory.PART)
    count = len(plan.sessions)
    low = min(max(plan.current, 1), count) if count else 0
    return {
        "assignments_view": tuple(_view(room, a, viewer) for a in given),
        "assignment_due_choices": tuple(range(low, count + 1)) if count else (0,),
        "assignment_due_default": min(plan.current + 1, count) if count else 0,
        "assignment_reflection_max": assignments.REFLECTION_MAX,
    }


_PARTICIPANT = frozenset({Role.PARTICIPANT})
_MENTOR = frozenset({Role.MENTOR})
_BOTH = frozenset({"assignments", "assignments-mentor", "assignments-due", "assignments-prompt"})

FEATURE = WebFeature(
    name="assignments",
    cores=(assignments.FEATURE,),
    parsers=assignments_commands.PARSERS,
    regions=(
        Region("assignments", _PARTICIPANT, personal=True, own_events_only=True, order=53, on_pages=_PARTICIPANT,
               pages=TRAJECTORY_ONLY),
        Region("assignments-mentor", _MENTOR, order=53, on_pages=_MENTOR, pages=TRAJECTORY_ONLY),
        Region("assignments-due", _MENTOR, order=9, on_pages=_MENTOR, section="trajectory"),
        Region("assignments-prompt", _PARTICIPANT, personal=True, own_events_only=True, order=60,
               on_pages=_PARTICIPANT),
    ),
    event_regions={
        assignments.AssignmentGiven: _BOTH,
        assignments.AssignmentEdited: _BOTH,
        assignments.AssignmentRemoved: _BOTH,
        # Only its author's own card changes (own_events_only); the mentor's overview always.
        assignments.AssignmentReported: _BOTH,
        assignments.AssignmentWallMade: frozenset({"assignments-mentor", "assignments-due"}),
        wall.WallCreated: frozenset({"assignments-mentor", "assignments-due"}),
        events.ProfileUpdated: frozenset({"assignments-mentor", "assignments-due"}),
        events.ParticipantJoined: frozenset({"assignments-mentor", "assignments-due"}),
        events.SessionEnded: _BOTH,
        trajectory.TrajectoryPlanned: _BOTH,
        trajectory.SessionPlanned: _BOTH,
        trajectory.TrajectorySessionStarted: _BOTH,
        trajectory.TrajectorySessionEnded: _BOTH,
    },
    context=context,
    field_labels=FIELD_LABELS,
    # The mentor's overviews list everyone under each assignment: nobody while there is none.
    shows_person=lambda state, pid: bool(state.part(assignments.PART).assignments),
)
