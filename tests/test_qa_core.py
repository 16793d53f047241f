"""Unit tests of the live Q&A in the pure core: asking named and anonymous (an anonymous question
has no author in its event, the state or the export), one upvote each, approval first, moderation,
the spotlight, "ask it myself" as a raised hand, erasure, and who may do what."""

from __future__ import annotations

import dataclasses

import pytest

from realtime import erasure, qa, queue
from realtime.errors import Forbidden, Rejected
from realtime.events import (
    Actor,
    Command,
    CreateSession,
    EndSession,
    Join,
    ParticipantErased,
    ProjectorViewChanged,
    Role,
    Stamped,
)
from realtime.qa import (
    AskMyself,
    AskQuestion,
    ConfigureQa,
    EditQuestion,
    ModerateQuestion,
    Spotlight,
    TakeBackVote,
    Upvote,
)
from realtime.state import RoomState
from tests.corekit import CODEC, CORE, decide, evolve, export_session

MENTOR = Actor(Role.MENTOR)
ANN, BO, CY = (Actor(Role.PARTICIPANT, pid) for pid in ("ann", "bo", "cy"))


def run(state: RoomState, command: Command, actor: Actor = MENTOR, at: float = 1000.0) -> RoomState:
    for event in decide(state, command, actor):
        state = evolve(state, Stamped(state.seq + 1, at, event))
    return state


def room() -> RoomState:
    state = run(RoomState(), CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"))
    state = run(state, Join("ann", "Ann", "room", "h1"), ANN)
    state = run(state, Join("bo", "Bo", "remote", "h2"), BO)
    return run(state, Join("cy", "Cy", "room", "h3"), CY)


def questions(state: RoomState) -> dict[str, qa.Question]:
    return dict(state.part(qa.PART).questions)


def test_a_named_question_keeps_its_author_an_anonymous_one_has_none_anywhere() -> None:
    state = run(room(), AskQuestion("q1", "  Why   listen\tfirst? ", False), ANN, at=10.0)
    events = decide(state, AskQuestion("q2", "Who decides?", True), BO)
    assert events == [qa.QuestionAsked("q2", "Who decides?", "", "remote", "open")]
    assert b"bo" not in CODEC.encode_event(events[0]).replace(b"remote", b"")
    state = run(state, AskQuestion("q2", "Who decides?", True), BO, at=20.0)
    q1, q2 = questions(state)["q1"], questions(state)["q2"]
    assert (q1.text, q1.pid, q1.location, q1.status, q1.asked_at) == ("Why listen first?", "ann", "room", "open", 10.0)
    assert (q2.pid, q2.anonymous, q2.location) == ("", True, "remote")
    exported = export_session(state)["qa"]["questions"]
    assert [(q["id"], q["person"], q["name"], q["anonymous"]) for q in exported] == [
        ("q1", "ann", "Ann", False), ("q2", None, None, True),
    ]
    assert "bo" not in repr(exported) and "Bo" not in repr(exported)


def test_one_upvote_each_taken_back_and_sorted_by_votes_or_time() -> None:
    state = room()
    for i, at in ((1, 1.0), (2, 2.0), (3, 3.0)):
        state = run(state, AskQuestion(f"q{i}", f"Question {i}", False), ANN, at=at)
    state = run(state, Upvote("q2"), BO)
    state = run(state, Upvote("q2"), CY)
    state = run(state, Upvote("q3"), BO)
    with pytest.raises(Rejected) as refused:
        decide(state, Upvote("q2"), BO)
    assert refused.value.code == "qa_voted"
    listed = list(questions(state).values())
    assert [q.qid for q in qa.ordered(listed, "votes")] == ["q2", "q3", "q1"]
    assert [q.qid for q in qa.ordered(listed, "time")] == ["q3", "q2", "q1"]
    state = run(state, TakeBackVote("q2"), CY)
    state = run(state, TakeBackVote("q2"), BO)
    assert questions(state)["q2"].votes == 0
    with pytest.raises(Rejected) as refused:
        decide(state, TakeBackVote("q2"), BO)
    assert refused.value.code == "qa_not_voted"
    assert [q.qid for q in qa.ordered(list(questions(state).values()), "votes")] == ["q3", "q1", "q2"]


def test_with_approval_first_questions_wait_and_the_mentor_moderates() -> None:
    state = run(room(), ConfigureQa(True, "time", True))
    assert (state.part(qa.PART).moderated, state.part(qa.PART).sort, state.part(qa.PART).split) == (True, "time", True)
    assert decide(state, ConfigureQa(True, "time", True), MENTOR) == []
    state = run(state, AskQuestion("q1", "Can we pause?", True), ANN)
    assert questions(state)["q1"].status == "pending"
    with pytest.raises(Rejected) as refused:
        decide(state, Upvote("q1"), BO)  # not shown yet
    assert refused.value.code == "qa_not_open"
    state = run(state, ModerateQuestion("q1", "approve"))
    state = run(state, Upvote("q1"), BO)
    state = run(state, EditQuestion("q1", "Can we have a break?"))
    assert (questions(state)["q1"].text, questions(state)["q1"].edited) == ("Can we have a break?", True)
    state = run(state, ModerateQuestion("q1", "hide"))
    assert questions(state)["q1"].status == "hidden"
    state = run(state, ModerateQuestion("q1", "show"))
    state = run(state, ModerateQuestion("q1", "answered"))
    assert questions(state)["q1"].status == "answered"
    assert decide(state, ModerateQuestion("q1", "answered"), MENTOR) == []
    for bad in (ModerateQuestion("q1", "delete"), ConfigureQa(False, "random", False)):
        with pytest.raises(Rejected) as refused:
            decide(state, bad, MENTOR)
        assert refused.value.code == "bad_choice"
    with pytest.raises(Rejected) as refused:
        decide(state, ModerateQuestion("nope", "hide"), MENTOR)
    assert refused.value.code == "qa_not_found"


def test_the_spotlight_goes_to_the_projector_and_leaves_with_a_hidden_question() -> None:
    state = run(room(), AskQuestion("q1", "Why?", False), ANN)
    events = decide(state, Spotlight("q1"), MENTOR)
    assert events == [qa.QuestionSpotlighted("q1"), ProjectorViewChanged("qa", "")]
    state = run(state, Spotlight("q1"))
    assert (state.part(qa.PART).spotlight, state.projector_view) == ("q1", "qa")
    assert decide(state, Spotlight("q1"), MENTOR) == []
    state = run(state, ModerateQuestion("q1", "hide"))
    assert state.part(qa.PART).spotlight == ""
    with pytest.raises(Rejected) as refused:
        decide(state, Spotlight("q1"), MENTOR)
    assert refused.value.code == "qa_not_open"
    assert decide(state, Spotlight(""), MENTOR) == []


def test_ask_it_myself_raises_the_hand_with_the_question_as_its_text() -> None:
    state = run(room(), AskMyself("  How do I start?  "), BO, at=50.0)
    entry = state.part(queue.PART).entry("bo")
    assert entry is not None and (entry.kind, entry.text, entry.raised_at) == ("question", "How do I start?", 50.0)
    assert questions(state) == {}  # not posted to the list
    assert export_session(state)["queue"]["waiting"][0]["text"] == "How do I start?"
    with pytest.raises(Rejected) as refused:
        decide(state, AskMyself("Another"), BO)
    assert refused.value.code == "qa_hand_up"
    with pytest.raises(Rejected) as refused:
        decide(state, AskMyself(""), ANN)
    assert refused.value.code == "missing_field"


def test_bad_input_and_who_may_do_what() -> None:
    state = run(room(), AskQuestion("q1", "Why?", False), ANN)
    for text, code in (("", "missing_field"), ("x" * (qa.TEXT_MAX + 1), "too_long"), (None, "missing_field")):
        with pytest.raises(Rejected) as refused:
            decide(state, AskQuestion("q9", text, False), BO)  # type: ignore[arg-type]
        assert refused.value.code == code
    for bad_id in ("", "q1", "x" * 40, 7):
        with pytest.raises(Rejected) as refused:
            decide(state, AskQuestion(bad_id, "Fine", False), BO)  # type: ignore[arg-type]
        assert refused.value.code == "bad_message"
    mentor_only = (ModerateQuestion("q1", "hide"), EditQuestion("q1", "x"), Spotlight("q1"),
                   ConfigureQa(True, "votes", False))
    for command in mentor_only:
        for actor in (ANN, Actor(Role.PROJECTOR)):
            with pytest.raises(Forbidden):
                decide(state, command, actor)
    with pytest.raises(Rejected) as refused:
        decide(state, AskQuestion("q2", "Mentor asks", False), MENTOR)
    assert refused.value.code == "not_participant"
    with pytest.raises(Forbidden):
        decide(state, Upvote("q1"), Actor(Role.PROJECTOR))
    ended = run(state, EndSession())
    late: tuple[tuple[Command, Actor], ...] = (
        (AskQuestion("q3", "Late", False), BO), (Upvote("q1"), BO), (ModerateQuestion("q1", "hide"), MENTOR),
    )
    for command, actor in late:
        with pytest.raises(Rejected) as refused:
            decide(ended, command, actor)
        assert refused.value.code == "session_ended"


def test_a_full_list_is_refused() -> None:
    state = room()
    part = state.part(qa.PART)
    many = {f"q{i}": qa.Question(f"q{i}", "x", "", "room", "open", 0.0) for i in range(qa.QUESTIONS_MAX)}
    state = state.with_part(qa.PART, dataclasses.replace(part, questions=many))
    with pytest.raises(Rejected) as refused:
        decide(state, AskQuestion("new", "One more", True), ANN)
    assert refused.value.code == "qa_full"


def test_erasure_takes_a_named_question_with_its_votes_and_leaves_anonymous_ones_alone() -> None:
    log: list[Stamped] = []
    state = room()
    steps: list[tuple[Command, Actor]] = [
        (AskQuestion("q1", "Named by Ann", False), ANN),
        (AskQuestion("q2", "Anonymous by Ann", True), ANN),
        (Upvote("q1"), BO),
        (Upvote("q2"), ANN),
        (Upvote("q2"), BO),
        (ModerateQuestion("q1", "answered"), MENTOR),
        (Spotlight("q1"), MENTOR),
    ]
    for command, actor in steps:
        for event in decide(state, command, actor):
            stamped = Stamped(state.seq + 1, 1.0, event)
            log.append(stamped)
            state = evolve(state, stamped)
    full = [*_room_log(), *log]
    full.append(Stamped(full[-1].seq + 1, 2.0, ParticipantErased("ann")))
    redact, after = erasure.redaction_plan(CORE, full, "ann")
    left = after.part(qa.PART).questions
    assert list(left) == ["q2"] and left["q2"].voters == frozenset({"bo"})
    assert after.part(qa.PART).spotlight == ""
    kinds = {type(s.event).__name__ for s in full if s.seq in redact}
    assert {"QuestionAsked", "QuestionUpvoted", "QuestionStatusChanged", "QuestionSpotlighted"} <= kinds


def _room_log() -> list[Stamped]:
    state = RoomState()
    log: list[Stamped] = []
    for command, actor in ((CreateSession("Week 1", "en", "ACDEFGHJ", "jt", "mk"), MENTOR),
                           (Join("ann", "Ann", "room", "h1"), ANN), (Join("bo", "Bo", "remote", "h2"), BO),
                           (Join("cy", "Cy", "room", "h3"), CY)):
        for event in decide(state, command, actor):
            stamped = Stamped(state.seq + 1, 0.0, event)
            log.append(stamped)
            state = evolve(state, stamped)
    return log
