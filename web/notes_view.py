"""The web side of the mentor's private notes: one region on the mentor's trajectory page, a note
per participant.

Privacy: the region is the mentor's only (no participant, no projector, not the live console that
may be on a shared screen), and `context` gives the notes to the mentor's viewer alone, so that no
other page or socket can carry one even by a template's mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import events, notes
from realtime.events import Role
from realtime.room import Room
from web import notes_commands
from web.feature import TRAJECTORY_ONLY, Region, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {"note_text": "Private note"}


@dataclass(frozen=True, slots=True)
class NoteView:
    pid: str
    name: str
    text: str


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    if viewer.role is not Role.MENTOR:
        return {"notes_view": (), "notes_limits": notes}
    written = room.state.part(notes.PART).notes
    shown = tuple(NoteView(p.pid, p.name, written.get(p.pid, "")) for p in room.state.participants.values())
    return {"notes_view": shown, "notes_limits": notes}


_MENTOR = frozenset({Role.MENTOR})
_REGION = frozenset({"notes"})

FEATURE = WebFeature(
    name="notes",
    cores=(notes.FEATURE,),
    parsers=notes_commands.PARSERS,
    regions=(Region("notes", _MENTOR, order=89, on_pages=_MENTOR, pages=TRAJECTORY_ONLY),),
    event_regions={
        notes.NoteWritten: _REGION,
        # It lists the group by name.
        events.ParticipantJoined: _REGION,
        events.ProfileUpdated: _REGION,
        events.ParticipantErased: _REGION,
    },
    context=context,
    field_labels=FIELD_LABELS,
)
