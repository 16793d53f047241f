"""Commands (what someone asks for) and events (what happened), as frozen dataclasses.

Commands are checked by `state.decide`; events are what gets stored and folded by `state.evolve`.
Everything the core must not invent itself (ids, secrets, the time) arrives inside the command or
as an argument from the shell, so the core stays deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Union


class Role(str, Enum):
    MENTOR = "mentor"
    PARTICIPANT = "participant"
    PROJECTOR = "projector"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sends a command. `pid` is set for participants only."""

    role: Role
    pid: str = ""


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class CreateSession:
    title: str
    language: str
    code: str
    join_token: str
    mentor_key_hash: str


@dataclass(frozen=True, slots=True)
class Join:
    pid: str
    name: str
    location: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class UpdateProfile:
    """A participant changes their own display name or where they are (room / remote)."""

    name: str
    location: str


@dataclass(frozen=True, slots=True)
class SetTitle:
    title: str


@dataclass(frozen=True, slots=True)
class SetLanguage:
    language: str


@dataclass(frozen=True, slots=True)
class EndSession:
    pass


Command = Union[CreateSession, Join, UpdateProfile, SetTitle, SetLanguage, EndSession]

# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class SessionCreated:
    title: str
    language: str
    code: str
    join_token: str
    mentor_key_hash: str


@dataclass(frozen=True, slots=True)
class ParticipantJoined:
    pid: str
    name: str
    location: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class ProfileUpdated:
    pid: str
    name: str
    location: str


@dataclass(frozen=True, slots=True)
class TitleChanged:
    title: str


@dataclass(frozen=True, slots=True)
class LanguageChanged:
    language: str


@dataclass(frozen=True, slots=True)
class SessionEnded:
    pass


Event = Union[
    SessionCreated, ParticipantJoined, ProfileUpdated, TitleChanged, LanguageChanged, SessionEnded
]


@dataclass(frozen=True, slots=True)
class Stamped:
    """An event with its place in the room's log and the time the shell committed it."""

    seq: int
    at: float
    event: Event
