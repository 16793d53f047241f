"""One-to-one meetings between the sessions (blended mentoring): the mentor offers time slots, each
participant books up to the mentor's limit, moves a booking to another free slot or cancels it.

Theory of operation
-------------------
A slot is a start (date and "HH:MM" on the clock of the trajectory's time zone, as the sessions'
times are: realtime/trajectory.py), a length in minutes, and where: in a room (a place) or online
(an optional link). A booking is a thing of its own with an id that never changes, so that a
calendar keeps one event for it (web/calendar_feed.py): moving it to another slot copies that
slot's time and place into it and raises its `revision` (the calendar's SEQUENCE); cancelling it
keeps it, marked cancelled, so that subscribed calendars strike it. A booking carries a copy of
its slot's time and place for the same reason: the mentor may take the slot away (which cancels
the booking) and the calendar still needs to know which meeting was cancelled.

Races: the room decides one command at a time (realtime/room.py), so of two people who book the
same free slot at once, the second `decide` sees the first one's booking and is refused with
"onetoone_taken"; nothing is stored for them.

"Now" is the shell's clock carried in the command (`now`, epoch seconds): a slot that has begun
can no longer be booked, moved to or away from, or cancelled by the participant. The core never
reads a clock.

Privacy: every booking event names the person (erasure takes them all); who booked which slot is
for the mentor's eyes only: other participants see only that a slot is taken (web/onetoone_view.py),
the group's calendar and the exports name nobody.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from realtime import trajectory
from realtime.errors import Dangling, Rejected
from realtime.events import Actor, Command, Event, Role, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor
from realtime.text import clean_line, one_of, parse_date, parse_link, parse_time

if TYPE_CHECKING:
    from realtime.state import RoomState

MODES = ("room", "online")
MINUTES_MIN = 10
MINUTES_MAX = 240
MINUTES_DEFAULT = 30
PLACE_MAX = 160
SLOTS_MAX = 200
# Cancelled bookings stay (for the calendars); past this, old ones must go with their slots.
BOOKINGS_MAX = 1000
LIMIT_MIN = 1
LIMIT_MAX = 10
LIMIT_DEFAULT = 1

REASONS: Mapping[str, str] = {
    "onetoone_slot_unknown": "That time slot does not exist (any more).",
    "onetoone_booking_unknown": "That one-to-one does not exist (any more).",
    "onetoone_taken": "Someone else has just booked that time. Please pick another one.",
    "onetoone_yours": "You have already booked this time.",
    "onetoone_limit": "You have booked as many one-to-ones as you can ({max}). Move or cancel one first.",
    "onetoone_past": "That time has already begun.",
    "onetoone_overlap": "That time overlaps another time slot.",
    "onetoone_slots_full": "There are already {max} time slots: remove old ones first.",
}


@dataclass(frozen=True, slots=True)
class Slot:
    sid: str
    date: str  # ISO date
    start: str  # "HH:MM" in the trajectory's time zone
    minutes: int
    mode: str  # "room" or "online"
    place: str  # a place in the room mode, an optional link online

    def naive_span(self) -> tuple[datetime.datetime, datetime.datetime]:
        begin = datetime.datetime.combine(datetime.date.fromisoformat(self.date),
                                          datetime.time.fromisoformat(self.start))
        return begin, begin + datetime.timedelta(minutes=self.minutes)


@dataclass(frozen=True, slots=True)
class Booking:
    bid: str
    pid: str
    slot: Slot  # a copy of the slot it is in (or was in, when cancelled)
    revision: int = 0  # raised by every move and by the cancellation: the calendar's SEQUENCE
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class OneToOneState:
    slots: tuple[Slot, ...] = ()  # in time order
    bookings: tuple[Booking, ...] = ()  # in the order they were made, cancelled ones too
    limit: int = LIMIT_DEFAULT

    def slot(self, sid: str) -> Slot | None:
        return next((s for s in self.slots if s.sid == sid), None)

    def booking(self, bid: str) -> Booking | None:
        return next((b for b in self.bookings if b.bid == bid), None)

    def holder(self, sid: str) -> Booking | None:
        """The booking that holds a slot now, if any."""
        return next((b for b in self.bookings if b.slot.sid == sid and not b.cancelled), None)

    def active(self, pid: str) -> tuple[Booking, ...]:
        return tuple(b for b in self.bookings if b.pid == pid and not b.cancelled)

    def call(self, bid: str) -> Booking | None:
        """The booking whose online call this is, while it stands: an online booking that is not
        cancelled. Its call (server/media/signalling.py) is for its participant and the mentor only."""
        booking = self.booking(bid)
        if booking is None or booking.cancelled or booking.slot.mode != "online":
            return None
        return booking


PART: Part[OneToOneState] = Part("onetoone", OneToOneState())


def span(zone: str, slot: Slot) -> tuple[datetime.datetime, datetime.datetime]:
    """When a slot starts and ends, as aware datetimes in the trajectory's zone (as
    trajectory.session_span: a wall-clock time a change to summer time skips is taken with fold 0)."""
    begin, end = slot.naive_span()
    tz = ZoneInfo(zone)
    return begin.replace(tzinfo=tz), end.replace(tzinfo=tz)


# ---------------------------------------------------------------- commands and events


@dataclass(frozen=True, slots=True)
class OfferSlot(Command):
    sid: str
    date: str
    start: str
    minutes: str
    mode: str
    place: str


@dataclass(frozen=True, slots=True)
class RemoveSlot(Command):
    sid: str


@dataclass(frozen=True, slots=True)
class SetOneToOneLimit(Command):
    limit: str


@dataclass(frozen=True, slots=True)
class BookOneToOne(Command):
    bid: str
    sid: str
    now: float  # the shell's clock (epoch seconds)


@dataclass(frozen=True, slots=True)
class MoveOneToOne(Command):
    bid: str
    sid: str
    now: float


@dataclass(frozen=True, slots=True)
class CancelOneToOne(Command):
    bid: str
    now: float


@dataclass(frozen=True, slots=True)
class SlotOffered(Event):
    sid: str
    date: str
    start: str
    minutes: int
    mode: str
    place: str


@dataclass(frozen=True, slots=True)
class SlotRemoved(Event):
    sid: str


@dataclass(frozen=True, slots=True)
class OneToOneLimitSet(Event):
    limit: int


@dataclass(frozen=True, slots=True)
class OneToOneBooked(Event):
    pid: str
    bid: str
    sid: str


@dataclass(frozen=True, slots=True)
class OneToOneMoved(Event):
    pid: str  # whose booking (also when the mentor moves it: erasure follows the person)
    bid: str
    sid: str


@dataclass(frozen=True, slots=True)
class OneToOneCancelled(Event):
    pid: str
    bid: str


COMMANDS: tuple[type[Command], ...] = (OfferSlot, RemoveSlot, SetOneToOneLimit, BookOneToOne, MoveOneToOne,
                                       CancelOneToOne)
EVENTS: tuple[type[Event], ...] = (SlotOffered, SlotRemoved, OneToOneLimitSet, OneToOneBooked, OneToOneMoved,
                                   OneToOneCancelled)


# ---------------------------------------------------------------- decide


def _number(value: str, field: str, low: int, high: int) -> int:
    text = value.strip() if isinstance(value, str) else ""
    if not text.isascii() or not text.isdigit() or len(text) > 4 or not low <= int(text) <= high:
        raise Rejected("out_of_range", field=field, min=low, max=high)
    return int(text)


def _now(value: object) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise Rejected("bad_message")
    return float(value)


def _begun(state: RoomState, slot: Slot, now: float) -> bool:
    return span(state.part(trajectory.PART).timezone, slot)[0].timestamp() <= now


def _offer(part: OneToOneState, command: OfferSlot) -> list[Event]:
    if len(part.slots) >= SLOTS_MAX:
        raise Rejected("onetoone_slots_full", max=SLOTS_MAX)
    date = parse_date(command.date, "onetoone_date")
    start = parse_time(command.start, "onetoone_start")
    minutes = _number(command.minutes, "onetoone_minutes", MINUTES_MIN, MINUTES_MAX)
    mode = one_of(command.mode, "onetoone_mode", MODES)
    if mode == "online":
        place = parse_link(command.place, "onetoone_link")
    else:
        place = clean_line(command.place, "onetoone_place", PLACE_MAX, required=False)
    slot = Slot(command.sid, date, start, minutes, mode, place)
    begin, end = slot.naive_span()
    for other in part.slots:
        other_begin, other_end = other.naive_span()
        if begin < other_end and other_begin < end:
            raise Rejected("onetoone_overlap")
    return [SlotOffered(command.sid, date, start, minutes, mode, place)]


def _free_slot(state: RoomState, part: OneToOneState, sid: str, now: float) -> Slot:
    slot = part.slot(sid)
    if slot is None:
        raise Rejected("onetoone_slot_unknown")
    if _begun(state, slot, now):
        raise Rejected("onetoone_past")
    if part.holder(sid) is not None:
        raise Rejected("onetoone_taken")
    return slot


def _own_booking(state: RoomState, part: OneToOneState, bid: str, actor: Actor, now: float) -> Booking:
    """A booking the actor may change: the participant's own that has not begun, or any for the mentor."""
    booking = part.booking(bid)
    if actor.role is Role.MENTOR:
        if booking is None or booking.cancelled:
            raise Rejected("onetoone_booking_unknown")
        return booking
    me = require_member(state, actor)
    # Someone else's booking is "unknown" to them: the refusal tells nothing about who holds it.
    if booking is None or booking.cancelled or booking.pid != me.pid:
        raise Rejected("onetoone_booking_unknown")
    if _begun(state, booking.slot, now):
        raise Rejected("onetoone_past")
    return booking


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    part = state.part(PART)
    # One-to-ones come between the meetings and after the last one: a closed room still takes them.
    if isinstance(command, OfferSlot):
        require_mentor(actor)
        return _offer(part, command)
    if isinstance(command, RemoveSlot):
        require_mentor(actor)
        if part.slot(command.sid) is None:
            raise Rejected("onetoone_slot_unknown")
        holder = part.holder(command.sid)
        cancelled: list[Event] = [OneToOneCancelled(holder.pid, holder.bid)] if holder else []
        return [*cancelled, SlotRemoved(command.sid)]
    if isinstance(command, SetOneToOneLimit):
        require_mentor(actor)
        limit = _number(command.limit, "onetoone_limit", LIMIT_MIN, LIMIT_MAX)
        return [] if limit == part.limit else [OneToOneLimitSet(limit)]
    if isinstance(command, BookOneToOne):
        me = require_member(state, actor)
        now = _now(command.now)
        if part.booking(command.bid) is not None or len(part.bookings) >= BOOKINGS_MAX:
            raise Rejected("bad_message")
        if part.slot(command.sid) is None:
            raise Rejected("onetoone_slot_unknown")
        holder = part.holder(command.sid)
        if holder is not None and holder.pid == me.pid:
            raise Rejected("onetoone_yours")
        # The limit before "taken": it is what stops them, whichever time they pick.
        if len(part.active(me.pid)) >= part.limit:
            raise Rejected("onetoone_limit", max=part.limit)
        _free_slot(state, part, command.sid, now)
        return [OneToOneBooked(me.pid, command.bid, command.sid)]
    if isinstance(command, MoveOneToOne):
        now = _now(command.now)
        booking = _own_booking(state, part, command.bid, actor, now)
        if booking.slot.sid == command.sid:
            return []
        _free_slot(state, part, command.sid, now)
        return [OneToOneMoved(booking.pid, booking.bid, command.sid)]
    if isinstance(command, CancelOneToOne):
        booking = _own_booking(state, part, command.bid, actor, _now(command.now))
        return [OneToOneCancelled(booking.pid, booking.bid)]
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def _replace_booking(part: OneToOneState, bid: str, **changes: Any) -> OneToOneState:
    booking = part.booking(bid)
    if booking is None:
        # Only after an erasure took the booking itself (its later events name the same person
        # and go with it, so this is a log that refers to something that is gone).
        raise Dangling(bid)
    changed = dataclasses.replace(booking, revision=booking.revision + 1, **changes)
    return dataclasses.replace(part, bookings=tuple(changed if b.bid == bid else b for b in part.bookings))


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    part = state.part(PART)
    if isinstance(event, SlotOffered):
        offered = Slot(event.sid, event.date, event.start, event.minutes, event.mode, event.place)
        slots = sorted((*part.slots, offered), key=lambda s: (s.date, s.start))
        part = dataclasses.replace(part, slots=tuple(slots))
    elif isinstance(event, SlotRemoved):
        part = dataclasses.replace(part, slots=tuple(s for s in part.slots if s.sid != event.sid))
    elif isinstance(event, OneToOneLimitSet):
        part = dataclasses.replace(part, limit=event.limit)
    elif isinstance(event, OneToOneBooked):
        slot = part.slot(event.sid)
        if slot is None:
            raise Dangling(event.sid)
        part = dataclasses.replace(part, bookings=(*part.bookings, Booking(event.bid, event.pid, slot)))
    elif isinstance(event, OneToOneMoved):
        slot = part.slot(event.sid)
        if slot is None:
            raise Dangling(event.sid)
        part = _replace_booking(part, event.bid, slot=slot)
    elif isinstance(event, OneToOneCancelled):
        part = _replace_booking(part, event.bid, cancelled=True)
    else:
        raise TypeError(f"onetoone.evolve: unknown event {event!r}")
    return state.with_part(PART, part)


def export(state: RoomState) -> Any:
    # The times the mentor offered and whether each is taken; who took it is nobody else's business
    # (an export is a file the mentor may pass on).
    part = state.part(PART)
    return {
        "limit": part.limit,
        "slots": [{"date": s.date, "start": s.start, "minutes": s.minutes, "mode": s.mode, "place": s.place,
                   "booked": part.holder(s.sid) is not None} for s in part.slots],
    }


FEATURE = CoreFeature(
    name="onetoone",
    commands=COMMANDS,
    mentor_only=(OfferSlot, RemoveSlot, SetOneToOneLimit),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    # The slots name nobody; every booking event names whose booking it is.
    personal={SlotOffered: (), SlotRemoved: (), OneToOneLimitSet: (), OneToOneBooked: ("pid",),
              OneToOneMoved: ("pid",), OneToOneCancelled: ("pid",)},
    part=PART,
    export=export,
    reasons=REASONS,
)
