"""The wall's rules: which events a command causes, or why it is refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, Event, Role
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

from realtime.wall.messages import (
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
    SORTS,
    VOTES_PER_PERSON_MAX,
    WALL_TITLE_MAX,
    WALLS_MAX,
    Column,
    Group,
    Note,
    Wall,
)

# ---------------------------------------------------------------- decide helpers


def _new_id(value: str, taken: Mapping[str, object] | tuple[str, ...]) -> str:
    """An id made by the shell: a short token that is not in use yet."""
    if not value or len(value) > ID_MAX or value in taken:
        raise Rejected("bad_message")
    return value


def _wall(state: RoomState, wid: object) -> Wall:
    found = state.part(PART).walls.get(wid) if isinstance(wid, str) else None
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
    if len(state.part(PART).walls) >= WALLS_MAX:
        raise Rejected("too_many", field="wall", max=WALLS_MAX)
    wid = _new_id(c.wall, state.part(PART).walls)
    title = clean_line(c.title, "wall_title", WALL_TITLE_MAX)
    cleaned = (clean_line(n, "wall_column", COLUMN_NAME_MAX, required=False) for n in c.column_names)
    names = tuple(n for n in cleaned if n)
    if not names:
        raise Rejected("missing_field", field="wall_columns")
    if len(names) > COLUMNS_MAX:
        raise Rejected("too_many", field="wall_columns", max=COLUMNS_MAX)
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
        raise Rejected("too_many", field="wall_columns", max=COLUMNS_MAX)
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
        raise Rejected("too_many", field="wall_notes", max=NOTES_PER_WALL_MAX)
    if author and sum(1 for n in live if n.author == author) >= NOTES_PER_PERSON_MAX:
        raise Rejected("too_many", field="wall_notes", max=NOTES_PER_PERSON_MAX)
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
    if c.step:
        return _step(wall, note, one_of(c.step, "wall_sort", ("up", "down")))
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


def _step(wall: Wall, note: Note, step: str) -> list[Event]:
    """One place up or down among the post-its of the same list (same column and group); at
    the top or the bottom already, nothing happens."""
    siblings = [nid for nid in wall.order
                if (n := wall.notes[nid]).column == note.column and n.group == note.group and not n.deleted]
    at = siblings.index(note.nid)
    if step == "up":
        if at == 0:
            return []
        before = siblings[at - 1]
    else:
        if at + 1 >= len(siblings):
            return []
        before = siblings[at + 2] if at + 2 < len(siblings) else _after_list(wall, siblings[-1])
    return [WallNoteMoved(wall.wid, note.nid, note.author, note.column, before, note.group)]


def _after_list(wall: Wall, last: str) -> str:
    """Where "after the last of a list" is in the wall's order: before the next post-it of the
    column outside the list, or at the end."""
    seen = False
    for nid in wall.order:
        if seen and wall.notes[nid].column == wall.notes[last].column and not wall.notes[nid].deleted:
            return nid
        seen = seen or nid == last
    return ""


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
        raise Rejected("too_many", field="wall_groups", max=GROUPS_MAX)
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


def _spotlight(state: RoomState, c: SpotlightWall, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    note, group = "", ""
    if c.note:
        found = _note(wall, c.note)
        if found.hidden:
            raise Rejected("wall_spot_hidden")
        note = found.nid
    elif c.group:
        group = _group(wall, c.group).gid
    if (note, group) == (wall.spot_note, wall.spot_group):
        return []
    return [WallSpotlighted(wall.wid, note, group)]


def _set_phase(state: RoomState, c: SetPhase, actor: Actor) -> list[Event]:
    """Each phase does what it needs: grouping and voting show the post-its (a wall hidden until
    reveal is revealed), the vote opens a round if none is open, the discussion closes it and
    shows the counts (the ranked list needs them)."""
    require_mentor(actor)
    wall = _wall(state, c.wall)
    phase = one_of(c.phase, "wall_phase", ("", *PHASES))
    minutes = c.minutes.strip() if isinstance(c.minutes, str) else ""
    seconds = 60 * _bounded_int(minutes, "wall_minutes", 1, PHASE_MINUTES_MAX) if minutes else 0
    events: list[Event] = []
    if phase in ("group", "vote", "discuss") and wall.blind:
        events.append(WallConfigured(wall.wid, wall.title, wall.anonymous, False, wall.arrange))
    if phase == "vote" and not wall.voting.open:
        votes = c.votes.strip() if isinstance(c.votes, str) else ""
        per_person = _bounded_int(votes, "wall_votes", 1, VOTES_PER_PERSON_MAX) if votes else DEFAULT_VOTES
        events.append(WallVoteStarted(wall.wid, per_person, False, False))
    if phase == "discuss":
        if wall.voting.open:
            events.append(WallVoteEnded(wall.wid))
        if wall.voting.started and not wall.voting.revealed:
            events.append(WallVotesRevealed(wall.wid))
    if not events and (phase, seconds) == (wall.phase, 0) and not wall.phase_ends_at:
        return []
    return [*events, WallPhaseSet(wall.wid, phase, seconds)]


def _group_notes(state: RoomState, c: GroupNotes, actor: Actor) -> list[Event]:
    wall = _wall(state, c.wall)
    _require_arranger(state, actor, wall, None)  # groups are shared: own notes are not enough
    if not isinstance(c.notes, tuple) or not c.notes:
        raise Rejected("wall_pick_notes")
    notes = [_note(wall, nid) for nid in dict.fromkeys(c.notes)]
    events: list[Event] = []
    if c.into:
        group = _group(wall, c.into)
        gid, column = group.gid, group.column
    else:
        if len(wall.groups) >= GROUPS_MAX:
            raise Rejected("too_many", field="wall_groups", max=GROUPS_MAX)
        gid = _new_id(c.group, wall.groups)
        column = notes[0].column
        events.append(WallGroupCreated(wall.wid, gid, clean_line(c.label, "wall_group_label", GROUP_LABEL_MAX), column))
    events += [WallNoteMoved(wall.wid, n.nid, n.author, column, "", gid)
               for n in notes if (n.column, n.group) != (column, gid)]
    return events


def _shown_note(state: RoomState, actor: Actor, wall: Wall, nid: object) -> Note:
    """A post-it others can see: not hidden, and the wall not hidden until reveal (for
    participants; the mentor sees them all)."""
    note = _note(wall, nid)
    if actor.role is not Role.MENTOR and (note.hidden or wall.blind):
        raise Rejected("wall_comment_blind" if wall.blind else "wall_note_not_found")
    return note


def _comment(state: RoomState, c: CommentNote, actor: Actor) -> list[Event]:
    author = _writer(state, actor)
    wall = _wall(state, c.wall)
    note = _shown_note(state, actor, wall, c.note)
    text = clean_line(c.text, "wall_comment", COMMENT_MAX)
    if len(note.comments) >= COMMENTS_PER_NOTE_MAX:
        raise Rejected("too_many", field="wall_comments", max=COMMENTS_PER_NOTE_MAX)
    cid = _new_id(c.comment, tuple(x.cid for x in note.comments))
    return [WallCommentAdded(wall.wid, note.nid, cid, author, text, not wall.anonymous)]


def _hide_comment(state: RoomState, c: HideComment, actor: Actor) -> list[Event]:
    require_mentor(actor)
    wall = _wall(state, c.wall)
    note = _note(wall, c.note)
    found = next((x for x in note.comments if x.cid == c.comment), None)
    if found is None:
        raise Rejected("wall_comment_not_found")
    hidden = bool(c.hidden)
    return [] if hidden == found.hidden else [WallCommentHidden(wall.wid, note.nid, found.cid, hidden)]


def _react(state: RoomState, c: ReactNote, actor: Actor) -> list[Event]:
    me = require_member(state, actor)
    wall = _wall(state, c.wall)
    note = _shown_note(state, actor, wall, c.note)
    kind = one_of(c.kind, "wall_reaction", REACTIONS)
    on = me.pid not in note.reactions.get(kind, ())
    return [WallReacted(wall.wid, note.nid, me.pid, kind, on)]


_DECIDERS: Mapping[type[Command], Any] = {
    CreateWall: _create_wall, ConfigureWall: _configure, AddColumn: _add_column,
    RenameColumn: _rename_column, MoveColumn: _move_column, RemoveColumn: _remove_column,
    AddNote: _add_note, EditNote: _edit_note, DeleteNote: _delete_note, HideNote: _hide_note,
    MoveNote: _move_note, CreateGroup: _create_group, RenameGroup: _rename_group, RemoveGroup: _remove_group,
    StartVote: _start_vote, EndVote: _end_vote, RevealVotes: _reveal_votes, CastVote: _cast_vote,
    WithdrawVote: _withdraw_vote, SortWall: _sort, SpotlightWall: _spotlight,
    SetPhase: _set_phase, GroupNotes: _group_notes, CommentNote: _comment, HideComment: _hide_comment,
    ReactNote: _react,
}


