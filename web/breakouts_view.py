"""The web side of breakout groups: a participant's own group (its members, the task, the mentor's
message and the group's wall), the mentor's console (plan, move, start, message, visit, bring
back, step through the results) and the projector (who is in which group while they run; one
group's result at a time after).

Privacy lives in `view` (realtime/breakouts.py says why):
- a participant gets their own group only: its members and, while the groups run, its wall.
  Other groups show as numbers and sizes at most (to choose one), never their post-its;
  after "bring back" a phone shows no group any more, only the result the projector shows;
- the mentor gets every group's members, the wall of the group they visit while the groups run,
  and every result after;
- the projector gets the groups and their members while they run (so that people in the room find
  each other), no post-its; after that the one result the mentor steps to.
Nobody gets a post-it's author or who put a dot on it: the wall is the group's result. A
participant's copy only marks which post-its are their own (to change them) and which have their
dot (to take it back). While the groups run a wall keeps the order it was written in (a post-it
does not jump away under a thumb); the results put the most dots first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from realtime import breakout_wall, breakouts, events, timer
from realtime.breakouts import RESULTS, RUNNING, Round
from realtime.events import Event, Role
from realtime.room import Room
from realtime.state import RoomState
from web import breakouts_commands
from web.feature import Item, NowEntry, ProjectorEntry, Region, Tab, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {
    "breakouts_mode": "How to split",
    "breakouts_size": "Group size",
    "breakouts_task": "What the groups do",
    "breakouts_group": "Group",
    "breakouts_person": "Person",
    "breakouts_message": "Message to every group",
    "breakouts_note": "Your post-it",
    "breakouts_column": "Column",
    "breakouts_colour": "Colour",
    "breakouts_step": "Step",
}


@dataclass(frozen=True, slots=True)
class MemberView:
    pid: str
    name: str
    location: str
    is_me: bool = False


@dataclass(frozen=True, slots=True)
class NoteView:
    note: str
    text: str
    mine: bool = False  # the viewer wrote it (a participant's copy only)
    colour: str = breakout_wall.DEFAULT_COLOUR
    column: str = breakout_wall.FIRST
    dots: int = 0
    dotted: bool = False  # the viewer's dot is on it (a participant's copy only)


@dataclass(frozen=True, slots=True)
class ColumnView:
    cid: str
    title: str  # "" for the default column (the template says "Our result" in the reader's language)
    notes: tuple[NoteView, ...]


@dataclass(frozen=True, slots=True)
class GroupView:
    group: str
    number: int
    members: tuple[MemberView, ...]
    size: int
    notes: tuple[NoteView, ...] = ()  # filled only for whoever may see them
    laptop: bool = False  # the room laptop is in this group (the mentor's copy)
    columns: tuple[ColumnView, ...] = ()  # its wall: `notes` by column (empty when `notes` is)


@dataclass(frozen=True, slots=True)
class BreakoutsView:
    phase: str  # "" (none), "planning", "running", "results"
    task: str = ""
    mode: str = ""
    size: int = 0
    choosing: bool = False
    message: str = ""
    groups: tuple[GroupView, ...] = ()  # as this viewer may see them (module docstring)
    mine: GroupView | None = None  # the participant's own group
    in_round: bool = False  # the participant is in the round (planned, in a group or not yet)
    unplaced: tuple[MemberView, ...] = ()  # the mentor: in the round, in no group
    visiting: GroupView | None = None  # the mentor: the group visited, with its notes
    shown: GroupView | None = None  # results: the group the projector shows, with its notes
    showing: int = 0
    count: int = 0
    # The mentor's plan form: who is here (pid, name, location), and whether "same as last time" works.
    here: tuple[MemberView, ...] = ()
    can_reuse: bool = False
    laptop: str = ""
    # The round's columns (id, title; "" the default one), for the write and change forms.
    columns: tuple[tuple[str, str], ...] = ()


def _member(state: RoomState, pid: str, viewer: Viewer) -> MemberView | None:
    person = state.participants.get(pid)
    if person is None:
        return None
    return MemberView(pid, person.name, person.location, is_me=pid == viewer.pid)


def _note(note: breakout_wall.Note, viewer: Viewer) -> NoteView:
    me = viewer.pid if viewer.role is Role.PARTICIPANT else ""
    return NoteView(note.note, note.text, mine=bool(me) and note.author == me, colour=note.colour,
                    column=note.column, dots=len(note.dots), dotted=bool(me) and me in note.dots)


def _group(state: RoomState, round_: Round, group: str, viewer: Viewer, *, notes: bool) -> GroupView:
    members = tuple(m for m in (_member(state, p, viewer) for p in round_.members(group)) if m is not None)
    written = round_.notes_of(group) if notes else []
    if round_.phase == RESULTS:
        written = breakout_wall.by_dots(written)
    shown = tuple(_note(n, viewer) for n in written)
    ids = round_.column_ids

    def in_column(n: NoteView, c: str) -> bool:
        # A post-it in a column the round does not have (it cannot happen today) shows in the first.
        return n.column == c or (c == ids[0] and n.column not in ids)

    columns = tuple(ColumnView(c, round_.column_title(c), tuple(n for n in shown if in_column(n, c)))
                    for c in ids) if notes else ()
    return GroupView(group, int(group), members, len(members), shown, laptop=round_.laptop == group, columns=columns)


def view(room: Room, viewer: Viewer) -> BreakoutsView:
    state = room.state
    part = state.part(breakouts.PART)
    round_ = part.active()
    here: tuple[MemberView, ...] = ()
    if viewer.role is Role.MENTOR:
        online = room.presence.online()
        here = tuple(MemberView(p.pid, p.name, p.location) for p in state.participants.values() if p.pid in online)
    if round_ is None or state.ended:
        return BreakoutsView(phase="", here=here, can_reuse=part.last_run() is not None)
    base: dict[str, Any] = {
        "phase": round_.phase, "task": round_.task, "mode": round_.mode, "size": round_.size,
        "choosing": round_.choosing, "count": len(round_.groups), "showing": round_.showing,
        "columns": tuple((c, round_.column_title(c)) for c in round_.column_ids),
    }
    shown = None
    if round_.phase == RESULTS and round_.groups:
        shown = _group(state, round_, round_.shown_group, viewer, notes=True)
    if viewer.role is Role.MENTOR:
        return BreakoutsView(
            **base, message=round_.message, here=here, can_reuse=part.last_run() is not None,
            groups=tuple(_group(state, round_, g, viewer, notes=round_.phase == RESULTS) for g in round_.groups),
            unplaced=tuple(m for m in (_member(state, p, viewer) for p in round_.unplaced) if m is not None),
            visiting=_group(state, round_, round_.visiting, viewer, notes=True) if round_.visiting else None,
            shown=shown, laptop=round_.laptop,
        )
    if viewer.role is Role.PROJECTOR:
        groups = tuple(_group(state, round_, g, viewer, notes=False) for g in round_.groups)
        return BreakoutsView(**base, groups=groups if round_.phase != RESULTS else (), shown=shown)
    if round_.phase == RESULTS:
        # Back together: no group of one's own any more, only what the projector shows.
        return BreakoutsView(**base, shown=shown)
    pid = viewer.pid
    group = round_.group_of(pid)
    mine = _group(state, round_, group, viewer, notes=round_.phase == RUNNING) if group else None
    # While choosing: every group's number and size (to pick one), no names but one's own group's.
    sizes = tuple(GroupView(g, int(g), (), len(round_.members(g))) for g in round_.groups) if round_.choosing else ()
    return BreakoutsView(**base, message=round_.message if round_.phase == RUNNING else "", groups=sizes,
                         mine=mine, in_round=pid in round_.placed)


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    return {
        "breakouts_view": view(room, viewer), "breakouts_task_max": breakouts.TASK_MAX,
        "breakouts_message_max": breakouts.MESSAGE_MAX, "breakouts_note_max": breakouts.NOTE_MAX,
        "breakouts_columns_max": breakout_wall.COLUMNS_MAX, "breakouts_column_max": breakout_wall.COLUMN_MAX,
        "breakouts_colours": breakout_wall.COLOURS,
        "breakouts_sizes": breakouts.SIZES, "breakouts_minutes_max": timer.MINUTES_MAX,
    }


def _now_title(state: RoomState, ref: str) -> str | None:
    """The task, while there is something to do about the groups: choose one, work in one, or
    look at their results (the label says which of these it is not: "Breakout groups")."""
    round_ = state.part(breakouts.PART).active()
    if round_ is None or not (round_.choosing or round_.phase in (RUNNING, RESULTS)):
        return None
    return round_.task


def _running(state: RoomState) -> list[str]:
    round_ = state.part(breakouts.PART).active()
    return [""] if round_ is not None and (round_.choosing or round_.phase == RUNNING) else []


# ---------------------------------------------------------------- who shows whom
# A rename renders again only what names that person now (issue 19): in a session of 20, a rename
# used to send the mentor the whole console (the plan form lists everyone who is here) and every
# phone its own copy of a running round.

CONSOLE = "breakouts-console"
# One person's line of the plan form's "who takes part" ("bo-here:<pid>"; items/bo-here.html).
HERE = "bo-here"


def _round(state: RoomState) -> Round | None:
    """The round the pages show (none once the session ended)."""
    round_ = state.part(breakouts.PART).active()
    return None if round_ is None or state.ended else round_


def _shown(round_: Round, pid: str) -> bool:
    """Whether `pid` is in the group whose result the projector shows (after "bring back")."""
    return round_.phase == RESULTS and bool(round_.shown_group) and round_.group_of(pid) == round_.shown_group


def _phones_naming(state: RoomState, pid: str) -> Collection[str] | None:
    """Whose copies of #breakouts name `pid` (Region.shown_to): their group's, while planned or
    running (a phone shows its own group's members only); every phone's (None) after "bring back"
    while the result shown is their group's; nobody's otherwise."""
    round_ = _round(state)
    if round_ is None:
        return ()
    if round_.phase == RESULTS:
        return None if _shown(round_, pid) else ()
    group = round_.group_of(pid)
    return round_.members(group) if group else ()


def _names(state: RoomState, pid: str) -> bool:
    """Whether the round's pages name `pid` now: the phones of their group and the projector while
    planned or running, every phone and the projector while their group's result is shown."""
    copies = _phones_naming(state, pid)
    return copies is None or len(copies) > 0


def _rename_parts(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    """A rename sends the console whole when its groups (planned, running) or the result it shows
    name that person; else only their line of the plan form while the form is there (not while the
    groups run); else nothing."""
    if state.ended:
        return {CONSOLE: ()}
    pid: str = getattr(event, "pid", "")
    round_ = _round(state)
    if round_ is not None and (_shown(round_, pid) if round_.phase == RESULTS else pid in round_.placed):
        return {}
    if round_ is not None and round_.phase == RUNNING:
        return {CONSOLE: ()}
    return {CONSOLE: (f"{HERE}:{pid}",)}


def _here_line(ctx: Mapping[str, Any], pid: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    """One person's line of the plan form, while it lists them (here, with at least one other)."""
    v: BreakoutsView = ctx["breakouts_view"]
    if ctx["state"].ended or v.phase == RUNNING or len(v.here) < 2:
        return None
    found = next((m for m in v.here if m.pid == pid), None)
    return None if found is None else {"m": found}


_PARTICIPANT = frozenset({Role.PARTICIPANT})
_MENTOR = frozenset({Role.MENTOR})
_ALL = frozenset({"breakouts", "breakouts-console", "stage"})
_NOW = frozenset({breakouts.BreakoutsPlanned, breakouts.ChoiceOpened, breakouts.BreakoutsStarted,
                  breakouts.BreakoutsEnded, breakouts.BreakoutsClosed, events.ProjectorViewChanged})

FEATURE = WebFeature(
    name="breakouts",
    cores=(breakouts.FEATURE,),
    parsers=breakouts_commands.PARSERS,
    regions=(
        # Per participant: their own group and its notes, and nobody else's.
        # A rename reaches only the copies that name that person: their group's phones.
        Region("breakouts", _PARTICIPANT, personal=True, order=4, on_pages=_PARTICIPANT, tab="breakouts",
               shows_person=_names, shown_to=_phones_naming),
        # A rename sends it only when it names that person (_rename_parts).
        Region(CONSOLE, _MENTOR, order=7, on_pages=_MENTOR, section="breakouts"),
    ),
    event_regions={
        # Planning shows in the projector control (its button) too.
        breakouts.BreakoutsPlanned: _ALL | {"projector-control"},
        breakouts.MemberPlaced: _ALL,
        breakouts.ChoiceOpened: _ALL,
        breakouts.BreakoutsStarted: _ALL,
        breakouts.GroupsMessaged: frozenset({"breakouts", "breakouts-console"}),
        breakouts.GroupVisited: frozenset({"breakouts-console"}),
        breakouts.LaptopPlaced: frozenset({"breakouts-console"}),
        # The group walls: the group's phones and the console's visit; the projector shows none of
        # them until after "bring back".
        **{kind: frozenset({"breakouts", "breakouts-console"}) for kind in breakout_wall.EVENTS},
        breakouts.BreakoutsEnded: _ALL,
        breakouts.ResultShown: _ALL,
        breakouts.BreakoutsClosed: _ALL,
        events.ProfileUpdated: _ALL,
        events.SessionEnded: frozenset({"breakouts", "breakouts-console"}),
    },
    context=context,
    field_labels=FIELD_LABELS,
    projector=(ProjectorEntry("breakouts", "Breakout groups",
                              available=lambda state: bool(state.part(breakouts.PART).rounds)),),
    # The plan form lists who is here (so every coming and going counts: no `shows_person`); a
    # rename sends only that person's line of it, unless the groups name them (_rename_parts).
    presence_regions=frozenset({CONSOLE}),
    items=(Item(HERE, CONSOLE, _here_line),),
    event_items={events.ProfileUpdated: _rename_parts},
    stage_names={"breakouts": _names},
    tabs=(Tab("breakouts", "My group", order=15),),
    now=(NowEntry("breakouts", "Breakout groups", tab="breakouts", item="breakouts", title=_now_title,
                  events=_NOW, views=frozenset({"breakouts"}), running=_running, ref_of=lambda ref: ""),),
)
