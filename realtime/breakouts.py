"""Breakout groups: the mentor splits the people who are here into small groups of 2-5 for an
exercise, in the room and at home; each group writes its result in its own notes; "bring everyone
back" ends the groups and the projector shows each group's result, one by one.

Theory of operation
-------------------
A round goes through phases: planning -> running -> results -> (closed).

- Planning. The mentor plans a round for the people the console lists as here (the command carries
  their ids: presence lives in the shell, not in the log), with a group size (2-5) and a way to
  split: `random` (room and remote mixed in every group), `remote` (remote attendees together in
  groups of their own), `hand` (empty groups; the mentor places everyone), `choice` (empty groups;
  participants pick one, up to the size, while the mentor keeps choosing open) or `same` (the groups
  of the last round, for the people of it who are here). Random needs randomness and the core draws
  none: the shell passes a random `seed`, and the order is the SHA-256 of seed and id, so every
  process folds the same groups. The mentor can move anyone between groups (or out of any group)
  before and while the groups run; no group gets more than GROUP_MAX people.
- Running. Starting needs every group to have at least GROUP_MIN people (people left out of every
  group stay with the mentor). It may set and start the room's timer (realtime/timer.py: its own
  events, so the countdown shows everywhere as usual; bringing everyone back clears it). The
  mentor may send one message to every group (a new one replaces it) and visit one group (the
  console then shows that group's wall as it is written). Each group has a wall of its own, with
  the round's columns: members add post-its, change and take back their own, and put dots on the
  group's post-its (the rules: realtime/breakout_wall.py).
- Results. "Bring everyone back" ends the groups, puts the results on the projector and shows the
  first group's wall (each column's post-its, most dots first); the mentor steps to the next or
  previous group. Closing the round keeps it (for the export, and for "the same groups as last
  time" in a later session of the trajectory).
  Ending the session (or the trajectory's session) while the groups run brings everyone back in
  the same step (`end_running`): a round never runs on in a session that is over.

Membership is one `MemberPlaced` event per person (not a list in one event), and a post-it (and a
dot) names its author: "delete my data" takes a person out of every group and takes their post-its
and dots with them, and the log still folds (realtime/erasure.py). Who sees what is the web
layer's (web/breakouts_view.py): a participant sees only their own group's wall while the groups
run; after that only the group the projector shows. Nothing in a person's presence or hand
changes: someone in a group is still here and the queue works as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime import breakout_wall, timer

# The group wall's commands, events and post-its are part of a round: named here too (re-exported).
from realtime.breakout_wall import AddGroupNote as AddGroupNote
from realtime.breakout_wall import DotGroupNote as DotGroupNote
from realtime.breakout_wall import EditGroupNote as EditGroupNote
from realtime.breakout_wall import GroupNoteAdded as GroupNoteAdded
from realtime.breakout_wall import GroupNoteDotted as GroupNoteDotted
from realtime.breakout_wall import GroupNoteEdited as GroupNoteEdited
from realtime.breakout_wall import GroupNoteRemoved as GroupNoteRemoved
from realtime.breakout_wall import Note
from realtime.breakout_wall import RemoveGroupNote as RemoveGroupNote
from realtime.errors import Dangling, Forbidden, Rejected
from realtime.events import Actor, Command, Event, ProjectorViewChanged, Role, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

GROUP_MIN, GROUP_MAX = 2, 5
SIZES = ("2", "3", "4", "5")
MODES = ("random", "remote", "hand", "choice", "same")
PEOPLE_MAX = 200  # ids one plan may carry: far above any group this tool is for
TASK_MAX = 120
MESSAGE_MAX = 300
NOTE_MAX = breakout_wall.NOTE_MAX
NOTES_MAX = breakout_wall.NOTES_MAX  # per group
ROUNDS_MAX = 50  # kept rounds in one room (a trajectory): bounded
ID_MAX = 32
SEED_MIN, SEED_MAX = 16, 128

PLANNING, RUNNING, RESULTS = "planning", "running", "results"

REASONS: Mapping[str, str] = {
    "breakouts_too_few": "Choose at least {min} people to split into groups.",
    "breakouts_none": "There are no breakout groups right now.",
    "breakouts_not_planning": "The groups have already started.",
    "breakouts_not_running": "The groups are not running.",
    "breakouts_not_results": "There are no results to show.",
    "breakouts_running": "The groups are running: bring everyone back first.",
    "breakouts_group_full": "That group is full (at most {max} people).",
    "breakouts_group_small": "Every group needs at least {min} people before the groups start.",
    "breakouts_not_in_group": "You are not in a breakout group.",
    "breakouts_choice_closed": "Choosing a group is not open.",
    "breakouts_no_last": "There are no groups from last time to use again.",
    **breakout_wall.REASONS,
    "breakouts_full": "There is no room for more breakout rounds (at most {max}).",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Round:
    """One round of breakout groups, from planning to closed."""

    round: str
    task: str
    mode: str
    size: int
    groups: tuple[str, ...]  # group ids "1", "2", ... in order
    phase: str = PLANNING
    # pid -> group id; "" for someone in the round but not (yet) in a group. In placing order.
    placed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    choosing: bool = False
    message: str = ""
    visiting: str = ""
    showing: int = 0  # the index of the group whose result the projector shows
    # The group the room laptop (room mode of the media relay) is in while the groups run; "" keeps
    # it out of every group (muted to them).
    laptop: str = ""
    notes: Mapping[str, Note] = field(default_factory=lambda: MappingProxyType({}))  # in order
    started_at: float | None = None
    ended_at: float | None = None
    timed: bool = False  # started with the room's timer (bring-back clears it)
    columns: tuple[str, ...] = ()  # the titles of each group wall's columns; () one default column

    def members(self, group: str) -> list[str]:
        return [pid for pid, g in self.placed.items() if g == group]

    def group_of(self, pid: str) -> str:
        return self.placed.get(pid, "")

    def notes_of(self, group: str) -> list[Note]:
        return [n for n in self.notes.values() if n.group == group]

    @property
    def column_ids(self) -> tuple[str, ...]:
        return breakout_wall.column_ids(self.columns)

    def column_title(self, column: str) -> str:
        """The title the mentor gave `column` ("" for the default column of a round without)."""
        index = int(column) - 1 if column.isdigit() else -1
        return self.columns[index] if 0 <= index < len(self.columns) else ""

    @property
    def unplaced(self) -> list[str]:
        return [pid for pid, g in self.placed.items() if not g]

    @property
    def shown_group(self) -> str:
        return self.groups[self.showing] if self.phase == RESULTS and self.groups else ""


_NO_ROUNDS: Mapping[str, Round] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class BreakoutsState:
    rounds: Mapping[str, Round] = field(default_factory=lambda: _NO_ROUNDS)  # in the order planned
    current: str = ""  # the round not closed yet, "" when none

    def active(self) -> Round | None:
        return self.rounds.get(self.current) if self.current else None

    def last_run(self) -> Round | None:
        """The latest round whose groups ran (for "the same groups as last time")."""
        return next((r for r in reversed(list(self.rounds.values())) if r.started_at is not None), None)


PART: Part[BreakoutsState] = Part("breakouts", BreakoutsState())


def running(state: RoomState) -> Round | None:
    """The round whose groups run now (the media relay forwards within groups only then)."""
    active = state.part(PART).active()
    return active if active is not None and active.phase == RUNNING and not state.ended else None


# ---------------------------------------------------------------- who hears whom


def media_spaces(state: RoomState) -> Mapping[str, str] | None:
    """Who hears and sees whom through the media relay (server/media/sfu.py), as the space each
    media member is in: member ids are the relay's ("p:<pid>", "room" for the room laptop,
    "mentor"). None while no groups run: everyone hears everyone, as always.

    While groups run, each group is a space of its own (its number); everyone else is in the
    plenary (""): people in no group, the mentor unless visiting a group (then in that group's),
    and the room laptop unless the mentor placed it in a group (so the groups do not hear the
    room, and the people who stayed with the mentor still do). A member not listed is in the
    plenary."""
    round_ = running(state)
    if round_ is None:
        return None
    spaces = {f"p:{pid}": group for pid, group in round_.placed.items() if group}
    if round_.visiting:
        spaces["mentor"] = round_.visiting
    if round_.laptop:
        spaces["room"] = round_.laptop
    return MappingProxyType(spaces)


def group_of_running(state: RoomState, pid: str) -> str:
    """The group `pid` is in while groups run ("" when none run or they are in none). A person in
    the room gets the relay only then, from a laptop at their group's table (the room's own
    sound is not theirs to echo: the room laptop stays with the plenary unless placed)."""
    round_ = running(state)
    return round_.group_of(pid) if round_ is not None else ""


def hears(spaces: Mapping[str, str] | None, listener: str, speaker: str) -> bool:
    """Whether the relay forwards `speaker`'s audio and video to `listener`: always without
    groups, else only within one space. Symmetric: who hears someone is heard by them."""
    return spaces is None or spaces.get(listener, "") == spaces.get(speaker, "")


# ---------------------------------------------------------------- splitting


def group_count(people: int, size: int) -> int:
    """How many groups `people` make with groups of at most `size`, none smaller than GROUP_MIN
    (with size 2 and an odd number, one group of 3)."""
    count = max(1, -(-people // size))
    while count > 1 and people // count < GROUP_MIN:
        count -= 1
    return count


def shuffled(seed: str, pids: list[str]) -> list[str]:
    """A fair order of `pids` that every process computes alike from the shell's random seed."""
    return sorted(pids, key=lambda pid: hashlib.sha256(f"{seed}\x00{pid}".encode()).hexdigest())


def deal(pids: list[str], count: int, first: int = 0) -> list[list[str]]:
    """Round-robin into `count` groups, starting at group `first`: sizes differ by at most one."""
    groups: list[list[str]] = [[] for _ in range(count)]
    for index, pid in enumerate(pids):
        groups[(first + index) % count].append(pid)
    return groups


def split(state: RoomState, people: list[str], mode: str, size: int, seed: str) -> list[list[str]]:
    """The groups of a random split: `random` mixes room and remote in every group (room people
    are dealt first, then remote ones carry on where they stopped, so each group gets some of
    both where there are enough); `remote` puts remote attendees in groups of their own (with
    fewer than two of them, or of the room, that cannot be: then mixed)."""
    where = {pid: state.participants[pid].location for pid in people}
    room = shuffled(seed, [p for p in people if where[p] != "remote"])
    remote = shuffled(seed, [p for p in people if where[p] == "remote"])
    if mode == "remote" and len(remote) >= GROUP_MIN and len(room) >= GROUP_MIN:
        return deal(room, group_count(len(room), size)) + deal(remote, group_count(len(remote), size))
    count = group_count(len(people), size)
    return deal(room + remote, count)


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class PlanBreakouts(Command):
    round: str  # new id, from the shell
    people: tuple[str, ...]  # who the console lists as here and the mentor kept ticked
    mode: str
    size: str
    task: str
    seed: str  # random, from the shell
    columns: tuple[str, ...] = ()  # titles of the group walls' columns (empty ones are left out)


@dataclass(frozen=True, slots=True)
class MovePerson(Command):
    pid: str
    group: str  # "" takes them out of every group (they stay with the mentor)


@dataclass(frozen=True, slots=True)
class OpenChoice(Command):
    open: bool


@dataclass(frozen=True, slots=True)
class ChooseGroup(Command):
    group: str


@dataclass(frozen=True, slots=True)
class StartBreakouts(Command):
    minutes: str  # "" for no timer


@dataclass(frozen=True, slots=True)
class MessageGroups(Command):
    text: str


@dataclass(frozen=True, slots=True)
class VisitGroup(Command):
    group: str  # "" stops the visit


@dataclass(frozen=True, slots=True)
class PlaceLaptop(Command):
    group: str  # "" keeps the room laptop out of every group


@dataclass(frozen=True, slots=True)
class BringBack(Command):
    pass


@dataclass(frozen=True, slots=True)
class ShowResult(Command):
    step: str  # "next" or "previous"


@dataclass(frozen=True, slots=True)
class CloseBreakouts(Command):
    pass


COMMANDS: tuple[type[Command], ...] = (
    PlanBreakouts, MovePerson, OpenChoice, ChooseGroup, StartBreakouts, MessageGroups, VisitGroup,
    PlaceLaptop, *breakout_wall.COMMANDS, BringBack, ShowResult, CloseBreakouts,
)


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class BreakoutsPlanned(Event):
    round: str
    task: str
    mode: str
    size: int
    groups: int
    columns: tuple[str, ...] = ()  # rounds planned before group walls had none: one default column


@dataclass(frozen=True, slots=True)
class MemberPlaced(Event):
    round: str
    pid: str
    group: str  # "" in the round, in no group


@dataclass(frozen=True, slots=True)
class ChoiceOpened(Event):
    round: str
    open: bool


@dataclass(frozen=True, slots=True)
class BreakoutsStarted(Event):
    round: str
    minutes: int  # of the room's timer it started; 0 for none


@dataclass(frozen=True, slots=True)
class GroupsMessaged(Event):
    round: str
    text: str


@dataclass(frozen=True, slots=True)
class GroupVisited(Event):
    round: str
    group: str


@dataclass(frozen=True, slots=True)
class LaptopPlaced(Event):
    round: str
    group: str


@dataclass(frozen=True, slots=True)
class BreakoutsEnded(Event):
    round: str


@dataclass(frozen=True, slots=True)
class ResultShown(Event):
    round: str
    index: int


@dataclass(frozen=True, slots=True)
class BreakoutsClosed(Event):
    round: str


EVENTS: tuple[type[Event], ...] = (
    BreakoutsPlanned, MemberPlaced, ChoiceOpened, BreakoutsStarted, GroupsMessaged, GroupVisited,
    LaptopPlaced, *breakout_wall.EVENTS, BreakoutsEnded, ResultShown, BreakoutsClosed,
)


# ---------------------------------------------------------------- decide


def _active(state: RoomState, *phases: str) -> Round:
    """The round not closed yet, in one of `phases` (any phase when none are given)."""
    found = state.part(PART).active()
    if found is None:
        raise Rejected("breakouts_none")
    if phases and found.phase not in phases:
        if found.phase == RUNNING:
            raise Rejected("breakouts_running")
        raise Rejected({PLANNING: "breakouts_not_planning", RUNNING: "breakouts_not_running",
                        RESULTS: "breakouts_not_results"}[phases[-1]])
    return found


def _group(round_: Round, value: object, *, empty: bool) -> str:
    if empty and value == "":
        return ""
    if not isinstance(value, str) or value not in round_.groups:
        raise Rejected("bad_choice", field="breakouts_group")
    return value


def _new_id(value: object, taken: Mapping[str, object]) -> str:
    if not isinstance(value, str) or not value or len(value) > ID_MAX or value in taken:
        raise Rejected("bad_message")
    return value


def _plan(state: RoomState, command: PlanBreakouts) -> list[Event]:
    part = state.part(PART)
    active = part.active()
    if active is not None and active.phase == RUNNING:
        raise Rejected("breakouts_running")
    rid = _new_id(command.round, part.rounds)
    seed = command.seed
    if not isinstance(seed, str) or not SEED_MIN <= len(seed) <= SEED_MAX:
        raise Rejected("bad_message")
    mode = one_of(command.mode, "breakouts_mode", MODES)
    size = int(one_of(command.size, "breakouts_size", SIZES))
    task = clean_line(command.task, "breakouts_task", TASK_MAX)
    columns = breakout_wall.plan_columns(command.columns)
    if not isinstance(command.people, tuple) or len(command.people) > PEOPLE_MAX:
        raise Rejected("bad_message")
    people = list(dict.fromkeys(p for p in command.people if isinstance(p, str) and p in state.participants))
    if len(part.rounds) >= ROUNDS_MAX:
        raise Rejected("breakouts_full", max=ROUNDS_MAX)
    if mode == "same":
        last = part.last_run()
        if last is None:
            raise Rejected("breakouts_no_last")
        here = set(people)
        groups = [kept for kept in ([p for p in last.members(g) if p in here] for g in last.groups) if kept]
        if not groups:
            raise Rejected("breakouts_no_last")
        kept_ids = {p for g in groups for p in g}
        rest = [p for p in people if p not in kept_ids]  # new people: the mentor places them
        assigned = [(p, str(i + 1)) for i, g in enumerate(groups) for p in g] + [(p, "") for p in rest]
        count = len(groups)
    else:
        if len(people) < GROUP_MIN:
            raise Rejected("breakouts_too_few", min=GROUP_MIN)
        if mode in ("random", "remote"):
            made = split(state, people, mode, size, seed)
            count = len(made)
            assigned = [(p, str(i + 1)) for i, g in enumerate(made) for p in g]
        else:  # by hand or by choice: empty groups, everyone in the round
            count = group_count(len(people), size)
            assigned = [(p, "") for p in people]
    result: list[Event] = []
    if active is not None:  # a round planned (or showing results) and not run yet is replaced
        result.append(BreakoutsClosed(active.round))
    result.append(BreakoutsPlanned(rid, task, mode, size, count, columns))
    result.extend(MemberPlaced(rid, pid, group) for pid, group in assigned)
    if mode == "choice":
        result.append(ChoiceOpened(rid, True))
    return result


def _start(state: RoomState, round_: Round, command: StartBreakouts) -> list[Event]:
    minutes = command.minutes.strip() if isinstance(command.minutes, str) else None
    if minutes is None:
        raise Rejected("bad_message")
    if minutes:
        if not (minutes.isascii() and minutes.isdigit() and len(minutes) <= 4) \
                or not timer.MINUTES_MIN <= int(minutes) <= timer.MINUTES_MAX:
            raise Rejected("out_of_range", field="timer_minutes", min=timer.MINUTES_MIN, max=timer.MINUTES_MAX)
    for group in round_.groups:
        if len(round_.members(group)) < GROUP_MIN:
            raise Rejected("breakouts_group_small", min=GROUP_MIN)
    result: list[Event] = []
    if round_.choosing:
        result.append(ChoiceOpened(round_.round, False))
    result.append(BreakoutsStarted(round_.round, int(minutes or "0")))
    if minutes:
        # The room's one timer (realtime/timer.py) runs for all groups. No label: the task shows
        # right above it already, on every phone.
        result += [timer.TimerSet(int(minutes) * 60, ""), timer.TimerStarted()]
    return result


def _participant(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    me = require_member(state, actor)
    require_open(state)
    if isinstance(command, ChooseGroup):
        round_ = state.part(PART).active()
        if round_ is None or round_.phase != PLANNING or not round_.choosing:
            raise Rejected("breakouts_choice_closed")
        group = _group(round_, command.group, empty=True)
        if round_.group_of(me.pid) == group and me.pid in round_.placed:
            return []
        if group and len(round_.members(group)) >= round_.size:
            raise Rejected("breakouts_group_full", max=round_.size)
        return [MemberPlaced(round_.round, me.pid, group)]
    round_ = _active(state, RUNNING)
    return breakout_wall.decide(round_.round, round_.columns, round_.notes, round_.group_of(me.pid), me.pid, command)


_PARTICIPANT_COMMANDS: tuple[type[Command], ...] = (ChooseGroup, *breakout_wall.COMMANDS)


def end_running(state: RoomState) -> list[Event]:
    """What ending the session does to breakout groups that still run: it brings everyone back
    (the results stay for the summary and the export) and clears the groups' timer. Nothing when
    no groups run. The projector is left as the mentor has it: the session is over."""
    round_ = state.part(PART).active()
    if round_ is None or round_.phase != RUNNING:
        return []
    result: list[Event] = [BreakoutsEnded(round_.round)]
    if round_.timed and state.part(timer.PART).set:
        result.append(timer.TimerCleared())
    return result


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:  # noqa: C901 (one branch per command)
    if actor.role is not Role.MENTOR and isinstance(command, _PARTICIPANT_COMMANDS):
        return _participant(state, command, actor)
    require_mentor(actor)
    require_open(state)
    if isinstance(command, _PARTICIPANT_COMMANDS):
        raise Forbidden("not_participant")
    if isinstance(command, PlanBreakouts):
        return _plan(state, command)
    if isinstance(command, MovePerson):
        round_ = _active(state, PLANNING, RUNNING)
        if not isinstance(command.pid, str) or command.pid not in state.participants:
            raise Rejected("bad_choice", field="breakouts_person")
        group = _group(round_, command.group, empty=True)
        if command.pid in round_.placed and round_.group_of(command.pid) == group:
            return []
        if group and len(round_.members(group)) >= GROUP_MAX:
            raise Rejected("breakouts_group_full", max=GROUP_MAX)
        return [MemberPlaced(round_.round, command.pid, group)]
    if isinstance(command, OpenChoice):
        round_ = _active(state, PLANNING)
        wanted = bool(command.open)
        return [] if wanted == round_.choosing else [ChoiceOpened(round_.round, wanted)]
    if isinstance(command, StartBreakouts):
        round_ = _active(state, PLANNING, RUNNING)
        # Started already (by the mentor's other device): the same thing once.
        return [] if round_.phase == RUNNING else _start(state, round_, command)
    if isinstance(command, MessageGroups):
        round_ = _active(state, RUNNING)
        text = clean_line(command.text, "breakouts_message", MESSAGE_MAX, required=False)
        return [] if text == round_.message else [GroupsMessaged(round_.round, text)]
    if isinstance(command, VisitGroup):
        round_ = _active(state, RUNNING)
        group = _group(round_, command.group, empty=True)
        return [] if group == round_.visiting else [GroupVisited(round_.round, group)]
    if isinstance(command, PlaceLaptop):
        round_ = _active(state, PLANNING, RUNNING)
        group = _group(round_, command.group, empty=True)
        return [] if group == round_.laptop else [LaptopPlaced(round_.round, group)]
    if isinstance(command, BringBack):
        round_ = _active(state, RUNNING, RESULTS)
        if round_.phase == RESULTS:
            return []  # brought back already (by the mentor's other device)
        result: list[Event] = [BreakoutsEnded(round_.round)]
        if round_.timed and state.part(timer.PART).set:
            result.append(timer.TimerCleared())  # the groups' time is over: no clock running on
        if state.projector_view != "breakouts":
            result.append(ProjectorViewChanged("breakouts", ""))
        return result
    if isinstance(command, ShowResult):
        round_ = _active(state, RESULTS)
        step = one_of(command.step, "breakouts_step", ("next", "previous"))
        index = max(0, min(len(round_.groups) - 1, round_.showing + (1 if step == "next" else -1)))
        return [] if index == round_.showing else [ResultShown(round_.round, index)]
    if isinstance(command, CloseBreakouts):
        round_ = _active(state)
        if round_.phase == RUNNING:
            raise Rejected("breakouts_running")
        return [BreakoutsClosed(round_.round)]
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def _with(state: BreakoutsState, round_: Round, current: str | None = None) -> BreakoutsState:
    rounds = dict(state.rounds)
    rounds[round_.round] = round_
    return BreakoutsState(MappingProxyType(rounds), state.current if current is None else current)


def _fold(state: BreakoutsState, event: Event, at: float) -> BreakoutsState:  # noqa: C901 (one branch per event)
    if isinstance(event, BreakoutsPlanned):
        groups = tuple(str(i + 1) for i in range(event.groups))
        planned = Round(event.round, event.task, event.mode, event.size, groups, columns=tuple(event.columns))
        return _with(state, planned, event.round)
    found = state.rounds.get(getattr(event, "round", ""))
    if found is None:
        raise Dangling(f"{type(event).__name__} on a breakout round that is gone")
    replace = dataclasses.replace
    if isinstance(event, MemberPlaced):
        placed = dict(found.placed)
        placed.pop(event.pid, None)  # a move goes to the end of the order, like a new arrival
        placed[event.pid] = event.group
        return _with(state, replace(found, placed=MappingProxyType(placed)))
    if isinstance(event, ChoiceOpened):
        return _with(state, replace(found, choosing=event.open))
    if isinstance(event, BreakoutsStarted):
        return _with(state, replace(found, phase=RUNNING, started_at=at, timed=event.minutes > 0))
    if isinstance(event, GroupsMessaged):
        return _with(state, replace(found, message=event.text))
    if isinstance(event, GroupVisited):
        return _with(state, replace(found, visiting=event.group))
    if isinstance(event, LaptopPlaced):
        return _with(state, replace(found, laptop=event.group))
    if isinstance(event, breakout_wall.EVENTS):
        return _with(state, replace(found, notes=breakout_wall.fold(found.notes, event, at)))
    if isinstance(event, BreakoutsEnded):
        return _with(state, replace(found, phase=RESULTS, ended_at=at, visiting="", showing=0))
    if isinstance(event, ResultShown):
        return _with(state, replace(found, showing=max(0, min(event.index, len(found.groups) - 1))))
    if isinstance(event, BreakoutsClosed):
        closed = replace(found, phase="closed", choosing=False, visiting="")
        return _with(state, closed, "" if state.current == found.round else state.current)
    raise TypeError(f"breakouts.evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    return state.with_part(PART, _fold(state.part(PART), stamped.event, stamped.at))


# ---------------------------------------------------------------- export


def export(state: RoomState) -> Any:
    """Every round that ran: the task, each group's members (names) and its wall: the columns with
    their post-its (text, colour, dots), most dots first, and "notes" (every post-it's text, as
    before group walls). Post-its are the group's result, so no author and no dotter. Rounds that
    never started hold nothing worth keeping. A column without a title is the default one
    (`breakout_wall.DEFAULT_COLUMN`)."""
    names = {pid: p.name for pid, p in state.participants.items()}
    rounds = []
    for r in state.part(PART).rounds.values():
        if r.started_at is None:
            continue
        rounds.append({
            "task": r.task,
            "mode": r.mode,
            "started_at": r.started_at,
            "ended_at": r.ended_at,
            "message": r.message,
            "columns": [r.column_title(c) or breakout_wall.DEFAULT_COLUMN for c in r.column_ids],
            "groups": [{"number": int(g), "members": [names[p] for p in r.members(g) if p in names],
                        "notes": [n.text for n in r.notes_of(g)],
                        "wall": [{"title": r.column_title(c) or breakout_wall.DEFAULT_COLUMN,
                                  "postits": [{"text": n.text, "colour": n.colour, "dots": len(n.dots)}
                                              for n in breakout_wall.by_dots(
                                                  [n for n in r.notes_of(g) if n.column == c])]}
                                 for c in r.column_ids]} for g in r.groups],
        })
    return {"rounds": rounds}


FEATURE = CoreFeature(
    name="breakouts",
    commands=COMMANDS,
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    personal={
        BreakoutsPlanned: (),
        MemberPlaced: ("pid",),
        ChoiceOpened: (),
        BreakoutsStarted: (),
        GroupsMessaged: (),
        GroupVisited: (),
        LaptopPlaced: (),
        **breakout_wall.PERSONAL,
        BreakoutsEnded: (),
        ResultShown: (),
        BreakoutsClosed: (),
    },
    part=PART,
    export=export,
    reasons=REASONS,
    # Everything but choosing a group and the group walls: the hub refuses these by role alone.
    mentor_only=(PlanBreakouts, MovePerson, OpenChoice, StartBreakouts, MessageGroups, VisitGroup,
                 PlaceLaptop, BringBack, ShowResult, CloseBreakouts),
    projector_views=("breakouts",),
    # An author's erasure takes their post-its, and with them every change, dot or taking back.
    creates={GroupNoteAdded: "note"},
    refers=("note",),
)
