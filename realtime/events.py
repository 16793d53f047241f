"""Commands (what someone asks for) and events (what happened), as frozen dataclasses.

Commands are checked by `state.decide`; events are what gets stored and folded by `state.evolve`.
Everything the core must not invent itself (ids, secrets, the time) arrives inside the command or
as an argument from the shell, so the core stays deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    MENTOR = "mentor"
    PARTICIPANT = "participant"
    PROJECTOR = "projector"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sends a command. `pid` is set for participants only."""

    role: Role
    pid: str = ""


@dataclass(frozen=True, slots=True)
class Command:
    """Base of every command. Each feature module defines its own subclasses."""


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every event; the codec registers every subclass by its class name."""


# ---------------------------------------------------------------- session commands


@dataclass(frozen=True, slots=True)
class CreateSession(Command):
    title: str
    language: str
    code: str
    join_token: str
    mentor_key_hash: str


@dataclass(frozen=True, slots=True)
class Join(Command):
    pid: str
    name: str
    location: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class UpdateProfile(Command):
    """A participant changes their own display name or where they are (room / remote)."""

    name: str
    location: str


@dataclass(frozen=True, slots=True)
class SetTitle(Command):
    title: str


@dataclass(frozen=True, slots=True)
class SetLanguage(Command):
    language: str


@dataclass(frozen=True, slots=True)
class EndSession(Command):
    pass


@dataclass(frozen=True, slots=True)
class SetProjectorView(Command):
    """The mentor picks what the big screen shows: the join screen, a wall, the queue or a poll."""

    view: str
    ref: str = ""


SESSION_COMMANDS = (CreateSession, Join, UpdateProfile, SetTitle, SetLanguage, EndSession, SetProjectorView)

# ---------------------------------------------------------------- session events


@dataclass(frozen=True, slots=True)
class SessionCreated(Event):
    title: str
    language: str
    code: str
    join_token: str
    mentor_key_hash: str


@dataclass(frozen=True, slots=True)
class ParticipantJoined(Event):
    pid: str
    name: str
    location: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class ProfileUpdated(Event):
    pid: str
    name: str
    location: str


@dataclass(frozen=True, slots=True)
class TitleChanged(Event):
    title: str


@dataclass(frozen=True, slots=True)
class LanguageChanged(Event):
    language: str


@dataclass(frozen=True, slots=True)
class SessionEnded(Event):
    pass


@dataclass(frozen=True, slots=True)
class ProjectorViewChanged(Event):
    view: str
    ref: str


SESSION_EVENTS = (
    SessionCreated, ParticipantJoined, ProfileUpdated, TitleChanged, LanguageChanged, SessionEnded
)


@dataclass(frozen=True, slots=True)
class Stamped:
    """An event with its place in the room's log and the time the shell committed it."""

    seq: int
    at: float
    event: Event
