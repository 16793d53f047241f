"""The hand-raise queue: who wants to speak, who speaks now, and how the turns were shared.

Theory of operation
-------------------
Participants raise and lower their own hand; the mentor gives turns, moves, removes and clears.
`QueueState.entries` is the queue's base order (arrival order, changed only by the mentor moving
someone). The order people are called in is not stored: `order()` derives it from the base order,
the mentor's policy and who spoke before, each time, with a reason code for every place ("why is
this person next"). So changing the policy reorders the whole queue at once, and the projector, the
console and every phone agree because they all call the same pure function on the same state.

A turn has an id made by the shell. "Next" and "Done" carry the id of the turn the mentor saw
(`expected`, "" for none): when two mentor devices press "next" at the same moment, the second
command finds another turn running and does nothing, so nobody is skipped.

Speaking time and turn counts are folded from TurnStarted / TurnEnded and their `stamped.at`;
the core never reads a clock. A hand of someone who stays away past GRACE_S is lowered by the
shell (server/away.py) with ExpireHand, which carries the away time and the shell's "now".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

# "" is a plain raised hand; the others are what a participant may mark it as.
KINDS = ("", "question", "addition", "reply")
POLICIES = ("fifo", "alternate", "fewest")
# Soft time limits per turn the mentor can pick, in seconds ("0": none). A choice, not free input.
LIMITS = ("0", "60", "120", "180", "300", "600")
DIRECTIONS = ("up", "down")
# How many hands can be up at once: far above a group, low enough to keep renders small.
QUEUE_MAX = 200
# How long (seconds) a disconnected participant keeps their place before their hand is lowered.
GRACE_S = 120.0
ID_MAX = 64
# A hand raised from the Q&A ("I'd rather ask it myself", realtime/qa.py) carries its question.
TEXT_MAX = 280

# Who lowered a hand (HandLowered.by).
BY_SELF, BY_MENTOR, BY_AWAY = "self", "mentor", "away"

# Reason codes of order(): why someone is at their place. The web layer translates them.
WHY_FIRST = "first"  # raised their hand first (or: the order the mentor left it in)
WHY_MOVED = "moved"  # the mentor moved them here
WHY_ALTERNATE = "alternate"  # it is their side's turn (room / remote) while both wait
WHY_FEWEST = "fewest"  # has had the fewest turns of those waiting
WHY_TIE = "tie"  # as few turns as someone else, but raised their hand earlier
WHY_GIVEN = "given"  # the mentor picked them out of the queue


# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "queue_full": "The queue is full ({max} hands). Please wait a moment.",
    "queue_not_waiting": "That person is not in the queue (any more).",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Entry:
    pid: str
    kind: str
    raised_at: float
    moved: bool = False
    text: str = ""  # the question, when raised from the Q&A


@dataclass(frozen=True, slots=True)
class Turn:
    tid: str
    pid: str
    kind: str
    location: str
    started_at: float
    why: str
    ended_at: float | None = None

    @property
    def seconds(self) -> float:
        return max(0.0, (self.ended_at or self.started_at) - self.started_at)


@dataclass(frozen=True, slots=True)
class Tally:
    turns: int = 0
    seconds: float = 0.0


_NO_TALLY: Mapping[str, Tally] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class QueueState:
    entries: tuple[Entry, ...] = ()
    policy: str = "fifo"
    soft_limit_s: int = 0
    current: Turn | None = None
    # Finished turns, oldest first: the balance and the export are computed from these.
    history: tuple[Turn, ...] = ()
    tally: Mapping[str, Tally] = field(default_factory=lambda: _NO_TALLY)
    # Whose hand was lowered while they were away; they are told when they are back.
    lowered_away: frozenset[str] = frozenset()

    def entry(self, pid: str) -> Entry | None:
        return next((e for e in self.entries if e.pid == pid), None)

    def last_location(self) -> str:
        """Where the most recent speaker was (room / remote), "" before the first turn."""
        if self.current is not None:
            return self.current.location
        return self.history[-1].location if self.history else ""


PART: Part[QueueState] = Part("queue", QueueState())


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class RaiseHand(Command):
    kind: str = ""


@dataclass(frozen=True, slots=True)
class LowerHand(Command):
    pass


@dataclass(frozen=True, slots=True)
class SeenLowered(Command):
    """A participant closes the notice that their hand was lowered while they were away."""


@dataclass(frozen=True, slots=True)
class NextTurn(Command):
    """End the current turn (if it is still `expected`) and give the turn to the head of the queue."""

    turn_id: str
    expected: str


@dataclass(frozen=True, slots=True)
class GiveTurn(Command):
    """Give the turn to one person in the queue, whatever their place."""

    turn_id: str
    pid: str


@dataclass(frozen=True, slots=True)
class EndTurn(Command):
    expected: str


@dataclass(frozen=True, slots=True)
class MoveEntry(Command):
    pid: str
    direction: str


@dataclass(frozen=True, slots=True)
class RemoveEntry(Command):
    pid: str


@dataclass(frozen=True, slots=True)
class ClearQueue(Command):
    pass


@dataclass(frozen=True, slots=True)
class SetPolicy(Command):
    policy: str


@dataclass(frozen=True, slots=True)
class SetSoftLimit(Command):
    seconds: str


@dataclass(frozen=True, slots=True)
class ExpireHand(Command):
    """From the shell's away timer, never from a socket: `pid` has been away since `away_since`."""

    pid: str
    away_since: float
    now: float
    grace_s: float = GRACE_S  # the deployment's grace period (KRING_QUEUE_GRACE_S)


COMMANDS: tuple[type[Command], ...] = (
    RaiseHand, LowerHand, SeenLowered, NextTurn, GiveTurn, EndTurn, MoveEntry, RemoveEntry,
    ClearQueue, SetPolicy, SetSoftLimit, ExpireHand,
)

# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class HandRaised(Event):
    pid: str
    kind: str
    text: str = ""  # the question, when raised from the Q&A (older logs have none)


@dataclass(frozen=True, slots=True)
class HandLowered(Event):
    pid: str
    by: str  # BY_SELF, BY_MENTOR or BY_AWAY


@dataclass(frozen=True, slots=True)
class LoweredNoticeSeen(Event):
    pid: str


@dataclass(frozen=True, slots=True)
class TurnStarted(Event):
    turn_id: str
    pid: str
    kind: str
    location: str
    why: str


@dataclass(frozen=True, slots=True)
class TurnEnded(Event):
    turn_id: str


@dataclass(frozen=True, slots=True)
class QueueReordered(Event):
    """The mentor moved `moved`: `order` is the whole queue as it now stands (policy: fifo)."""

    order: tuple[str, ...]
    moved: str


@dataclass(frozen=True, slots=True)
class QueueCleared(Event):
    pass


@dataclass(frozen=True, slots=True)
class PolicyChanged(Event):
    policy: str


@dataclass(frozen=True, slots=True)
class SoftLimitChanged(Event):
    seconds: int


EVENTS: tuple[type[Event], ...] = (
    HandRaised, HandLowered, LoweredNoticeSeen, TurnStarted, TurnEnded, QueueReordered,
    QueueCleared, PolicyChanged, SoftLimitChanged,
)

# ---------------------------------------------------------------- the order policies


@dataclass(frozen=True, slots=True)
class Place:
    """One entry at its place in the calling order, and why it is there."""

    entry: Entry
    why: str
    turns: int
    location: str


def _fifo(entries: Sequence[Entry]) -> list[tuple[Entry, str]]:
    return [(e, WHY_MOVED if e.moved else WHY_FIRST) for e in entries]


def _alternate(entries: Sequence[Entry], locations: Mapping[str, str], last: str) -> list[tuple[Entry, str]]:
    """Room and remote take turns while both wait; each side keeps its own base order."""
    sides: dict[str, list[Entry]] = {"room": [], "remote": []}
    for entry in entries:
        sides["remote" if locations.get(entry.pid) == "remote" else "room"].append(entry)
    if not sides["room"] or not sides["remote"]:
        return _fifo(entries)
    # The side that did not speak last starts; before any turn, whoever raised first.
    side = {"room": "remote", "remote": "room"}.get(last) or (
        "remote" if locations.get(entries[0].pid) == "remote" else "room"
    )
    placed: list[tuple[Entry, str]] = []
    while sides["room"] and sides["remote"]:
        placed.append((sides[side].pop(0), WHY_ALTERNATE))
        side = "room" if side == "remote" else "remote"
    rest = sides["room"] or sides["remote"]
    placed.extend((e, WHY_MOVED if e.moved else WHY_FIRST) for e in rest)
    return placed


def _fewest(
    entries: Sequence[Entry], tally: Mapping[str, Tally], prior: Mapping[str, int]
) -> list[tuple[Entry, str]]:
    """Fewest turns in this session first, then fewest in the trajectory, then base order."""

    def key(indexed: tuple[int, Entry]) -> tuple[int, int, int]:
        index, entry = indexed
        return (tally.get(entry.pid, Tally()).turns, prior.get(entry.pid, 0), index)

    ranked = [e for _, e in sorted(enumerate(entries), key=key)]
    counts = [tally.get(e.pid, Tally()).turns for e in ranked]
    placed: list[tuple[Entry, str]] = []
    for index, entry in enumerate(ranked):
        # A tie with someone further down means the base order (raised earlier) decided.
        tied = counts.count(counts[index]) > 1
        placed.append((entry, WHY_TIE if tied else WHY_FEWEST))
    return placed


def order(queue: QueueState, locations: Mapping[str, str], prior: Mapping[str, int] | None = None) -> list[Place]:
    """The queue in calling order under its policy, each place with its reason.

    `locations`: pid -> "room" / "remote" (people's current place). `prior`: turns per pid in
    earlier sessions of a trajectory, when there is one (the fewest-turns policy's tie-break).
    """
    entries = queue.entries
    if queue.policy == "alternate":
        placed = _alternate(entries, locations, queue.last_location())
    elif queue.policy == "fewest":
        placed = _fewest(entries, queue.tally, prior or {})
    else:
        placed = _fifo(entries)
    return [
        Place(entry, why, queue.tally.get(entry.pid, Tally()).turns, locations.get(entry.pid, "room"))
        for entry, why in placed
    ]


def locations_of(state: RoomState) -> dict[str, str]:
    return {pid: p.location for pid, p in state.participants.items()}


def balance(queue: QueueState) -> dict[str, dict[str, float | int]]:
    """Turns and speaking seconds per location (room / remote) from the finished turns."""
    split: dict[str, dict[str, float | int]] = {
        "room": {"turns": 0, "seconds": 0.0},
        "remote": {"turns": 0, "seconds": 0.0},
    }
    for turn in queue.history:
        side = split["remote" if turn.location == "remote" else "room"]
        side["turns"] += 1
        side["seconds"] += turn.seconds
    return split


# ---------------------------------------------------------------- decide


def _identifier(value: str, name: str) -> str:
    return clean_line(value, name, ID_MAX)


def _start(state: RoomState, turn_id: str, entry: Entry, why: str) -> list[Event]:
    """End the current turn (if any) and start one for `entry`."""
    queue = state.part(PART)
    events: list[Event] = []
    if queue.current is not None:
        events.append(TurnEnded(queue.current.tid))
    participant = state.participants.get(entry.pid)
    location = participant.location if participant is not None else "room"
    events.append(TurnStarted(turn_id, entry.pid, entry.kind, location, why))
    return events


def _participant_command(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    me = require_member(state, actor)
    queue = state.part(PART)
    if isinstance(command, SeenLowered):
        return [LoweredNoticeSeen(me.pid)] if me.pid in queue.lowered_away else []
    require_open(state)
    if isinstance(command, RaiseHand):
        kind = one_of(command.kind, "hand_kind", KINDS)
        if queue.entry(me.pid) is not None:
            return []  # raising twice does nothing the second time
        if len(queue.entries) >= QUEUE_MAX:
            raise Rejected("queue_full", max=QUEUE_MAX)
        return [HandRaised(me.pid, kind)]
    if isinstance(command, LowerHand):
        return [HandLowered(me.pid, BY_SELF)] if queue.entry(me.pid) is not None else []
    raise Rejected("unknown_command")


def _waiting(state: RoomState, pid: str) -> Entry:
    entry = state.part(PART).entry(_identifier(pid, "queue_person"))
    if entry is None:
        raise Rejected("queue_not_waiting")
    return entry


def _move(state: RoomState, command: MoveEntry) -> list[Event]:
    direction = one_of(command.direction, "move_direction", DIRECTIONS)
    entry = _waiting(state, command.pid)
    # Moves act on the order everyone sees, which then becomes the base order (policy: fifo).
    shown = [place.entry.pid for place in order(state.part(PART), locations_of(state))]
    index = shown.index(entry.pid)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(shown):
        return []
    shown[index], shown[other] = shown[other], shown[index]
    return [QueueReordered(tuple(shown), entry.pid)]


def _mentor_command(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_mentor(actor)
    queue = state.part(PART)
    if isinstance(command, ExpireHand):
        # Only the shell's timer sends this (no socket parser builds it); still, check its claim.
        entry = queue.entry(command.pid)
        if entry is None or command.now - command.away_since < command.grace_s:
            return []
        return [HandLowered(entry.pid, BY_AWAY)]
    if isinstance(command, SetPolicy):
        policy = one_of(command.policy, "queue_order", POLICIES)
        return [] if policy == queue.policy else [PolicyChanged(policy)]
    if isinstance(command, SetSoftLimit):
        seconds = int(one_of(command.seconds, "turn_limit", LIMITS))
        return [] if seconds == queue.soft_limit_s else [SoftLimitChanged(seconds)]
    if isinstance(command, EndTurn):
        expected = clean_line(command.expected, "turn_id", ID_MAX, required=False)
        if queue.current is None or queue.current.tid != expected:
            return []  # someone else ended it already
        return [TurnEnded(queue.current.tid)]
    require_open(state)
    if isinstance(command, NextTurn):
        turn_id = _identifier(command.turn_id, "turn_id")
        expected = clean_line(command.expected, "turn_id", ID_MAX, required=False)
        current = queue.current.tid if queue.current is not None else ""
        if current != expected:
            return []  # another device pressed "next" first: this press is already done
        places = order(queue, locations_of(state))
        if not places:
            return [TurnEnded(current)] if current else []
        return _start(state, turn_id, places[0].entry, places[0].why)
    if isinstance(command, GiveTurn):
        turn_id = _identifier(command.turn_id, "turn_id")
        pid = _identifier(command.pid, "queue_person")
        if queue.current is not None and queue.current.pid == pid and queue.entry(pid) is None:
            return []  # already speaking (a second click on the same button)
        return _start(state, turn_id, _waiting(state, pid), WHY_GIVEN)
    if isinstance(command, MoveEntry):
        return _move(state, command)
    if isinstance(command, RemoveEntry):
        return [HandLowered(_waiting(state, command.pid).pid, BY_MENTOR)]
    if isinstance(command, ClearQueue):
        return [QueueCleared()] if queue.entries else []
    raise Rejected("unknown_command")


_PARTICIPANT_COMMANDS = (RaiseHand, LowerHand, SeenLowered)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    if isinstance(command, _PARTICIPANT_COMMANDS):
        return _participant_command(state, command, actor)
    return _mentor_command(state, command, actor)


# ---------------------------------------------------------------- evolve


def _without(entries: tuple[Entry, ...], pid: str) -> tuple[Entry, ...]:
    return tuple(e for e in entries if e.pid != pid)


def _finish(queue: QueueState, at: float) -> QueueState:
    """The current turn ended at `at`: into the history and the speaker's tally."""
    turn = queue.current
    if turn is None:
        return queue
    done = dataclasses.replace(turn, ended_at=at)
    before = queue.tally.get(turn.pid, Tally())
    tally = dict(queue.tally)
    tally[turn.pid] = Tally(before.turns + 1, before.seconds + done.seconds)
    return dataclasses.replace(
        queue, current=None, history=(*queue.history, done), tally=MappingProxyType(tally)
    )


def _reordered(queue: QueueState, event: QueueReordered) -> QueueState:
    by_pid = {e.pid: e for e in queue.entries}
    ordered = [by_pid.pop(pid) for pid in event.order if pid in by_pid]
    ordered.extend(by_pid.values())  # none, as decide lists them all; never drop a hand
    entries = tuple(dataclasses.replace(e, moved=True) if e.pid == event.moved else e for e in ordered)
    return dataclasses.replace(queue, entries=entries, policy="fifo")


def _fold(queue: QueueState, event: Event, at: float) -> QueueState:
    if isinstance(event, HandRaised):
        entry = Entry(event.pid, event.kind, at, text=event.text)
        return dataclasses.replace(
            queue, entries=(*queue.entries, entry), lowered_away=queue.lowered_away - {event.pid}
        )
    if isinstance(event, HandLowered):
        lowered = queue.lowered_away | {event.pid} if event.by == BY_AWAY else queue.lowered_away
        return dataclasses.replace(queue, entries=_without(queue.entries, event.pid), lowered_away=lowered)
    if isinstance(event, LoweredNoticeSeen):
        return dataclasses.replace(queue, lowered_away=queue.lowered_away - {event.pid})
    if isinstance(event, TurnStarted):
        queue = _finish(queue, at)
        turn = Turn(event.turn_id, event.pid, event.kind, event.location, at, event.why)
        return dataclasses.replace(queue, current=turn, entries=_without(queue.entries, event.pid))
    if isinstance(event, TurnEnded):
        return _finish(queue, at)
    if isinstance(event, QueueReordered):
        return _reordered(queue, event)
    if isinstance(event, QueueCleared):
        return dataclasses.replace(queue, entries=())
    if isinstance(event, PolicyChanged):
        return dataclasses.replace(queue, policy=event.policy)
    if isinstance(event, SoftLimitChanged):
        return dataclasses.replace(queue, soft_limit_s=event.seconds)
    raise TypeError(f"evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    return state.with_part(PART, _fold(state.part(PART), stamped.event, stamped.at))


# ---------------------------------------------------------------- export


def _turn_data(turn: Turn) -> dict[str, Any]:
    return {
        "id": turn.tid, "person": turn.pid, "kind": turn.kind, "location": turn.location,
        "started_at": turn.started_at, "ended_at": turn.ended_at, "seconds": round(turn.seconds, 1),
        "why": turn.why,
    }


def export(state: RoomState) -> Any:
    """This feature's part of the mentor's JSON export (Core.export)."""
    queue = state.part(PART)
    people = [
        {
            "person": pid, "name": p.name, "location": p.location,
            "turns": queue.tally.get(pid, Tally()).turns,
            "seconds": round(queue.tally.get(pid, Tally()).seconds, 1),
        }
        for pid, p in state.participants.items()
    ]
    return {
        "policy": queue.policy,
        "soft_limit_s": queue.soft_limit_s,
        "waiting": [
            {"person": p.entry.pid, "kind": p.entry.kind, "raised_at": p.entry.raised_at, "why": p.why,
             "text": p.entry.text or None}
            for p in order(queue, locations_of(state))
        ],
        "current": _turn_data(queue.current) if queue.current is not None else None,
        "turns": [_turn_data(turn) for turn in queue.history],
        "balance": {"people": people, "locations": balance(queue)},
    }


FEATURE = CoreFeature(
    name="queue",
    commands=COMMANDS,
    mentor_only=(NextTurn, GiveTurn, EndTurn, MoveEntry, RemoveEntry, ClearQueue, SetPolicy, SetSoftLimit, ExpireHand),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        HandRaised: ("pid",),
        HandLowered: ("pid",),
        LoweredNoticeSeen: ("pid",),
        TurnStarted: ("pid",),
        TurnEnded: (),
        # `order` holds the opaque ids of everyone waiting, in the mentor's order; an erased id
        # maps to nobody and the fold skips it, so only the one the mentor moved counts as naming.
        QueueReordered: ("moved",),
        QueueCleared: (),
        PolicyChanged: (),
        SoftLimitChanged: (),
    },
    export_key="queue",
    export=export,
    reasons=REASONS,
    projector_views=("queue",),
)
