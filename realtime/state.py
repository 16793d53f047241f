"""The room: its state, and the two pure functions that move it.

Theory of operation
-------------------
A room is an ordered log of events. `decide(state, command, actor)` looks at the current state and
a command and either raises `Rejected` (nothing happens) or returns the events that the command
causes (possibly none). `evolve(state, stamped)` folds one committed event into a new state. The
shell (room.py) runs decide under the room's lock, commits the events to the store, and only then
folds them and tells anyone; every process that folds the same log gets the same state.

Both functions are pure: no I/O, no clock, no randomness. Ids, secrets and the time come from the
shell, inside the command or as the `at` of a stamped event. States are immutable; evolve copies
only the part of the state that an event touches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from realtime import (
    agenda,
    assignments,
    carryover,
    contacts,
    evaluation,
    goals,
    intake,
    limits,
    polls,
    queue,
    topics,
    trajectory,
    wall,
)
from realtime.agenda import AgendaState
from realtime.assignments import AssignmentsState
from realtime.carryover import CarryOverState
from realtime.contacts import ContactsState
from realtime.errors import Forbidden, Rejected
from realtime.evaluation import EvaluationState
from realtime.events import (
    SESSION_EVENTS,
    Actor,
    Command,
    CreateSession,
    EndSession,
    EraseParticipant,
    Event,
    Join,
    LanguageChanged,
    LinkReissued,
    ParticipantErased,
    ParticipantJoined,
    ProfileUpdated,
    ProjectorViewChanged,
    Redacted,
    ReissueLink,
    Role,
    SessionCreated,
    SessionEnded,
    SetLanguage,
    SetProjectorView,
    SetTitle,
    Stamped,
    TitleChanged,
    UpdateProfile,
)
from realtime.goals import GoalsState
from realtime.guards import require_member, require_mentor, require_open
from realtime.intake import IntakeState
from realtime.polls import PollsState
from realtime.queue import QueueState
from realtime.text import clean_line, one_of
from realtime.topics import TopicsState
from realtime.trajectory import TrajectoryState
from realtime.wall import WallState


# Each feature is a module with COMMANDS, EVENTS, decide(state, command, actor) and
# evolve(state, stamped); it keeps its part of the room in its own field of RoomState.
class Feature(Protocol):
    COMMANDS: tuple[type[Command], ...]
    EVENTS: tuple[type[Event], ...]

    def decide(self, state: RoomState, command: Command, actor: Actor) -> list[Event]: ...

    def evolve(self, state: RoomState, stamped: Stamped) -> RoomState: ...


# Trajectory features (issue 8) are appended after `trajectory` at this anchor.
FEATURES: tuple[Feature, ...] = (
    queue,
    wall,
    polls,
    trajectory,
    # -- trajectory features --
    evaluation,
    topics,
    agenda,
    assignments,
    carryover,
    contacts,
    intake,
    goals,
)
PROJECTOR_VIEWS = ("join", "wall", "queue", "poll", "agenda", "evaluation")

_EMPTY: Mapping[str, Participant] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Participant:
    pid: str
    name: str
    location: str  # one of limits.LOCATIONS
    token_hash: str
    joined_at: float


@dataclass(frozen=True, slots=True)
class RoomState:
    seq: int = 0
    code: str = ""
    title: str = ""
    language: str = "en"
    join_token: str = ""
    mentor_key_hash: str = ""
    created_at: float = 0.0
    ended_at: float | None = None
    # In join order (dicts keep insertion order); read-only views, replaced on change.
    participants: Mapping[str, Participant] = field(default_factory=lambda: _EMPTY)
    # What the projector shows: one of PROJECTOR_VIEWS, and which wall or poll (ref) if any.
    projector_view: str = "join"
    projector_ref: str = ""
    queue: QueueState = field(default_factory=QueueState)
    wall: WallState = field(default_factory=WallState)
    polls: PollsState = field(default_factory=PollsState)
    trajectory: TrajectoryState = field(default_factory=TrajectoryState)
    # -- trajectory feature states --
    evaluation: EvaluationState = field(default_factory=EvaluationState)
    topics: TopicsState = field(default_factory=TopicsState)
    agenda: AgendaState = field(default_factory=AgendaState)
    assignments: AssignmentsState = field(default_factory=AssignmentsState)
    carryover: CarryOverState = field(default_factory=CarryOverState)
    contacts: ContactsState = field(default_factory=ContactsState)
    intake: IntakeState = field(default_factory=IntakeState)
    goals: GoalsState = field(default_factory=GoalsState)

    @property
    def exists(self) -> bool:
        return self.seq > 0

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def participant_by_token_hash(self, token_hash: str) -> Participant | None:
        for participant in self.participants.values():
            if participant.token_hash == token_hash:
                return participant
        return None


# ---------------------------------------------------------------- decide

_require_mentor = require_mentor
_require_member = require_member
_require_open = require_open


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    """The events that `command` by `actor` causes in `state`, or Rejected."""
    for feature in FEATURES:
        if isinstance(command, feature.COMMANDS):
            return feature.decide(state, command, actor)
    if isinstance(command, SetProjectorView):
        _require_mentor(actor)
        view = one_of(command.view, "view", PROJECTOR_VIEWS)
        ref = clean_line(command.ref, "ref", 64, required=False)
        if (view, ref) == (state.projector_view, state.projector_ref):
            return []
        return [ProjectorViewChanged(view, ref)]
    if isinstance(command, CreateSession):
        _require_mentor(actor)
        if state.exists:
            raise Rejected("session_exists")
        return [
            SessionCreated(
                title=clean_line(command.title, "title", limits.TITLE_MAX),
                language=one_of(command.language, "language", limits.LANGUAGES),
                code=command.code,
                join_token=command.join_token,
                mentor_key_hash=command.mentor_key_hash,
            )
        ]
    if isinstance(command, Join):
        if actor.role is not Role.PARTICIPANT or actor.pid != command.pid or not command.pid:
            raise Forbidden("not_participant")
        _require_open(state)
        if command.pid in state.participants:
            raise Rejected("already_joined")
        if len(state.participants) >= limits.PARTICIPANTS_MAX:
            raise Rejected("room_full", max=limits.PARTICIPANTS_MAX)
        return [
            ParticipantJoined(
                pid=command.pid,
                name=clean_line(command.name, "name", limits.NAME_MAX),
                location=one_of(command.location, "location", limits.LOCATIONS),
                token_hash=command.token_hash,
            )
        ]
    if isinstance(command, UpdateProfile):
        me = _require_member(state, actor)
        _require_open(state)
        name = clean_line(command.name, "name", limits.NAME_MAX)
        location = one_of(command.location, "location", limits.LOCATIONS)
        if (name, location) == (me.name, me.location):
            return []
        return [ProfileUpdated(pid=me.pid, name=name, location=location)]
    if isinstance(command, SetTitle):
        _require_mentor(actor)
        title = clean_line(command.title, "title", limits.TITLE_MAX)
        return [] if title == state.title else [TitleChanged(title)]
    if isinstance(command, SetLanguage):
        _require_mentor(actor)
        language = one_of(command.language, "language", limits.LANGUAGES)
        return [] if language == state.language else [LanguageChanged(language)]
    if isinstance(command, EndSession):
        _require_mentor(actor)
        return [] if state.ended else [SessionEnded()]
    if isinstance(command, ReissueLink):
        _require_mentor(actor)
        if command.pid not in state.participants:
            raise Rejected("not_a_member")
        if not command.token_hash:
            raise Rejected("bad_message")
        return [LinkReissued(pid=command.pid, token_hash=command.token_hash)]
    if isinstance(command, EraseParticipant):
        # Deleting one's data works in an ended room too: consent does not expire.
        if actor.role is not Role.MENTOR:
            me = _require_member(state, actor)
            if me.pid != command.pid:
                raise Forbidden("not_mentor")
        if command.pid not in state.participants:
            raise Rejected("not_a_member")
        return [ParticipantErased(pid=command.pid)]
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def _with_participant(state: RoomState, participant: Participant) -> Mapping[str, Participant]:
    updated = dict(state.participants)
    updated[participant.pid] = participant
    return MappingProxyType(updated)


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    """The state after one committed event. Events arrive in seq order, each exactly once."""
    event = stamped.event
    state = dataclasses.replace(state, seq=stamped.seq)
    for feature in FEATURES:
        if isinstance(event, feature.EVENTS):
            return feature.evolve(state, stamped)
    if isinstance(event, ProjectorViewChanged):
        return dataclasses.replace(state, projector_view=event.view, projector_ref=event.ref)
    if isinstance(event, SessionCreated):
        return dataclasses.replace(
            state,
            code=event.code,
            title=event.title,
            language=event.language,
            join_token=event.join_token,
            mentor_key_hash=event.mentor_key_hash,
            created_at=stamped.at,
        )
    if isinstance(event, ParticipantJoined):
        joined = Participant(event.pid, event.name, event.location, event.token_hash, stamped.at)
        return dataclasses.replace(state, participants=_with_participant(state, joined))
    if isinstance(event, ProfileUpdated):
        current = state.participants[event.pid]
        updated = dataclasses.replace(current, name=event.name, location=event.location)
        return dataclasses.replace(state, participants=_with_participant(state, updated))
    if isinstance(event, TitleChanged):
        return dataclasses.replace(state, title=event.title)
    if isinstance(event, LanguageChanged):
        return dataclasses.replace(state, language=event.language)
    if isinstance(event, SessionEnded):
        return dataclasses.replace(state, ended_at=stamped.at)
    if isinstance(event, LinkReissued):
        person = state.participants.get(event.pid)
        if person is None:
            return state
        updated = dataclasses.replace(person, token_hash=event.token_hash)
        return dataclasses.replace(state, participants=_with_participant(state, updated))
    if isinstance(event, ParticipantErased):
        # Their own events become Redacted in the log (realtime/erasure.py); until the room is
        # reloaded from that log, they at least leave the participants (and so every view).
        remaining = {pid: p for pid, p in state.participants.items() if pid != event.pid}
        return dataclasses.replace(state, participants=MappingProxyType(remaining))
    if isinstance(event, Redacted):
        return state
    raise TypeError(f"evolve: unknown event {event!r}")  # a new event type without a fold


def fold(stamped: list[Stamped] | tuple[Stamped, ...], state: RoomState | None = None) -> RoomState:
    """Replay a log (or the rest of one) onto a state."""
    current = state or RoomState()
    for item in stamped:
        current = evolve(current, item)
    return current


ALL_EVENTS: tuple[type[Event], ...] = (
    *SESSION_EVENTS,
    ProjectorViewChanged,
    *(event for feature in FEATURES for event in feature.EVENTS),
)
