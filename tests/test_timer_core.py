"""Unit tests of the room timer in the pure core: set, start, pause, add a minute and clear, with
the time of each step taken from the stamped event; only the mentor runs it."""

from __future__ import annotations

import pytest

from realtime import timer
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, CreateSession, EndSession, Join, Role, Stamped
from realtime.state import RoomState
from realtime.timer import AddMinute, ClearTimer, PauseTimer, SetTimer, StartTimer
from tests.corekit import decide, evolve, export_session

MENTOR = Actor(Role.MENTOR)


def run(state: RoomState, command: Command, at: float = 1000.0, actor: Actor = MENTOR) -> RoomState:
    for event in decide(state, command, actor):
        state = evolve(state, Stamped(state.seq + 1, at, event))
    return state


def room() -> RoomState:
    state = run(RoomState(), CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"))
    return run(state, Join("ann", "Ann", "room", "h-ann"), actor=Actor(Role.PARTICIPANT, "ann"))


def test_only_the_mentor_runs_the_timer() -> None:
    state = run(room(), SetTimer("5", ""))
    for command in (SetTimer("5", ""), StartTimer(), PauseTimer(), AddMinute(), ClearTimer()):
        for actor in (Actor(Role.PARTICIPANT, "ann"), Actor(Role.PROJECTOR)):
            with pytest.raises(Forbidden):
                decide(state, command, actor)


def test_start_pause_resume_counts_from_the_events_times() -> None:
    state = run(room(), SetTimer("5", "Exercise in pairs"))
    t = state.part(timer.PART)
    assert (t.set, t.running, t.left_s, t.total_s, t.label) == (True, False, 300.0, 300, "Exercise in pairs")
    state = run(state, StartTimer(), at=1000.0)
    assert state.part(timer.PART).ends_at == 1300.0
    state = run(state, PauseTimer(), at=1100.5)  # 100.5 s later
    t = state.part(timer.PART)
    assert (t.running, t.left_s) == (False, 199.5)
    state = run(state, StartTimer(), at=2000.0)  # the pause lasted long; the time left did not change
    assert state.part(timer.PART).ends_at == 2199.5


def test_start_and_pause_twice_do_it_once() -> None:
    state = run(run(room(), SetTimer("1", "")), StartTimer(), at=10.0)
    assert decide(state, StartTimer(), MENTOR) == []
    state = run(state, PauseTimer(), at=20.0)
    assert decide(state, PauseTimer(), MENTOR) == []
    assert state.part(timer.PART).left_s == 50.0


def test_a_minute_more_while_running_paused_and_after_the_time_ran_out() -> None:
    state = run(run(room(), SetTimer("2", "")), StartTimer(), at=0.0)
    state = run(state, AddMinute(), at=30.0)
    assert state.part(timer.PART).ends_at == 180.0 and state.part(timer.PART).total_s == 180
    # The time ran out at 180; a minute added at 500 counts from 500, not from 180.
    state = run(state, AddMinute(), at=500.0)
    assert state.part(timer.PART).ends_at == 560.0
    state = run(state, PauseTimer(), at=600.0)
    assert state.part(timer.PART).left_s == 0.0
    with pytest.raises(Rejected) as refused:
        decide(state, StartTimer(), MENTOR)
    assert refused.value.code == "timer_up"
    state = run(state, AddMinute(), at=700.0)
    assert state.part(timer.PART).left_s == 60.0 and not state.part(timer.PART).running
    state = run(state, StartTimer(), at=800.0)
    assert state.part(timer.PART).ends_at == 860.0


def test_bad_minutes_no_timer_and_a_timer_that_grows_too_long_are_refused() -> None:
    state = room()
    for minutes in ("0", "181", "", "five", "-1", "1.5", "٣"):
        with pytest.raises(Rejected) as refused:
            decide(state, SetTimer(minutes, ""), MENTOR)
        assert refused.value.code == "out_of_range"
    with pytest.raises(Rejected) as refused:
        decide(state, SetTimer("5", "x" * (timer.LABEL_MAX + 1)), MENTOR)
    assert refused.value.code == "too_long"
    for command in (StartTimer(), PauseTimer(), AddMinute()):
        with pytest.raises(Rejected) as refused:
            decide(state, command, MENTOR)
        assert refused.value.code == "timer_not_set"
    assert decide(state, ClearTimer(), MENTOR) == []
    state = run(state, SetTimer("180", ""))
    for _ in range(60):
        state = run(state, AddMinute())
    with pytest.raises(Rejected) as refused:
        decide(state, AddMinute(), MENTOR)
    assert refused.value.code == "timer_too_long"


def test_clear_and_set_again_and_nothing_after_the_session_ended() -> None:
    state = run(run(room(), SetTimer("3", "Break")), StartTimer(), at=5.0)
    state = run(state, SetTimer("10", ""), at=9.0)  # a new timer replaces the running one, stopped
    t = state.part(timer.PART)
    assert (t.running, t.left_s, t.label) == (False, 600.0, "")
    state = run(state, ClearTimer())
    assert state.part(timer.PART) == timer.TimerState()
    state = run(state, EndSession())
    with pytest.raises(Rejected) as refused:
        decide(state, SetTimer("5", ""), MENTOR)
    assert refused.value.code == "session_ended"


def test_the_label_is_one_clean_line() -> None:
    state = run(room(), SetTimer(" 5 ", "  Work \n in\tpairs\x07 "))
    assert state.part(timer.PART).label == "Work in pairs"


def test_export_says_what_runs() -> None:
    assert export_session(room())["timer"] is None
    state = run(run(room(), SetTimer("5", "Pairs")), StartTimer(), at=100.0)
    assert export_session(state)["timer"] == {
        "label": "Pairs", "planned_seconds": 300, "running": True, "ends_at": 400.0, "left_seconds": None,
    }
    state = run(state, PauseTimer(), at=160.2)
    assert export_session(state)["timer"]["left_seconds"] == 240
