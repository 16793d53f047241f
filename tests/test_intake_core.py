"""Unit tests of the intake in the pure core: limits, choices, who may fill it in, changing it,
session tagging, the group profile and the export (realtime/intake.py)."""

from __future__ import annotations

from typing import Any

import pytest

from realtime import intake, trajectory
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, CreateSession, EndSession, Join, Role, Stamped
from realtime.intake import SubmitIntake
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


def room(*pids: str) -> RoomState:
    state = run(RoomState(), CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"), MENTOR)
    for pid in pids:
        state = run(state, Join(pid, pid.capitalize(), "room", f"h-{pid}"), who(pid))
    return state


def form(**change: Any) -> SubmitIntake:
    fields: dict[str, Any] = {
        "learn": "Giving feedback", "experience": "some", "experience_note": "", "brings": "",
        "styles": ("discussion",), "setting": "either", "needs": (), "access": "",
    }
    fields.update(change)
    return SubmitIntake(**fields)


def rejected(state: RoomState, command: Command, actor: Actor) -> Rejected:
    with pytest.raises(Rejected) as caught:
        decide(state, command, actor)
    return caught.value


def test_a_participant_fills_in_and_changes_their_intake() -> None:
    state = run(room("ann"), form(brings="  facilitation\n skills ", styles=("exercises", "theory", "theory")),
                who("ann"), at=10.0)
    answers = state.part(intake.PART).answers["ann"]
    assert answers.brings == "facilitation skills"  # cleaned like every line of text
    assert answers.styles == ("theory", "exercises")  # deduplicated, in the form's order
    assert (answers.submitted_at, answers.updated_at, answers.session) == (10.0, 10.0, 0)
    state = run(state, form(learn="Leading meetings", needs=("breaks",)), who("ann"), at=20.0)
    answers = state.part(intake.PART).answers["ann"]
    assert answers.learn == "Leading meetings" and answers.needs == ("breaks",) and answers.styles == ("discussion",)
    assert (answers.submitted_at, answers.updated_at) == (10.0, 20.0)


def test_the_same_answers_again_make_no_event() -> None:
    state = run(room("ann"), form(), who("ann"))
    assert decide(state, form(), who("ann")) == []


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"learn": ""}, "missing_field", "intake_learn"),
        ({"learn": "x" * (intake.LEARN_MAX + 1)}, "too_long", "intake_learn"),
        ({"experience_note": "x" * (intake.EXPERIENCE_NOTE_MAX + 1)}, "too_long", "intake_experience_note"),
        ({"brings": "x" * (intake.BRINGS_MAX + 1)}, "too_long", "intake_brings"),
        ({"access": "x" * (intake.ACCESS_MAX + 1)}, "too_long", "intake_access"),
        ({"experience": "guru"}, "bad_choice", "intake_experience"),
        ({"setting": "moon"}, "bad_choice", "intake_setting"),
        ({"styles": ("theory", "napping")}, "bad_choice", "intake_styles"),
        ({"styles": "theory"}, "bad_choice", "intake_styles"),
        ({"needs": ("teleport",)}, "bad_choice", "intake_needs"),
    ],
)
def test_limits_and_choices(change: dict[str, Any], code: str, field: str) -> None:
    error = rejected(room("ann"), form(**change), who("ann"))
    assert (error.code, error.params.get("field")) == (code, field)


def test_at_the_limits_is_fine() -> None:
    command = form(learn="x" * intake.LEARN_MAX, access="y" * intake.ACCESS_MAX, styles=intake.STYLES,
                   needs=intake.NEEDS)
    state = run(room("ann"), command, who("ann"))
    assert len(state.part(intake.PART).answers["ann"].learn) == intake.LEARN_MAX
    assert state.part(intake.PART).answers["ann"].needs == intake.NEEDS


@pytest.mark.parametrize("actor", [MENTOR, PROJECTOR, who("stranger")])
def test_only_members_fill_in_an_intake(actor: Actor) -> None:
    with pytest.raises(Forbidden):
        decide(room("ann"), form(), actor)


def test_nothing_after_the_room_ended() -> None:
    state = run(room("ann"), EndSession(), MENTOR)
    assert rejected(state, form(), who("ann")).code == "session_ended"


def test_the_intake_is_tagged_with_the_current_session() -> None:
    state = room("ann")
    state = run(state, trajectory.PlanTrajectory("T", "", "", "6", "weekly", "hybrid", "2026-12-01"), MENTOR)
    state = run(state, trajectory.StartTrajectorySession("2"), MENTOR)
    state = run(state, form(), who("ann"))
    assert state.part(intake.PART).answers["ann"].session == 2


def test_profile_counts_and_who_is_missing() -> None:
    state = room("ann", "bo", "cy")
    state = run(state, form(styles=("theory", "discussion"), setting="online", needs=("breaks", "captions")),
                who("ann"))
    state = run(state, form(styles=("discussion",), experience="new", needs=("breaks",)), who("cy"))
    summary = intake.profile(state)
    assert summary.filled == ("ann", "cy") and summary.missing == ("bo",)
    assert dict(summary.styles) == {"theory": 1, "examples": 0, "discussion": 2, "exercises": 0}
    assert dict(summary.settings) == {"room": 0, "online": 1, "either": 1}
    assert dict(summary.experience) == {"new": 1, "some": 1, "experienced": 0}
    assert summary.needs == (("breaks", 2), ("captions", 1))  # only needs someone has, most common first


def test_export_has_every_answer_with_the_name() -> None:
    state = run(room("ann", "bo"), form(access="Hearing aid"), who("ann"))
    data = intake.export(state)
    assert [(a["name"], a["access"], a["styles"]) for a in data["answers"]] == [("Ann", "Hearing aid", ["discussion"])]
    assert data["profile"]["missing"] == ["bo"] and data["profile"]["filled"] == 1
