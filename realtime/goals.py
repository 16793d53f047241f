"""Learning goals and progress check-ins.

Theory of operation
-------------------
Each participant sets 1 to 3 goals of their own (at most GOALS_MAX; the page asks for at least
one) and may edit or remove them; the mentor may set shared group goals. Goal ids come from the
shell. A goal's `owner` is the participant's pid, or "" for a group goal.

At check-in moments participants rate their progress per goal from 0 to 10, with an optional
note: on their own goals and on the group goals. A check-in belongs to a session: the number of
`state.part(trajectory.PART).current` (the session running now or the last one that ran; 0 before the first
session and in a room without a trajectory). One rating per person, goal and session is kept;
rating again in the same check-in replaces it, so the progress over time is one point per session.

When is a check-in open? The mentor picks a schedule (every session, midway and at the end, or
only when opened by hand): a scheduled check-in is open while its session runs. On top of that the
mentor can open a check-in now (for the current session, whether one runs or not) and close it
again; `manual` keeps those choices per session and overrides the schedule. `checkin_open(state)`
derives the answer from the state every time, so it needs no timers and no event when a
trajectory session starts or ends.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime import trajectory
from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Role, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

GOALS_MAX = 3  # per participant
GROUP_GOALS_MAX = 5
GOAL_MAX = 200  # characters of one goal
NOTE_MAX = 300  # characters of a check-in note
RATING_MIN = 0
RATING_MAX = 10
ID_MAX = 64
# Every session; midway and at the end; only when the mentor opens one.
SCHEDULES = ("every", "midway_end", "manual")
GROUP = ""  # the owner of a group goal


# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "goals_too_many": "You can set at most {max} goals. Change or remove one to add another.",
    "group_goals_too_many": "The group can have at most {max} shared goals.",
    "goal_not_found": "That goal does not exist (any more).",
    "goal_not_yours": "You can only change your own goals.",
    "goal_checkin_closed": "There is no check-in open right now.",
    "goal_rate_one": "Rate at least one goal.",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Goal:
    gid: str
    owner: str  # a participant's pid, or GROUP
    text: str
    created_at: float
    session: int  # the session it was set in (0: before the first)

    @property
    def shared(self) -> bool:
        return self.owner == GROUP


@dataclass(frozen=True, slots=True)
class Rating:
    pid: str
    gid: str
    session: int
    value: int
    note: str
    at: float


_NO_MANUAL: Mapping[int, bool] = MappingProxyType({})
_NO_RATINGS: Mapping[tuple[str, str, int], Rating] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class GoalsState:
    goals: tuple[Goal, ...] = ()  # in the order they were set
    schedule: str = "midway_end"
    # session number -> the mentor opened (True) or closed (False) its check-in by hand.
    manual: Mapping[int, bool] = field(default_factory=lambda: _NO_MANUAL)
    # (pid, goal id, session) -> the rating; in the order they were given.
    ratings: Mapping[tuple[str, str, int], Rating] = field(default_factory=lambda: _NO_RATINGS)

    def goal(self, gid: str) -> Goal | None:
        return next((g for g in self.goals if g.gid == gid), None)

    def goals_of(self, pid: str) -> tuple[Goal, ...]:
        return tuple(g for g in self.goals if g.owner == pid)

    @property
    def group_goals(self) -> tuple[Goal, ...]:
        return self.goals_of(GROUP)

    def rateable_by(self, pid: str) -> tuple[Goal, ...]:
        """What a participant rates at a check-in: their own goals, then the group's."""
        return (*self.goals_of(pid), *self.group_goals)

    def ratings_of(self, pid: str) -> tuple[Rating, ...]:
        return tuple(r for r in self.ratings.values() if r.pid == pid)


PART: Part[GoalsState] = Part("goals", GoalsState())


def scheduled_sessions(schedule: str, count: int) -> frozenset[int]:
    """The session numbers with a check-in under `schedule` in a trajectory of `count` sessions."""
    if count <= 0 or schedule == "manual":
        return frozenset()
    if schedule == "every":
        return frozenset(range(1, count + 1))
    return frozenset({(count + 1) // 2, count})  # midway (rounded up) and the last one


def checkin_session(state: RoomState) -> int:
    """The session a check-in now belongs to (and ratings are tagged with)."""
    return state.part(trajectory.PART).current


def checkin_open(state: RoomState) -> bool:
    if state.ended:
        return False
    session = checkin_session(state)
    by_hand = state.part(PART).manual.get(session)
    if by_hand is not None:
        return by_hand
    plan = state.part(trajectory.PART)
    return plan.running and session in scheduled_sessions(state.part(PART).schedule, len(plan.sessions))


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class AddGoal(Command):
    """A participant sets one of their own goals."""

    goal_id: str
    text: str


@dataclass(frozen=True, slots=True)
class AddGroupGoal(Command):
    """The mentor sets a goal the whole group shares."""

    goal_id: str
    text: str


@dataclass(frozen=True, slots=True)
class EditGoal(Command):
    """A participant edits their own goal; the mentor edits a group goal."""

    goal_id: str
    text: str


@dataclass(frozen=True, slots=True)
class RemoveGoal(Command):
    goal_id: str


@dataclass(frozen=True, slots=True)
class SetCheckInSchedule(Command):
    schedule: str


@dataclass(frozen=True, slots=True)
class OpenCheckIn(Command):
    pass


@dataclass(frozen=True, slots=True)
class CloseCheckIn(Command):
    pass


@dataclass(frozen=True, slots=True)
class RateGoals(Command):
    """A participant's check-in: (goal id, rating as typed, note) per goal they rated."""

    ratings: tuple[tuple[str, str, str], ...]


COMMANDS: tuple[type[Command], ...] = (
    AddGoal, AddGroupGoal, EditGoal, RemoveGoal, SetCheckInSchedule, OpenCheckIn, CloseCheckIn, RateGoals,
)


# ---------------------------------------------------------------- events


# A participant's goal events carry their `pid` (so erasing them takes these along, see
# realtime/erasure.py, and only their own page re-renders); group goals have their own events.


@dataclass(frozen=True, slots=True)
class GoalAdded(Event):
    goal_id: str
    pid: str
    text: str
    session: int


@dataclass(frozen=True, slots=True)
class GoalEdited(Event):
    goal_id: str
    pid: str
    text: str


@dataclass(frozen=True, slots=True)
class GoalRemoved(Event):
    goal_id: str
    pid: str


@dataclass(frozen=True, slots=True)
class GroupGoalAdded(Event):
    goal_id: str
    text: str
    session: int


@dataclass(frozen=True, slots=True)
class GroupGoalEdited(Event):
    goal_id: str
    text: str


@dataclass(frozen=True, slots=True)
class GroupGoalRemoved(Event):
    goal_id: str


@dataclass(frozen=True, slots=True)
class GoalCheckInScheduled(Event):
    schedule: str


@dataclass(frozen=True, slots=True)
class GoalCheckInOpened(Event):
    session: int


@dataclass(frozen=True, slots=True)
class GoalCheckInClosed(Event):
    session: int


@dataclass(frozen=True, slots=True)
class GoalRated(Event):
    pid: str
    goal_id: str
    session: int
    value: int
    note: str


EVENTS: tuple[type[Event], ...] = (
    GoalAdded, GoalEdited, GoalRemoved, GroupGoalAdded, GroupGoalEdited, GroupGoalRemoved,
    GoalCheckInScheduled, GoalCheckInOpened, GoalCheckInClosed, GoalRated,
)


# ---------------------------------------------------------------- decide


def _rating(value: str) -> int:
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 2 and RATING_MIN <= int(text) <= RATING_MAX):
        raise Rejected("out_of_range", field="goal_rating", min=RATING_MIN, max=RATING_MAX)
    return int(text)


def _goal_for_change(state: RoomState, goal_id: str, actor: Actor) -> Goal:
    """The goal `actor` may change: a participant their own, the mentor a group goal."""
    goal = state.part(PART).goal(clean_line(goal_id, "goal", ID_MAX))
    if goal is None:
        raise Rejected("goal_not_found")
    if actor.role is Role.MENTOR:
        if not goal.shared:
            raise Rejected("goal_not_yours")
        return goal
    me = require_member(state, actor)
    if goal.owner != me.pid:
        raise Rejected("goal_not_yours")
    return goal


def _rate(state: RoomState, command: RateGoals, actor: Actor) -> list[Event]:
    me = require_member(state, actor)
    if not checkin_open(state):
        raise Rejected("goal_checkin_closed")
    goals = state.part(PART)
    mine = {g.gid for g in goals.rateable_by(me.pid)}
    session = checkin_session(state)
    if not isinstance(command.ratings, tuple) or len(command.ratings) > GOALS_MAX + GROUP_GOALS_MAX:
        raise Rejected("bad_message")
    if not command.ratings:
        raise Rejected("goal_rate_one")
    seen: set[str] = set()
    events: list[Event] = []
    for item in command.ratings:
        if not (isinstance(item, tuple) and len(item) == 3):
            raise Rejected("bad_message")
        goal_id, value, note = item
        gid = clean_line(goal_id, "goal", ID_MAX)
        if gid not in mine:
            raise Rejected("goal_not_found")
        if gid in seen:
            continue
        seen.add(gid)
        rated = _rating(value)
        text = clean_line(note, "goal_note", NOTE_MAX, required=False)
        before = goals.ratings.get((me.pid, gid, session))
        if before is not None and (before.value, before.note) == (rated, text):
            continue
        events.append(GoalRated(pid=me.pid, goal_id=gid, session=session, value=rated, note=text))
    return events


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_open(state)
    goals = state.part(PART)
    if isinstance(command, AddGoal):
        me = require_member(state, actor)
        if len(goals.goals_of(me.pid)) >= GOALS_MAX:
            raise Rejected("goals_too_many", max=GOALS_MAX)
        return [GoalAdded(goal_id=clean_line(command.goal_id, "goal", ID_MAX), pid=me.pid,
                          text=clean_line(command.text, "goal_text", GOAL_MAX), session=checkin_session(state))]
    if isinstance(command, AddGroupGoal):
        require_mentor(actor)
        if len(goals.group_goals) >= GROUP_GOALS_MAX:
            raise Rejected("group_goals_too_many", max=GROUP_GOALS_MAX)
        return [GroupGoalAdded(goal_id=clean_line(command.goal_id, "goal", ID_MAX),
                               text=clean_line(command.text, "goal_text", GOAL_MAX), session=checkin_session(state))]
    if isinstance(command, EditGoal):
        goal = _goal_for_change(state, command.goal_id, actor)
        text = clean_line(command.text, "goal_text", GOAL_MAX)
        if text == goal.text:
            return []
        return [GroupGoalEdited(goal.gid, text) if goal.shared else GoalEdited(goal.gid, goal.owner, text)]
    if isinstance(command, RemoveGoal):
        goal = _goal_for_change(state, command.goal_id, actor)
        return [GroupGoalRemoved(goal.gid) if goal.shared else GoalRemoved(goal.gid, goal.owner)]
    if isinstance(command, RateGoals):
        return _rate(state, command, actor)
    require_mentor(actor)
    if isinstance(command, SetCheckInSchedule):
        schedule = one_of(command.schedule, "goal_schedule", SCHEDULES)
        return [] if schedule == goals.schedule else [GoalCheckInScheduled(schedule)]
    if isinstance(command, OpenCheckIn):
        return [] if checkin_open(state) else [GoalCheckInOpened(checkin_session(state))]
    if isinstance(command, CloseCheckIn):
        return [GoalCheckInClosed(checkin_session(state))] if checkin_open(state) else []
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def _fold(goals: GoalsState, event: Event, at: float) -> GoalsState:
    if isinstance(event, (GoalAdded, GroupGoalAdded)):
        owner = event.pid if isinstance(event, GoalAdded) else GROUP
        goal = Goal(event.goal_id, owner, event.text, at, event.session)
        return dataclasses.replace(goals, goals=(*goals.goals, goal))
    if isinstance(event, (GoalEdited, GroupGoalEdited)):
        edited = tuple(dataclasses.replace(g, text=event.text) if g.gid == event.goal_id else g for g in goals.goals)
        return dataclasses.replace(goals, goals=edited)
    if isinstance(event, (GoalRemoved, GroupGoalRemoved)):
        # A removed goal takes its ratings with it: it is the participant's own data.
        kept = MappingProxyType({k: r for k, r in goals.ratings.items() if r.gid != event.goal_id})
        return dataclasses.replace(
            goals, goals=tuple(g for g in goals.goals if g.gid != event.goal_id), ratings=kept
        )
    if isinstance(event, GoalCheckInScheduled):
        return dataclasses.replace(goals, schedule=event.schedule)
    if isinstance(event, (GoalCheckInOpened, GoalCheckInClosed)):
        manual = dict(goals.manual)
        manual[event.session] = isinstance(event, GoalCheckInOpened)
        return dataclasses.replace(goals, manual=MappingProxyType(manual))
    if isinstance(event, GoalRated):
        ratings = dict(goals.ratings)
        key = (event.pid, event.goal_id, event.session)
        ratings.pop(key, None)  # the latest goes last: the order is the order they were given
        ratings[key] = Rating(event.pid, event.goal_id, event.session, event.value, event.note, at)
        return dataclasses.replace(goals, ratings=MappingProxyType(ratings))
    raise TypeError(f"goals.evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    return state.with_part(PART, _fold(state.part(PART), stamped.event, stamped.at))


# ---------------------------------------------------------------- progress


def progress(goals: GoalsState, pid: str, gid: str) -> tuple[tuple[int, int], ...]:
    """(session, rating) of one person on one goal, by session."""
    points = sorted((r.session, r.value) for r in goals.ratings.values() if r.pid == pid and r.gid == gid)
    return tuple(points)


def group_average(goals: GoalsState, pids: tuple[str, ...]) -> tuple[tuple[int, float, int], ...]:
    """(session, mean rating, how many people) over every goal each person rated in that session.

    Each person counts once per session (the mean of their own ratings), so someone with three
    goals does not weigh three times as much as someone with one.
    """
    per_person: dict[tuple[int, str], list[int]] = {}
    wanted = set(pids)
    for r in goals.ratings.values():
        if r.pid in wanted:
            per_person.setdefault((r.session, r.pid), []).append(r.value)
    sessions: dict[int, list[float]] = {}
    for (session, _pid), values in per_person.items():
        sessions.setdefault(session, []).append(sum(values) / len(values))
    return tuple(
        (session, round(sum(means) / len(means), 1), len(means)) for session, means in sorted(sessions.items())
    )


# ---------------------------------------------------------------- export


def export(state: RoomState) -> dict[str, Any]:
    """This feature's part of the mentor's JSON export (Core.export)."""
    goals = state.part(PART)
    people = state.participants
    return {
        "schedule": goals.schedule,
        "checkin_open": checkin_open(state),
        "checkin_session": checkin_session(state),
        "goals": [
            {
                "id": g.gid,
                "person": g.owner or None,
                "name": people[g.owner].name if g.owner in people else "",
                "shared": g.shared,
                "text": g.text,
                "created_at": g.created_at,
                "session": g.session,
            }
            for g in goals.goals
            if g.shared or g.owner in people
        ],
        "ratings": [
            {"person": r.pid, "goal": r.gid, "session": r.session, "rating": r.value, "note": r.note, "at": r.at}
            for r in goals.ratings.values()
            if r.pid in people
        ],
    }


FEATURE = CoreFeature(
    name="goals",
    commands=COMMANDS,
    mentor_only=(AddGroupGoal, SetCheckInSchedule, OpenCheckIn, CloseCheckIn),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        GoalAdded: ("pid",),
        GoalEdited: ("pid",),
        GoalRemoved: ("pid",),
        GroupGoalAdded: (),
        GroupGoalEdited: (),
        GroupGoalRemoved: (),
        GoalCheckInScheduled: (),
        GoalCheckInOpened: (),
        GoalCheckInClosed: (),
        GoalRated: ("pid",),
    },
    export_key="goals",
    export=export,
    reasons=REASONS,
)
