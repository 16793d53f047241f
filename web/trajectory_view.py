"""The web side of the trajectory: the session bar and carry-over on the live pages, the plan, the
overview, the people (personal links, deleting data) and "after the trajectory" on the trajectory
pages; which events touch them; and what each viewer may see.

Privacy lives here:
- contact details: only of people who shared them (realtime/contacts.py), only to the group
  (participants and the mentor), never on the projector; a participant's own share form is in
  the personal `trajectory-after` region;
- the people list with personal-link and delete buttons is the mentor's only;
- the projector gets the session number and title, and on its closing screen between two
  sessions the next one's date, time and title (web/session_view.py), and nothing else of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import carryover, contacts, events, trajectory, wall
from realtime.carryover import CarryOver
from realtime.events import Role
from realtime.room import Room
from web import trajectory_commands
from web.feature import LIVE_ONLY, TRAJECTORY_ONLY, Region, Tab, WebFeature
from web.viewer import Viewer

# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "trajectory_name": "Name of the trajectory",
    "trajectory_theme": "Theme",
    "trajectory_target": "Target group",
    "trajectory_sessions": "Number of sessions",
    "trajectory_cadence": "How often",
    "trajectory_format": "Format",
    "trajectory_first_date": "Date of the first session",
    "trajectory_session": "Session",
    "trajectory_date": "Date",
    "trajectory_session_title": "Title of the session",
    "trajectory_start": "Start time",
    "trajectory_end": "End time",
    "trajectory_session_start": "Start time",
    "trajectory_session_end": "End time",
    "trajectory_timezone": "Time zone",
    "trajectory_cancelled": "Cancelled",
    "carry_actions": "Action points",
    "carry_questions": "Open questions",
    "contact_name": "Name to share",
    "contact_line": "Contact line",
    "return_date": "Date of the return meeting",
    "return_note": "Note",
}


@dataclass(frozen=True, slots=True)
class SessionView:
    number: int
    date: str  # ISO, "" when not planned; templates show it with format_date
    title: str
    status: str  # "running", "done", "next" (the one to start next), "planned", "cancelled"
    start: str = ""  # "HH:MM" in the trajectory's zone; templates show it with format_time
    end: str = ""


@dataclass(frozen=True, slots=True)
class WallLink:
    wid: str
    title: str


@dataclass(frozen=True, slots=True)
class PersonRow:
    pid: str
    name: str
    location: str


@dataclass(frozen=True, slots=True)
class TrajectoryView:
    planned: bool
    name: str
    theme: str
    target_group: str
    cadence: str
    format: str
    timezone: str
    start: str
    end: str
    sessions: tuple[SessionView, ...]
    total: int
    current: int
    running: bool
    next_number: int  # 0 when every session has run
    first_date: str
    ended: bool
    # Carry-over: what participants see now, and for the mentor the session to write it for.
    carry: CarryOver | None
    carry_source: int
    carry_walls: tuple[WallLink, ...]
    carry_edit: int
    carry_edit_note: CarryOver | None
    started: tuple[int, ...]
    # After the trajectory.
    shared: tuple[contacts.Contact, ...]
    my_contact: contacts.Contact | None
    meetings: tuple[contacts.ReturnMeeting, ...]
    # The mentor only.
    people: tuple[PersonRow, ...]
    carry_all: tuple[CarryOver, ...]


def _sessions(state: trajectory.TrajectoryState) -> tuple[tuple[SessionView, ...], int]:
    upcoming = [s.number for s in state.sessions if not s.started and not s.cancelled and s.number > state.current]
    next_number = upcoming[0] if upcoming else next(
        (s.number for s in state.sessions if not s.started and not s.cancelled), 0)
    views = []
    for s in state.sessions:
        if s.running:
            status = "running"
        elif s.started:
            status = "done"
        elif s.cancelled:
            status = "cancelled"
        elif s.number == next_number:
            status = "next"
        else:
            status = "planned"
        views.append(SessionView(s.number, s.date, s.title, status, s.start, s.end))
    return tuple(views), next_number


def _walls_of(room: Room, session: int) -> tuple[WallLink, ...]:
    traj = room.state.part(trajectory.PART)
    walls: list[wall.Wall] = list(room.state.part(wall.PART).walls.values())
    return tuple(
        WallLink(w.wid, w.title)
        for w in walls
        if session and traj.session_of_seq(w.created_seq) == session
    )


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state
    traj = state.part(trajectory.PART)
    sessions, next_number = _sessions(traj)
    shown = carryover.shown(state)
    source = shown.session if shown else 0
    started = tuple(s.number for s in traj.sessions if s.started)
    mentor = viewer.role is Role.MENTOR
    participant = viewer.role is Role.PARTICIPANT
    group = mentor or participant
    view = TrajectoryView(
        planned=traj.planned,
        name=traj.name,
        theme=traj.theme,
        target_group=traj.target_group,
        cadence=traj.cadence,
        format=traj.format,
        timezone=traj.timezone,
        start=traj.start,
        end=traj.end,
        sessions=sessions,
        total=len(traj.sessions),
        current=traj.current,
        running=traj.running,
        next_number=next_number,
        first_date=traj.sessions[0].date if traj.sessions else "",
        ended=state.ended,
        carry=shown if group else None,
        carry_source=source,
        carry_walls=_walls_of(room, source) if group and shown else (),
        carry_edit=traj.current if mentor else 0,
        carry_edit_note=state.part(carryover.PART).notes.get(traj.current) if mentor else None,
        started=started if mentor else (),
        shared=tuple(contacts.visible(state)) if group else (),
        my_contact=state.part(contacts.PART).shared.get(viewer.pid) if participant else None,
        meetings=state.part(contacts.PART).meetings if group else (),
        people=tuple(PersonRow(p.pid, p.name, p.location) for p in state.participants.values()) if mentor else (),
        carry_all=tuple(sorted((n for n in state.part(carryover.PART).notes.values() if not n.empty),
                               key=lambda n: n.session)) if mentor else (),
    )
    return {"traj": view, "traj_limits": trajectory}


_GROUP = frozenset({Role.MENTOR, Role.PARTICIPANT})
_MENTOR = frozenset({Role.MENTOR})
_PARTICIPANT = frozenset({Role.PARTICIPANT})

# What a change of plan or of the running session touches, on every page.
_PLAN = frozenset({"trajectory-bar", "trajectory-carry", "trajectory-plan", "trajectory-overview", "trajectory-after",
                   "stage"})
_PEOPLE = frozenset({"trajectory-people", "trajectory-after"})

FEATURE = WebFeature(
    name="trajectory",
    cores=(trajectory.FEATURE, carryover.FEATURE, contacts.FEATURE,),
    parsers=trajectory_commands.PARSERS,
    regions=(
        # The live pages: "Session 3 of 6" (with start/end for the mentor), then the carry-over.
        # (mentor.html puts the bar at the top of the console itself, above the invite card)
        Region("trajectory-bar", _GROUP, order=1, on_pages=_PARTICIPANT, pages=LIVE_ONLY),
        Region("trajectory-carry", _GROUP, order=2, on_pages=_GROUP, section="trajectory", pages=LIVE_ONLY),
        # The trajectory pages: the plan (mentor) or the overview (participant) first ...
        Region("trajectory-plan", _MENTOR, order=1, on_pages=_MENTOR, pages=TRAJECTORY_ONLY),
        Region("trajectory-overview", _PARTICIPANT, order=1, on_pages=_PARTICIPANT, pages=TRAJECTORY_ONLY),
        # ... and at the end the people (mentor) and what comes after the trajectory.
        Region("trajectory-people", _MENTOR, order=90, on_pages=_MENTOR, pages=TRAJECTORY_ONLY),
        Region("trajectory-after", _GROUP, personal=True, order=91, on_pages=_GROUP, pages=TRAJECTORY_ONLY),
    ),
    event_regions={
        trajectory.TrajectoryPlanned: _PLAN,
        trajectory.SessionPlanned: _PLAN,
        trajectory.TrajectorySessionStarted: _PLAN,
        trajectory.TrajectorySessionEnded: _PLAN,
        trajectory.TrajectoryTimesPlanned: _PLAN,
        trajectory.TrajectorySessionCancelled: _PLAN,
        carryover.CarryOverSet: frozenset({"trajectory-carry"}),
        contacts.ContactShared: frozenset({"trajectory-after"}),
        contacts.ContactWithdrawn: frozenset({"trajectory-after"}),
        contacts.ReturnMeetingPlanned: frozenset({"trajectory-after"}),
        contacts.ReturnMeetingCancelled: frozenset({"trajectory-after"}),
        wall.WallCreated: frozenset({"trajectory-carry"}),
        wall.WallConfigured: frozenset({"trajectory-carry"}),
        events.ParticipantJoined: _PEOPLE,
        events.ProfileUpdated: frozenset({"trajectory-people"}),
        events.SessionEnded: _PLAN | _PEOPLE,
        events.LinkReissued: frozenset({"trajectory-people"}),
        # Someone's data went: the room is reloaded from the rewritten log (a reset) right after;
        # meanwhile they leave every list at once.
        events.ParticipantErased: _PEOPLE | {"presence", "stage", "me"},
        events.Redacted: frozenset(),
    },
    context=context,
    field_labels=FIELD_LABELS,
    # The console's section of what the trajectory carries into this session (not "Trajectory":
    # that is the link to the trajectory page, right above).
    tabs=(Tab("trajectory", "Goals and assignments", order=80),),
)
