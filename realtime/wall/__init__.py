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

Spotlight: the mentor puts one post-it or one group large on the projector (`spot_note`,
`spot_group`); a view shows it only while it shows that post-it or group itself.

Guided retro: a wall may be led through PHASES (write -> group -> vote -> discuss), each with an
optional timer (`phase_ends_at`, from the event's time), moved on by the mentor; entering a phase
does what it needs (reveal, open or close the vote round). Several post-its can be grouped in one
command (GroupNotes: one WallGroupCreated and a WallNoteMoved per post-it).

Comments and reactions live on their post-it (`comments`, `reactions`): a comment's author is
shown under the same rule as a post-it's (`named` at write time); the mentor hides comments.

Voting: one round per wall at a time, N votes per person, optionally several on one note. The
ballots live in the state and decide() checks them under the room's lock, so neither crafted
messages nor two tabs can exceed N. Counts are shown live or after the mentor reveals them (the
web layer reads `counts_visible`).

Pure like the rest of the core: ids come inside the commands, times from `Stamped.at`.
"""

from __future__ import annotations

from realtime.feature import CoreFeature
from realtime.wall.decide import decide
from realtime.wall.evolve import evolve
from realtime.wall.export import export, export_wall
from realtime.wall.messages import (
    COMMANDS,
    EVENTS,
    AddColumn,
    AddNote,
    CastVote,
    CommentNote,
    ConfigureWall,
    CreateGroup,
    CreateWall,
    DeleteNote,
    EditNote,
    EndVote,
    GroupNotes,
    HideComment,
    HideNote,
    MoveColumn,
    MoveNote,
    ReactNote,
    RemoveColumn,
    RemoveGroup,
    RenameColumn,
    RenameGroup,
    RevealVotes,
    SetPhase,
    SortWall,
    SpotlightWall,
    StartVote,
    WallColumnAdded,
    WallColumnRemoved,
    WallColumnRenamed,
    WallColumnsReordered,
    WallCommentAdded,
    WallCommentHidden,
    WallConfigured,
    WallCreated,
    WallGroupCreated,
    WallGroupRemoved,
    WallGroupRenamed,
    WallNoteAdded,
    WallNoteDeleted,
    WallNoteEdited,
    WallNoteHidden,
    WallNoteMoved,
    WallPhaseSet,
    WallReacted,
    WallSorted,
    WallSpotlighted,
    WallVoteCast,
    WallVoteEnded,
    WallVotesRevealed,
    WallVoteStarted,
    WallVoteWithdrawn,
    WithdrawVote,
)
from realtime.wall.model import (
    COLOURS,
    COLUMN_NAME_MAX,
    COLUMNS_MAX,
    COMMENT_MAX,
    COMMENTS_PER_NOTE_MAX,
    DEFAULT_VOTES,
    GROUP_LABEL_MAX,
    GROUPS_MAX,
    ID_MAX,
    NOTE_TEXT_MAX,
    NOTES_PER_PERSON_MAX,
    NOTES_PER_WALL_MAX,
    PART,
    PHASE_MINUTES_MAX,
    PHASES,
    REACTIONS,
    REASONS,
    SORTS,
    VOTES_PER_PERSON_MAX,
    WALL_TITLE_MAX,
    WALLS_MAX,
    Column,
    Group,
    Note,
    Voting,
    Wall,
    WallState,
    author_shown,
    column_notes,
)

FEATURE = CoreFeature(
    name="wall",
    commands=COMMANDS,
    mentor_only=(
        CreateWall, ConfigureWall, AddColumn, RenameColumn, MoveColumn, RemoveColumn, HideNote, StartVote,
        EndVote, RevealVotes, SortWall, SpotlightWall, SetPhase, HideComment,
    ),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        WallCreated: (),
        WallConfigured: (),
        WallColumnAdded: (),
        WallColumnRenamed: (),
        WallColumnsReordered: (),
        WallColumnRemoved: (),
        WallNoteAdded: ("pid",),
        WallNoteEdited: ("pid",),
        WallNoteDeleted: ("pid",),
        WallNoteHidden: ("pid",),
        WallNoteMoved: ("pid",),
        WallGroupCreated: (),
        WallGroupRenamed: (),
        WallGroupRemoved: (),
        WallVoteStarted: (),
        WallVoteEnded: (),
        WallVotesRevealed: (),
        WallVoteCast: ("pid",),
        WallVoteWithdrawn: ("pid",),
        WallSorted: (),
        WallSpotlighted: (),
        WallPhaseSet: (),
        WallCommentAdded: ("pid",),
        WallCommentHidden: (),
        WallReacted: ("pid",),
    },
    export_key="walls",
    export=export,
    reasons=REASONS,
    projector_views=("wall",),
)

__all__ = [
    "AddColumn",
    "AddNote",
    "COLOURS",
    "COLUMNS_MAX",
    "COLUMN_NAME_MAX",
    "COMMANDS",
    "CastVote",
    "Column",
    "ConfigureWall",
    "CreateGroup",
    "CreateWall",
    "DeleteNote",
    "EVENTS",
    "EditNote",
    "EndVote",
    "FEATURE",
    "GROUPS_MAX",
    "GROUP_LABEL_MAX",
    "Group",
    "HideNote",
    "ID_MAX",
    "MoveColumn",
    "MoveNote",
    "NOTES_PER_PERSON_MAX",
    "NOTES_PER_WALL_MAX",
    "NOTE_TEXT_MAX",
    "Note",
    "DEFAULT_VOTES",
    "PART",
    "PHASES",
    "PHASE_MINUTES_MAX",
    "REACTIONS",
    "COMMENT_MAX",
    "COMMENTS_PER_NOTE_MAX",
    "REASONS",
    "RemoveColumn",
    "RemoveGroup",
    "RenameColumn",
    "RenameGroup",
    "RevealVotes",
    "SORTS",
    "CommentNote",
    "GroupNotes",
    "HideComment",
    "ReactNote",
    "SetPhase",
    "SortWall",
    "SpotlightWall",
    "StartVote",
    "VOTES_PER_PERSON_MAX",
    "Voting",
    "WALLS_MAX",
    "WALL_TITLE_MAX",
    "Wall",
    "WallColumnAdded",
    "WallColumnRemoved",
    "WallColumnRenamed",
    "WallColumnsReordered",
    "WallConfigured",
    "WallCreated",
    "WallGroupCreated",
    "WallGroupRemoved",
    "WallGroupRenamed",
    "WallNoteAdded",
    "WallNoteDeleted",
    "WallNoteEdited",
    "WallNoteHidden",
    "WallNoteMoved",
    "WallSorted",
    "WallCommentAdded",
    "WallCommentHidden",
    "WallPhaseSet",
    "WallReacted",
    "WallSpotlighted",
    "WallState",
    "WallVoteCast",
    "WallVoteEnded",
    "WallVoteStarted",
    "WallVoteWithdrawn",
    "WallVotesRevealed",
    "WithdrawVote",
    "author_shown",
    "column_notes",
    "decide",
    "evolve",
    "export",
    "export_wall",
]
