"""Whose calendar feed a key opens (realtime/calendar.py): keys are derived, only their hashes are
stored, only a member sets their own, and erasure takes it."""

from __future__ import annotations

import pytest

from realtime import calendar
from realtime.erasure import redaction_plan
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, CreateSession, EraseParticipant, Join, Role, Stamped
from realtime.state import RoomState
from tests.corekit import CORE, decide, evolve, export_session

MENTOR = Actor(Role.MENTOR)


def who(pid: str) -> Actor:
    return Actor(Role.PARTICIPANT, pid)


def build() -> tuple[RoomState, list[Stamped]]:
    state, log = RoomState(), []
    for command, actor in ((CreateSession("G", "en", "ACDEFGHJ", "jt", "mk"), MENTOR),
                           (Join("ann", "Ann", "room", "h-ann"), who("ann")),
                           (Join("bo", "Bo", "room", "h-bo"), who("bo"))):
        for event in decide(state, command, actor):
            stamped = Stamped(state.seq + 1, 1.0, event)
            state = evolve(state, stamped)
            log.append(stamped)
    return state, log


def test_keys_are_derived_one_way_and_differ_per_secret() -> None:
    assert calendar.feed_key("token-a") == calendar.feed_key("token-a")
    assert calendar.feed_key("token-a") != calendar.feed_key("token-b")
    assert "token-a" not in calendar.feed_key("token-a") and len(calendar.feed_key("x")) == 32


def test_a_member_sets_their_own_key_and_it_opens_only_their_feed() -> None:
    state, _ = build()
    key = calendar.feed_key("ann-token")
    hashed = calendar.key_hash(key)
    for event in decide(state, calendar.SetCalendarKey(hashed), who("ann")):
        state = evolve(state, Stamped(state.seq + 1, 1.0, event))
    assert state.part(calendar.PART).owner(hashed) == "ann"
    assert state.part(calendar.PART).owner(calendar.key_hash("other")) == ""
    assert decide(state, calendar.SetCalendarKey(hashed), who("ann")) == []  # the same again: nothing
    assert "calendar" not in export_session(state) or not export_session(state)["calendar"]


@pytest.mark.parametrize("bad", ["", "x" * 64, "A" * 64, "0" * 63, "0" * 65])
def test_only_a_hash_is_taken(bad: str) -> None:
    state, _ = build()
    with pytest.raises(Rejected, match="bad_message"):
        decide(state, calendar.SetCalendarKey(bad), who("ann"))


def test_the_mentor_and_strangers_cannot_set_one() -> None:
    state, _ = build()
    hashed = calendar.key_hash("k")
    with pytest.raises(Forbidden):
        decide(state, calendar.SetCalendarKey(hashed), MENTOR)
    with pytest.raises(Forbidden):
        decide(state, calendar.SetCalendarKey(hashed), who("zed"))


def test_erasure_takes_the_key() -> None:
    state, log = build()
    for pid in ("ann", "bo"):
        for event in decide(state, calendar.SetCalendarKey(calendar.key_hash(pid)), who(pid)):
            stamped = Stamped(state.seq + 1, 1.0, event)
            state = evolve(state, stamped)
            log.append(stamped)
    for event in decide(state, EraseParticipant("ann"), who("ann")):
        stamped = Stamped(state.seq + 1, 1.0, event)
        state = evolve(state, stamped)
        log.append(stamped)
    seqs, after = redaction_plan(CORE, log, "ann")
    assert {s.seq for s in log if isinstance(s.event, calendar.CalendarKeySet) and s.event.pid == "ann"} <= seqs
    assert dict(after.part(calendar.PART).keys) == {"bo": calendar.key_hash("bo")}
