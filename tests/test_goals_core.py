"""Unit tests of learning goals and check-ins in the pure core: 1 to 3 goals, group goals, who may
change what, ratings 0-10, check-ins only while open (schedule and by hand), tagging with the
session, progress and the group average, the export (realtime/goals.py)."""

from __future__ import annotations

import pytest

from realtime import goals, trajectory
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, CreateSession, EndSession, Join, Role, Stamped
from realtime.goals import (
    AddGoal,
    AddGroupGoal,
    CloseCheckIn,
    EditGoal,
    OpenCheckIn,
    RateGoals,
    RemoveGoal,
    SetCheckInSchedule,
)
from realtime.state import RoomState
from tests.corekit import CORE, decide, evolve

MENTOR = Actor(Role.MENTOR)
PROJECTOR = Actor(Role.PROJECTOR)


def run(state: RoomState, command: Command, actor: Actor, at: float = 1000.0) -> RoomState:
    for event in decide(state, command, actor):
        state = evolve(state, Stamped(state.seq + 1, at, event))
    return state


def who(pid: str) -> Actor:
    return Actor(Role.PARTICIPANT, pid)


def room(*pids: str) -> RoomState:
    state = run(RoomState(), CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"), MENTOR)
    for pid in pids:
        state = run(state, Join(pid, pid.capitalize(), "room", f"h-{pid}"), who(pid))
    return state


def planned(*pids: str, sessions: str = "6") -> RoomState:
    return run(room(*pids), trajectory.PlanTrajectory("T", "", "", sessions, "weekly", "hybrid", "2026-12-01"),
               MENTOR)


def start(state: RoomState, number: int) -> RoomState:
    return run(state, trajectory.StartTrajectorySession(str(number)), MENTOR)


def rejected(state: RoomState, command: Command, actor: Actor) -> Rejected:
    with pytest.raises(Rejected) as caught:
        decide(state, command, actor)
    return caught.value


def rate(*items: tuple[str, str] | tuple[str, str, str]) -> RateGoals:
    return RateGoals(tuple((i[0], i[1], i[2] if len(i) == 3 else "") for i in items))  # type: ignore[misc]


# ---------------------------------------------------------------- goals


def test_one_to_three_goals_per_participant() -> None:
    state = room("ann", "bo")
    for n in range(1, goals.GOALS_MAX + 1):
        state = run(state, AddGoal(f"g{n}", f"By session 4 I can do thing {n}"), who("ann"))
    assert [g.gid for g in state.part(goals.PART).goals_of("ann")] == ["g1", "g2", "g3"]
    error = rejected(state, AddGoal("g4", "One more"), who("ann"))
    assert (error.code, error.params) == ("goals_too_many", {"max": goals.GOALS_MAX})
    # Bo's count is his own.
    state = run(state, AddGoal("b1", "Bo's goal"), who("bo"))
    # Removing one makes room again.
    state = run(state, RemoveGoal("g2"), who("ann"))
    state = run(state, AddGoal("g4", "A new one"), who("ann"))
    assert [g.gid for g in state.part(goals.PART).goals_of("ann")] == ["g1", "g3", "g4"]


@pytest.mark.parametrize(
    ("text", "code"), [("", "missing_field"), ("  \n ", "missing_field"), ("x" * (goals.GOAL_MAX + 1), "too_long")]
)
def test_goal_text_is_required_and_limited(text: str, code: str) -> None:
    error = rejected(room("ann"), AddGoal("g1", text), who("ann"))
    assert (error.code, error.params["field"]) == (code, "goal_text")


def test_participants_edit_and_remove_only_their_own_goals() -> None:
    state = run(room("ann", "bo"), AddGoal("g1", "Ann's goal"), who("ann"))
    assert rejected(state, EditGoal("g1", "Bo was here"), who("bo")).code == "goal_not_yours"
    assert rejected(state, RemoveGoal("g1"), who("bo")).code == "goal_not_yours"
    assert rejected(state, EditGoal("g1", "Mentor edits"), MENTOR).code == "goal_not_yours"
    assert rejected(state, EditGoal("nope", "x"), who("ann")).code == "goal_not_found"
    state = run(state, EditGoal("g1", "Ann's better goal"), who("ann"))
    better = state.part(goals.PART).goal("g1")
    assert better is not None and better.text == "Ann's better goal"
    assert decide(state, EditGoal("g1", "Ann's better goal"), who("ann")) == []  # no change, no event
    state = run(state, RemoveGoal("g1"), who("ann"))
    assert state.part(goals.PART).goals == ()


def test_group_goals_are_the_mentors() -> None:
    state = room("ann")
    with pytest.raises(Forbidden):
        decide(state, AddGroupGoal("x", "We all speak up"), who("ann"))
    with pytest.raises(Forbidden):
        decide(state, AddGroupGoal("x", "We all speak up"), PROJECTOR)
    state = run(state, AddGroupGoal("gg", "Everyone is heard"), MENTOR)
    part = state.part(goals.PART)
    assert [g.gid for g in part.group_goals] == ["gg"] and part.goals_of("ann") == ()
    assert [g.gid for g in state.part(goals.PART).rateable_by("ann")] == ["gg"]
    assert rejected(state, EditGoal("gg", "Mine now"), who("ann")).code == "goal_not_yours"
    assert rejected(state, RemoveGoal("gg"), who("ann")).code == "goal_not_yours"
    state = run(state, EditGoal("gg", "Everyone is heard, every session"), MENTOR)
    for n in range(2, goals.GROUP_GOALS_MAX + 1):
        state = run(state, AddGroupGoal(f"gg{n}", f"Group goal {n}"), MENTOR)
    assert rejected(state, AddGroupGoal("more", "Too many"), MENTOR).code == "group_goals_too_many"
    state = run(state, RemoveGoal("gg"), MENTOR)
    assert len(state.part(goals.PART).group_goals) == goals.GROUP_GOALS_MAX - 1


def test_goal_events_of_a_participant_carry_their_pid_and_group_ones_none() -> None:
    # erasure.py takes a person's events by their `pid` field: their goals must go with them.
    state = room("ann")
    added = decide(state, AddGoal("g1", "Mine"), who("ann"))
    assert isinstance(added[0], goals.GoalAdded) and added[0].pid == "ann"
    group = decide(state, AddGroupGoal("gg", "Ours"), MENTOR)
    assert not hasattr(group[0], "pid")


# ---------------------------------------------------------------- check-ins


def test_rating_only_while_a_check_in_is_open() -> None:
    state = run(room("ann"), AddGoal("g1", "Goal"), who("ann"))
    assert not goals.checkin_open(state)
    assert rejected(state, rate(("g1", "5")), who("ann")).code == "goal_checkin_closed"
    state = run(state, OpenCheckIn(), MENTOR)
    assert goals.checkin_open(state)
    state = run(state, rate(("g1", "5", "getting there")), who("ann"))
    assert state.part(goals.PART).ratings[("ann", "g1", 0)].value == 5
    state = run(state, CloseCheckIn(), MENTOR)
    assert rejected(state, rate(("g1", "6")), who("ann")).code == "goal_checkin_closed"


@pytest.mark.parametrize("command", [OpenCheckIn(), CloseCheckIn(), SetCheckInSchedule("every")])
@pytest.mark.parametrize("actor", [who("ann"), PROJECTOR])
def test_only_the_mentor_opens_closes_and_schedules_check_ins(command: Command, actor: Actor) -> None:
    with pytest.raises(Forbidden):
        decide(room("ann"), command, actor)


@pytest.mark.parametrize("value", ["-1", "11", "5.5", "", "ten", "010", " 7 x", "١"])
def test_ratings_are_whole_numbers_from_0_to_10(value: str) -> None:
    state = run(run(room("ann"), AddGoal("g1", "Goal"), who("ann")), OpenCheckIn(), MENTOR)
    error = rejected(state, rate(("g1", value)), who("ann"))
    assert error.code == "out_of_range" and error.params == {"field": "goal_rating", "min": 0, "max": 10}


@pytest.mark.parametrize("value", ["0", "10", " 3 "])
def test_ratings_at_the_ends_are_fine(value: str) -> None:
    state = run(run(room("ann"), AddGoal("g1", "Goal"), who("ann")), OpenCheckIn(), MENTOR)
    state = run(state, rate(("g1", value)), who("ann"))
    assert state.part(goals.PART).ratings[("ann", "g1", 0)].value == int(value)


def test_a_check_in_rates_own_and_group_goals_never_someone_elses() -> None:
    state = room("ann", "bo")
    state = run(state, AddGoal("a1", "Ann's"), who("ann"))
    state = run(state, AddGoal("b1", "Bo's"), who("bo"))
    state = run(state, AddGroupGoal("gg", "Ours"), MENTOR)
    state = run(state, OpenCheckIn(), MENTOR)
    assert rejected(state, rate(("b1", "3")), who("ann")).code == "goal_not_found"
    assert rejected(state, rate(), who("ann")).code == "goal_rate_one"
    with pytest.raises(Forbidden):
        decide(state, rate(("gg", "3")), MENTOR)
    error = rejected(state, rate(("a1", "3", "x" * (goals.NOTE_MAX + 1))), who("ann"))
    assert (error.code, error.params["field"]) == ("too_long", "goal_note")
    state = run(state, rate(("a1", "3", "first steps"), ("gg", "6")), who("ann"))
    given = {(r.gid, r.value, r.note) for r in state.part(goals.PART).ratings_of("ann")}
    assert given == {("a1", 3, "first steps"), ("gg", 6, "")}
    assert state.part(goals.PART).ratings_of("bo") == ()


def test_rating_again_in_the_same_check_in_replaces_it() -> None:
    state = run(run(room("ann"), AddGoal("g1", "Goal"), who("ann")), OpenCheckIn(), MENTOR)
    state = run(state, rate(("g1", "4")), who("ann"))
    assert decide(state, rate(("g1", "4")), who("ann")) == []
    state = run(state, rate(("g1", "5", "better")), who("ann"))
    assert [(r.value, r.note) for r in state.part(goals.PART).ratings_of("ann")] == [(5, "better")]


def test_ratings_are_tagged_with_the_current_session() -> None:
    state = planned("ann")
    state = run(state, AddGoal("g1", "Goal"), who("ann"))
    state = run(state, OpenCheckIn(), MENTOR)  # before the first session: session 0
    state = run(state, rate(("g1", "2")), who("ann"))
    state = start(state, 1)
    state = run(state, SetCheckInSchedule("every"), MENTOR)
    assert goals.checkin_open(state)  # scheduled: open while session 1 runs
    state = run(state, rate(("g1", "4")), who("ann"))
    state = start(state, 2)  # ends 1, starts 2
    state = run(state, rate(("g1", "5")), who("ann"))
    state = run(state, trajectory.EndTrajectorySession(), MENTOR)
    assert not goals.checkin_open(state)  # the session that opened it is over
    state = run(state, OpenCheckIn(), MENTOR)  # between sessions: counts to the last one that ran
    state = run(state, rate(("g1", "6")), who("ann"))
    assert goals.progress(state.part(goals.PART), "ann", "g1") == ((0, 2), (1, 4), (2, 6))


def test_the_schedule_midway_and_at_the_end() -> None:
    assert goals.scheduled_sessions("midway_end", 6) == {3, 6}
    assert goals.scheduled_sessions("midway_end", 7) == {4, 7}
    assert goals.scheduled_sessions("every", 3) == {1, 2, 3}
    assert goals.scheduled_sessions("manual", 6) == set()
    assert goals.scheduled_sessions("every", 0) == set()
    state = planned("ann")  # the default is midway and at the end
    assert state.part(goals.PART).schedule == "midway_end"
    state = start(state, 2)
    assert not goals.checkin_open(state)
    state = start(state, 3)
    assert goals.checkin_open(state)
    state = run(state, CloseCheckIn(), MENTOR)  # the mentor's hand beats the schedule
    assert not goals.checkin_open(state)
    assert decide(state, CloseCheckIn(), MENTOR) == []
    state = run(state, SetCheckInSchedule("manual"), MENTOR)
    assert decide(state, SetCheckInSchedule("manual"), MENTOR) == []
    assert rejected(state, SetCheckInSchedule("daily"), MENTOR).code == "bad_choice"


def test_nothing_after_the_room_ended() -> None:
    state = run(run(run(room("ann"), AddGoal("g1", "Goal"), who("ann")), OpenCheckIn(), MENTOR), EndSession(), MENTOR)
    assert not goals.checkin_open(state)
    for command, actor in ((rate(("g1", "3")), who("ann")), (AddGoal("g2", "x"), who("ann")), (OpenCheckIn(), MENTOR)):
        assert rejected(state, command, actor).code == "session_ended"


def test_removing_a_goal_removes_its_ratings() -> None:
    state = run(run(room("ann"), AddGoal("g1", "Goal"), who("ann")), OpenCheckIn(), MENTOR)
    state = run(state, rate(("g1", "4")), who("ann"))
    state = run(state, RemoveGoal("g1"), who("ann"))
    assert state.part(goals.PART).ratings == {}


def test_group_average_counts_each_person_once_per_session() -> None:
    state = room("ann", "bo")
    for gid in ("a1", "a2", "a3"):
        state = run(state, AddGoal(gid, gid), who("ann"))
    state = run(state, AddGoal("b1", "b1"), who("bo"))
    state = run(state, OpenCheckIn(), MENTOR)
    state = run(state, rate(("a1", "2"), ("a2", "2"), ("a3", "2")), who("ann"))
    state = run(state, rate(("b1", "8")), who("bo"))
    assert goals.group_average(state.part(goals.PART), ("ann", "bo")) == ((0, 5.0, 2),)
    assert goals.group_average(state.part(goals.PART), ("bo",)) == ((0, 8.0, 1),)


def test_export() -> None:
    state = room("ann")
    state = run(state, AddGoal("g1", "By session 4 I chair a meeting"), who("ann"))
    state = run(state, AddGroupGoal("gg", "Everyone is heard"), MENTOR)
    state = run(state, OpenCheckIn(), MENTOR)
    state = run(state, rate(("g1", "7", "yes")), who("ann"))
    data = goals.export(state)
    assert [(g["id"], g["person"], g["name"], g["shared"]) for g in data["goals"]] == [
        ("g1", "ann", "Ann", False), ("gg", None, "", True)]
    assert data["ratings"] == [{"person": "ann", "goal": "g1", "session": 0, "rating": 7, "note": "yes", "at": 1000.0}]
    assert data["checkin_open"] is True and data["schedule"] == "midway_end"


def test_erasing_a_participant_takes_their_intake_goals_and_ratings_along() -> None:
    # realtime/erasure.py redacts every event whose `pid` is theirs; the rewritten log must fold,
    # and nothing of theirs may be left in the state or the export, while the group's stays.
    from realtime import intake
    from realtime.codec import encode_event
    from realtime.erasure import redaction_plan
    from realtime.events import EraseParticipant, Redacted
    from tests.corekit import export_session, fold

    log: list[Stamped] = []
    state = RoomState()

    def step(command: Command, actor: Actor) -> None:
        nonlocal state
        for event in decide(state, command, actor):
            stamped = Stamped(state.seq + 1, 1000.0, event)
            log.append(stamped)
            state = evolve(state, stamped)

    step(CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"), MENTOR)
    for pid in ("ann", "bo"):
        step(Join(pid, pid.capitalize(), "room", f"h-{pid}"), who(pid))
    step(intake.SubmitIntake("ANNLEARN", "some", "", "", ("theory",), "room", (), "ANNACCESS"), who("ann"))
    step(intake.SubmitIntake("Bo learns", "new", "", "", (), "room", (), ""), who("bo"))
    step(AddGoal("a1", "ANNGOAL"), who("ann"))
    step(EditGoal("a1", "ANNGOAL edited"), who("ann"))
    step(AddGoal("b1", "Bo's goal"), who("bo"))
    step(AddGroupGoal("gg", "Everyone is heard"), MENTOR)
    step(OpenCheckIn(), MENTOR)
    step(rate(("a1", "4", "ANNNOTE"), ("gg", "5")), who("ann"))
    step(rate(("b1", "6")), who("bo"))
    step(EraseParticipant("ann"), who("ann"))
    seqs, erased = redaction_plan(CORE, log, "ann")
    rewritten = [Stamped(s.seq, s.at, Redacted()) if s.seq in seqs else s for s in log]
    assert fold(rewritten) == erased
    assert set(erased.part(intake.PART).answers) == {"bo"}
    assert [g.gid for g in erased.part(goals.PART).goals] == ["b1", "gg"]
    assert {r.pid for r in erased.part(goals.PART).ratings.values()} == {"bo"}
    dump = repr([encode_event(s.event) for s in rewritten]) + repr(export_session(erased))
    for secret in ("ANNLEARN", "ANNACCESS", "ANNGOAL", "ANNNOTE"):
        assert secret not in dump
    assert "Bo's goal" in dump and "Everyone is heard" in dump
