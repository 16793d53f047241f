"""The mentor's own notes: their learning goals as a mentor, and a short reflection after each
meeting they held (what went well, what to do differently next time). Issue 18.

These are the mentor's alone. No participant's page, no projector and no export that may be
shared (the room's JSON, Markdown and CSV exports, the summaries for the group) ever carries them:
the web side renders them in one mentor-only region of the mentor's trajectory page, and `FEATURE`
declares no export. They name no participant (a reflection is about the mentor's own work), so a
participant's erasure leaves them; deleting the trajectory, or the retention sweep, deletes the
whole room and them with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from realtime import trajectory
from realtime.errors import Dangling, Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_mentor
from realtime.text import clean_block, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

GOAL_MAX = 300
GOAL_LINES = 5
GOALS_MAX = 12
REFLECTION_MAX = 1500
REFLECTION_LINES = 20

REASONS: Mapping[str, str] = {
    "mentor_goals_full": "You have {max} goals: remove one first.",
    "mentor_goal_unknown": "That goal does not exist (any more).",
    "reflection_not_held": "Reflect on a session once it has been held.",
}


@dataclass(frozen=True, slots=True)
class MentorGoal:
    goal: str
    text: str
    reached: bool = False


@dataclass(frozen=True, slots=True)
class Reflection:
    went_well: str
    differently: str
    at: float  # when it was last written


@dataclass(frozen=True, slots=True)
class MentorNotesState:
    goals: tuple[MentorGoal, ...] = ()  # in the order they were set
    reflections: Mapping[int, Reflection] = field(default_factory=lambda: MappingProxyType({}))  # by session


PART: Part[MentorNotesState] = Part("mentor_notes", MentorNotesState())


@dataclass(frozen=True, slots=True)
class SetMentorGoal(Command):
    """A new goal (`goal` is a fresh id) or a goal's new wording (`goal` is its id, `new` "no")."""

    goal: str
    text: str
    new: bool = True


@dataclass(frozen=True, slots=True)
class RemoveMentorGoal(Command):
    goal: str


@dataclass(frozen=True, slots=True)
class MarkMentorGoal(Command):
    goal: str
    reached: str  # "yes" or "no"


@dataclass(frozen=True, slots=True)
class WriteReflection(Command):
    session: str
    went_well: str
    differently: str


@dataclass(frozen=True, slots=True)
class MentorGoalSet(Event):
    goal: str
    text: str


@dataclass(frozen=True, slots=True)
class MentorGoalRemoved(Event):
    goal: str


@dataclass(frozen=True, slots=True)
class MentorGoalMarked(Event):
    goal: str
    reached: bool


@dataclass(frozen=True, slots=True)
class ReflectionWritten(Event):
    session: int
    went_well: str
    differently: str


COMMANDS: tuple[type[Command], ...] = (SetMentorGoal, RemoveMentorGoal, MarkMentorGoal, WriteReflection)
EVENTS: tuple[type[Event], ...] = (MentorGoalSet, MentorGoalRemoved, MentorGoalMarked, ReflectionWritten)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_mentor(actor)
    part = state.part(PART)
    if isinstance(command, SetMentorGoal):
        text = clean_block(command.text, "mentor_goal_text", GOAL_MAX, GOAL_LINES)
        if not text:
            raise Rejected("missing_field", field="mentor_goal_text")
        if command.new:
            if len(part.goals) >= GOALS_MAX:
                raise Rejected("mentor_goals_full", max=GOALS_MAX)
            return [MentorGoalSet(command.goal, text)]
        return [] if _goal(part, command.goal).text == text else [MentorGoalSet(command.goal, text)]
    if isinstance(command, RemoveMentorGoal):
        return [MentorGoalRemoved(_goal(part, command.goal).goal)]
    if isinstance(command, MarkMentorGoal):
        goal = _goal(part, command.goal)
        reached = one_of(command.reached, "mentor_goal_reached", ("yes", "no")) == "yes"
        return [] if reached == goal.reached else [MentorGoalMarked(goal.goal, reached)]
    if isinstance(command, WriteReflection):
        number = command.session.strip() if isinstance(command.session, str) else ""
        held = state.part(trajectory.PART).session(int(number)) if number.isascii() and number.isdigit() \
            and len(number) <= 3 else None
        if held is None or not held.started:
            raise Rejected("reflection_not_held")
        went_well = clean_block(command.went_well, "reflection_went_well", REFLECTION_MAX, REFLECTION_LINES)
        differently = clean_block(command.differently, "reflection_differently", REFLECTION_MAX, REFLECTION_LINES)
        old = part.reflections.get(held.number)
        if old is not None and (old.went_well, old.differently) == (went_well, differently):
            return []
        if old is None and not went_well and not differently:
            raise Rejected("missing_field", field="reflection_went_well")
        return [ReflectionWritten(held.number, went_well, differently)]
    raise Rejected("unknown_command")


def _goal(part: MentorNotesState, goal: str) -> MentorGoal:
    found = next((g for g in part.goals if g.goal == goal), None)
    if found is None:
        raise Rejected("mentor_goal_unknown")
    return found


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    part = state.part(PART)
    if isinstance(event, MentorGoalSet):
        if any(g.goal == event.goal for g in part.goals):
            goals = tuple(dataclasses.replace(g, text=event.text) if g.goal == event.goal else g for g in part.goals)
        else:
            goals = (*part.goals, MentorGoal(event.goal, event.text))
        part = dataclasses.replace(part, goals=goals)
    elif isinstance(event, MentorGoalRemoved):
        part = dataclasses.replace(part, goals=tuple(g for g in part.goals if g.goal != event.goal))
    elif isinstance(event, MentorGoalMarked):
        if not any(g.goal == event.goal for g in part.goals):
            raise Dangling("MentorGoalMarked on a goal that is gone")
        part = dataclasses.replace(part, goals=tuple(
            dataclasses.replace(g, reached=event.reached) if g.goal == event.goal else g for g in part.goals))
    elif isinstance(event, ReflectionWritten):
        reflections = dict(part.reflections)
        if event.went_well or event.differently:
            reflections[event.session] = Reflection(event.went_well, event.differently, stamped.at)
        else:  # both emptied: the reflection is gone
            reflections.pop(event.session, None)
        part = dataclasses.replace(part, reflections=MappingProxyType(reflections))
    else:
        raise TypeError(f"mentor_notes.evolve: unknown event {event!r}")
    return state.with_part(PART, part)


FEATURE = CoreFeature(
    name="mentor_notes",
    commands=COMMANDS,
    mentor_only=(SetMentorGoal, RemoveMentorGoal, MarkMentorGoal, WriteReflection),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    # The mentor's own words: no participant's id in any of them.
    personal={MentorGoalSet: (), MentorGoalRemoved: (), MentorGoalMarked: (), ReflectionWritten: ()},
    part=PART,
    # No export: the room's exports may be shared; these are the mentor's alone.
    reasons=REASONS,
)
