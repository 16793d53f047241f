"""Practical information and expectations: the page a mentor writes for the group before the
first meeting (the guide: "een communicatieplan met duidelijke verwachtingen en praktische
informatie voor de deelnemers").

Where (address, room, how accessible the place is), the online link for who joins from home, what
to bring or prepare, what participants can expect of the mentor and what the mentor expects of
them, and how and when to reach the mentor. When the meetings are is not written here: it is the
trajectory's plan (dates, times and time zone, realtime/trajectory.py), shown next to it.

The mentor writes it, the group reads it: nothing in it names a participant. Each save replaces
the whole page (one event with every field), so the log holds each version as it was shown.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_mentor, require_open
from realtime.text import clean_block, clean_line, parse_link

if TYPE_CHECKING:
    from realtime.state import RoomState

ADDRESS_MAX = 200
ROOM_MAX = 120
LINE_TEXT_MAX = 300  # accessibility of the place
BLOCK_MAX = 1000  # what to bring, the two expectations, how to reach the mentor
BLOCK_LINES = 12


@dataclass(frozen=True, slots=True)
class Practical:
    address: str = ""
    room: str = ""
    access: str = ""
    online_link: str = ""
    bring: str = ""
    of_mentor: str = ""  # what participants can expect of the mentor
    of_participants: str = ""  # what the mentor expects of participants
    reach: str = ""  # how and when to reach the mentor

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True, slots=True)
class PracticalState:
    info: Practical = Practical()
    # False until the mentor saved once: the form then starts from the template's texts.
    written: bool = False


PART: Part[PracticalState] = Part("practical", PracticalState())


@dataclass(frozen=True, slots=True)
class SetPractical(Command):
    address: str
    room: str
    access: str
    online_link: str
    bring: str
    of_mentor: str
    of_participants: str
    reach: str


@dataclass(frozen=True, slots=True)
class PracticalSet(Event):
    address: str
    room: str
    access: str
    online_link: str
    bring: str
    of_mentor: str
    of_participants: str
    reach: str


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    if not isinstance(command, SetPractical):
        raise Rejected("unknown_command")
    require_mentor(actor)
    require_open(state)
    info = Practical(
        address=clean_line(command.address, "practical_address", ADDRESS_MAX, required=False),
        room=clean_line(command.room, "practical_room", ROOM_MAX, required=False),
        access=clean_line(command.access, "practical_access", LINE_TEXT_MAX, required=False),
        online_link=parse_link(command.online_link, "practical_link"),
        bring=clean_block(command.bring, "practical_bring", BLOCK_MAX, BLOCK_LINES),
        of_mentor=clean_block(command.of_mentor, "practical_of_mentor", BLOCK_MAX, BLOCK_LINES),
        of_participants=clean_block(command.of_participants, "practical_of_participants", BLOCK_MAX, BLOCK_LINES),
        reach=clean_block(command.reach, "practical_reach", BLOCK_MAX, BLOCK_LINES),
    )
    current = state.part(PART)
    if current.written and info == current.info:
        return []
    return [PracticalSet(**{f.name: getattr(info, f.name) for f in fields(info)})]


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    assert isinstance(event, PracticalSet)
    info = Practical(**{f.name: getattr(event, f.name) for f in fields(Practical)})
    return state.with_part(PART, PracticalState(info, written=True))


def export(state: RoomState) -> Any:
    info = state.part(PART).info
    return {f.name: getattr(info, f.name) for f in fields(info)}



FEATURE = CoreFeature(
    name="practical",
    commands=(SetPractical,),
    mentor_only=(SetPractical,),
    events=(PracticalSet,),
    decide=decide,
    evolve=evolve,
    # The mentor's own text for the group: it names no participant.
    personal={PracticalSet: ()},
    part=PART,
    export=export,
)
