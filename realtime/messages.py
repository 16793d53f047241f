"""Messages between meetings: the mentor posts to the group (a reminder, a link, a question for
next time); each participant sees which are new to them until they mark them read.

Messages are numbered in the order they were posted (`number`, never reused, also after a
removal), and a participant's reading is one number: the newest message they marked read. So
"unread" is every message with a higher number, and marking read is one small event per person.
The mentor's messages name nobody; a participant's reading names them (erasure takes it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor
from realtime.text import clean_block

if TYPE_CHECKING:
    from realtime.state import RoomState

TEXT_MAX = 2000
TEXT_LINES = 30
MESSAGES_MAX = 200

REASONS: Mapping[str, str] = {
    "messages_full": "There are already {max} messages: remove old ones first.",
    "message_unknown": "That message does not exist (any more).",
}


@dataclass(frozen=True, slots=True)
class Message:
    mid: str
    number: int
    text: str
    at: float  # when it was posted (the stamped event's time)


@dataclass(frozen=True, slots=True)
class MessagesState:
    messages: tuple[Message, ...] = ()  # oldest first
    posted: int = 0  # how many were ever posted: the next one's number is posted + 1
    read: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def unread(self, pid: str) -> tuple[Message, ...]:
        seen = self.read.get(pid, 0)
        return tuple(m for m in self.messages if m.number > seen)


PART: Part[MessagesState] = Part("messages", MessagesState())


@dataclass(frozen=True, slots=True)
class PostMessage(Command):
    mid: str
    text: str


@dataclass(frozen=True, slots=True)
class RemoveMessage(Command):
    mid: str


@dataclass(frozen=True, slots=True)
class MarkMessagesRead(Command):
    upto: str  # the number of the newest message the participant saw


@dataclass(frozen=True, slots=True)
class MessagePosted(Event):
    mid: str
    text: str


@dataclass(frozen=True, slots=True)
class MessageRemoved(Event):
    mid: str


@dataclass(frozen=True, slots=True)
class MessagesRead(Event):
    pid: str
    upto: int


COMMANDS: tuple[type[Command], ...] = (PostMessage, RemoveMessage, MarkMessagesRead)
EVENTS: tuple[type[Event], ...] = (MessagePosted, MessageRemoved, MessagesRead)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    part = state.part(PART)
    # Between meetings is exactly when these are needed: a closed room still takes them (like
    # return meetings), so that the mentor can reach the group after the last session too.
    if isinstance(command, PostMessage):
        require_mentor(actor)
        if len(part.messages) >= MESSAGES_MAX:
            raise Rejected("messages_full", max=MESSAGES_MAX)
        text = clean_block(command.text, "message_text", TEXT_MAX, TEXT_LINES)
        if not text:
            raise Rejected("missing_field", field="message_text")
        return [MessagePosted(command.mid, text)]
    if isinstance(command, RemoveMessage):
        require_mentor(actor)
        if not any(m.mid == command.mid for m in part.messages):
            raise Rejected("message_unknown")
        return [MessageRemoved(command.mid)]
    if isinstance(command, MarkMessagesRead):
        me = require_member(state, actor)
        text = command.upto.strip() if isinstance(command.upto, str) else ""
        if not text.isascii() or not text.isdigit() or len(text) > 6:
            raise Rejected("bad_message")
        upto = min(int(text), part.posted)
        if upto <= part.read.get(me.pid, 0):
            return []
        return [MessagesRead(me.pid, upto)]
    raise Rejected("unknown_command")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    part = state.part(PART)
    if isinstance(event, MessagePosted):
        number = part.posted + 1
        part = dataclasses.replace(
            part, messages=(*part.messages, Message(event.mid, number, event.text, stamped.at)), posted=number)
    elif isinstance(event, MessageRemoved):
        part = dataclasses.replace(part, messages=tuple(m for m in part.messages if m.mid != event.mid))
    elif isinstance(event, MessagesRead):
        read = dict(part.read)
        read[event.pid] = max(read.get(event.pid, 0), event.upto)
        part = dataclasses.replace(part, read=MappingProxyType(read))
    else:
        raise TypeError(f"messages.evolve: unknown event {event!r}")
    return state.with_part(PART, part)


def export(state: RoomState) -> Any:
    # The group's messages; who read what is nobody's business (not even the export's).
    return [{"text": m.text, "posted_at": m.at} for m in state.part(PART).messages]


FEATURE = CoreFeature(
    name="messages",
    commands=COMMANDS,
    mentor_only=(PostMessage, RemoveMessage),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    personal={MessagePosted: (), MessageRemoved: (), MessagesRead: ("pid",)},
    part=PART,
    export=export,
    reasons=REASONS,
)
