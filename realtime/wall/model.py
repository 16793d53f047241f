"""The wall's state and limits (see realtime/wall/__init__.py for how it works)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from realtime.feature import Part

if TYPE_CHECKING:
    pass


REASONS: Mapping[str, str] = {
    "wall_not_found": "That wall does not exist (any more).",
    "wall_note_not_found": "That post-it does not exist (any more).",
    "wall_column_not_found": "That column does not exist (any more).",
    "wall_group_not_found": "That group does not exist (any more).",
    "wall_not_yours": "You can only change your own post-its.",
    "wall_arrange_mentor": "On this wall only the mentor arranges other people's post-its.",
    "wall_last_column": "A wall needs at least one column.",
    "wall_no_vote": "There is no vote running on this wall.",
    "wall_blind": "Voting can start once the post-its are revealed.",
    "wall_votes_used": "You have used all your votes ({max}). Take one back to vote again.",
    "wall_one_vote_each": "In this round a post-it can get only one vote from you.",
    "wall_not_voted": "You have no vote on that post-it to take back.",
    "wall_bad_number": "{field} must be a whole number from {min} to {max}.",
    "wall_pick_notes": "Select the post-its to group first.",
    "wall_comment_blind": "Comments can be written once the post-its are revealed.",
    "wall_comment_not_found": "That comment does not exist (any more).",
    "wall_spot_hidden": "A hidden post-it cannot be put in the spotlight.",
}


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
PHASES = ("write", "group", "vote", "discuss")
COMMENT_MAX = 200
COMMENTS_PER_NOTE_MAX = 30
REACTIONS = ("agree", "idea", "heart")
PHASE_MINUTES_MAX = 60
DEFAULT_VOTES = 3


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
class Comment:
    cid: str
    author: str  # pid; "" for the mentor
    text: str
    named: bool
    created_at: float
    hidden: bool = False  # by the mentor


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
    comments: tuple[Comment, ...] = ()
    reactions: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))  # kind -> pids

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
    # In the spotlight on the projector: one post-it or one group ("" both: none). Kept when the
    # post-it is hidden or the group removed; the views show a spotlight only of what they show.
    spot_note: str = ""
    spot_group: str = ""
    # The guided retro (PHASES; "" not guided) and when its timer runs out (0: no timer).
    phase: str = ""
    phase_ends_at: float = 0.0

    def column(self, cid: str) -> Column | None:
        return next((c for c in self.columns if c.cid == cid), None)

    def live_notes(self) -> list[Note]:
        """Notes that exist (not deleted), in display order."""
        # One lookup a post-it (this runs for every render of a 200-post-it wall).
        return [note for note in map(self.notes.__getitem__, self.order) if not note.deleted]


@dataclass(frozen=True, slots=True)
class WallState:
    walls: Mapping[str, Wall] = field(default_factory=lambda: MappingProxyType({}))


PART: Part[WallState] = Part("wall", WallState())



# ---------------------------------------------------------------- reading


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


