"""The mentor's own goals and reflections in the pure core (realtime/mentor_notes.py): the mentor's
alone, a reflection only on a meeting that was held, the limits, and nothing of it in the export
(which may be shared) or in a participant's erasure."""

from __future__ import annotations

import json

import pytest

from realtime import mentor_notes, trajectory
from realtime.erasure import redaction_plan
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, EraseParticipant, Role
from tests import corekit
from tests.corekit import CORE, MENTOR, decide, export_session

ANN = Actor(Role.PARTICIPANT, "ann")


class Log(corekit.Log):
    def __init__(self) -> None:
        super().__init__("ann")
        self.run(trajectory.PlanTrajectory("Starters", "", "", "6", "weekly", "hybrid", "2026-09-07"))

    @property
    def part(self) -> mentor_notes.MentorNotesState:
        return self.state.part(mentor_notes.PART)


def test_goals_add_edit_mark_remove() -> None:
    built = Log()
    built.run(mentor_notes.SetMentorGoal("g1", "Let silences last longer"))
    built.run(mentor_notes.SetMentorGoal("g2", "Ask one more question"))
    built.run(mentor_notes.SetMentorGoal("g1", "Let silences last\n\n\nlonger", new=False))
    built.run(mentor_notes.MarkMentorGoal("g2", "yes"))
    assert [(g.goal, g.text, g.reached) for g in built.part.goals] == [
        ("g1", "Let silences last\n\nlonger", False), ("g2", "Ask one more question", True)]
    assert decide(built.state, mentor_notes.MarkMentorGoal("g2", "yes"), MENTOR) == []
    built.run(mentor_notes.MarkMentorGoal("g2", "no")).run(mentor_notes.RemoveMentorGoal("g1"))
    assert [(g.goal, g.reached) for g in built.part.goals] == [("g2", False)]


def test_reflection_only_on_a_held_meeting() -> None:
    built = Log()
    with pytest.raises(Rejected, match="reflection_not_held"):
        decide(built.state, mentor_notes.WriteReflection("1", "Good energy", ""), MENTOR)
    built.run(trajectory.StartTrajectorySession("1"))
    built.run(mentor_notes.WriteReflection("1", "Good energy", "Start on time"), at=3000.0)
    assert built.part.reflections[1] == mentor_notes.Reflection("Good energy", "Start on time", 3000.0)
    assert decide(built.state, mentor_notes.WriteReflection("1", "Good energy", "Start on time"), MENTOR) == []
    # Emptying both takes the reflection away; an empty first one is refused.
    built.run(mentor_notes.WriteReflection("1", "", ""))
    assert dict(built.part.reflections) == {}
    with pytest.raises(Rejected, match="missing_field"):
        decide(built.state, mentor_notes.WriteReflection("1", " ", ""), MENTOR)
    for bad in ("2", "0", "x", "99999", "-1"):
        with pytest.raises(Rejected, match="reflection_not_held"):
            decide(built.state, mentor_notes.WriteReflection(bad, "x", ""), MENTOR)


@pytest.mark.parametrize("command", [
    mentor_notes.SetMentorGoal("g", "x"),
    mentor_notes.SetMentorGoal("g", "x", new=False),
    mentor_notes.RemoveMentorGoal("g"),
    mentor_notes.MarkMentorGoal("g", "yes"),
    mentor_notes.WriteReflection("1", "x", "y"),
])
def test_participants_may_do_nothing(command: Command) -> None:
    built = Log().run(trajectory.StartTrajectorySession("1")).run(mentor_notes.SetMentorGoal("g", "mine"))
    with pytest.raises(Forbidden):
        decide(built.state, command, ANN)


@pytest.mark.parametrize(("command", "code"), [
    (mentor_notes.SetMentorGoal("g", " "), "missing_field"),
    (mentor_notes.SetMentorGoal("g", "x" * (mentor_notes.GOAL_MAX + 1)), "too_long"),
    (mentor_notes.SetMentorGoal("nope", "x", new=False), "mentor_goal_unknown"),
    (mentor_notes.RemoveMentorGoal("nope"), "mentor_goal_unknown"),
    (mentor_notes.MarkMentorGoal("nope", "yes"), "mentor_goal_unknown"),
    (mentor_notes.WriteReflection("1", "x" * (mentor_notes.REFLECTION_MAX + 1), ""), "too_long"),
])
def test_refusals(command: Command, code: str) -> None:
    built = Log().run(trajectory.StartTrajectorySession("1"))
    with pytest.raises(Rejected) as caught:
        decide(built.state, command, MENTOR)
    assert caught.value.code == code


def test_goals_full() -> None:
    built = Log()
    for i in range(mentor_notes.GOALS_MAX):
        built.run(mentor_notes.SetMentorGoal(f"g{i}", f"goal {i}"))
    with pytest.raises(Rejected, match="mentor_goals_full"):
        decide(built.state, mentor_notes.SetMentorGoal("gx", "one more"), MENTOR)


def test_not_in_the_export_and_untouched_by_a_participants_erasure() -> None:
    built = Log().run(trajectory.StartTrajectorySession("1"))
    built.run(mentor_notes.SetMentorGoal("g1", "SECRET-GOAL"))
    built.run(mentor_notes.WriteReflection("1", "SECRET-WELL", "SECRET-DIFFERENT"))
    dumped = json.dumps(export_session(built.state))
    assert "SECRET" not in dumped and "mentor_notes" not in dumped
    built.run(EraseParticipant("ann"), ANN)
    _, after = redaction_plan(CORE, built.log, "ann")
    assert after.part(mentor_notes.PART) == built.part
