"""One-to-one meetings in the pure core (realtime/onetoone.py): offering slots, booking up to the
mentor's limit, moving and cancelling, races decided one command at a time, times in the
trajectory's zone against the shell's clock, who may do what, and erasure of a person's bookings."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from realtime import notes, onetoone, trajectory
from realtime.erasure import redaction_plan
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, EndSession, EraseParticipant, Stamped
from realtime.snapshot import Snapshots
from realtime.state import RoomState
from server import retention
from tests import corekit
from tests.corekit import CORE, MENTOR, decide, evolve, export_session, who

AMS = ZoneInfo("Europe/Amsterdam")
# The shell's clock in these tests: 1 December 2026, 12:00 in Amsterdam.
NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=AMS).timestamp()



class Log(corekit.Log):

    def offer(self, sid: str, date: str = "2026-12-08", start: str = "14:00", minutes: str = "30",
              mode: str = "room", place: str = "Room 2.14") -> Log:
        return self.run(onetoone.OfferSlot(sid, date, start, minutes, mode, place))

    @property
    def part(self) -> onetoone.OneToOneState:
        return self.state.part(onetoone.PART)


def refused(state: RoomState, command: Command, actor: Actor) -> str:
    with pytest.raises(Rejected) as caught:
        decide(state, command, actor)
    return caught.value.code


def test_book_move_cancel_keep_one_booking_with_a_revision() -> None:
    built = Log("ann").offer("s1").offer("s2", start="15:00", mode="online", place="https://meet.example.org/x")
    assert [s.sid for s in built.part.slots] == ["s1", "s2"]
    built.run(onetoone.BookOneToOne("b1", "s1", NOW), who("ann"))
    (booking,) = built.part.active("ann")
    assert (booking.bid, booking.slot.sid, booking.revision, booking.cancelled) == ("b1", "s1", 0, False)
    assert built.part.holder("s1") == booking and built.part.holder("s2") is None
    built.run(onetoone.MoveOneToOne("b1", "s2", NOW), who("ann"))
    moved = built.part.booking("b1")
    assert moved is not None and moved.slot.sid == "s2" and moved.revision == 1
    assert moved.slot.place == "https://meet.example.org/x" and built.part.holder("s1") is None
    assert decide(built.state, onetoone.MoveOneToOne("b1", "s2", NOW), who("ann")) == []  # already there
    built.run(onetoone.CancelOneToOne("b1", NOW), who("ann"))
    gone = built.part.booking("b1")
    assert gone is not None and gone.cancelled and gone.revision == 2  # kept, for the calendars
    assert built.part.active("ann") == () and built.part.holder("s2") is None
    # Free again: she books anew (a new booking, a new id).
    built.run(onetoone.BookOneToOne("b2", "s2", NOW), who("ann"))
    assert [b.bid for b in built.part.active("ann")] == ["b2"]


def test_the_limit_default_one_and_set_by_the_mentor() -> None:
    built = Log("ann").offer("s1").offer("s2", start="15:00").offer("s3", start="16:00")
    assert built.part.limit == onetoone.LIMIT_DEFAULT == 1
    built.run(onetoone.BookOneToOne("b1", "s1", NOW), who("ann"))
    assert refused(built.state, onetoone.BookOneToOne("b2", "s2", NOW), who("ann")) == "onetoone_limit"
    assert refused(built.state, onetoone.BookOneToOne("b2", "s1", NOW), who("ann")) == "onetoone_yours"
    built.run(onetoone.SetOneToOneLimit("2"))
    built.run(onetoone.BookOneToOne("b2", "s2", NOW), who("ann"))
    assert refused(built.state, onetoone.BookOneToOne("b3", "s3", NOW), who("ann")) == "onetoone_limit"
    # A cancelled one does not count.
    built.run(onetoone.CancelOneToOne("b1", NOW), who("ann"))
    built.run(onetoone.BookOneToOne("b3", "s3", NOW), who("ann"))
    assert len(built.part.active("ann")) == 2
    for bad in ("0", "11", "x", "", "1.5"):
        assert refused(built.state, onetoone.SetOneToOneLimit(bad), MENTOR) == "out_of_range"


def test_two_people_booking_the_same_slot_one_wins_the_other_is_refused() -> None:
    built = Log("ann", "bo").offer("s1")
    # Both decided against the same state (they clicked at the same moment): both look fine...
    first = decide(built.state, onetoone.BookOneToOne("b1", "s1", NOW), who("ann"))
    assert decide(built.state, onetoone.BookOneToOne("b2", "s1", NOW), who("bo"))
    # ...but the room decides one after the other: the second sees the first one's booking.
    for event in first:
        built.state = evolve(built.state, Stamped(built.state.seq + 1, 1.0, event))
    assert refused(built.state, onetoone.BookOneToOne("b2", "s1", NOW), who("bo")) == "onetoone_taken"
    # Moving onto a taken slot is refused the same way.
    built.offer("s2", start="15:00").run(onetoone.BookOneToOne("b2", "s2", NOW), who("bo"))
    assert refused(built.state, onetoone.MoveOneToOne("b2", "s1", NOW), who("bo")) == "onetoone_taken"


def test_times_are_in_the_trajectorys_zone_against_the_shells_clock() -> None:
    built = Log("ann").offer("s1", date="2026-12-01", start="11:30").offer("s2", date="2026-12-01", start="12:30")
    assert refused(built.state, onetoone.BookOneToOne("b1", "s1", NOW), who("ann")) == "onetoone_past"
    built.run(onetoone.BookOneToOne("b1", "s2", NOW), who("ann"))
    # Half an hour later hers has begun: she can no longer move or cancel it (the mentor can).
    later = NOW + 45 * 60
    assert refused(built.state, onetoone.CancelOneToOne("b1", later), who("ann")) == "onetoone_past"
    # In another zone the same wall-clock time is another moment: 12:30 in New York is still ahead.
    built.run(trajectory.PlanTrajectory("T", "", "", "1", "weekly", "hybrid", "2026-12-08",
                                        timezone="America/New_York"))
    built.run(onetoone.CancelOneToOne("b1", later), who("ann"))
    assert onetoone.span("America/New_York", built.part.slots[0])[0] == datetime.datetime(
        2026, 12, 1, 11, 30, tzinfo=ZoneInfo("America/New_York"))
    built.run(onetoone.BookOneToOne("b2", "s1", later), who("ann"))


def test_who_may_do_what() -> None:
    built = Log("ann", "bo").offer("s1").offer("s2", start="15:00")
    for command in (onetoone.OfferSlot("x", "2026-12-09", "10:00", "30", "room", ""), onetoone.RemoveSlot("s1"),
                    onetoone.SetOneToOneLimit("3")):
        with pytest.raises(Forbidden):
            decide(built.state, command, who("ann"))
    with pytest.raises(Forbidden):
        decide(built.state, onetoone.BookOneToOne("b", "s1", NOW), MENTOR)
    with pytest.raises(Forbidden):
        decide(built.state, onetoone.BookOneToOne("b", "s1", NOW), who("zed"))
    built.run(onetoone.BookOneToOne("b1", "s1", NOW), who("ann"))
    # Bo cannot touch Ann's booking, and the refusal says nothing about whose it is.
    assert refused(built.state, onetoone.CancelOneToOne("b1", NOW), who("bo")) == "onetoone_booking_unknown"
    assert refused(built.state, onetoone.MoveOneToOne("b1", "s2", NOW), who("bo")) == "onetoone_booking_unknown"
    # A booking id that is already used is no new booking.
    built.run(onetoone.SetOneToOneLimit("2"))
    assert refused(built.state, onetoone.BookOneToOne("b1", "s2", NOW), who("ann")) == "bad_message"
    assert refused(built.state, onetoone.BookOneToOne("b9", "s2", "soon"), who("ann")) == "bad_message"  # type: ignore[arg-type]
    # The mentor may move and cancel anyone's, also in a closed room.
    built.run(EndSession())
    built.run(onetoone.MoveOneToOne("b1", "s2", NOW))
    built.run(onetoone.CancelOneToOne("b1", NOW))
    assert built.part.active("ann") == ()


def test_taking_a_booked_slot_away_cancels_the_booking_but_keeps_its_time() -> None:
    built = Log("ann").offer("s1").run(onetoone.BookOneToOne("b1", "s1", NOW), who("ann"))
    built.run(onetoone.RemoveSlot("s1"))
    assert built.part.slots == ()
    booking = built.part.booking("b1")
    assert booking is not None and booking.cancelled and booking.slot.start == "14:00"
    assert export_session(built.state)["onetoone"] == {"limit": 1, "slots": []}


@pytest.mark.parametrize(("fields", "code"), [
    ({"date": "2026-13-01"}, "bad_date"),
    ({"start": "25:00"}, "bad_time"),
    ({"minutes": "5"}, "out_of_range"),
    ({"minutes": "241"}, "out_of_range"),
    ({"mode": "phone"}, "bad_choice"),
    ({"place": "x" * 161}, "too_long"),
    ({"mode": "online", "place": "javascript:alert(1)"}, "bad_link"),
    ({"start": "13:45"}, "onetoone_overlap"),  # 13:45-14:15 overlaps 14:00-14:30
])
def test_bad_slots_are_refused(fields: dict[str, str], code: str) -> None:
    built = Log().offer("s1")
    slot = {"sid": "s2", "date": "2026-12-08", "start": "09:00", "minutes": "30", "mode": "room", "place": "", **fields}
    assert refused(built.state, onetoone.OfferSlot(**slot), MENTOR) == code
    assert len(built.part.slots) == 1


def test_unknown_slots_and_bookings_and_the_slot_cap() -> None:
    built = Log("ann")
    assert refused(built.state, onetoone.BookOneToOne("b", "nope", NOW), who("ann")) == "onetoone_slot_unknown"
    assert refused(built.state, onetoone.CancelOneToOne("nope", NOW), who("ann")) == "onetoone_booking_unknown"
    assert refused(built.state, onetoone.RemoveSlot("nope"), MENTOR) == "onetoone_slot_unknown"
    day = datetime.date(2027, 1, 1)
    for i in range(onetoone.SLOTS_MAX):
        built.offer(f"s{i}", date=(day + datetime.timedelta(days=i)).isoformat())
    assert refused(built.state, onetoone.OfferSlot("sx", "2026-12-08", "09:00", "30", "room", ""),
                   MENTOR) == "onetoone_slots_full"


def test_export_names_nobody() -> None:
    built = Log("ann").offer("s1").offer("s2", start="15:00").run(onetoone.BookOneToOne("b1", "s1", NOW), who("ann"))
    exported = export_session(built.state)["onetoone"]
    assert [s["booked"] for s in exported["slots"]] == [True, False]
    assert "ann" not in str(exported).lower()


def test_erasure_takes_every_booking_event_of_the_person_and_frees_the_slot() -> None:
    built = Log("ann", "bo").offer("s1").offer("s2", start="15:00").offer("s3", start="16:00")
    built.run(onetoone.BookOneToOne("b1", "s1", NOW), who("ann"))
    built.run(onetoone.MoveOneToOne("b1", "s3", NOW), who("ann"))
    built.run(onetoone.BookOneToOne("b2", "s2", NOW), who("bo"))
    built.run(EraseParticipant("ann"), who("ann"))
    seqs, after = redaction_plan(CORE, built.log, "ann")
    kinds = {type(built.log[seq - 1].event).__name__ for seq in seqs}
    assert {"OneToOneBooked", "OneToOneMoved"} <= kinds
    part = after.part(onetoone.PART)
    assert [b.bid for b in part.bookings] == ["b2"] and part.holder("s3") is None and len(part.slots) == 3


def test_a_time_offered_ahead_keeps_the_room_from_the_retention_sweep() -> None:
    built = Log().offer("s1", date="2027-06-01")
    planned = retention.last_planned_day(built.state)
    assert planned == datetime.datetime(2027, 6, 2, tzinfo=datetime.UTC).timestamp()
    assert not retention.due(0.0, built.state, planned - 1.0, days=1)


def test_slots_bookings_and_notes_round_trip_through_a_snapshot() -> None:
    built = Log("ann").offer("s1").offer("s2", start="15:00", mode="online", place="")
    built.run(onetoone.BookOneToOne("b1", "s1", NOW), who("ann"))
    built.run(onetoone.MoveOneToOne("b1", "s2", NOW), who("ann"))
    built.run(notes.WriteNote("ann", "Ask about the move"))
    snapshots = Snapshots("v1")
    again = snapshots.load(snapshots.dump(built.state), built.state.seq)
    assert again == built.state and again is not None and again.part(onetoone.PART).call("b1") is not None
