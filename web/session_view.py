"""The web side of the session itself: its head (title, code, language), the presence list, the
participant's own line (#me), the projector's stage and the mentor's projector control.

Privacy: the presence list names everyone to the group (participants and the mentor) and is not
on the projector as a list; the stage shows what the mentor chose to project.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from realtime import events, session, trajectory
from realtime.events import Role
from realtime.room import Room
from realtime.state import RoomState
from web.feature import ALL_CONTEXTS, BOTH_PAGES, PERSON_LINE, PERSON_LIST, ProjectorEntry, Region, WebFeature
from web.fields import Fields
from web.viewer import Viewer

_GROUP = frozenset({Role.MENTOR, Role.PARTICIPANT})


# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "title": "Title",
    "name": "Name",
    "language": "Language",
    "location": "Where you are",
    "code": "Code",
    "view": "Projector view",
}


@dataclass(frozen=True, slots=True)
class Closing:
    """The projector's closing screen (stage/closing.html): what ended, on which day, and the next
    session of the trajectory if one is planned. Nothing of the join code, nothing of the people."""

    kind: str  # "session": the room ended; "trajectory": a planned trajectory was closed;
    # "between": one session of a trajectory ended and the next has not started
    day: str  # ISO date of the end on the trajectory's clock; "" when unknown
    number: int = 0  # the trajectory's session that ended (0: none)
    total: int = 0
    title: str = ""  # that session's own title
    next_number: int = 0  # the next session ("between" only; 0: none left)
    next_date: str = ""
    next_start: str = ""
    next_title: str = ""


def _day(at: float | None, zone: str) -> str:
    if at is None:
        return ""
    return datetime.datetime.fromtimestamp(at, ZoneInfo(zone)).date().isoformat()


def closing(state: RoomState) -> Closing | None:
    """What the closing screen shows, or None while the session runs: once the room has ended,
    whatever the projector was showing; in a planned trajectory also between two sessions (the
    last one ended, the next not started) while the projector shows the join view."""
    traj = state.part(trajectory.PART)
    last = traj.session(traj.current)
    number, title = (last.number, last.title) if last is not None else (0, "")
    if state.ended:
        kind = "trajectory" if traj.planned else "session"
        return Closing(kind, _day(state.ended_at, traj.timezone), number, len(traj.sessions), title)
    if last is None or last.running or state.projector_view != "join":
        return None
    upcoming = [s for s in traj.sessions if not s.started and not s.cancelled and s.number > last.number]
    following = upcoming[0] if upcoming else None
    return Closing(
        "between", _day(last.ended_at, traj.timezone), number, len(traj.sessions), title,
        following.number if following else 0, following.date if following else "",
        following.start if following else "", following.title if following else "",
    )


def _join_names(state: RoomState, pid: str) -> bool:
    """The join screen lists who is here (anyone), unless it is the closing screen."""
    return closing(state) is None


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    return {"closing_view": closing(room.state) if viewer.role is Role.PROJECTOR else None}


def _profile(f: Fields) -> events.UpdateProfile:
    return events.UpdateProfile(name=f.text("name"), location=f.text("location"))


FEATURE = WebFeature(
    name="session",
    cores=(session.FEATURE,),
    parsers={
        "profile": _profile,
        "set_title": lambda f: events.SetTitle(title=f.text("title")),
        "end_session": lambda f: events.EndSession(),
        "projector": lambda f: events.SetProjectorView(view=f.text("view"), ref=f.text("ref")),
    },
    regions=(
        # The projector shows these inside its stage instead (regions/stage.html).
        Region("session-head", _GROUP),
        Region("presence", _GROUP),
        Region("me", frozenset({Role.PARTICIPANT}), personal=True, own_events_only=True),
        # What the group is doing now (web/now.py), at the top of both of a participant's pages;
        # the features' NowEntry declarations say which events touch it (web/layout.py).
        Region("now", frozenset({Role.PARTICIPANT}), pages=BOTH_PAGES),
        # The same on the mentor's console: it heads the folded section that holds its controls.
        Region("console-now", frozenset({Role.MENTOR})),
        Region("stage", frozenset({Role.PROJECTOR}), context_from=ALL_CONTEXTS),
        Region("projector-control", frozenset({Role.MENTOR})),
    ),
    event_regions={
        events.SessionCreated: frozenset({"session-head", "presence", "me", "stage", "projector-control"}),
        events.ParticipantJoined: frozenset({"presence", "stage"}),
        events.ProfileUpdated: frozenset({"presence", "me", "stage"}),
        events.TitleChanged: frozenset({"session-head", "stage"}),
        events.LanguageChanged: frozenset({"session-head"}),
        events.SessionEnded: frozenset({"session-head", "me", "stage", "now", "console-now"}),
        events.ProjectorViewChanged: frozenset({"stage", "projector-control"}),
        events.LinkReissued: frozenset(),
        events.LinkUsed: frozenset({"me"}),
        events.ParticipantErased: frozenset({"presence", "stage", "me"}),
        events.Redacted: frozenset(),
    },
    context=context,
    field_labels=FIELD_LABELS,
    projector=(ProjectorEntry("join", "Join screen"),),
    presence_regions=frozenset({"presence", "stage"}),
    # A joiner comes into the list (no line of theirs to replace yet); a rename changes their line.
    person_events={events.ParticipantJoined: PERSON_LIST, events.ProfileUpdated: PERSON_LINE},
    stage_names={"join": _join_names},
)
