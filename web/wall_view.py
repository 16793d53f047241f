"""The web side of the wall: its regions, which events touch them, and what each viewer may see.

Two regions on the pages: `wall` is shared (rendered once per role and language, however many
people look at it), `wall-mine` is personal and small (a participant's write form, their own
post-its and their votes). The projector shows a wall inside its stage (stage/wall.html).

Privacy lives here: the views handed to a template carry only what that kind of viewer may see.
A participant's or the projector's view of a note never has its author on an anonymous wall,
never has mentor-hidden or deleted notes, has no notes at all on a blind wall before the reveal,
and has vote counts only when the mentor shows them. The shared `wall` region never depends on
who the participant is; everything personal is in `wall-mine`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from realtime import events
from realtime import wall as core
from realtime.events import Role
from realtime.room import Room
from realtime.state import RoomState
from web import wall_commands, wall_items
from web.feature import NowEntry, Region, Tab, WebFeature
from web.viewer import Viewer

# Above these many shown post-its the projector switches to smaller cards (see kring.css).

# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "wall": "Walls",
    "wall_title": "Question",
    "wall_column": "Column name",
    "wall_columns": "Columns",
    "wall_note": "Post-it text",
    "wall_notes": "Post-its",
    "wall_colour": "Colour",
    "wall_groups": "Groups",
    "wall_group_label": "Group label",
    "wall_votes": "Votes per person",
    "wall_sort": "Order",
    "wall_phase": "Phase",
    "wall_minutes": "Minutes",
    "wall_comment": "Comment",
    "wall_comments": "Comments",
    "wall_reaction": "Reaction",
}


DENSE_NOTES = 24
VERY_DENSE_NOTES = 48
# The projector highlights the post-its written in the last RECENT_S seconds (wall.js lets the
# highlight go once they are older; the server cannot, as a render has no clock).
RECENT_S = 10


@dataclass(frozen=True, slots=True)
class CommentView:
    cid: str
    text: str
    author: str  # "" when it may not be shown
    by_mentor: bool
    hidden: bool  # only ever True in the mentor's view


@dataclass(frozen=True, slots=True)
class NoteView:
    nid: str
    text: str
    colour: str
    column: str
    group: str
    author: str  # "" when it may not be shown
    by_mentor: bool
    votes: int | None  # None when counts are hidden from this viewer
    hidden: bool  # only ever True in the mentor's view
    newest: bool
    # Projector only: whole seconds this post-it is older than the newest one, while that is at
    # most RECENT_S (None otherwise). Relative to the newest, so no clock and no clock skew.
    recent: int | None
    pos: int  # its place in the wall's manual order (breaks ties when sorted by votes)
    comments: tuple[CommentView, ...] = ()
    reactions: tuple[tuple[str, int], ...] = ()  # (kind, how many), only kinds someone used


@dataclass(frozen=True, slots=True)
class GroupView:
    gid: str
    label: str
    notes: tuple[NoteView, ...]

    @property
    def votes(self) -> int | None:
        """The group's total, when this viewer sees counts."""
        counts = [n.votes for n in self.notes if n.votes is not None]
        return sum(counts) if counts else None


@dataclass(frozen=True, slots=True)
class Ranked:
    """One entry of the "discuss these" list: a group (gid) or a loose post-it (nid)."""

    gid: str
    nid: str
    label: str
    column: str
    votes: int


@dataclass(frozen=True, slots=True)
class SpotView:
    """What is in the spotlight, as this viewer may see it: one post-it (label "") or a group."""

    gid: str
    label: str
    notes: tuple[NoteView, ...]


@dataclass(frozen=True, slots=True)
class ColumnView:
    cid: str
    name: str
    first: bool
    last: bool
    groups: tuple[GroupView, ...]
    loose: tuple[NoteView, ...]
    count: int


@dataclass(frozen=True, slots=True)
class WallView:
    wid: str
    title: str
    anonymous: bool
    blind: bool
    arrange: bool  # this viewer gets the move and group controls
    participants_arrange: bool
    sort: str
    manual_order: bool  # up/down make sense (not sorted by visible votes)
    voting: core.Voting
    columns: tuple[ColumnView, ...]
    groups: tuple[core.Group, ...]
    shown: int  # post-its this viewer sees
    written: int  # post-its that exist (not hidden or deleted), for the blind count
    hidden: int
    on_projector: bool
    spot: SpotView | None = None
    phase: str = ""
    phase_ends_at: float = 0.0

    @property
    def ranked(self) -> tuple[Ranked, ...]:
        """Groups (by their total) and loose post-its across all columns, most votes first, ties
        in the wall's order: what to discuss. Only where counts are shown to this viewer."""
        found: list[tuple[int, Ranked]] = []
        for column in self.columns:
            for g in column.groups:
                if g.votes:
                    found.append((g.notes[0].pos, Ranked(g.gid, "", g.label, column.name, g.votes)))
            for n in column.loose:
                if n.votes:
                    found.append((n.pos, Ranked("", n.nid, n.text, column.name, n.votes)))
        return tuple(r for _, r in sorted(found, key=lambda item: (-item[1].votes, item[0])))

    @property
    def density(self) -> str:
        return "xs" if self.shown > VERY_DENSE_NOTES else "s" if self.shown > DENSE_NOTES else "m"


@dataclass(frozen=True, slots=True)
class MyNote:
    nid: str
    text: str
    colour: str
    column: str
    column_name: str
    hidden: bool
    deleted: bool


@dataclass(frozen=True, slots=True)
class MyWall:
    wid: str
    title: str
    anonymous: bool
    blind: bool
    columns: tuple[core.Column, ...]
    notes: tuple[MyNote, ...]
    voting: core.Voting
    votes_used: int
    my_votes: tuple[tuple[str, str, int], ...]  # (note id, text, dots)
    newest: bool


# A wall's live post-its, those a role sees, and how one of them looks to that role (_board).
Board = tuple[list[core.Note], list[core.Note], Callable[[core.Note], NoteView]]


def _board(room: Room, wall: core.Wall, role: Role) -> Board:
    """The wall's live post-its, those this viewer sees, and how one of them looks to them."""
    state = room.state
    mentor = role is Role.MENTOR
    names = {p.pid: p.name for p in state.participants.values()}
    counts = wall.voting.counts() if (mentor or wall.voting.counts_visible) else None
    existing = wall.live_notes()
    if mentor:
        visible = existing
    elif wall.blind:
        visible = []  # hidden until reveal: the shared view shows nobody's post-its
    else:
        visible = [n for n in existing if not n.hidden]
    newest_note = max(visible, key=lambda n: n.created_at) if visible else None
    newest = newest_note.nid if newest_note else ""
    newest_at = newest_note.created_at if newest_note else 0.0
    projector = role is Role.PROJECTOR

    position = {nid: i for i, nid in enumerate(wall.order)}

    def note_view(n: core.Note) -> NoteView:
        shown_author = core.author_shown(wall, n)
        author = names.get(n.author, "") if shown_author else ""
        return NoteView(
            n.nid, n.text, n.colour, n.column, n.group, author,
            by_mentor=not n.author and n.named and not wall.anonymous,
            votes=counts.get(n.nid, 0) if counts is not None and wall.voting.started else None,
            hidden=n.hidden and mentor, newest=n.nid == newest,
            recent=int(newest_at - n.created_at) if projector and newest_at - n.created_at <= RECENT_S else None,
            pos=position.get(n.nid, 0),
            comments=tuple(
                CommentView(c.cid, c.text,
                            names.get(c.author, "") if c.named and not wall.anonymous and c.author else "",
                            by_mentor=not c.author and c.named and not wall.anonymous, hidden=c.hidden)
                for c in n.comments if mentor or not c.hidden
            ),
            reactions=tuple((kind, len(n.reactions[kind])) for kind in core.REACTIONS if n.reactions.get(kind)),
        )

    return existing, visible, note_view


def _lists(wall: core.Wall, cid: str, ordered: list[core.Note]) -> tuple[list[tuple[core.Group, list[core.Note]]],
                                                                          list[core.Note]]:
    """A column's post-its (`ordered`: core.column_notes) by its groups, and those in none."""
    groups = [(g, [n for n in ordered if n.group == g.gid]) for g in wall.groups.values() if g.column == cid]
    loose = [n for n in ordered if n.group not in wall.groups or wall.groups[n.group].column != cid]
    return groups, loose


def wall_view(room: Room, wall: core.Wall, role: Role, *, with_notes: bool = True,
              board: Board | None = None) -> WallView:
    """The wall as `role` sees it. Without `with_notes`, its columns carry their counts but no
    post-its, and there is no spotlight: what a part sent alone (web/wall_items.py) needs of the
    wall around it, without a view of each of its 200 post-its (a third of the server's CPU in
    `retro`, docs/performance.md, issue 19). `board`: _board's answer for this wall and role,
    where the caller has it already."""
    state = room.state
    mentor = role is Role.MENTOR
    existing, visible, note_view = board if board is not None else _board(room, wall, role)
    manual = not (wall.sort == "votes" and wall.voting.counts_visible)

    shown_ids = {n.nid for n in visible if not n.hidden}  # the mentor sees hidden ones; never in the spotlight
    spot = None
    if with_notes and wall.spot_note in shown_ids:
        spot = SpotView("", "", (note_view(wall.notes[wall.spot_note]),))
    elif with_notes and wall.spot_group in wall.groups:
        members = [n for n in core.column_notes(wall, wall.groups[wall.spot_group].column, visible)
                   if n.group == wall.spot_group]
        spot = SpotView(wall.spot_group, wall.groups[wall.spot_group].label, tuple(note_view(n) for n in members))

    columns = []
    for i, column in enumerate(wall.columns):
        ordered = core.column_notes(wall, column.cid, visible)
        groups: tuple[GroupView, ...] = ()
        loose: tuple[NoteView, ...] = ()
        if with_notes:
            in_groups, outside = _lists(wall, column.cid, ordered)
            groups = tuple(GroupView(g.gid, g.label, tuple(note_view(n) for n in members)) for g, members in in_groups)
            loose = tuple(note_view(n) for n in outside)
        columns.append(
            ColumnView(column.cid, column.name, i == 0, i == len(wall.columns) - 1, groups, loose, len(ordered))
        )
    return WallView(
        wid=wall.wid, title=wall.title, anonymous=wall.anonymous, blind=wall.blind,
        arrange=mentor or (role is Role.PARTICIPANT and wall.arrange and not wall.blind),
        participants_arrange=wall.arrange, sort=wall.sort, manual_order=manual, voting=wall.voting,
        columns=tuple(columns), groups=tuple(wall.groups.values()), shown=len(visible),
        written=sum(1 for n in existing if not n.hidden), hidden=sum(1 for n in existing if n.hidden),
        on_projector=state.projector_view == "wall" and state.projector_ref == wall.wid, spot=spot,
        phase=wall.phase, phase_ends_at=wall.phase_ends_at,
    )


def find_note(room: Room, wall: core.Wall, role: Role, nid: str, board: Board | None = None
              ) -> tuple[NoteView, str] | None:
    """Post-it `nid` as wall_view shows it to `role`, with where it goes on the page: before the
    post-it after it in its list, or at the end of that list; None when `role` does not see it.
    Only this post-it gets a view (a change to one of 200 needs no more). `board`: _board's
    answer for this wall and role, when several post-its of one frame are looked up."""
    note = wall.notes.get(nid)
    if note is None or all(c.cid != note.column for c in wall.columns):
        return None
    _, visible, note_view = board if board is not None else _board(room, wall, role)
    groups, loose = _lists(wall, note.column, core.column_notes(wall, note.column, visible))
    lists = [(f"gnotes-{g.gid}", members) for g, members in groups] + [(f"notes-{note.column}", loose)]
    for list_id, notes in lists:
        for i, n in enumerate(notes):
            if n.nid == nid:
                after = notes[i + 1].nid if i + 1 < len(notes) else ""
                return note_view(n), (f"beforebegin:#note-{after}" if after else f"beforeend:#{list_id}")
    return None


def my_walls(room: Room, pid: str) -> list[MyWall]:
    """A participant's own post-its and votes, per wall, newest wall first."""
    walls = list(room.state.part(core.PART).walls.values())
    result = []
    for index, wall in enumerate(reversed(walls)):
        columns = {c.cid: c.name for c in wall.columns}
        mine = tuple(
            MyNote(n.nid, n.text, n.colour, n.column, columns.get(n.column, ""), n.hidden, n.deleted)
            for n in (wall.notes[nid] for nid in wall.order)
            if n.author == pid
        )
        ballot = wall.voting.ballots.get(pid, ())
        voted = tuple(
            (nid, wall.notes[nid].text, ballot.count(nid)) for nid in dict.fromkeys(ballot) if nid in wall.notes
        )
        result.append(
            MyWall(wall.wid, wall.title, wall.anonymous, wall.blind, wall.columns, mine, wall.voting,
                   len(ballot), voted, index == 0)
        )
    return result


class WallContext:
    """Lazy: the renderer asks every feature for its context on every render, and most renders
    (presence, the queue...) never look at the wall."""

    def __init__(self, room: Room, viewer: Viewer) -> None:
        self._room = room
        self._viewer = viewer
        self._views: dict[str, WallView | None] = {}
        self._shells: dict[str, WallView | None] = {}
        self._notes: dict[tuple[str, str], tuple[NoteView, str] | None] = {}
        self._boards: dict[str, Board] = {}

    @cached_property
    def walls(self) -> list[WallView]:
        """Every wall for this kind of viewer, newest first (the same for every participant)."""
        walls = reversed(list(self._room.state.part(core.PART).walls.values()))
        return [wall_view(self._room, w, self._viewer.role) for w in walls]

    @cached_property
    def projected(self) -> WallView | None:
        """The wall the mentor put on the projector, as the projector may see it."""
        state = self._room.state
        found = state.part(core.PART).walls.get(state.projector_ref)
        if found is None and state.part(core.PART).walls:
            found = list(state.part(core.PART).walls.values())[-1]
        return wall_view(self._room, found, Role.PROJECTOR) if found is not None else None

    def _wall(self, wid: str) -> core.Wall | None:
        """Wall `wid`, if this viewer sees it: the projector only the wall it shows."""
        state = self._room.state
        found = state.part(core.PART).walls.get(wid)
        if found is not None and self._viewer.role is Role.PROJECTOR and wall_items.projected(state) != wid:
            return None
        return found

    def _board(self, wid: str, found: core.Wall) -> Board:
        """_board for wall `wid`, once per context: a frame that places a post-it and counts its
        column asks for it from note() and from shell()."""
        board = self._boards.get(wid)
        if board is None:
            board = self._boards[wid] = _board(self._room, found, self._viewer.role)
        return board

    def view(self, wid: str) -> WallView | None:
        """One wall for this kind of viewer (a part of it goes out alone: web/wall_items.py); for
        the projector only the wall it shows."""
        if wid not in self._views:
            found = self._wall(wid)
            self._views[wid] = (wall_view(self._room, found, self._viewer.role, board=self._board(wid, found))
                                if found is not None else None)
        return self._views[wid]

    def shell(self, wid: str) -> WallView | None:
        """view() without its post-its (wall_view `with_notes`), unless that was made anyway."""
        if wid in self._views:
            return self._views[wid]
        if wid not in self._shells:
            found = self._wall(wid)
            self._shells[wid] = (wall_view(self._room, found, self._viewer.role, with_notes=False,
                                           board=self._board(wid, found))
                                 if found is not None else None)
        return self._shells[wid]

    def note(self, wid: str, nid: str) -> tuple[NoteView, str] | None:
        """One post-it as view() shows it, with where it goes (find_note)."""
        if (wid, nid) not in self._notes:  # a frame may place it, morph it and count its votes
            found = self._wall(wid)
            self._notes[wid, nid] = (find_note(self._room, found, self._viewer.role, nid, self._board(wid, found))
                                     if found is not None else None)
        return self._notes[wid, nid]

    @cached_property
    def mine(self) -> list[MyWall]:
        if self._viewer.role is not Role.PARTICIPANT:
            return []
        return my_walls(self._room, self._viewer.pid)


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    return {"wallctx": WallContext(room, viewer), "wall_colours": core.COLOURS, "wall_limits": core,
            "wall_recent_s": RECENT_S, "wall_phases": core.PHASES, "wall_reactions": core.REACTIONS}


_REGIONS = frozenset({"wall", "wall-mine", "stage"})

def shows_person(state: RoomState, pid: str) -> bool:
    """Whether a wall shows `pid` as the author of a post-it (named walls only)."""
    return any(
        note.author == pid and note.named and not note.deleted
        for board in state.part(core.PART).walls.values()
        for note in board.notes.values()
    )


def _wall_title(state: RoomState, wid: str) -> str | None:
    found = state.part(core.PART).walls.get(wid)
    return found.title if found is not None else None


def _vote_rounds(state: RoomState) -> list[str]:
    """Walls with a vote round open, newest wall first."""
    return [w.wid for w in reversed(list(state.part(core.PART).walls.values())) if w.voting.open]


# A wall on the projector is one to write on; a vote round is one to vote in, projected or not.
_NOW_EVENTS = frozenset({events.ProjectorViewChanged, core.WallConfigured, core.WallVoteStarted, core.WallVoteEnded})

FEATURE = WebFeature(
    name="wall",
    cores=(core.FEATURE,),
    parsers=wall_commands.PARSERS,
    regions=(
        Region("wall-mine", frozenset({Role.PARTICIPANT}), personal=True, own_events_only=True, order=30,
               on_pages=frozenset({Role.PARTICIPANT}), tab="wall"),
        Region("wall", frozenset({Role.MENTOR, Role.PARTICIPANT}), order=31,
               on_pages=frozenset({Role.MENTOR, Role.PARTICIPANT}), tab="wall"),
    ),
    # Every wall event may change the shared wall, someone's own list and the projector's stage.
    event_regions={
        **{event: _REGIONS for event in core.EVENTS},
        # Named walls show authors' names; an ended session takes the write forms away.
        events.ProfileUpdated: frozenset({"wall", "stage"}),
        events.SessionEnded: frozenset({"wall", "wall-mine"}),
        # The mentor's console says what is in the spotlight; the projector shows it.
        core.WallSpotlighted: frozenset({"wall", "stage"}),
        # Comments and reactions are on the post-it itself: nobody's own list changes.
        core.WallCommentAdded: frozenset({"wall", "stage"}),
        core.WallCommentHidden: frozenset({"wall", "stage"}),
        core.WallReacted: frozenset({"wall", "stage"}),
    },
    context=context,
    items=wall_items.ITEMS + wall_items.STAGE_ITEMS,
    event_items=wall_items.EVENT_ITEMS,
    shows_person=shows_person,
    stage_names={"wall": shows_person},  # named walls show authors
    field_labels=FIELD_LABELS,
    tabs=(Tab("wall", "Walls", order=10),),
    now=(
        NowEntry("vote", "Vote round", tab="wall", item="wall", title=_wall_title, events=_NOW_EVENTS,
                 running=_vote_rounds),
        NowEntry("wall", "Post-it wall", tab="wall", item="wall", title=_wall_title, events=_NOW_EVENTS,
                 views=frozenset({"wall"})),
    ),
)
wall = FEATURE
