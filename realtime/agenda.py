"""The agenda of a session: blocks with a kind, a title and planned minutes, and which one runs.

Theory of operation
-------------------
Each session (its number; 0 for a room without a trajectory) has its own ordered list of blocks.
The mentor builds it ahead on the trajectory page for any planned session (from a template, by
hand, or by turning one of the group's topics into a block with one tap, which also marks that
topic for the agenda) and reorders it. During the session the agenda of `state.part(trajectory.PART).current`
runs: "next block" starts the following block at the time of its event (`stamped.at`), so every
screen counts the time left down from the same moment. The projector and the phones compute the
countdown themselves (web/static/agenda.js); the server never sends a tick.

"Next" carries the id of the block the mentor saw running (`expected`, "" before the first), so two
mentor devices pressing it at once move on by one block, not two.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime import topics, trajectory
from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

KINDS = ("checkin", "theory", "case", "exercise", "evaluation", "other")
TITLE_MAX = 120
MINUTES_MIN = 1
MINUTES_MAX = 240
BLOCKS_MAX = 20
ID_MAX = 32
DIRECTIONS = ("up", "down")
# Templates of a typical session: (kind, minutes); titles are left empty, so each screen shows the
# kind in its viewer's language.
TEMPLATES: Mapping[str, tuple[tuple[str, int], ...]] = {
    "standard": (("checkin", 10), ("theory", 20), ("case", 30), ("exercise", 20), ("evaluation", 10)),
    "intervision": (("checkin", 10), ("case", 45), ("case", 25), ("evaluation", 10)),
    "workshop": (("checkin", 10), ("theory", 15), ("exercise", 40), ("evaluation", 10)),
}


# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "agenda_block_not_found": "That agenda block does not exist (any more).",
    "agenda_full": "An agenda can have at most {max} blocks.",
    "agenda_empty": "This session has no agenda yet.",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Block:
    bid: str
    kind: str
    title: str
    minutes: int
    topic: str = ""  # the topic it came from, if any


@dataclass(frozen=True, slots=True)
class SessionAgenda:
    blocks: tuple[Block, ...] = ()
    current: str = ""  # the running block's id; "" before the first "next" and after the last
    started_at: float | None = None  # when the current block started
    finished: bool = False

    def block(self, bid: str) -> Block | None:
        return next((b for b in self.blocks if b.bid == bid), None)

    def index(self, bid: str) -> int:
        return next((i for i, b in enumerate(self.blocks) if b.bid == bid), -1)

    @property
    def planned_minutes(self) -> int:
        return sum(b.minutes for b in self.blocks)


_NO_AGENDAS: Mapping[int, SessionAgenda] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class AgendaState:
    sessions: Mapping[int, SessionAgenda] = field(default_factory=lambda: _NO_AGENDAS)

    def of(self, session: int) -> SessionAgenda:
        return self.sessions.get(session) or SessionAgenda()


PART: Part[AgendaState] = Part("agenda", AgendaState())


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class AddBlock(Command):
    session: str
    block: str  # new id, from the shell
    kind: str
    title: str
    minutes: str


@dataclass(frozen=True, slots=True)
class AddTopicBlock(Command):
    """Turn one of the group's topics into a case-discussion block (and mark it for the agenda)."""

    session: str
    block: str  # new id
    topic: str
    minutes: str = "20"


@dataclass(frozen=True, slots=True)
class ApplyTemplate(Command):
    session: str
    template: str
    blocks: tuple[str, ...]  # new ids, from the shell; at least as many as the template's blocks


@dataclass(frozen=True, slots=True)
class EditBlock(Command):
    session: str
    block: str
    kind: str
    title: str
    minutes: str


@dataclass(frozen=True, slots=True)
class MoveBlock(Command):
    session: str
    block: str
    direction: str


@dataclass(frozen=True, slots=True)
class RemoveBlock(Command):
    session: str
    block: str


@dataclass(frozen=True, slots=True)
class NextBlock(Command):
    """Start the block after `expected` (the one the mentor saw running; "" = none yet)."""

    expected: str


@dataclass(frozen=True, slots=True)
class StartBlock(Command):
    """Jump to one block of the running session's agenda."""

    block: str


@dataclass(frozen=True, slots=True)
class FinishAgenda(Command):
    pass


COMMANDS: tuple[type[Command], ...] = (
    AddBlock, AddTopicBlock, ApplyTemplate, EditBlock, MoveBlock, RemoveBlock, NextBlock, StartBlock, FinishAgenda,
)


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class AgendaBlockAdded(Event):
    session: int
    block: str
    kind: str
    title: str
    minutes: int
    topic: str


@dataclass(frozen=True, slots=True)
class AgendaBlockEdited(Event):
    session: int
    block: str
    kind: str
    title: str
    minutes: int


@dataclass(frozen=True, slots=True)
class AgendaReordered(Event):
    session: int
    blocks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AgendaBlockRemoved(Event):
    session: int
    block: str


@dataclass(frozen=True, slots=True)
class AgendaBlockStarted(Event):
    session: int
    block: str


@dataclass(frozen=True, slots=True)
class AgendaFinished(Event):
    session: int


EVENTS: tuple[type[Event], ...] = (
    AgendaBlockAdded, AgendaBlockEdited, AgendaReordered, AgendaBlockRemoved, AgendaBlockStarted, AgendaFinished,
)


# ---------------------------------------------------------------- decide


def _bounded(value: object, field_name: str, low: int, high: int) -> int:
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise Rejected("out_of_range", field=field_name, min=low, max=high)
    return int(text)


def _session(state: RoomState, value: object) -> int:
    """A session whose agenda may be planned: 0 (the room before or without a trajectory) or a planned one."""
    return _bounded(value, "agenda_session", 0, len(state.part(trajectory.PART).sessions))


def _new_id(value: object, agenda: SessionAgenda) -> str:
    if not isinstance(value, str) or not value or len(value) > ID_MAX or agenda.block(value) is not None:
        raise Rejected("bad_message")
    return value


def _block(agenda: SessionAgenda, bid: object) -> Block:
    found = agenda.block(bid) if isinstance(bid, str) else None
    if found is None:
        raise Rejected("agenda_block_not_found")
    return found


def _room_for(agenda: SessionAgenda, more: int) -> None:
    if len(agenda.blocks) + more > BLOCKS_MAX:
        raise Rejected("agenda_full", max=BLOCKS_MAX)


def _start(agenda: SessionAgenda, session: int, index: int) -> list[Event]:
    if 0 <= index < len(agenda.blocks):
        return [AgendaBlockStarted(session, agenda.blocks[index].bid)]
    return [] if agenda.finished else [AgendaFinished(session)]


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_mentor(actor)
    require_open(state)
    if isinstance(command, (NextBlock, StartBlock, FinishAgenda)):
        session = state.part(trajectory.PART).current
        agenda = state.part(PART).of(session)
        if isinstance(command, NextBlock):
            expected = command.expected if isinstance(command.expected, str) else ""
            if expected != agenda.current or (agenda.finished and not expected):
                return []  # another device moved on already
            if not agenda.blocks:
                raise Rejected("agenda_empty")
            return _start(agenda, session, agenda.index(agenda.current) + 1 if agenda.current else 0)
        if isinstance(command, StartBlock):
            block = _block(agenda, command.block)
            return [] if block.bid == agenda.current else [AgendaBlockStarted(session, block.bid)]
        return [] if agenda.finished or not agenda.current else [AgendaFinished(session)]
    session = _session(state, command.session)  # type: ignore[attr-defined]
    agenda = state.part(PART).of(session)
    if isinstance(command, AddBlock):
        _room_for(agenda, 1)
        kind = one_of(command.kind, "agenda_kind", KINDS)
        title = clean_line(command.title, "agenda_title", TITLE_MAX, required=False)
        minutes = _bounded(command.minutes, "agenda_minutes", MINUTES_MIN, MINUTES_MAX)
        return [AgendaBlockAdded(session, _new_id(command.block, agenda), kind, title, minutes, "")]
    if isinstance(command, AddTopicBlock):
        _room_for(agenda, 1)
        topic = topics.topic_of(state, command.topic)
        if any(b.topic == topic.tid for b in agenda.blocks):
            return []  # already on this agenda
        minutes = _bounded(command.minutes, "agenda_minutes", MINUTES_MIN, MINUTES_MAX)
        events: list[Event] = [
            AgendaBlockAdded(
                session, _new_id(command.block, agenda), "case", topic.title[:TITLE_MAX], minutes, topic.tid
            )
        ]
        if topic.status == "open":
            events.append(topics.TopicMarked(topic.tid, "agenda", state.part(trajectory.PART).current))
        return events
    if isinstance(command, ApplyTemplate):
        template = TEMPLATES[one_of(command.template, "agenda_template", tuple(TEMPLATES))]
        _room_for(agenda, len(template))
        ids = tuple(command.blocks[: len(template)])
        if len(ids) < len(template) or len(set(ids)) != len(ids):
            raise Rejected("bad_message")
        return [
            AgendaBlockAdded(session, _new_id(bid, agenda), kind, "", minutes, "")
            for bid, (kind, minutes) in zip(ids, template, strict=True)
        ]
    if isinstance(command, EditBlock):
        block = _block(agenda, command.block)
        kind = one_of(command.kind, "agenda_kind", KINDS)
        title = clean_line(command.title, "agenda_title", TITLE_MAX, required=False)
        minutes = _bounded(command.minutes, "agenda_minutes", MINUTES_MIN, MINUTES_MAX)
        if (kind, title, minutes) == (block.kind, block.title, block.minutes):
            return []
        return [AgendaBlockEdited(session, block.bid, kind, title, minutes)]
    if isinstance(command, MoveBlock):
        block = _block(agenda, command.block)
        direction = one_of(command.direction, "agenda_direction", DIRECTIONS)
        order = [b.bid for b in agenda.blocks]
        at = order.index(block.bid)
        to = at - 1 if direction == "up" else at + 1
        if not 0 <= to < len(order):
            return []
        order[at], order[to] = order[to], order[at]
        return [AgendaReordered(session, tuple(order))]
    if isinstance(command, RemoveBlock):
        block = _block(agenda, command.block)
        return [AgendaBlockRemoved(session, block.bid)]
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def _fold(agenda: SessionAgenda, event: Event, at: float) -> SessionAgenda:
    if isinstance(event, AgendaBlockAdded):
        block = Block(event.block, event.kind, event.title, event.minutes, event.topic)
        return dataclasses.replace(agenda, blocks=(*agenda.blocks, block))
    if isinstance(event, AgendaBlockEdited):
        blocks = tuple(
            dataclasses.replace(b, kind=event.kind, title=event.title, minutes=event.minutes)
            if b.bid == event.block
            else b
            for b in agenda.blocks
        )
        return dataclasses.replace(agenda, blocks=blocks)
    if isinstance(event, AgendaReordered):
        by_id = {b.bid: b for b in agenda.blocks}
        ordered = [by_id.pop(bid) for bid in event.blocks if bid in by_id]
        return dataclasses.replace(agenda, blocks=(*ordered, *by_id.values()))
    if isinstance(event, AgendaBlockRemoved):
        blocks = tuple(b for b in agenda.blocks if b.bid != event.block)
        if agenda.current == event.block:
            return dataclasses.replace(agenda, blocks=blocks, current="", started_at=None)
        return dataclasses.replace(agenda, blocks=blocks)
    if isinstance(event, AgendaBlockStarted):
        return dataclasses.replace(agenda, current=event.block, started_at=at, finished=False)
    if isinstance(event, AgendaFinished):
        return dataclasses.replace(agenda, current="", started_at=None, finished=True)
    raise TypeError(f"agenda.evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    session = int(getattr(stamped.event, "session"))  # noqa: B009 (every agenda event has one)
    sessions = dict(state.part(PART).sessions)
    sessions[session] = _fold(state.part(PART).of(session), stamped.event, stamped.at)
    return state.with_part(PART, AgendaState(MappingProxyType(dict(sorted(sessions.items())))))


# ---------------------------------------------------------------- export


def export(state: RoomState) -> Any:
    return [
        {
            "session": session,
            "planned_minutes": agenda.planned_minutes,
            "finished": agenda.finished,
            "current": agenda.current or None,
            "blocks": [
                {"id": b.bid, "kind": b.kind, "title": b.title, "minutes": b.minutes, "topic": b.topic or None}
                for b in agenda.blocks
            ],
        }
        for session, agenda in state.part(PART).sessions.items()
    ]


FEATURE = CoreFeature(
    name="agenda",
    commands=COMMANDS,
    mentor_only=(
        AddBlock, AddTopicBlock, ApplyTemplate, EditBlock, MoveBlock, RemoveBlock, NextBlock, StartBlock,
        FinishAgenda,
    ),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        AgendaBlockAdded: (),
        AgendaBlockEdited: (),
        AgendaReordered: (),
        AgendaBlockRemoved: (),
        AgendaBlockStarted: (),
        AgendaFinished: (),
    },
    export_key="agendas",
    export=export,
    reasons=REASONS,
    projector_views=("agenda",),
    creates={AgendaBlockAdded: "block"},
    refers=("block",),
)
