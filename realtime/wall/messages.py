"""The wall's commands (what someone asks) and events (what happened)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from realtime.events import Command, Event

if TYPE_CHECKING:
    pass


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
    a gid joins that group (and its column, whatever `column` says). `step` "up" or "down" moves
    it one place within its own list (its group, or the loose post-its of its column) instead:
    the page need not know the neighbours, so a post-it's controls stay right however the others
    move (the wall's live updates send one post-it, not its column)."""

    wall: str
    note: str
    column: str
    before: str = ""
    group: str | None = None  # None: keep the group if the column stays the same
    step: str = ""


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


@dataclass(frozen=True, slots=True)
class SpotlightWall(Command):
    """The mentor puts one post-it (`note`) or one group (`group`) large on the projector; both
    empty takes the spotlight away."""

    wall: str
    note: str = ""
    group: str = ""


@dataclass(frozen=True, slots=True)
class SetPhase(Command):
    """The guided retro: the mentor moves the wall to `phase` ("" ends the guidance), with a timer
    of `minutes` ("" none) and, for the vote, `votes` per person ("" 3)."""

    wall: str
    phase: str
    minutes: str = ""
    votes: str = ""


@dataclass(frozen=True, slots=True)
class GroupNotes(Command):
    """Several post-its at once into one group: an existing one (`into`), or a new one (`group`,
    a new id from the shell, with `label`) in the first post-it's column."""

    wall: str
    notes: tuple[str, ...]
    into: str = ""
    group: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class CommentNote(Command):
    wall: str
    note: str
    comment: str  # new id, from the shell
    text: str


@dataclass(frozen=True, slots=True)
class HideComment(Command):
    wall: str
    note: str
    comment: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class ReactNote(Command):
    """A reaction on a post-it (REACTIONS); the same one again takes it back."""

    wall: str
    note: str
    kind: str


COMMANDS: tuple[type[Command], ...] = (
    CreateWall, ConfigureWall, AddColumn, RenameColumn, MoveColumn, RemoveColumn, AddNote, EditNote,
    DeleteNote, HideNote, MoveNote, CreateGroup, RenameGroup, RemoveGroup, StartVote, EndVote, RevealVotes,
    CastVote, WithdrawVote, SortWall, SpotlightWall, SetPhase, GroupNotes,
    CommentNote, HideComment, ReactNote,
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


@dataclass(frozen=True, slots=True)
class WallSpotlighted(Event):
    wall: str
    note: str  # "" when a group or nothing is in the spotlight
    group: str


@dataclass(frozen=True, slots=True)
class WallPhaseSet(Event):
    wall: str
    phase: str
    seconds: int  # the timer; 0: none


@dataclass(frozen=True, slots=True)
class WallCommentAdded(Event):
    wall: str
    note: str
    comment: str
    pid: str  # the comment's author ("" the mentor)
    text: str
    named: bool  # as a post-it's: written while the wall was named


@dataclass(frozen=True, slots=True)
class WallCommentHidden(Event):
    wall: str
    note: str
    comment: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class WallReacted(Event):
    wall: str
    note: str
    pid: str
    kind: str
    on: bool  # False: taken back


EVENTS: tuple[type[Event], ...] = (
    WallCreated, WallConfigured, WallColumnAdded, WallColumnRenamed, WallColumnsReordered,
    WallColumnRemoved, WallNoteAdded, WallNoteEdited, WallNoteDeleted, WallNoteHidden, WallNoteMoved,
    WallGroupCreated, WallGroupRenamed, WallGroupRemoved, WallVoteStarted, WallVoteEnded, WallVotesRevealed,
    WallVoteCast, WallVoteWithdrawn, WallSorted, WallSpotlighted, WallPhaseSet,
    WallCommentAdded, WallCommentHidden, WallReacted,
)


