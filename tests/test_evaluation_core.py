"""Unit tests of the evaluation after every session in the pure core: who may do what, one answer
per person per session (anonymous included), no author anywhere on anonymous answers, limits,
sessions of a trajectory and the trend."""

from __future__ import annotations

import dataclasses

import pytest

from realtime import evaluation, trajectory, wall
from realtime.codec import encode_event
from realtime.errors import Forbidden, Rejected
from realtime.evaluation import (
    CloseEvaluation,
    EvaluationSubmitted,
    NoteFeedbackChange,
    OpenEvaluation,
    SubmitEvaluation,
)
from realtime.events import Actor, Command, CreateSession, EndSession, Join, ProjectorViewChanged, Role, Stamped
from realtime.state import RoomState
from tests.corekit import CODEC, CORE, decide, evolve, export_session

MENTOR = Actor(Role.MENTOR)
SALT = "s" * 24


def who(pid: str) -> Actor:
    return Actor(Role.PARTICIPANT, pid)


def run(state: RoomState, command: Command, actor: Actor, at: float = 1000.0) -> RoomState:
    for event in decide(state, command, actor):
        state = evolve(state, Stamped(state.seq + 1, at, event))
    return state


def room(*pids: str) -> RoomState:
    state = run(RoomState(), CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"), MENTOR)
    for pid in pids:
        state = run(state, Join(pid, pid.capitalize(), "room", f"h-{pid}"), who(pid))
    return state


def submit(
    rating: str = "4", anonymous: bool = False, eid: str = "e1", worked: str = "", better: str = ""
) -> SubmitEvaluation:
    return SubmitEvaluation(eid, rating, worked, better, anonymous)


def planned(state: RoomState, sessions: int = 6) -> RoomState:
    plan = trajectory.PlanTrajectory("Leading", "", "", str(sessions), "weekly", "hybrid", "2026-01-05")
    return run(state, plan, MENTOR)


def test_only_the_mentor_opens_closes_and_notes_changes() -> None:
    state = room("ann")
    for command in (OpenEvaluation(SALT), CloseEvaluation(), NoteFeedbackChange("0", "Shorter theory")):
        with pytest.raises(Forbidden):
            decide(state, command, who("ann"))
        with pytest.raises(Forbidden):
            decide(state, command, Actor(Role.PROJECTOR))


def test_only_joined_participants_answer_and_only_while_open() -> None:
    state = room("ann")
    with pytest.raises(Rejected) as refused:
        decide(state, submit(), who("ann"))
    assert refused.value.code == "evaluation_not_open"
    state = run(state, OpenEvaluation(SALT), MENTOR)
    with pytest.raises(Forbidden):
        decide(state, submit(), MENTOR)
    with pytest.raises(Forbidden):
        decide(state, submit(), who("stranger"))
    state = run(state, CloseEvaluation(), MENTOR)
    with pytest.raises(Rejected) as refused:
        decide(state, submit(), who("ann"))
    assert refused.value.code == "evaluation_not_open"


def test_opening_switches_the_projector_and_a_second_open_does_nothing() -> None:
    state = run(room(), OpenEvaluation(SALT), MENTOR)
    assert state.projector_view == "evaluation"
    assert state.part(evaluation.PART).open_round() is not None
    assert decide(state, OpenEvaluation("t" * 24), MENTOR) == []


def test_one_named_answer_per_person_per_session() -> None:
    state = run(room("ann", "bo"), OpenEvaluation(SALT), MENTOR)
    state = run(state, submit("5", worked="The case", better="More time"), who("ann"))
    with pytest.raises(Rejected) as refused:
        decide(state, submit("1", eid="e2"), who("ann"))
    assert refused.value.code == "evaluation_already_sent"
    with pytest.raises(Rejected):
        decide(state, submit("1", anonymous=True, eid="e2"), who("ann"))  # not anonymously either
    state = run(state, submit("3", eid="e2"), who("bo"))
    answers = state.part(evaluation.PART).of_session(0)
    assert [(e.author, e.rating, e.worked, e.better) for e in answers] == [
        ("ann", 5, "The case", "More time"), ("bo", 3, "", ""),
    ]


def test_one_anonymous_answer_per_person_and_none_carries_the_author() -> None:
    state = run(room("ann", "bo"), OpenEvaluation(SALT), MENTOR)
    events = decide(state, submit("2", anonymous=True, worked="w", better="b"), who("ann"))
    assert len(events) == 1 and isinstance(events[0], EvaluationSubmitted)
    event = events[0]
    # The event names nobody: no pid, and nothing that contains "ann".
    assert event.pid is None
    assert "ann" not in encode_event(event).decode()
    assert CODEC.decode_event(encode_event(event)) == event
    state = evolve(state, Stamped(state.seq + 1, 1000.0, event))
    # Neither twice anonymously, nor named after an anonymous one.
    for again in (submit("5", anonymous=True, eid="e2"), submit("5", eid="e2")):
        with pytest.raises(Rejected) as refused:
            decide(state, again, who("ann"))
        assert refused.value.code == "evaluation_already_sent"
    # Others still can; the state keeps the answer without any author.
    state = run(state, submit("4", anonymous=True, eid="e2"), who("bo"))
    answers = state.part(evaluation.PART).of_session(0)
    assert [e.author for e in answers] == ["", ""]
    assert all("ann" not in repr(e) and "bo" not in repr(e) for e in answers)
    assert state.part(evaluation.PART).rounds[0].count == 2
    first = state.part(evaluation.PART).rounds[0]
    assert first.answered("ann") and not first.answered("cy")


def test_reopening_a_round_keeps_its_salt_so_nobody_answers_twice() -> None:
    state = run(room("ann"), OpenEvaluation(SALT), MENTOR)
    state = run(state, submit(anonymous=True), who("ann"))
    state = run(state, CloseEvaluation(), MENTOR)
    state = run(state, OpenEvaluation("another-salt-0123456789"), MENTOR)
    with pytest.raises(Rejected) as refused:
        decide(state, submit(anonymous=True, eid="e2"), who("ann"))
    assert refused.value.code == "evaluation_already_sent"


def test_the_export_has_anonymous_answers_without_author_time_salt_or_ballot() -> None:
    state = run(room("ann", "bo"), OpenEvaluation(SALT), MENTOR)
    state = run(state, submit("2", anonymous=True, worked="secret"), who("ann"))
    state = run(state, submit("4", worked="named", eid="e2"), who("bo"))
    # While the round takes answers, the export has only their number (see withheld_session).
    data = export_session(state)["evaluations"]
    assert data["evaluations"] == [] and data["rounds"][0]["answers"] == 2
    assert data["trend"] == [{"session": 0, "answers": 2, "average": None, "withheld": True}]
    state = run(state, CloseEvaluation(), MENTOR)
    data = export_session(state)["evaluations"]
    text = repr(data)
    assert SALT not in text
    assert evaluation.ballot(SALT, "ann") not in text
    anonymous = [e for e in data["evaluations"] if e["anonymous"]]
    named = [e for e in data["evaluations"] if not e["anonymous"]]
    assert anonymous == [
        {"session": 0, "rating": 2, "worked": "secret", "better": "", "anonymous": True, "person": None,
         "name": None, "at": None},
    ]
    assert named[0]["person"] == "bo" and named[0]["name"] == "Bo"
    assert data["trend"] == [{"session": 0, "answers": 2, "average": 3.0, "withheld": False}]


def test_limits_on_rating_and_texts() -> None:
    state = run(room("ann"), OpenEvaluation(SALT), MENTOR)
    for rating in ("0", "6", "", "4.5", "x"):
        with pytest.raises(Rejected) as refused:
            decide(state, submit(rating), who("ann"))
        assert refused.value.code == "bad_choice"
    with pytest.raises(Rejected) as refused:
        decide(state, submit(worked="x" * (evaluation.TEXT_MAX + 1)), who("ann"))
    assert refused.value.code == "too_long"
    with pytest.raises(Rejected):
        decide(state, submit(eid=""), who("ann"))
    with pytest.raises(Rejected):
        decide(room(), OpenEvaluation("short"), MENTOR)  # a salt must be long enough to be one
    with pytest.raises(Rejected) as refused:
        decide(state, NoteFeedbackChange("0", "x" * (evaluation.CHANGE_MAX + 1)), MENTOR)
    assert refused.value.code == "too_long"
    with pytest.raises(Rejected) as refused:
        decide(state, NoteFeedbackChange("-1", "x"), MENTOR)
    assert refused.value.code == "out_of_range"


def test_an_ended_room_takes_no_answers() -> None:
    state = run(room("ann"), OpenEvaluation(SALT), MENTOR)
    state = run(state, EndSession(), MENTOR)
    with pytest.raises(Rejected) as refused:
        decide(state, submit(), who("ann"))
    assert refused.value.code == "session_ended"


def test_sessions_of_a_trajectory_the_trend_and_the_change_note() -> None:
    state = planned(room("ann", "bo"))
    for number, ratings in ((1, ("3", "4")), (2, ("5", "4"))):
        state = run(state, trajectory.StartTrajectorySession(str(number)), MENTOR)
        state = run(state, OpenEvaluation(f"salt-of-session-{number}-xxxx"), MENTOR)
        assert state.part(evaluation.PART).open_round().session == number  # type: ignore[union-attr]
        state = run(state, submit(ratings[0], eid=f"a{number}"), who("ann"))
        state = run(state, submit(ratings[1], anonymous=True, eid=f"b{number}"), who("bo"))
        if number == 1:
            assert evaluation.latest_change(state) is None
            state = run(state, NoteFeedbackChange("1", "More practice, less theory"), MENTOR)
            # Participants see it only once a later session has started.
            assert evaluation.latest_change(state) is None
    # Opening session 2's round closed session 1's; each person answered once per session.
    assert not state.part(evaluation.PART).rounds[1].open and state.part(evaluation.PART).rounds[2].open
    trend = [(s.session, s.count, s.average) for s in evaluation.summaries(state.part(evaluation.PART))]
    assert trend == [(1, 2, 3.5), (2, 2, 4.5)]
    assert evaluation.latest_change(state) == (1, "More practice, less theory")
    # An empty note removes it.
    state = run(state, NoteFeedbackChange("1", ""), MENTOR)
    assert evaluation.latest_change(state) is None


def test_anonymous_answers_are_shown_in_an_order_that_does_not_follow_arrival() -> None:
    state = run(room("ann", "bo", "cy"), OpenEvaluation(SALT), MENTOR)
    state = run(state, submit("2", anonymous=True, worked="b", eid="1"), who("ann"), at=1.0)
    state = run(state, submit("5", anonymous=True, worked="a", eid="2"), who("bo"), at=2.0)
    state = run(state, submit("3", eid="3"), who("cy"), at=3.0)
    shown = evaluation.in_display_order(state.part(evaluation.PART).evaluations)
    assert [(e.author, e.rating) for e in shown] == [("cy", 3), ("", 5), ("", 2)]


def test_a_participant_erased_from_the_room_does_not_break_the_fold() -> None:
    state = run(room("ann"), OpenEvaluation(SALT), MENTOR)
    state = run(state, submit(), who("ann"))
    state = run(state, CloseEvaluation(), MENTOR)
    state = dataclasses.replace(state, participants={})  # as if gone
    assert export_session(state)["evaluations"]["evaluations"][0]["name"] == ""


def test_opening_emits_a_projector_change_only_when_needed() -> None:
    state = run(room(), OpenEvaluation(SALT), MENTOR)
    state = run(state, CloseEvaluation(), MENTOR)
    events = decide(state, OpenEvaluation(SALT), MENTOR)
    assert not any(isinstance(e, ProjectorViewChanged) for e in events)


def test_a_round_left_open_takes_no_answers_once_the_next_session_starts() -> None:
    state = planned(room("ann"))
    state = run(state, trajectory.StartTrajectorySession("1"), MENTOR)
    state = run(state, OpenEvaluation(SALT), MENTOR)
    state = run(state, trajectory.StartTrajectorySession("2"), MENTOR)
    assert evaluation.current_round(state) is None
    with pytest.raises(Rejected) as refused:
        decide(state, submit(), who("ann"))
    assert refused.value.code == "evaluation_not_open"
    state = run(state, OpenEvaluation("salt-two-0123456789"), MENTOR)  # closes session 1's round
    assert not state.part(evaluation.PART).rounds[1].open
    assert evaluation.current_round(state).session == 2  # type: ignore[union-attr]


def test_erasing_a_participant_takes_their_answers_topics_votes_and_reports_but_not_anonymous_ones() -> None:
    from realtime import assignments, topics
    from realtime.erasure import redaction_plan

    log: list[Stamped] = []
    state = RoomState()

    def go(command: Command, actor: Actor) -> None:
        nonlocal state
        for event in decide(state, command, actor):
            stamped = Stamped(state.seq + 1, 1000.0, event)
            log.append(stamped)
            state = evolve(state, stamped)

    go(CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"), MENTOR)
    for pid in ("ann", "bo"):
        go(Join(pid, pid.capitalize(), "room", f"h-{pid}"), who(pid))
    go(OpenEvaluation(SALT), MENTOR)
    go(submit("5", worked="ann named"), who("ann"))
    go(submit("2", anonymous=True, worked="bo anonymous", eid="e2"), who("bo"))
    go(topics.AddTopic("t1", "Ann's topic", ""), who("ann"))
    go(topics.AddTopic("t2", "Bo's topic", ""), who("bo"))
    go(topics.VoteTopic("t2"), who("ann"))
    go(assignments.GiveAssignment("a1", "Read", "", "0"), MENTOR)
    go(assignments.ReportAssignment("a1", True, "ann reflects"), who("ann"))
    go(assignments.ReflectionsToWall("a1", "w1", "Reflections"), MENTOR)
    _, after = redaction_plan(CORE, log, "ann")
    assert "ann" not in after.participants
    assert [e.worked for e in after.part(evaluation.PART).evaluations] == ["bo anonymous"]
    assert list(after.part(topics.PART).topics) == ["t2"] and after.part(topics.PART).topics["t2"].votes == 0
    assert after.part(assignments.PART).assignments["a1"].reports == {}
    assert all(n.author != "ann" for n in after.part(wall.PART).walls["w1"].notes.values())
