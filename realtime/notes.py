"""The mentor's private notes: one note per participant, to prepare a one-to-one or a follow-up
("it can help to talk individually after the session about what is going on").

A note is the mentor's alone: no participant, no projector and no export (not even the mentor's
own JSON export, which the mentor may pass on) ever carries it; only the mentor's trajectory page
shows it (web/notes_view.py). A note is about a person, so its events name them: "delete my data"
takes every version of it out of the log (realtime/erasure.py). Writing an empty note clears it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_mentor
from realtime.text import clean_block

if TYPE_CHECKING:
    from realtime.state import RoomState

NOTE_MAX = 3000
NOTE_LINES = 60

REASONS: Mapping[str, str] = {
    "notes_no_such_person": "That person is not in this group (any more).",
}


@dataclass(frozen=True, slots=True)
class NotesState:
    # participant id -> the mentor's note about them (never empty: an empty note is no note)
    notes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


PART: Part[NotesState] = Part("notes", NotesState())


@dataclass(frozen=True, slots=True)
class WriteNote(Command):
    pid: str
    text: str


@dataclass(frozen=True, slots=True)
class NoteWritten(Event):
    pid: str  # whom the note is about
    text: str  # "" clears it


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    if not isinstance(command, WriteNote):
        raise Rejected("unknown_command")
    require_mentor(actor)
    # Also in a closed room: a follow-up after the last session is exactly when a note helps.
    if command.pid not in state.participants:
        raise Rejected("notes_no_such_person")
    text = clean_block(command.text, "note_text", NOTE_MAX, NOTE_LINES)
    if text == state.part(PART).notes.get(command.pid, ""):
        return []
    return [NoteWritten(command.pid, text)]


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    assert isinstance(event, NoteWritten)
    notes = dict(state.part(PART).notes)
    if event.text:
        notes[event.pid] = event.text
    else:
        notes.pop(event.pid, None)
    return state.with_part(PART, NotesState(MappingProxyType(notes)))


FEATURE = CoreFeature(
    name="notes",
    commands=(WriteNote,),
    mentor_only=(WriteNote,),
    events=(NoteWritten,),
    decide=decide,
    evolve=evolve,
    # The note is about this person: erasing them takes every version of it.
    personal={NoteWritten: ("pid",)},
    part=PART,
    # No export: the notes are the mentor's private working notes, in no file for anyone.
    reasons=REASONS,
)
