"""The room's state: what every process folds from the same log.

Theory of operation
-------------------
A room is an ordered log of events. `Core.decide(state, command, actor)` (realtime/core.py) looks
at the current state and a command and either raises `Rejected` (nothing happens) or returns the
events that the command causes (possibly none). `Core.evolve(state, stamped)` folds one committed
event into a new state. The shell (room.py, hub.py) runs decide under the room's lock, commits the
events to the store, and only then folds them and tells anyone; every process that folds the same
log gets the same state.

`RoomState` holds what every feature needs (the session: its code, title, language, participants,
what the projector shows) as fields, and each feature's own part in `parts`, keyed by the
feature's `Part` (realtime/feature.py): `state.part(queue.PART)` is the queue. A part that no event
has touched yet reads as the feature's empty value, so a feature needs no field here.

States are immutable; evolve copies only the part of the state that an event touches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

from realtime.feature import Part

S = TypeVar("S")

_NOBODY: Mapping[str, Participant] = MappingProxyType({})
_NO_PARTS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Participant:
    pid: str
    name: str
    location: str  # one of limits.LOCATIONS
    token_hash: str
    joined_at: float
    # When a browser that was someone else here last switched to this person by their personal
    # link (0: never); their page says so (issue 14).
    link_used_at: float = 0.0


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
    participants: Mapping[str, Participant] = field(default_factory=lambda: _NOBODY)
    # What the projector shows: one of the views the features offer, and which wall or poll (ref).
    projector_view: str = "join"
    projector_ref: str = ""
    # Each feature's own state, by Part.name (read it with `part`, replace it with `with_part`).
    parts: Mapping[str, Any] = field(default_factory=lambda: _NO_PARTS)

    @property
    def exists(self) -> bool:
        return self.seq > 0

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def part(self, key: Part[S]) -> S:
        value: S = self.parts.get(key.name, key.empty)
        return value

    def with_part(self, key: Part[S], value: S) -> RoomState:
        parts = dict(self.parts)
        parts[key.name] = value
        return dataclasses.replace(self, parts=MappingProxyType(parts))

    def participant_by_token_hash(self, token_hash: str) -> Participant | None:
        for participant in self.participants.values():
            if participant.token_hash == token_hash:
                return participant
        return None
