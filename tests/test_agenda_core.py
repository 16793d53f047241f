"""Unit tests of the agenda in the pure core: building per session, templates, topics as blocks,
reordering, the running block and "next", and that only the mentor sets agendas."""

from __future__ import annotations

import pytest

from realtime import agenda, topics, trajectory
from realtime.agenda import (
    AddBlock,
    AddTopicBlock,
    ApplyTemplate,
    EditBlock,
    FinishAgenda,
    MoveBlock,
    NextBlock,
    RemoveBlock,
    StartBlock,
)
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, CreateSession, Join, Role, Stamped
from realtime.state import RoomState
from tests.corekit import decide, evolve, export_session

MENTOR = Actor(Role.MENTOR)
IDS = tuple(f"b{i}" for i in range(10))


def who(pid: str) -> Actor:
    return Actor(Role.PARTICIPANT, pid)


def run(state: RoomState, command: Command, actor: Actor = MENTOR, at: float = 1000.0) -> RoomState:
    for event in decide(state, command, actor):
        state = evolve(state, Stamped(state.seq + 1, at, event))
    return state


def room() -> RoomState:
    state = run(RoomState(), CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"))
    return run(state, Join("ann", "Ann", "room", "h-ann"), who("ann"))


def planned() -> RoomState:
    return run(room(), trajectory.PlanTrajectory("Leading", "", "", "6", "weekly", "hybrid", "2026-01-05"))


def kinds(state: RoomState, session: int) -> list[tuple[str, int]]:
    return [(b.kind, b.minutes) for b in state.part(agenda.PART).of(session).blocks]


def test_participants_and_the_projector_cannot_set_or_run_agendas() -> None:
    state = run(room(), ApplyTemplate("0", "standard", IDS))
    for command in (
        AddBlock("0", "x", "theory", "", "10"), ApplyTemplate("0", "standard", IDS),
        EditBlock("0", "b0", "theory", "", "5"),
        MoveBlock("0", "b0", "down"), RemoveBlock("0", "b0"), NextBlock(""), StartBlock("b1"), FinishAgenda(),
    ):
        for actor in (who("ann"), Actor(Role.PROJECTOR)):
            with pytest.raises(Forbidden):
                decide(state, command, actor)


def test_templates_build_a_typical_session_for_any_planned_session() -> None:
    state = planned()
    state = run(state, ApplyTemplate("3", "standard", IDS))
    assert kinds(state, 3) == [("checkin", 10), ("theory", 20), ("case", 30), ("exercise", 20), ("evaluation", 10)]
    assert state.part(agenda.PART).of(3).planned_minutes == 90
    assert kinds(state, 1) == []
    with pytest.raises(Rejected) as refused:
        decide(state, ApplyTemplate("7", "standard", IDS), MENTOR)  # only 6 sessions
    assert refused.value.code == "out_of_range"
    with pytest.raises(Rejected):
        decide(state, ApplyTemplate("3", "standard", IDS), MENTOR)  # the same ids again
    with pytest.raises(Rejected):
        decide(state, ApplyTemplate("2", "standard", IDS[:2]), MENTOR)  # too few ids


def test_blocks_are_checked_edited_moved_and_removed() -> None:
    state = room()
    for minutes in ("0", "241", "", "ten", "1.5"):
        with pytest.raises(Rejected) as refused:
            decide(state, AddBlock("0", "x", "theory", "", minutes), MENTOR)
        assert refused.value.code == "out_of_range"
    with pytest.raises(Rejected) as refused:
        decide(state, AddBlock("0", "x", "lecture", "", "10"), MENTOR)
    assert refused.value.code == "bad_choice"
    with pytest.raises(Rejected) as refused:
        decide(state, AddBlock("0", "x", "theory", "x" * (agenda.TITLE_MAX + 1), "10"), MENTOR)
    assert refused.value.code == "too_long"
    state = run(state, AddBlock("0", "a", "checkin", "", "10"))
    state = run(state, AddBlock("0", "b", "theory", "Listening", "25"))
    state = run(state, MoveBlock("0", "b", "up"))
    assert [b.bid for b in state.part(agenda.PART).of(0).blocks] == ["b", "a"]
    assert decide(state, MoveBlock("0", "b", "up"), MENTOR) == []
    state = run(state, EditBlock("0", "b", "exercise", "Listening in pairs", "30"))
    plan = state.part(agenda.PART).of(0)
    assert plan.blocks[0].title == "Listening in pairs" and plan.planned_minutes == 40
    state = run(state, RemoveBlock("0", "a"))
    assert [b.bid for b in state.part(agenda.PART).of(0).blocks] == ["b"]
    with pytest.raises(Rejected) as refused:
        decide(state, RemoveBlock("0", "a"), MENTOR)
    assert refused.value.code == "agenda_block_not_found"


def test_at_most_blocks_max() -> None:
    state = room()
    for i in range(agenda.BLOCKS_MAX):
        state = run(state, AddBlock("0", f"x{i}", "other", "", "5"))
    with pytest.raises(Rejected) as refused:
        decide(state, AddBlock("0", "y", "other", "", "5"), MENTOR)
    assert refused.value.code == "agenda_full"


def test_a_topic_becomes_a_case_block_with_one_tap_and_is_marked_for_the_agenda() -> None:
    state = planned()
    state = run(state, topics.AddTopic("t1", "A difficult client", ""), who("ann"))
    state = run(state, AddTopicBlock("2", "c1", "t1"))
    block = state.part(agenda.PART).of(2).blocks[0]
    assert (block.kind, block.title, block.minutes, block.topic) == ("case", "A difficult client", 20, "t1")
    assert state.part(topics.PART).topics["t1"].status == "agenda"
    assert decide(state, AddTopicBlock("2", "c2", "t1"), MENTOR) == []  # already on it
    with pytest.raises(Rejected) as refused:
        decide(state, AddTopicBlock("2", "c2", "nope"), MENTOR)
    assert refused.value.code == "topic_not_found"


def test_next_runs_through_the_current_session_once_per_press() -> None:
    state = planned()
    state = run(state, ApplyTemplate("1", "workshop", IDS))
    state = run(state, trajectory.StartTrajectorySession("1"))
    state = run(state, NextBlock(""), at=100.0)
    plan = state.part(agenda.PART).of(1)
    assert (plan.current, plan.started_at) == ("b0", 100.0)
    # Two devices press "next" having seen b0: the second press finds b1 running and does nothing.
    state = run(state, NextBlock("b0"), at=700.0)
    assert decide(state, NextBlock("b0"), MENTOR) == []
    assert (state.part(agenda.PART).of(1).current, state.part(agenda.PART).of(1).started_at) == ("b1", 700.0)
    state = run(state, StartBlock("b3"), at=800.0)
    state = run(state, NextBlock("b3"))  # after the last: the agenda is done
    assert state.part(agenda.PART).of(1).finished and state.part(agenda.PART).of(1).current == ""
    assert decide(state, NextBlock(""), MENTOR) == []


def test_next_on_an_empty_agenda_says_so() -> None:
    with pytest.raises(Rejected) as refused:
        decide(room(), NextBlock(""), MENTOR)
    assert refused.value.code == "agenda_empty"


def test_the_export_lists_every_session_agenda() -> None:
    state = run(planned(), ApplyTemplate("2", "intervision", IDS))
    data = export_session(state)["agendas"]
    assert data[0]["session"] == 2 and data[0]["planned_minutes"] == 90
    assert [b["kind"] for b in data[0]["blocks"]] == ["checkin", "case", "case", "evaluation"]
