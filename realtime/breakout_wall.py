"""A breakout group's wall (issue 17): a small version of the post-it wall (realtime/wall/) that
each group of a breakout round writes its result on, and the projector shows after "bring back".

Theory of operation
-------------------
The mentor gives the round up to COLUMNS_MAX column titles when planning it (none: one column,
DEFAULT_COLUMN, which the web layer puts in the reader's language). While the groups run, a
member adds post-its to a column of their own group's wall, in one of the wall's colours; they
change (text, colour, column) and take back their own; and they put a dot on any post-it of their
own group, one per person per post-it, and take it back. The rules are here; the round's phases,
who is in which group and who may see what are realtime/breakouts.py's and web/breakouts_view.py's.

This module has no state of its own: a round (realtime/breakouts.py `Round`) holds its post-its,
and breakouts.py calls `decide` and `fold` with them. Stored events stay readable: a
`GroupNoteAdded` from before group walls has no column or colour, and its defaults put it in the
first column, in yellow.

Personal data: a post-it names its author (erasure takes it, and with it every event that refers
to it: its changes, its dots); a dot names who gave it. Nobody is ever shown who wrote or dotted a
post-it: it is the group's result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from realtime.errors import Dangling, Rejected
from realtime.events import Command, Event
from realtime.text import clean_line, one_of
from realtime.wall.model import COLOURS as COLOURS  # the wall's colours, named here for the views
from realtime.wall.model import COLUMN_NAME_MAX

COLUMNS_MAX = 4
COLUMN_MAX = COLUMN_NAME_MAX
NOTE_MAX = 300
NOTES_MAX = 40  # per group
ID_MAX = 32
FIRST = "1"  # the id of the first column; the column of every post-it from before group walls
DEFAULT_COLUMN = "Our result"  # the one column of a round planned without titles (a msgid too)
DEFAULT_COLOUR = COLOURS[0]

REASONS: Mapping[str, str] = {
    "breakouts_notes_full": "Your group's wall is full (at most {max} post-its).",
    # The same words as the big wall's (realtime/wall/model.py), and so the same translations.
    "breakouts_note_not_found": "That post-it does not exist (any more).",
    "breakouts_note_not_yours": "You can only change your own post-its.",
    "breakouts_dot_other_group": "You can only vote on the post-its of your own group.",
    "breakouts_columns_full": "A group wall has at most {max} columns.",
}


@dataclass(frozen=True, slots=True)
class Note:
    """One post-it of a group's wall."""

    note: str
    group: str
    author: str  # pid; never shown to anyone but the author themself (their "change", "take back")
    text: str
    at: float
    column: str = FIRST
    colour: str = DEFAULT_COLOUR
    dots: tuple[str, ...] = ()  # pids, in the order given
    edited_at: float | None = None


def column_ids(titles: tuple[str, ...]) -> tuple[str, ...]:
    """The ids of a round's columns: "1", "2", ...; one column when it has no titles."""
    return tuple(str(i + 1) for i in range(max(1, len(titles))))


def plan_columns(values: object) -> tuple[str, ...]:
    """The column titles of a plan: each cleaned and limited, empty ones left out; () for the
    default column."""
    if not isinstance(values, tuple):
        raise Rejected("bad_message")
    titles = tuple(t for t in (clean_line(v, "breakouts_column", COLUMN_MAX, required=False) for v in values) if t)
    if len(titles) > COLUMNS_MAX:
        raise Rejected("breakouts_columns_full", max=COLUMNS_MAX)
    return titles


def by_dots(notes: list[Note]) -> list[Note]:
    """Most dots first; ties keep the order they were written in (sorted is stable)."""
    return sorted(notes, key=lambda n: -len(n.dots))


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class AddGroupNote(Command):
    note: str  # new id, from the shell
    text: str
    column: str = FIRST
    colour: str = DEFAULT_COLOUR


@dataclass(frozen=True, slots=True)
class EditGroupNote(Command):
    note: str
    text: str
    colour: str
    column: str


@dataclass(frozen=True, slots=True)
class RemoveGroupNote(Command):
    note: str


@dataclass(frozen=True, slots=True)
class DotGroupNote(Command):
    note: str
    dot: bool  # False takes one's dot back


COMMANDS: tuple[type[Command], ...] = (AddGroupNote, EditGroupNote, RemoveGroupNote, DotGroupNote)


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class GroupNoteAdded(Event):
    round: str
    note: str
    group: str
    pid: str
    text: str
    # Defaults: what a post-it stored before group walls had (first column, yellow).
    column: str = FIRST
    colour: str = DEFAULT_COLOUR


@dataclass(frozen=True, slots=True)
class GroupNoteEdited(Event):
    round: str
    note: str
    text: str
    colour: str
    column: str


@dataclass(frozen=True, slots=True)
class GroupNoteRemoved(Event):
    round: str
    note: str


@dataclass(frozen=True, slots=True)
class GroupNoteDotted(Event):
    round: str
    note: str
    pid: str
    dot: bool


EVENTS: tuple[type[Event], ...] = (GroupNoteAdded, GroupNoteEdited, GroupNoteRemoved, GroupNoteDotted)

PERSONAL: Mapping[type[Event], tuple[str, ...]] = {
    GroupNoteAdded: ("pid",),
    GroupNoteEdited: (),  # the author's, but erasure follows the post-it (`refers`), not a name
    GroupNoteRemoved: (),
    GroupNoteDotted: ("pid",),
}


# ---------------------------------------------------------------- decide


def _found(notes: Mapping[str, Note], value: object) -> Note:
    found = notes.get(value) if isinstance(value, str) else None
    if found is None:
        raise Rejected("breakouts_note_not_found")
    return found


def decide(round_id: str, titles: tuple[str, ...], notes: Mapping[str, Note], group: str, pid: str,
           command: Command) -> list[Event]:
    """The events of `command` by `pid`, a member of `group` of running round `round_id` ("" when
    they are in no group), on the round's post-its `notes` (every group's)."""
    if not group:
        raise Rejected("breakouts_not_in_group")
    columns = column_ids(titles)
    if isinstance(command, AddGroupNote):
        nid = command.note
        if not isinstance(nid, str) or not nid or len(nid) > ID_MAX or nid in notes:
            raise Rejected("bad_message")
        text = clean_line(command.text, "breakouts_note", NOTE_MAX)
        column = one_of(command.column, "breakouts_column", columns)
        colour = one_of(command.colour, "breakouts_colour", COLOURS)
        if sum(1 for n in notes.values() if n.group == group) >= NOTES_MAX:
            raise Rejected("breakouts_notes_full", max=NOTES_MAX)
        return [GroupNoteAdded(round_id, nid, group, pid, text, column, colour)]
    found = _found(notes, getattr(command, "note", None))
    if isinstance(command, DotGroupNote):
        if found.group != group:
            raise Rejected("breakouts_dot_other_group")
        wanted = bool(command.dot)
        return [] if wanted == (pid in found.dots) else [GroupNoteDotted(round_id, found.note, pid, wanted)]
    if found.author != pid:
        raise Rejected("breakouts_note_not_yours")
    if isinstance(command, EditGroupNote):
        text = clean_line(command.text, "breakouts_note", NOTE_MAX)
        column = one_of(command.column, "breakouts_column", columns)
        colour = one_of(command.colour, "breakouts_colour", COLOURS)
        if (text, column, colour) == (found.text, found.column, found.colour):
            return []
        return [GroupNoteEdited(round_id, found.note, text, colour, column)]
    if isinstance(command, RemoveGroupNote):
        return [GroupNoteRemoved(round_id, found.note)]
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- fold


def fold(notes: Mapping[str, Note], event: Event, at: float) -> Mapping[str, Note]:
    """The round's post-its after `event` (one of EVENTS)."""
    changed = dict(notes)
    if isinstance(event, GroupNoteAdded):
        changed[event.note] = Note(event.note, event.group, event.pid, event.text, at, event.column or FIRST,
                                   event.colour if event.colour in COLOURS else DEFAULT_COLOUR)
        return MappingProxyType(changed)
    found = notes.get(getattr(event, "note", ""))
    if found is None:
        raise Dangling(f"{type(event).__name__} of a post-it that is gone")
    if isinstance(event, GroupNoteEdited):
        changed[found.note] = dataclasses.replace(found, text=event.text, colour=event.colour,
                                                  column=event.column, edited_at=at)
    elif isinstance(event, GroupNoteRemoved):
        del changed[found.note]
    elif isinstance(event, GroupNoteDotted):
        dots = tuple(p for p in found.dots if p != event.pid) + ((event.pid,) if event.dot else ())
        changed[found.note] = dataclasses.replace(found, dots=dots)
    else:
        raise TypeError(f"breakout_wall.fold: unknown event {event!r}")
    return MappingProxyType(changed)
