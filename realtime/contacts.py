"""After the trajectory: contact details shared by consent, and return meetings.

A participant may share a name and one contact line they choose (an e-mail address, a phone
number, "find me on ..."), and withdraw it at any time. Nothing is shared without that act: the
name they joined with is not used unless they type it here. Only people who shared are listed,
and only to the group (participants and the mentor), never on the projector (web/trajectory_view.py).

The mentor plans return meetings (a date and a note) that everyone in the group sees. Sharing and
withdrawing work after the room was closed too: consent does not expire with the trajectory.
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
from realtime.text import clean_line, parse_date

if TYPE_CHECKING:
    from realtime.state import RoomState

NAME_MAX = 60
LINE_MAX = 160
NOTE_MAX = 300
MEETINGS_MAX = 12


# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "return_meetings_full": "You can plan at most {max} return meetings.",
}


@dataclass(frozen=True, slots=True)
class Contact:
    pid: str
    name: str
    line: str


@dataclass(frozen=True, slots=True)
class ReturnMeeting:
    mid: str
    date: str
    note: str


@dataclass(frozen=True, slots=True)
class ContactsState:
    # In the order people shared; read-only views, replaced on change.
    shared: Mapping[str, Contact] = field(default_factory=lambda: MappingProxyType({}))
    meetings: tuple[ReturnMeeting, ...] = ()  # by date


PART: Part[ContactsState] = Part("contacts", ContactsState())


@dataclass(frozen=True, slots=True)
class ShareContact(Command):
    name: str
    line: str


@dataclass(frozen=True, slots=True)
class WithdrawContact(Command):
    pass


@dataclass(frozen=True, slots=True)
class PlanReturnMeeting(Command):
    mid: str  # new id, from the shell
    date: str
    note: str


@dataclass(frozen=True, slots=True)
class CancelReturnMeeting(Command):
    mid: str


@dataclass(frozen=True, slots=True)
class ContactShared(Event):
    pid: str
    name: str
    line: str


@dataclass(frozen=True, slots=True)
class ContactWithdrawn(Event):
    pid: str


@dataclass(frozen=True, slots=True)
class ReturnMeetingPlanned(Event):
    mid: str
    date: str
    note: str


@dataclass(frozen=True, slots=True)
class ReturnMeetingCancelled(Event):
    mid: str


COMMANDS: tuple[type[Command], ...] = (ShareContact, WithdrawContact, PlanReturnMeeting, CancelReturnMeeting)
EVENTS: tuple[type[Event], ...] = (ContactShared, ContactWithdrawn, ReturnMeetingPlanned, ReturnMeetingCancelled)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    contacts = state.part(PART)
    if isinstance(command, ShareContact):
        me = require_member(state, actor)
        name = clean_line(command.name, "contact_name", NAME_MAX)
        line = clean_line(command.line, "contact_line", LINE_MAX)
        current = contacts.shared.get(me.pid)
        if current is not None and (current.name, current.line) == (name, line):
            return []
        return [ContactShared(me.pid, name, line)]
    if isinstance(command, WithdrawContact):
        me = require_member(state, actor)
        return [ContactWithdrawn(me.pid)] if me.pid in contacts.shared else []
    if isinstance(command, PlanReturnMeeting):
        require_mentor(actor)
        if len(contacts.meetings) >= MEETINGS_MAX:
            raise Rejected("return_meetings_full", max=MEETINGS_MAX)
        if not command.mid or any(m.mid == command.mid for m in contacts.meetings):
            raise Rejected("bad_message")
        date = parse_date(command.date, "return_date")
        note = clean_line(command.note, "return_note", NOTE_MAX, required=False)
        return [ReturnMeetingPlanned(command.mid, date, note)]
    if isinstance(command, CancelReturnMeeting):
        require_mentor(actor)
        if not any(m.mid == command.mid for m in contacts.meetings):
            return []
        return [ReturnMeetingCancelled(command.mid)]
    raise Rejected("unknown_command")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    contacts = state.part(PART)
    if isinstance(event, ContactShared):
        shared = dict(contacts.shared)
        shared[event.pid] = Contact(event.pid, event.name, event.line)
        contacts = dataclasses.replace(contacts, shared=MappingProxyType(shared))
    elif isinstance(event, ContactWithdrawn):
        shared = {pid: c for pid, c in contacts.shared.items() if pid != event.pid}
        contacts = dataclasses.replace(contacts, shared=MappingProxyType(shared))
    elif isinstance(event, ReturnMeetingPlanned):
        meetings = (*contacts.meetings, ReturnMeeting(event.mid, event.date, event.note))
        contacts = dataclasses.replace(contacts, meetings=tuple(sorted(meetings, key=lambda m: (m.date, m.mid))))
    elif isinstance(event, ReturnMeetingCancelled):
        contacts = dataclasses.replace(contacts, meetings=tuple(m for m in contacts.meetings if m.mid != event.mid))
    else:
        raise TypeError(f"contacts.evolve: unknown event {event!r}")
    return state.with_part(PART, contacts)


def visible(state: RoomState) -> list[Contact]:
    """The shared contacts of people who are still in the group (someone erased is gone)."""
    return [c for pid, c in state.part(PART).shared.items() if pid in state.participants]


def export(state: RoomState) -> dict[str, Any]:
    return {
        "shared_contacts": [{"name": c.name, "contact": c.line} for c in visible(state)],
        "return_meetings": [{"date": m.date, "note": m.note} for m in state.part(PART).meetings],
    }


FEATURE = CoreFeature(
    name="contacts",
    commands=COMMANDS,
    mentor_only=(PlanReturnMeeting, CancelReturnMeeting),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        ContactShared: ("pid",),
        ContactWithdrawn: ("pid",),
        ReturnMeetingPlanned: (),
        ReturnMeetingCancelled: (),
    },
    export_key="after",
    export=export,
    reasons=REASONS,
)
