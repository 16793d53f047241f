"""Unit tests of the hand-raise queue in the pure core: rules, order policies, turns, limits, guards."""

from __future__ import annotations

import pytest

from realtime import queue
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, CreateSession, EndSession, Join, Role, Stamped, UpdateProfile
from realtime.queue import Entry, QueueState, Tally, order
from realtime.state import RoomState
from tests.corekit import decide, evolve

MENTOR = Actor(Role.MENTOR)
PROJECTOR = Actor(Role.PROJECTOR)


def run(state: RoomState, command: Command, actor: Actor, at: float = 1000.0) -> RoomState:
    for event in decide(state, command, actor):
        state = evolve(state, Stamped(state.seq + 1, at, event))
    return state


def who(pid: str) -> Actor:
    return Actor(Role.PARTICIPANT, pid)


def room(*people: tuple[str, str]) -> RoomState:
    """A session with participants (pid, location); names are the pids capitalised."""
    state = run(RoomState(), CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"), MENTOR)
    for pid, location in people:
        state = run(state, Join(pid, pid.capitalize(), location, f"h-{pid}"), who(pid))
    return state


def raised(state: RoomState, *pids: str, at: float = 1000.0) -> RoomState:
    for pid in pids:
        state = run(state, queue.RaiseHand(), who(pid), at)
    return state


def waiting(state: RoomState) -> list[str]:
    return [place.entry.pid for place in order(state.part(queue.PART), queue.locations_of(state))]


def next_turn(state: RoomState, turn_id: str, at: float = 1000.0) -> RoomState:
    current = state.part(queue.PART).current.tid if state.part(queue.PART).current else ""
    return run(state, queue.NextTurn(turn_id, current), MENTOR, at)


# ---------------------------------------------------------------- raise and lower


def test_raise_twice_does_nothing_the_second_time_and_lower_removes() -> None:
    state = raised(room(("ann", "room"), ("bo", "remote")), "ann", "bo")
    assert decide(state, queue.RaiseHand("question"), who("ann")) == []
    assert waiting(state) == ["ann", "bo"]
    state = run(state, queue.LowerHand(), who("ann"))
    assert waiting(state) == ["bo"]
    assert decide(state, queue.LowerHand(), who("ann")) == []  # lowering a lowered hand: nothing


def test_raise_with_a_mark_and_a_bad_mark() -> None:
    state = room(("ann", "room"))
    state = run(state, queue.RaiseHand("reply"), who("ann"), at=12.5)
    assert state.part(queue.PART).entries == (Entry("ann", "reply", 12.5),)
    with pytest.raises(Rejected) as info:
        decide(room(("bo", "room")), queue.RaiseHand("shout"), who("bo"))
    assert info.value.code == "bad_choice" and info.value.params["field"] == "hand_kind"


def test_only_members_raise_and_never_after_the_end() -> None:
    state = room(("ann", "room"))
    for actor, code in [(MENTOR, "not_participant"), (PROJECTOR, "not_participant"), (who("zed"), "not_a_member")]:
        with pytest.raises(Forbidden) as info:
            decide(state, queue.RaiseHand(), actor)
        assert info.value.code == code
    ended = run(state, EndSession(), MENTOR)
    with pytest.raises(Rejected) as ended_info:
        decide(ended, queue.RaiseHand(), who("ann"))
    assert ended_info.value.code == "session_ended"


def test_the_queue_has_a_size_limit() -> None:
    people = [(f"p{i}", "room") for i in range(queue.QUEUE_MAX + 1)]
    state = raised(room(*people), *(pid for pid, _ in people[:-1]))
    assert len(state.part(queue.PART).entries) == queue.QUEUE_MAX
    with pytest.raises(Rejected) as info:
        decide(state, queue.RaiseHand(), who(people[-1][0]))
    assert info.value.code == "queue_full" and info.value.params["max"] == queue.QUEUE_MAX


@pytest.mark.parametrize(
    "command",
    [queue.NextTurn("t1", ""), queue.GiveTurn("t1", "ann"), queue.EndTurn(""), queue.MoveEntry("ann", "up"),
     queue.RemoveEntry("ann"), queue.ClearQueue(), queue.SetPolicy("fewest"), queue.SetSoftLimit("60"),
     queue.ExpireHand("ann", 0.0, 1000.0)],
)
def test_a_participant_can_never_do_a_mentor_action(command: Command) -> None:
    state = raised(room(("ann", "room")), "ann")
    for actor in (who("ann"), PROJECTOR):
        with pytest.raises(Forbidden) as info:
            decide(state, command, actor)
        assert info.value.code == "not_mentor"


# ---------------------------------------------------------------- turns


def test_next_gives_the_turn_to_the_head_and_ends_the_previous_turn() -> None:
    state = raised(room(("ann", "room"), ("bo", "remote")), "ann", "bo", at=900.0)
    state = next_turn(state, "t1", at=1000.0)
    assert state.part(queue.PART).current is not None
    current = state.part(queue.PART).current
    assert current is not None and (current.tid, current.pid, current.why) == ("t1", "ann", "first")
    assert waiting(state) == ["bo"]
    state = next_turn(state, "t2", at=1042.0)
    assert state.part(queue.PART).current is not None and state.part(queue.PART).current.pid == "bo"
    assert state.part(queue.PART).tally["ann"] == Tally(1, 42.0)
    assert state.part(queue.PART).history[0].ended_at == 1042.0
    state = next_turn(state, "t3", at=1050.0)  # nobody waiting: the turn ends, nobody new
    assert state.part(queue.PART).current is None and state.part(queue.PART).tally["bo"] == Tally(1, 8.0)
    assert decide(state, queue.NextTurn("t4", ""), MENTOR) == []


def test_two_mentor_devices_pressing_next_at_once_skip_nobody() -> None:
    state = raised(room(("ann", "room"), ("bo", "room"), ("cy", "room")), "ann", "bo", "cy")
    state = next_turn(state, "t1")  # ann speaks
    # Both devices saw turn t1 and press "next": the second press finds t2 running and does nothing.
    first = queue.NextTurn("t2", "t1")
    second = queue.NextTurn("t3", "t1")
    state = run(state, first, MENTOR)
    assert decide(state, second, MENTOR) == []
    assert state.part(queue.PART).current is not None and state.part(queue.PART).current.pid == "bo"
    assert waiting(state) == ["cy"]


def test_done_with_a_stale_turn_id_does_nothing() -> None:
    state = next_turn(raised(room(("ann", "room"), ("bo", "room")), "ann", "bo"), "t1")
    state = next_turn(state, "t2")
    assert decide(state, queue.EndTurn("t1"), MENTOR) == []
    state = run(state, queue.EndTurn("t2"), MENTOR, at=1010.0)
    assert state.part(queue.PART).current is None and state.part(queue.PART).tally["bo"].seconds == 10.0


def test_give_turn_to_anyone_in_the_queue() -> None:
    state = raised(room(("ann", "room"), ("bo", "room"), ("cy", "room")), "ann", "bo", "cy")
    state = run(state, queue.GiveTurn("t1", "cy"), MENTOR)
    current = state.part(queue.PART).current
    assert current is not None and (current.pid, current.why) == ("cy", "given")
    assert waiting(state) == ["ann", "bo"]
    assert decide(state, queue.GiveTurn("t2", "cy"), MENTOR) == []  # a double click
    with pytest.raises(Rejected) as info:
        decide(state, queue.GiveTurn("t2", "zed"), MENTOR)
    assert info.value.code == "queue_not_waiting"


def test_a_speaker_may_raise_again_and_speak_again() -> None:
    state = next_turn(raised(room(("ann", "room")), "ann"), "t1")
    state = raised(state, "ann")
    state = next_turn(state, "t2", at=1005.0)
    assert state.part(queue.PART).current is not None and state.part(queue.PART).current.tid == "t2"
    assert state.part(queue.PART).tally["ann"] == Tally(1, 5.0)


def test_turn_counts_and_time_come_from_the_stamps_and_location_at_the_time() -> None:
    state = raised(room(("ann", "room"), ("bo", "remote")), "ann", "bo")
    state = next_turn(state, "t1", at=100.0)
    state = run(state, UpdateProfile("Ann", "remote"), who("ann"))  # moving does not rewrite history
    state = next_turn(state, "t2", at=160.0)
    state = run(state, queue.EndTurn("t2"), MENTOR, at=190.0)
    split = queue.balance(state.part(queue.PART))
    assert split == {"room": {"turns": 1, "seconds": 60.0}, "remote": {"turns": 1, "seconds": 30.0}}
    exported = queue.export(state)
    assert [t["seconds"] for t in exported["turns"]] == [60.0, 30.0]
    people = {p["person"]: p for p in exported["balance"]["people"]}
    assert (people["ann"]["turns"], people["ann"]["seconds"], people["bo"]["seconds"]) == (1, 60.0, 30.0)


# ---------------------------------------------------------------- order policies


def entries(*pids: str) -> tuple[Entry, ...]:
    return tuple(Entry(pid, "", float(i)) for i, pid in enumerate(pids))


ROOM_AND_REMOTE = {"r1": "room", "r2": "room", "r3": "room", "x1": "remote", "x2": "remote"}


def test_fifo_keeps_raising_order() -> None:
    places = order(QueueState(entries=entries("r1", "x1", "r2")), ROOM_AND_REMOTE)
    assert [(p.entry.pid, p.why) for p in places] == [("r1", "first"), ("x1", "first"), ("r2", "first")]


def test_alternate_interleaves_starting_with_whoever_raised_first() -> None:
    q = QueueState(entries=entries("r1", "r2", "r3", "x1", "x2"), policy="alternate")
    assert [p.entry.pid for p in order(q, ROOM_AND_REMOTE)] == ["r1", "x1", "r2", "x2", "r3"]
    assert [p.why for p in order(q, ROOM_AND_REMOTE)] == ["alternate"] * 4 + ["first"]


def test_alternate_starts_with_the_side_that_did_not_speak_last() -> None:
    last = queue.Turn("t0", "r9", "", "room", 0.0, "first", 1.0)
    q = QueueState(entries=entries("r1", "r2", "x1"), policy="alternate", history=(last,))
    assert [p.entry.pid for p in order(q, ROOM_AND_REMOTE)] == ["x1", "r1", "r2"]
    speaking = QueueState(entries=entries("x1", "r1", "x2"), policy="alternate",
                          current=queue.Turn("t1", "x9", "", "remote", 0.0, "first"))
    assert [p.entry.pid for p in order(speaking, ROOM_AND_REMOTE)] == ["r1", "x1", "x2"]


def test_alternate_with_only_one_side_waiting_is_first_come() -> None:
    q = QueueState(entries=entries("r2", "r1"), policy="alternate")
    assert [(p.entry.pid, p.why) for p in order(q, ROOM_AND_REMOTE)] == [("r2", "first"), ("r1", "first")]


def test_fewest_turns_first_with_ties_broken_by_the_trajectory_then_raising_order() -> None:
    tally = {"r1": Tally(2, 60.0), "r2": Tally(0, 0.0), "x1": Tally(1, 10.0), "x2": Tally(0, 0.0)}
    q = QueueState(entries=entries("r1", "x1", "x2", "r2"), policy="fewest", tally=tally)
    places = order(q, ROOM_AND_REMOTE)
    assert [(p.entry.pid, p.why, p.turns) for p in places] == [
        ("x2", "tie", 0), ("r2", "tie", 0), ("x1", "fewest", 1), ("r1", "fewest", 2)]
    # With a trajectory, fewer turns in earlier sessions wins the tie.
    assert [p.entry.pid for p in order(q, ROOM_AND_REMOTE, prior={"x2": 3})][:2] == ["r2", "x2"]


def test_policies_after_people_leave_the_queue() -> None:
    state = raised(room(("r1", "room"), ("r2", "room"), ("x1", "remote"), ("x2", "remote")), "r1", "r2", "x1", "x2")
    state = run(state, queue.SetPolicy("alternate"), MENTOR)
    assert waiting(state) == ["r1", "x1", "r2", "x2"]
    state = run(state, queue.LowerHand(), who("x1"))  # a remote person leaves the line
    assert waiting(state) == ["r1", "x2", "r2"]
    state = run(state, queue.RemoveEntry("x2"), MENTOR)  # the other one is taken out by the mentor
    assert waiting(state) == ["r1", "r2"]
    # Fewest turns: r1 spoke, raises again, and goes behind r2 (who has not spoken).
    state = run(state, queue.SetPolicy("fewest"), MENTOR)
    state = raised(next_turn(state, "t1"), "r1")
    assert waiting(state) == ["r2", "r1"]
    assert next_turn(state, "t2").part(queue.PART).current.pid == "r2"  # type: ignore[union-attr]


def test_next_follows_the_policy_and_records_why() -> None:
    state = raised(room(("r1", "room"), ("r2", "room"), ("x1", "remote")), "r1", "r2", "x1")
    state = run(state, queue.SetPolicy("alternate"), MENTOR)
    state = next_turn(state, "t1")
    state = next_turn(state, "t2")
    assert [t.pid for t in state.part(queue.PART).history] == ["r1"]
    current = state.part(queue.PART).current
    assert current is not None and (current.pid, current.why) == ("x1", "alternate")


def test_policy_and_limit_must_be_choices_and_same_value_is_no_change() -> None:
    state = room()
    for command, field in [(queue.SetPolicy("random"), "queue_order"), (queue.SetSoftLimit("59"), "turn_limit"),
                           (queue.SetSoftLimit("abc"), "turn_limit")]:
        with pytest.raises(Rejected) as info:
            decide(state, command, MENTOR)
        assert (info.value.code, info.value.params["field"]) == ("bad_choice", field)
    assert decide(state, queue.SetPolicy("fifo"), MENTOR) == []
    state = run(state, queue.SetSoftLimit("120"), MENTOR)
    assert state.part(queue.PART).soft_limit_s == 120
    assert decide(state, queue.SetSoftLimit("120"), MENTOR) == []


# ---------------------------------------------------------------- mentor moves, removes, clears


def test_move_acts_on_the_order_shown_and_switches_to_fifo() -> None:
    state = raised(room(("r1", "room"), ("r2", "room"), ("x1", "remote")), "r1", "r2", "x1")
    state = run(state, queue.SetPolicy("alternate"), MENTOR)
    assert waiting(state) == ["r1", "x1", "r2"]
    state = run(state, queue.MoveEntry("r2", "up"), MENTOR)
    assert waiting(state) == ["r1", "r2", "x1"] and state.part(queue.PART).policy == "fifo"
    assert [p.why for p in order(state.part(queue.PART), queue.locations_of(state))] == ["first", "moved", "first"]
    assert decide(state, queue.MoveEntry("r1", "up"), MENTOR) == []  # already at the top
    assert decide(state, queue.MoveEntry("x1", "down"), MENTOR) == []  # already at the bottom
    with pytest.raises(Rejected) as info:
        decide(state, queue.MoveEntry("r1", "sideways"), MENTOR)
    assert info.value.code == "bad_choice"
    with pytest.raises(Rejected) as gone:
        decide(state, queue.MoveEntry("zed", "up"), MENTOR)
    assert gone.value.code == "queue_not_waiting"


def test_remove_and_clear() -> None:
    state = raised(room(("ann", "room"), ("bo", "room")), "ann", "bo")
    state = run(state, queue.RemoveEntry("ann"), MENTOR)
    assert waiting(state) == ["bo"] and "ann" not in state.part(queue.PART).lowered_away
    state = run(state, queue.ClearQueue(), MENTOR)
    assert waiting(state) == []
    assert decide(state, queue.ClearQueue(), MENTOR) == []


def test_ids_have_a_size_limit() -> None:
    state = raised(room(("ann", "room")), "ann")
    with pytest.raises(Rejected) as info:
        decide(state, queue.GiveTurn("t" * (queue.ID_MAX + 1), "ann"), MENTOR)
    assert info.value.code == "too_long"
    with pytest.raises(Rejected) as empty:
        decide(state, queue.NextTurn("", ""), MENTOR)
    assert empty.value.code == "missing_field"


# ---------------------------------------------------------------- away


def test_expire_only_after_the_grace_period_and_tell_them() -> None:
    state = raised(room(("ann", "room"), ("bo", "room")), "ann", "bo")
    early = queue.ExpireHand("ann", 1000.0, 1000.0 + queue.GRACE_S - 1)
    assert decide(state, early, MENTOR) == []
    state = run(state, queue.ExpireHand("ann", 1000.0, 1000.0 + queue.GRACE_S), MENTOR)
    assert waiting(state) == ["bo"] and state.part(queue.PART).lowered_away == frozenset({"ann"})
    # A second process sending the same command: already lowered, nothing happens.
    assert decide(state, queue.ExpireHand("ann", 1000.0, 2000.0), MENTOR) == []
    # Back: the notice is closed by hand, or by raising again.
    assert decide(state, queue.SeenLowered(), who("bo")) == []
    seen = run(state, queue.SeenLowered(), who("ann"))
    assert seen.part(queue.PART).lowered_away == frozenset()
    again = raised(state, "ann")
    assert again.part(queue.PART).lowered_away == frozenset() and waiting(again) == ["bo", "ann"]


def test_state_is_shared_copy_on_write() -> None:
    before = raised(room(("ann", "room"), ("bo", "room")), "ann")
    after = raised(before, "bo")
    assert before.part(queue.PART).entries != after.part(queue.PART).entries
    assert before.participants is after.participants  # untouched parts are shared, not copied
