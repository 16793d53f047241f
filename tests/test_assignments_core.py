"""Unit tests of assignments between sessions in the pure core: only the mentor gives them, each
participant reports once (and may change it until the due session ends), reflections to a wall."""

from __future__ import annotations

import pytest

from realtime import assignments, trajectory, wall
from realtime.assignments import EditAssignment, GiveAssignment, ReflectionsToWall, RemoveAssignment, ReportAssignment
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, CreateSession, Join, Role, Stamped
from realtime.state import RoomState
from tests.corekit import decide, evolve, export_session

MENTOR = Actor(Role.MENTOR)


def who(pid: str) -> Actor:
    return Actor(Role.PARTICIPANT, pid)


def run(state: RoomState, command: Command, actor: Actor = MENTOR, at: float = 1000.0) -> RoomState:
    for event in decide(state, command, actor):
        state = evolve(state, Stamped(state.seq + 1, at, event))
    return state


def planned(*pids: str) -> RoomState:
    state = run(RoomState(), CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"))
    for pid in pids:
        state = run(state, Join(pid, pid.capitalize(), "room", f"h-{pid}"), who(pid))
    state = run(state, trajectory.PlanTrajectory("Leading", "", "", "6", "weekly", "hybrid", "2026-01-05"))
    return run(state, trajectory.StartTrajectorySession("1"))


def test_only_the_mentor_gives_edits_removes_and_makes_walls() -> None:
    state = run(planned("ann"), GiveAssignment("a1", "Observe a meeting", "Note who speaks", "2"))
    for command in (
        GiveAssignment("a2", "x", "", "2"), EditAssignment("a1", "x", "", "2"), RemoveAssignment("a1"),
        ReflectionsToWall("a1", "w1", "Reflections"),
    ):
        with pytest.raises(Forbidden):
            decide(state, command, who("ann"))
    with pytest.raises(Forbidden):
        decide(state, ReportAssignment("a1", True, ""), MENTOR)


def test_due_session_is_checked_against_the_trajectory() -> None:
    state = planned("ann")
    for due in ("0", "7", "", "x"):
        with pytest.raises(Rejected) as refused:
            decide(state, GiveAssignment("a1", "Read", "", due), MENTOR)
        assert refused.value.code == "out_of_range"
    state = run(state, GiveAssignment("a1", "Read", "Chapter 2", "2"))
    given = state.part(assignments.PART).assignments["a1"]
    assert (given.due, given.given_in, given.description) == (2, 1, "Chapter 2")


def test_a_participant_reports_and_changes_until_the_due_session_ends() -> None:
    state = run(planned("ann", "bo"), GiveAssignment("a1", "Read", "", "2"))
    state = run(state, ReportAssignment("a1", True, "It made me think"), who("ann"))
    state = run(state, ReportAssignment("a1", False, "Not yet"), who("bo"))
    state = run(state, ReportAssignment("a1", True, "It made me think twice"), who("ann"))
    reports = state.part(assignments.PART).assignments["a1"].reports
    assert {pid: (r.done, r.reflection) for pid, r in reports.items()} == {
        "ann": (True, "It made me think twice"), "bo": (False, "Not yet"),
    }
    assert decide(state, ReportAssignment("a1", True, "It made me think twice"), who("ann")) == []
    with pytest.raises(Rejected) as refused:
        decide(state, ReportAssignment("a1", True, "x" * (assignments.REFLECTION_MAX + 1)), who("ann"))
    assert refused.value.code == "too_long"
    state = run(state, trajectory.StartTrajectorySession("2"))
    state = run(state, ReportAssignment("a1", True, "Done in session 2"), who("bo"))  # still running
    state = run(state, trajectory.EndTrajectorySession())
    with pytest.raises(Rejected) as refused:
        decide(state, ReportAssignment("a1", True, "Too late"), who("bo"))
    assert refused.value.code == "assignment_closed"


def test_reflections_go_on_an_anonymous_wall_through_the_wall_events() -> None:
    state = run(planned("ann", "bo", "cy"), GiveAssignment("a1", "Observe a meeting", "", "2"))
    with pytest.raises(Rejected) as refused:
        decide(state, ReflectionsToWall("a1", "w1", "Reflections"), MENTOR)
    assert refused.value.code == "assignment_no_reflections"
    state = run(state, ReportAssignment("a1", True, "Nobody asked the quiet ones"), who("ann"))
    state = run(state, ReportAssignment("a1", True, ""), who("bo"))
    state = run(state, ReportAssignment("a1", False, "I found it hard to watch"), who("cy"))
    state = run(state, ReflectionsToWall("a1", "w1", "Reflections"))
    made = state.part(wall.PART).walls["w1"]
    assert made.title == "Observe a meeting" and made.anonymous
    assert [c.name for c in made.columns] == ["Reflections"]
    notes = made.live_notes()
    assert [(n.author, n.text, n.named) for n in notes] == [
        ("ann", "Nobody asked the quiet ones", False), ("cy", "I found it hard to watch", False),
    ]
    assert state.part(assignments.PART).assignments["a1"].wall == "w1"
    with pytest.raises(Rejected) as refused:
        decide(state, ReflectionsToWall("a1", "w2", "Reflections"), MENTOR)
    assert refused.value.code == "assignment_wall_exists"
    # The author can still edit their post-it there, like any of their own.
    state = run(state, wall.EditNote("w1", "r1", "Nobody asked the quiet ones, me neither", "yellow"), who("ann"))
    assert state.part(wall.PART).walls["w1"].notes["r1"].text.endswith("me neither")


def test_edit_and_remove_and_the_export() -> None:
    state = run(planned("ann"), GiveAssignment("a1", "Read", "", "2"))
    state = run(state, ReportAssignment("a1", True, "Good"), who("ann"))
    state = run(state, EditAssignment("a1", "Read chapter 2", "pages 10-20", "3"))
    data = export_session(state)["assignments"]
    assert data[0]["title"] == "Read chapter 2" and data[0]["due_session"] == 3
    assert data[0]["reports"][0]["name"] == "Ann" and data[0]["reports"][0]["reflection"] == "Good"
    state = run(state, RemoveAssignment("a1"))
    assert export_session(state)["assignments"] == []
    with pytest.raises(Rejected) as refused:
        decide(state, ReportAssignment("a1", True, ""), who("ann"))
    assert refused.value.code == "assignment_not_found"
