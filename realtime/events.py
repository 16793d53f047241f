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


@dataclass(frozen=True, slots=True)
class ReissueLink(Command):
    """The mentor gives a participant a new personal link; the old one stops working. The token
    is made in the shell and shown once to the mentor; only its hash is stored."""

    pid: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class UseLink(Command):
    """A browser that was someone else in this room switched to this participant through their
    personal link, after confirming it (server/trajectory_routes.py): the owner of the link is told
    on their page, so that a link in the wrong hands does not go unnoticed (issue 14)."""

    pid: str


@dataclass(frozen=True, slots=True)
class EraseParticipant(Command):
    """A participant deletes their own data (or the mentor does it for them, on request)."""

    pid: str


SESSION_COMMANDS = (
    CreateSession, Join, UpdateProfile, SetTitle, SetLanguage, EndSession, SetProjectorView, ReissueLink,
    EraseParticipant, UseLink,
)

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


@dataclass(frozen=True, slots=True)
class LinkReissued(Event):
    pid: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class LinkUsed(Event):
    pid: str


@dataclass(frozen=True, slots=True)
class ParticipantErased(Event):
    """Someone's data was deleted: they leave the room's state. The shell then rewrites their own
    events in the log into `Redacted` markers (realtime/erasure.py) and reloads the room."""

    pid: str


@dataclass(frozen=True, slots=True)
class Redacted(Event):
    """What an erased person's event becomes in the log: a marker that keeps the seq, carries
    nothing, and that evolve skips."""


SESSION_EVENTS = (
    SessionCreated, ParticipantJoined, ProfileUpdated, TitleChanged, LanguageChanged, SessionEnded,
    LinkReissued, ParticipantErased, Redacted, LinkUsed,
)


@dataclass(frozen=True, slots=True)
class Stamped:
    """An event with its place in the room's log and the time the shell committed it."""

    seq: int
    at: float
    event: Event
