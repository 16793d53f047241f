"""Carry-over: what one session hands to the next (action points and open questions).

The mentor writes them at the end of a session or at the start of the next one, for a session
that has started (`session` is the session they come from). Participants see the carry-over of the
session before the one that runs now (or, between sessions, of the one that just ended) at the top
of their live page. Each list is one item per line, so a textarea is all the form needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime import trajectory
from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_mentor, require_open
from realtime.text import clean_line

if TYPE_CHECKING:
    from realtime.state import RoomState

ITEM_MAX = 200
ITEMS_MAX = 12


# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "carry_too_many": "{field}: at most {max} lines.",
    "carry_not_started": "Choose a session that has started.",
}


@dataclass(frozen=True, slots=True)
class CarryOver:
    session: int
    action_points: tuple[str, ...] = ()
    open_questions: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.action_points or self.open_questions)


@dataclass(frozen=True, slots=True)
class CarryOverState:
    # session number -> what it carries over to the next session
    notes: Mapping[int, CarryOver] = field(default_factory=lambda: MappingProxyType({}))

    def of(self, session: int) -> CarryOver | None:
        note = self.notes.get(session)
        return note if note is not None and not note.empty else None


PART: Part[CarryOverState] = Part("carryover", CarryOverState())


@dataclass(frozen=True, slots=True)
class SetCarryOver(Command):
    """Numbers and lists arrive as form text: `session` a number, the lists one item per line."""

    session: str
    action_points: str
    open_questions: str


@dataclass(frozen=True, slots=True)
class CarryOverSet(Event):
    session: int
    action_points: tuple[str, ...]
    open_questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AddActionPoint(Command):
    """One action point added to the running (or just ended) session's carry-over, from a wall's
    "discuss these" list (the guided retro)."""

    text: str


COMMANDS: tuple[type[Command], ...] = (SetCarryOver, AddActionPoint)
EVENTS: tuple[type[Event], ...] = (CarryOverSet,)


def _items(text: object, field_name: str) -> tuple[str, ...]:
    if not isinstance(text, str):
        raise Rejected("missing_field", field=field_name)
    lines = [clean_line(line, field_name, ITEM_MAX, required=False) for line in text.splitlines()]
    items = tuple(line.lstrip("-*• ").strip() for line in lines if line.lstrip("-*• ").strip())
    if len(items) > ITEMS_MAX:
        raise Rejected("carry_too_many", field=field_name, max=ITEMS_MAX)
    return items


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_mentor(actor)
    require_open(state)
    if isinstance(command, AddActionPoint):
        return _add_action(state, command)
    if not isinstance(command, SetCarryOver):
        raise Rejected("unknown_command")
    plan = state.part(trajectory.PART)
    if not plan.planned:
        raise Rejected("trajectory_not_planned")
    text = command.session.strip() if isinstance(command.session, str) else ""
    started = [s.number for s in plan.sessions if s.started]
    if not text.isdigit() or int(text) not in started:
        raise Rejected("carry_not_started")
    number = int(text)
    actions = _items(command.action_points, "carry_actions")
    questions = _items(command.open_questions, "carry_questions")
    current = state.part(PART).notes.get(number)
    if current is not None and (current.action_points, current.open_questions) == (actions, questions):
        return []
    if current is None and not actions and not questions:
        return []
    return [CarryOverSet(number, actions, questions)]


def _add_action(state: RoomState, command: AddActionPoint) -> list[Event]:
    plan = state.part(trajectory.PART)
    if not plan.planned:
        raise Rejected("trajectory_not_planned")
    started = {s.number for s in plan.sessions if s.started}
    if plan.current not in started:
        raise Rejected("carry_not_started")
    text = clean_line(command.text, "carry_actions", ITEM_MAX)
    current = state.part(PART).notes.get(plan.current) or CarryOver(plan.current)
    if text in current.action_points:
        return []
    if len(current.action_points) >= ITEMS_MAX:
        raise Rejected("carry_too_many", field="carry_actions", max=ITEMS_MAX)
    return [CarryOverSet(plan.current, (*current.action_points, text), current.open_questions)]


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    if not isinstance(event, CarryOverSet):
        raise TypeError(f"carryover.evolve: unknown event {event!r}")
    notes = dict(state.part(PART).notes)
    notes[event.session] = CarryOver(event.session, event.action_points, event.open_questions)
    return state.with_part(PART, CarryOverState(MappingProxyType(notes)))


def shown(state: RoomState) -> CarryOver | None:
    """What participants see now: the carry-over into the running session, or between sessions
    the one of the session that just ended (what to take to next time)."""
    plan = state.part(trajectory.PART)
    if not plan.planned or plan.current == 0:
        return None
    source = plan.current - 1 if plan.running else plan.current
    return state.part(PART).of(source) if source >= 1 else None


def export(state: RoomState) -> list[dict[str, Any]]:
    return [
        {"session": n.session, "action_points": list(n.action_points), "open_questions": list(n.open_questions)}
        for n in sorted(state.part(PART).notes.values(), key=lambda n: n.session)
        if not n.empty
    ]


FEATURE = CoreFeature(
    name="carryover",
    commands=COMMANDS,
    mentor_only=(SetCarryOver, AddActionPoint),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        CarryOverSet: (),
    },
    export_key="carryover",
    export=export,
    reasons=REASONS,
)
