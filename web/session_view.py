"""The web side of the session itself: its head (title, code, language), the presence list, the
participant's own line (#me), the projector's stage and the mentor's projector control.

Privacy: the presence list names everyone to the group (participants and the mentor) and is not
on the projector as a list; the stage shows what the mentor chose to project.
"""

from __future__ import annotations

from collections.abc import Mapping

from realtime import events, session
from realtime.events import Role
from web.feature import ALL_CONTEXTS, BOTH_PAGES, ProjectorEntry, Region, WebFeature
from web.fields import Fields

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
        Region("stage", frozenset({Role.PROJECTOR}), context_from=ALL_CONTEXTS),
        Region("projector-control", frozenset({Role.MENTOR})),
    ),
    event_regions={
        events.SessionCreated: frozenset({"session-head", "presence", "me", "stage", "projector-control"}),
        events.ParticipantJoined: frozenset({"presence", "stage"}),
        events.ProfileUpdated: frozenset({"presence", "me", "stage"}),
        events.TitleChanged: frozenset({"session-head", "stage"}),
        events.LanguageChanged: frozenset({"session-head"}),
        events.SessionEnded: frozenset({"session-head", "me", "stage", "now"}),
        events.ProjectorViewChanged: frozenset({"stage", "projector-control"}),
        events.LinkReissued: frozenset(),
        events.LinkUsed: frozenset({"me"}),
        events.ParticipantErased: frozenset({"presence", "stage", "me"}),
        events.Redacted: frozenset(),
    },
    field_labels=FIELD_LABELS,
    projector=(ProjectorEntry("join", "Join screen"),),
    presence_regions=frozenset({"presence", "stage"}),
)
