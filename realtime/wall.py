"""The post-it wall: several walls per session, columns, post-its, groups and dot-voting.

Theory of operation
-------------------
A wall has ordered columns, post-its (notes) and groups. Every note sits in one column; the
wall keeps one `order` of all its note ids, and a column shows its notes in that order (groups
first, by the order of their members). Moving a note is "put note N in column C before note B"
(B = "" means at the end): one event, applied in seq order, so two people moving the same note
end where the later move put it, on every screen. Grouping is a move too (a group lives in one
column; joining it moves the note there).

Visibility is a property of the note (`hidden` by the mentor, `deleted` by the mentor: kept as a
tombstone so the author can be told) and of the wall (`blind`: others' notes are not shown until
the mentor reveals them; `anonymous`: authors are never shown). Editing never touches `hidden`,
so an edit racing a hide ends hidden whatever the order. Whether a note's author may be shown is
decided per note at write time (`named`), so switching a wall from anonymous to named later
cannot unmask what was written anonymously.

Voting: one round per wall at a time, N votes per person, optionally several on one note. The
ballots live in the state and decide() checks them under the room's lock, so neither crafted
messages nor two tabs can exceed N. Counts are shown live or after the mentor reveals them (the
web layer reads `counts_visible`).

Pure like the rest of the core: ids come inside the commands, times from `Stamped.at`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, Event, Role, Stamped
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

# ---------------------------------------------------------------- limits

WALLS_MAX = 20
WALL_TITLE_MAX = 120
COLUMNS_MAX = 8
COLUMN_NAME_MAX = 40
NOTE_TEXT_MAX = 280
NOTES_PER_WALL_MAX = 500
NOTES_PER_PERSON_MAX = 50  # per wall; keeps one person from flooding a wall
GROUPS_MAX = 40
GROUP_LABEL_MAX = 60
VOTES_PER_PERSON_MAX = 20
ID_MAX = 32
COLOURS = ("yellow", "pink", "green", "blue", "orange", "purple")
SORTS = ("manual", "votes")


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Column:
    cid: str
    name: str


@dataclass(frozen=True, slots=True)
class Group:
    gid: str
    label: str
    column: str


@dataclass(frozen=True, slots=True)
class Note:
    nid: str
    author: str  # pid; "" for the mentor
    text: str
    colour: str
    column: str
    group: str  # gid or ""
    named: bool  # written while the wall was named: only then may the author ever be shown
    created_at: float
    edited_at: float | None = None
    hidden: bool = False
    deleted: bool = False  # by the mentor; a tombstone so the author can be told

    @property
    def shown(self) -> bool:
        return not (self.hidden or self.deleted)


@dataclass(frozen=True, slots=True)
class Voting:
    per_person: int = 0
    multiple: bool = False
    live: bool = False
    open: bool = False  # votes can be cast now
    revealed: bool = False
    started: bool = False  # a round was ever started on this wall
    # pid -> the note ids they voted for (a note twice = two dots)
    ballots: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def counts_visible(self) -> bool:
        return self.started and (self.live or self.revealed)

    def used(self, pid: str) -> int:
        return len(self.ballots.get(pid, ()))

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for notes in self.ballots.values():
            for nid in notes:
                result[nid] = result.get(nid, 0) + 1
        return result


@dataclass(frozen=True, slots=True)
class Wall:
    wid: str
    title: str
    created_at: float
    columns: tuple[Column, ...] = ()
    notes: Mapping[str, Note] = field(default_factory=lambda: MappingProxyType({}))
    order: tuple[str, ...] = ()  # every note id, in display order
    groups: Mapping[str, Group] = field(default_factory=lambda: MappingProxyType({}))
    anonymous: bool = False
    blind: bool = False  # hidden until reveal
    arrange: bool = False  # participants may move and group any note
    sort: str = "manual"
    voting: Voting = field(default_factory=Voting)
    created_seq: int = 0  # the room's seq of WallCreated: its session is trajectory.session_of_seq

    def column(self, cid: str) -> Column | None:
        return next((c for c in self.columns if c.cid == cid), None)

    def live_notes(self) -> list[Note]:
        """Notes that exist (not deleted), in display order."""
        return [self.notes[n] for n in self.order if not self.notes[n].deleted]


@dataclass(frozen=True, slots=True)
class WallState:
    walls: Mapping[str, Wall] = field(default_factory=lambda: MappingProxyType({}))


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class CreateWall(Command):
    wall: str  # new id, from the shell
    title: str
    column_ids: tuple[str, ...]  # new ids, from the shell; at least as many as names
    column_names: tuple[str, ...]
    anonymous: bool = False
    blind: bool = False


@dataclass(frozen=True, slots=True)
class ConfigureWall(Command):
    wall: str
    title: str
    anonymous: bool
    blind: bool
    arrange: bool


@dataclass(frozen=True, slots=True)
class AddColumn(Command):
    wall: str
    column: str  # new id
    name: str


@dataclass(frozen=True, slots=True)
class RenameColumn(Command):
    wall: str
    column: str
    name: str


@dataclass(frozen=True, slots=True)
class MoveColumn(Command):
    wall: str
    column: str
    offset: int  # -1 left, +1 right


@dataclass(frozen=True, slots=True)
class RemoveColumn(Command):
    wall: str
    column: str


@dataclass(frozen=True, slots=True)
class AddNote(Command):
    wall: str
    note: str  # new id
    text: str
    colour: str
    column: str


@dataclass(frozen=True, slots=True)
class EditNote(Command):
    wall: str
    note: str
    text: str
    colour: str


@dataclass(frozen=True, slots=True)
class DeleteNote(Command):
    wall: str
    note: str


@dataclass(frozen=True, slots=True)
class HideNote(Command):
    wall: str
    note: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class MoveNote(Command):
    """Put `note` in `column` before `before` ("" = at the end); `group` "" leaves any group,
    a gid joins that group (and its column, whatever `column` says)."""

    wall: str
    note: str
    column: str
    before: str = ""
    group: str | None = None  # None: keep the group if the column stays the same


@dataclass(frozen=True, slots=True)
class CreateGroup(Command):
    wall: str
    group: str  # new id
    label: str
    column: str
    note: str = ""  # optionally put this note in it at once


@dataclass(frozen=True, slots=True)
class RenameGroup(Command):
    wall: str
    group: str
    label: str


@dataclass(frozen=True, slots=True)
class RemoveGroup(Command):
    wall: str
    group: str


@dataclass(frozen=True, slots=True)
class StartVote(Command):
    wall: str
    per_person: str  # as typed; checked here
    multiple: bool
    live: bool


@dataclass(frozen=True, slots=True)
class EndVote(Command):
    wall: str


@dataclass(frozen=True, slots=True)
class RevealVotes(Command):
    wall: str


@dataclass(frozen=True, slots=True)
class CastVote(Command):
    wall: str
    note: str


@dataclass(frozen=True, slots=True)
class WithdrawVote(Command):
    wall: str
    note: str


@dataclass(frozen=True, slots=True)
class SortWall(Command):
    wall: str
    sort: str


COMMANDS: tuple[type[Command], ...] = (
    CreateWall, ConfigureWall, AddColumn, RenameColumn, MoveColumn, RemoveColumn, AddNote, EditNote,
    DeleteNote, HideNote, MoveNote, CreateGroup, RenameGroup, RemoveGroup, StartVote, EndVote, RevealVotes,
    CastVote, WithdrawVote, SortWall,
)


# ---------------------------------------------------------------- events
# `pid` on an event names the participant it is about (render.py re-renders that person's
# personal region only); events without `pid` touch every participant's personal region.


@dataclass(frozen=True, slots=True)
class WallCreated(Event):
    wall: str
    title: str
    column_ids: tuple[str, ...]
    column_names: tuple[str, ...]
    anonymous: bool
    blind: bool


@dataclass(frozen=True, slots=True)
class WallConfigured(Event):
    wall: str
    title: str
    anonymous: bool
    blind: bool
    arrange: bool


@dataclass(frozen=True, slots=True)
class WallColumnAdded(Event):
    wall: str
    column: str
    name: str


@dataclass(frozen=True, slots=True)
class WallColumnRenamed(Event):
    wall: str
    column: str
    name: str


@dataclass(frozen=True, slots=True)
class WallColumnsReordered(Event):
    wall: str
    column_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WallColumnRemoved(Event):
    wall: str
    column: str
    moved_to: str  # its notes and groups go here: nothing is lost


@dataclass(frozen=True, slots=True)
class WallNoteAdded(Event):
    wall: str
    note: str
    pid: str
    text: str
    colour: str
    column: str
    named: bool


@dataclass(frozen=True, slots=True)
class WallNoteEdited(Event):
    wall: str
    note: str
    pid: str
    text: str
    colour: str


@dataclass(frozen=True, slots=True)
class WallNoteDeleted(Event):
    wall: str
    note: str
    pid: str  # the author
    by_mentor: bool


@dataclass(frozen=True, slots=True)
class WallNoteHidden(Event):
    wall: str
    note: str
    pid: str  # the author, who is told
    hidden: bool


@dataclass(frozen=True, slots=True)
class WallNoteMoved(Event):
    wall: str
    note: str
    pid: str  # the author (their list shows the column)
    column: str
    before: str
    group: str


@dataclass(frozen=True, slots=True)
class WallGroupCreated(Event):
    wall: str
    group: str
    label: str
    column: str


@dataclass(frozen=True, slots=True)
class WallGroupRenamed(Event):
    wall: str
    group: str
    label: str


@dataclass(frozen=True, slots=True)
class WallGroupRemoved(Event):
    wall: str
    group: str


@dataclass(frozen=True, slots=True)
class WallVoteStarted(Event):
    wall: str
    per_person: int
    multiple: bool
    live: bool


@dataclass(frozen=True, slots=True)
class WallVoteEnded(Event):
    wall: str


@dataclass(frozen=True, slots=True)
class WallVotesRevealed(Event):
    wall: str


@dataclass(frozen=True, slots=True)
class WallVoteCast(Event):
    wall: str
    note: str
    pid: str


@dataclass(frozen=True, slots=True)
class WallVoteWithdrawn(Event):
    wall: str
    note: str
    pid: str


@dataclass(frozen=True, slots=True)
class WallSorted(Event):
    wall: str
    sort: str


EVENTS: tuple[type[Event], ...] = (
    WallCreated, WallConfigured, WallColumnAdded, WallColumnRenamed, WallColumnsReordered,
    WallColumnRemoved, WallNoteAdded, WallNoteEdited, WallNoteDeleted, WallNoteHidden, WallNoteMoved,
    WallGroupCreated, WallGroupRenamed, WallGroupRemoved, WallVoteStarted, WallVoteEnded, WallVotesRevealed,
    WallVoteCast, WallVoteWithdrawn, WallSorted,
)


# ---------------------------------------------------------------- decide helpers


def _new_id(value: str, taken: Mapping[str, object] | tuple[str, ...]) -> str:
    """An id made by the shell: a short token that is not in use yet."""
    if not value or len(value) > ID_MAX or value in taken:
        raise Rejected("bad_message")
    return value


def _wall(state: RoomState, wid: object) -> Wall:
    found = state.wall.walls.get(wid) if isinstance(wid, str) else None
    if found is None:
        raise Rejected("wall_not_found")
    return found


def _note(wall: Wall, nid: object) -> Note:
    found = wall.notes.get(nid) if isinstance(nid, str) else None
    if found is None or found.deleted:
        raise Rejected("wall_note_not_found")
    return found


def _column(wall: Wall, cid: object) -> Column:
    found = wall.column(cid) if isinstance(cid, str) else None
    if found is None:
        raise Rejected("wall_column_not_found")
    return found


def _group(wall: Wall, gid: object) -> Group:
    found = wall.groups.get(gid) if isinstance(gid, str) else None
    if found is None:
        raise Rejected("wall_group_not_found")
    return found


def _writer(state: RoomState, actor: Actor) -> str:
    """Who may write post-its: the mentor ("") and joined participants."""
    if actor.role is Role.MENTOR:
        return ""
    return require_member(state, actor).pid


def _require_own(state: RoomState, actor: Actor, note: Note) -> None:
    # The mentor's own post-its have author "": only the mentor can match that.
    if _writer(state, actor) != note.author:
        raise Forbidden("wall_not_yours")


def _require_arranger(state: RoomState, actor: Actor, wall: Wall, note: Note | None) -> None:
    """The mentor arranges any wall; participants their own notes, or any when allowed."""
    if actor.role is Role.MENTOR:
        return
    me = require_member(state, actor)
    if wall.arrange or (note is not None and note.author == me.pid):
        return
    raise Forbidden("wall_arrange_mentor")


def _bounded_int(value: object, field_name: str, low: int, high: int) -> int:
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise Rejected("wall_bad_number", field=field_name, min=low, max=high)
    return int(text)


# ---------------------------------------------------------------- decide


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_open(state)
    handler = _DECIDERS.get(type(command))
    if handler is None:
        raise Rejected("unknown_command")
    events: list[Event] = handler(state, command, actor)
    return events


def _create_wall(state: RoomState, c: CreateWall, actor: Actor) -> list[Event]:
    require_mentor(actor)
    if len(state.wall.walls) >= WALLS_MAX:
        raise Rejected("wall_too_many", field="wall", max=WALLS_MAX)
    wid = _new_id(c.wall, state.wall.walls)
    title = clean_line(c.title, "wall_title", WALL_TITLE_MAX)
    cleaned = (clean_line(n, "wall_column", COLUMN_NAME_MAX, required=False) for n in c.column_names)
    names = tuple(n for n in cleaned if n)
    if not names:
        raise Rejected("missing_field", field="wall_columns")
    if len(names) > COLUMNS_MAX:
        raise Rejected("wall_too_many", field="wall_columns", max=COLUMNS_MAX)
    ids = tuple(c.column_ids[: len(names)])
    if len(ids) < len(names) or len(set(ids)) != len(ids):
        raise Rejected("bad_message")
    for cid in ids:
        _new_id(cid, ())
    return [WallCreated(wid, title, ids, names, bool(c.anonymous), bool(c.blind))]


def _configure(state: RoomState, c: ConfigureWall, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    title = clean_line(c.title, "wall_title", WALL_TITLE_MAX)
    new = (title, bool(c.anonymous), bool(c.blind), bool(c.arrange))
    if new == (wall.title, wall.anonymous, wall.blind, wall.arrange):
        return []
    return [WallConfigured(wall.wid, *new)]


def _add_column(state: RoomState, c: AddColumn, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    if len(wall.columns) >= COLUMNS_MAX:
        raise Rejected("wall_too_many", field="wall_columns", max=COLUMNS_MAX)
    cid = _new_id(c.column, tuple(col.cid for col in wall.columns))
    return [WallColumnAdded(wall.wid, cid, clean_line(c.name, "wall_column", COLUMN_NAME_MAX))]


def _rename_column(state: RoomState, c: RenameColumn, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    column = _column(wall, c.column)
    name = clean_line(c.name, "wall_column", COLUMN_NAME_MAX)
    return [] if name == column.name else [WallColumnRenamed(wall.wid, column.cid, name)]


def _move_column(state: RoomState, c: MoveColumn, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    column = _column(wall, c.column)
    ids = [col.cid for col in wall.columns]
    at = ids.index(column.cid)
    to = max(0, min(len(ids) - 1, at + (1 if c.offset > 0 else -1)))
    if to == at:
        return []
    ids.insert(to, ids.pop(at))
    return [WallColumnsReordered(wall.wid, tuple(ids))]


def _remove_column(state: RoomState, c: RemoveColumn, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    column = _column(wall, c.column)
    others = [col.cid for col in wall.columns if col.cid != column.cid]
    if not others:
        raise Rejected("wall_last_column")
    # Its post-its move to the neighbour on the left (or the first column): never lost.
    at = [col.cid for col in wall.columns].index(column.cid)
    return [WallColumnRemoved(wall.wid, column.cid, others[max(0, at - 1)])]


def _add_note(state: RoomState, c: AddNote, actor: Actor) -> list[Event]:
    author = _writer(state, actor)
    wall = _wall(state, c.wall)
    text = clean_line(c.text, "wall_note", NOTE_TEXT_MAX)
    colour = one_of(c.colour, "wall_colour", COLOURS)
    column = _column(wall, c.column)
    live = wall.live_notes()
    if len(live) >= NOTES_PER_WALL_MAX:
        raise Rejected("wall_too_many", field="wall_notes", max=NOTES_PER_WALL_MAX)
    if author and sum(1 for n in live if n.author == author) >= NOTES_PER_PERSON_MAX:
        raise Rejected("wall_too_many", field="wall_notes", max=NOTES_PER_PERSON_MAX)
    nid = _new_id(c.note, wall.notes)
    return [WallNoteAdded(wall.wid, nid, author, text, colour, column.cid, not wall.anonymous)]


def _edit_note(state: RoomState, c: EditNote, actor: Actor) -> list[Event]:
    wall = _wall(state, c.wall)
    note = _note(wall, c.note)
    _require_own(state, actor, note)
    text = clean_line(c.text, "wall_note", NOTE_TEXT_MAX)
    colour = one_of(c.colour, "wall_colour", COLOURS)
    if (text, colour) == (note.text, note.colour):
        return []
    return [WallNoteEdited(wall.wid, note.nid, note.author, text, colour)]


def _delete_note(state: RoomState, c: DeleteNote, actor: Actor) -> list[Event]:
    wall = _wall(state, c.wall)
    note = _note(wall, c.note)
    if actor.role is not Role.MENTOR:
        _require_own(state, actor, note)
    return [WallNoteDeleted(wall.wid, note.nid, note.author, actor.role is Role.MENTOR)]


def _hide_note(state: RoomState, c: HideNote, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    note = _note(wall, c.note)
    hidden = bool(c.hidden)
    return [] if hidden == note.hidden else [WallNoteHidden(wall.wid, note.nid, note.author, hidden)]


def _move_note(state: RoomState, c: MoveNote, actor: Actor) -> list[Event]:
    wall = _wall(state, c.wall)
    note = _note(wall, c.note)
    _require_arranger(state, actor, wall, note)
    if c.group:
        group = _group(wall, c.group)
        column, gid = group.column, group.gid
    else:
        column = _column(wall, c.column).cid
        # Keep the group only while the note stays in its column (a group lives in one column).
        gid = note.group if c.group is None and column == note.column else ""
    before = c.before if isinstance(c.before, str) and c.before in wall.notes and c.before != note.nid else ""
    if (column, gid) == (note.column, note.group) and before == _next_in_column(wall, note):
        return []
    return [WallNoteMoved(wall.wid, note.nid, note.author, column, before, gid)]


def _next_in_column(wall: Wall, note: Note) -> str:
    """The note after `note` in its column ("" at the end): a move before it changes nothing."""
    seen = False
    for nid in wall.order:
        other = wall.notes[nid]
        if seen and other.column == note.column and not other.deleted:
            return nid
        seen = seen or nid == note.nid
    return ""


def _create_group(state: RoomState, c: CreateGroup, actor: Actor) -> list[Event]:
    wall = _wall(state, c.wall)
    note = _note(wall, c.note) if c.note else None
    _require_arranger(state, actor, wall, None)  # groups are shared: own notes are not enough
    if len(wall.groups) >= GROUPS_MAX:
        raise Rejected("wall_too_many", field="wall_groups", max=GROUPS_MAX)
    gid = _new_id(c.group, wall.groups)
    label = clean_line(c.label, "wall_group_label", GROUP_LABEL_MAX)
    column = note.column if note is not None else _column(wall, c.column).cid
    created: list[Event] = [WallGroupCreated(wall.wid, gid, label, column)]
    if note is not None:
        created.append(WallNoteMoved(wall.wid, note.nid, note.author, column, "", gid))
    return created


def _rename_group(state: RoomState, c: RenameGroup, actor: Actor) -> list[Event]:
    wall = _wall(state, c.wall)
    _require_arranger(state, actor, wall, None)  # as creating one: groups are shared
    group = _group(wall, c.group)
    label = clean_line(c.label, "wall_group_label", GROUP_LABEL_MAX)
    return [] if label == group.label else [WallGroupRenamed(wall.wid, group.gid, label)]


def _remove_group(state: RoomState, c: RemoveGroup, actor: Actor) -> list[Event]:
    wall = _wall(state, c.wall)
    _require_arranger(state, actor, wall, None)
    return [WallGroupRemoved(wall.wid, _group(wall, c.group).gid)]


def _start_vote(state: RoomState, c: StartVote, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    per_person = _bounded_int(c.per_person, "wall_votes", 1, VOTES_PER_PERSON_MAX)
    return [WallVoteStarted(wall.wid, per_person, bool(c.multiple), bool(c.live))]


def _end_vote(state: RoomState, c: EndVote, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    return [WallVoteEnded(wall.wid)] if wall.voting.open else []


def _reveal_votes(state: RoomState, c: RevealVotes, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    if not wall.voting.started:
        raise Rejected("wall_no_vote")
    return [] if wall.voting.revealed else [WallVotesRevealed(wall.wid)]


def _cast_vote(state: RoomState, c: CastVote, actor: Actor) -> list[Event]:
    me = require_member(state, actor)
    wall = _wall(state, c.wall)
    voting = wall.voting
    if not voting.open:
        raise Rejected("wall_no_vote")
    if wall.blind:
        raise Rejected("wall_blind")
    note = _note(wall, c.note)
    if note.hidden:
        raise Rejected("wall_note_not_found")
    mine = voting.ballots.get(me.pid, ())
    if len(mine) >= voting.per_person:
        raise Rejected("wall_votes_used", max=voting.per_person)
    if not voting.multiple and note.nid in mine:
        raise Rejected("wall_one_vote_each")
    return [WallVoteCast(wall.wid, note.nid, me.pid)]


def _withdraw_vote(state: RoomState, c: WithdrawVote, actor: Actor) -> list[Event]:
    me = require_member(state, actor)
    wall = _wall(state, c.wall)
    if not wall.voting.open:
        raise Rejected("wall_no_vote")
    if not isinstance(c.note, str) or c.note not in wall.voting.ballots.get(me.pid, ()):
        raise Rejected("wall_not_voted")
    return [WallVoteWithdrawn(wall.wid, c.note, me.pid)]


def _sort(state: RoomState, c: SortWall, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    sort = one_of(c.sort, "wall_sort", SORTS)
    return [] if sort == wall.sort else [WallSorted(wall.wid, sort)]


_DECIDERS: Mapping[type[Command], Any] = {
    CreateWall: _create_wall, ConfigureWall: _configure, AddColumn: _add_column,
    RenameColumn: _rename_column, MoveColumn: _move_column, RemoveColumn: _remove_column,
    AddNote: _add_note, EditNote: _edit_note, DeleteNote: _delete_note, HideNote: _hide_note,
    MoveNote: _move_note, CreateGroup: _create_group, RenameGroup: _rename_group, RemoveGroup: _remove_group,
    StartVote: _start_vote, EndVote: _end_vote, RevealVotes: _reveal_votes, CastVote: _cast_vote,
    WithdrawVote: _withdraw_vote, SortWall: _sort,
}


# ---------------------------------------------------------------- evolve


def _put(mapping: Mapping[str, Any], key: str, value: Any) -> Mapping[str, Any]:
    updated = dict(mapping)
    updated[key] = value
    return MappingProxyType(updated)


def _with_wall(state: RoomState, wall: Wall) -> RoomState:
    return dataclasses.replace(state, wall=WallState(walls=_put(state.wall.walls, wall.wid, wall)))


def _with_note(wall: Wall, note: Note) -> Wall:
    return dataclasses.replace(wall, notes=_put(wall.notes, note.nid, note))


def _placed(order: tuple[str, ...], nid: str, before: str) -> tuple[str, ...]:
    rest = [n for n in order if n != nid]
    at = rest.index(before) if before in rest else len(rest)
    rest.insert(at, nid)
    return tuple(rest)


def _drop_votes(voting: Voting, nid: str) -> Voting:
    ballots = {pid: tuple(n for n in notes if n != nid) for pid, notes in voting.ballots.items()}
    return dataclasses.replace(voting, ballots=MappingProxyType(ballots))


def _fold_wall(wall: Wall, event: Event, at: float) -> Wall:  # noqa: C901 (one branch per event)
    if isinstance(event, WallConfigured):
        return dataclasses.replace(
            wall, title=event.title, anonymous=event.anonymous, blind=event.blind, arrange=event.arrange
        )
    if isinstance(event, WallColumnAdded):
        return dataclasses.replace(wall, columns=(*wall.columns, Column(event.column, event.name)))
    if isinstance(event, WallColumnRenamed):
        columns = tuple(Column(c.cid, event.name) if c.cid == event.column else c for c in wall.columns)
        return dataclasses.replace(wall, columns=columns)
    if isinstance(event, WallColumnsReordered):
        by_id = {c.cid: c for c in wall.columns}
        return dataclasses.replace(wall, columns=tuple(by_id[cid] for cid in event.column_ids))
    if isinstance(event, WallColumnRemoved):
        notes = {
            nid: dataclasses.replace(n, column=event.moved_to) if n.column == event.column else n
            for nid, n in wall.notes.items()
        }
        groups = {
            gid: dataclasses.replace(g, column=event.moved_to) if g.column == event.column else g
            for gid, g in wall.groups.items()
        }
        return dataclasses.replace(
            wall,
            columns=tuple(c for c in wall.columns if c.cid != event.column),
            notes=MappingProxyType(notes),
            groups=MappingProxyType(groups),
        )
    if isinstance(event, WallNoteAdded):
        note = Note(event.note, event.pid, event.text, event.colour, event.column, "", event.named, at)
        return dataclasses.replace(_with_note(wall, note), order=(*wall.order, note.nid))
    if isinstance(event, WallNoteEdited):
        note = wall.notes[event.note]
        # `hidden` is left as it is: an edit racing the mentor's hide ends hidden.
        return _with_note(wall, dataclasses.replace(note, text=event.text, colour=event.colour, edited_at=at))
    if isinstance(event, WallNoteDeleted):
        voting = _drop_votes(wall.voting, event.note)
        if event.by_mentor:  # a tombstone: the author is told, nobody else sees it
            return dataclasses.replace(
                _with_note(wall, dataclasses.replace(wall.notes[event.note], deleted=True)), voting=voting
            )
        notes = {nid: n for nid, n in wall.notes.items() if nid != event.note}
        order = tuple(n for n in wall.order if n != event.note)
        return dataclasses.replace(wall, notes=MappingProxyType(notes), order=order, voting=voting)
    if isinstance(event, WallNoteHidden):
        return _with_note(wall, dataclasses.replace(wall.notes[event.note], hidden=event.hidden))
    if isinstance(event, WallNoteMoved):
        note = dataclasses.replace(wall.notes[event.note], column=event.column, group=event.group)
        return dataclasses.replace(_with_note(wall, note), order=_placed(wall.order, note.nid, event.before))
    if isinstance(event, WallGroupCreated):
        group = Group(event.group, event.label, event.column)
        return dataclasses.replace(wall, groups=_put(wall.groups, group.gid, group))
    if isinstance(event, WallGroupRenamed):
        group = dataclasses.replace(wall.groups[event.group], label=event.label)
        return dataclasses.replace(wall, groups=_put(wall.groups, group.gid, group))
    if isinstance(event, WallGroupRemoved):
        notes = {
            nid: dataclasses.replace(n, group="") if n.group == event.group else n for nid, n in wall.notes.items()
        }
        groups = {gid: g for gid, g in wall.groups.items() if gid != event.group}
        return dataclasses.replace(wall, notes=MappingProxyType(notes), groups=MappingProxyType(groups))
    if isinstance(event, WallVoteStarted):
        # A new round starts from zero: the previous round's dots are replaced.
        voting = Voting(event.per_person, event.multiple, event.live, open=True, started=True)
        return dataclasses.replace(wall, voting=voting)
    if isinstance(event, WallVoteEnded):
        return dataclasses.replace(wall, voting=dataclasses.replace(wall.voting, open=False))
    if isinstance(event, WallVotesRevealed):
        return dataclasses.replace(wall, voting=dataclasses.replace(wall.voting, revealed=True))
    if isinstance(event, WallVoteCast):
        ballots = _put(wall.voting.ballots, event.pid, (*wall.voting.ballots.get(event.pid, ()), event.note))
        return dataclasses.replace(wall, voting=dataclasses.replace(wall.voting, ballots=ballots))
    if isinstance(event, WallVoteWithdrawn):
        mine = list(wall.voting.ballots.get(event.pid, ()))
        mine.remove(event.note)
        ballots = _put(wall.voting.ballots, event.pid, tuple(mine))
        return dataclasses.replace(wall, voting=dataclasses.replace(wall.voting, ballots=ballots))
    if isinstance(event, WallSorted):
        return dataclasses.replace(wall, sort=event.sort)
    raise TypeError(f"evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    if isinstance(event, WallCreated):
        columns = tuple(Column(cid, name) for cid, name in zip(event.column_ids, event.column_names, strict=True))
        wall = Wall(event.wall, event.title, stamped.at, columns, anonymous=event.anonymous, blind=event.blind,
                    created_seq=stamped.seq)
        return _with_wall(state, wall)
    wid = getattr(event, "wall", None)
    if not isinstance(wid, str) or wid not in state.wall.walls:
        raise TypeError(f"evolve: unknown event {event!r}")
    return _with_wall(state, _fold_wall(state.wall.walls[wid], event, stamped.at))


# ---------------------------------------------------------------- reading and export


def column_notes(wall: Wall, cid: str, notes: list[Note]) -> list[Note]:
    """The notes of one column in display order: sorted by votes when the wall says so (only
    call this with vote sorting where the counts may be seen, or the order gives them away)."""
    in_column = [n for n in notes if n.column == cid]
    if wall.sort == "votes" and wall.voting.counts_visible:
        counts = wall.voting.counts()
        in_column.sort(key=lambda n: -counts.get(n.nid, 0))  # stable: ties keep the manual order
    return in_column


def author_shown(wall: Wall, note: Note) -> bool:
    return note.named and not wall.anonymous and bool(note.author)


def _export_wall(state: RoomState, wall: Wall) -> dict[str, Any]:
    counts = wall.voting.counts()
    names = {p.pid: p.name for p in state.participants.values()}
    notes = [n for n in wall.live_notes() if not n.hidden]
    return {
        "id": wall.wid,
        "title": wall.title,
        "anonymous": wall.anonymous,
        "created_at": wall.created_at,
        "columns": [
            {
                "id": column.cid,
                "name": column.name,
                "groups": [
                    {"id": g.gid, "label": g.label} for g in wall.groups.values() if g.column == column.cid
                ],
                "notes": [
                    {
                        "id": n.nid,
                        "text": n.text,
                        "colour": n.colour,
                        "group": wall.groups[n.group].label if n.group in wall.groups else None,
                        "votes": counts.get(n.nid, 0) if wall.voting.started else None,
                        # Authors only for post-its written on a named wall that is still named.
                        "author": (names.get(n.author, "") if n.author else "mentor")
                        if author_shown(wall, n) or (not n.author and not wall.anonymous)
                        else None,
                        "created_at": n.created_at,
                        "edited_at": n.edited_at,
                    }
                    for n in column_notes(wall, column.cid, notes)
                ],
            }
            for column in wall.columns
        ],
        "hidden_notes": sum(1 for n in wall.live_notes() if n.hidden),
        "vote": {
            "per_person": wall.voting.per_person,
            "several_on_one": wall.voting.multiple,
            "open": wall.voting.open,
        }
        if wall.voting.started
        else None,
    }


def export(state: RoomState) -> Any:
    """This feature's part of the mentor's JSON export (realtime/export.py): every wall, without
    hidden or deleted post-its, and authors only where the wall is named."""
    return [_export_wall(state, wall) for wall in state.wall.walls.values()]


def _md_line(text: str) -> str:
    # Markdown is text: escape what would turn a post-it into markup (a list, a heading, a link).
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|" else ch for ch in text)


def to_markdown(state: RoomState, wid: str) -> str:
    """One wall as Markdown: a heading per column, groups as sub-headings, votes and authors."""
    data = _export_wall(state, _wall(state, wid))
    lines = [f"# {_md_line(data['title'])}", ""]
    for column in data["columns"]:
        lines += [f"## {_md_line(column['name'])}", ""]
        grouped: dict[str | None, list[dict[str, Any]]] = {}
        for note in column["notes"]:
            grouped.setdefault(note["group"], []).append(note)
        for label, notes in sorted(grouped.items(), key=lambda item: item[0] is not None):
            if label is not None:
                lines += [f"### {_md_line(label)}", ""]
            for note in notes:
                extra = []
                if note["votes"] is not None:
                    extra.append(f"{note['votes']} ●")
                if note["author"]:
                    extra.append(_md_line(note["author"]))
                suffix = f" ({', '.join(extra)})" if extra else ""
                lines.append(f"- {_md_line(note['text'])}{suffix}")
            lines.append("")
        if not column["notes"]:
            lines += ["-", ""]
    return "\n".join(lines).rstrip() + "\n"


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A leading = + - @ makes spreadsheets run the cell as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(state: RoomState, wid: str) -> str:
    """One wall as CSV: one row per post-it (column, group, text, colour, votes, author)."""
    data = _export_wall(state, _wall(state, wid))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["column", "group", "text", "colour", "votes", "author"])
    for column in data["columns"]:
        for note in column["notes"]:
            writer.writerow(
                [_csv_cell(v) for v in (column["name"], note["group"], note["text"], note["colour"],
                                        note["votes"], note["author"])]
            )
    return out.getvalue()
