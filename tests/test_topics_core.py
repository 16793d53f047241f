"""Unit tests of the group's topics in the pure core: own topics, vote toggling, the mentor's marks."""

from __future__ import annotations

import pytest

from realtime import topics
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, CreateSession, EndSession, Join, Role, Stamped
from realtime.state import RoomState
from realtime.topics import AddTopic, EditTopic, MarkTopic, RemoveTopic, VoteTopic
from tests.corekit import decide, evolve

MENTOR = Actor(Role.MENTOR)


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


def with_topics() -> RoomState:
    state = room("ann", "bo", "cy")
    state = run(state, AddTopic("t1", "Giving feedback", ""), who("ann"))
    state = run(state, AddTopic("t2", "A difficult client", "It is about trust"), who("bo"))
    return run(state, AddTopic("t3", "Time management", ""), MENTOR)


def test_participants_and_the_mentor_add_topics() -> None:
    state = with_topics()
    assert [(t.tid, t.author, t.detail) for t in state.part(topics.PART).topics.values()] == [
        ("t1", "ann", ""), ("t2", "bo", "It is about trust"), ("t3", "", ""),
    ]
    with pytest.raises(Forbidden):
        decide(state, AddTopic("t4", "x", ""), who("stranger"))
    with pytest.raises(Forbidden):
        decide(state, AddTopic("t4", "x", ""), Actor(Role.PROJECTOR))


def test_vote_toggles_one_vote_per_topic_per_person() -> None:
    state = with_topics()
    state = run(state, VoteTopic("t2"), who("ann"))
    state = run(state, VoteTopic("t2"), who("cy"))
    assert state.part(topics.PART).topics["t2"].votes == 2
    state = run(state, VoteTopic("t2"), who("ann"))  # again: taken back
    assert state.part(topics.PART).topics["t2"].voters == frozenset({"cy"})
    state = run(state, VoteTopic("t2"), who("ann"))
    assert state.part(topics.PART).topics["t2"].votes == 2
    with pytest.raises(Forbidden):
        decide(state, VoteTopic("t2"), MENTOR)  # the mentor does not vote
    assert [t.tid for t in state.part(topics.PART).by_votes()] == ["t2", "t1", "t3"]


def test_only_the_author_edits_and_the_author_or_mentor_removes() -> None:
    state = with_topics()
    with pytest.raises(Forbidden) as refused:
        decide(state, EditTopic("t1", "Mine now", ""), who("bo"))
    assert refused.value.code == "topic_not_yours"
    with pytest.raises(Forbidden):
        decide(state, EditTopic("t1", "Mine now", ""), MENTOR)  # the mentor's own are "" authored
    with pytest.raises(Forbidden):
        decide(state, RemoveTopic("t1"), who("bo"))
    state = run(state, EditTopic("t1", "Giving and taking feedback", "both"), who("ann"))
    assert state.part(topics.PART).topics["t1"].title == "Giving and taking feedback"
    assert decide(state, EditTopic("t1", "Giving and taking feedback", "both"), who("ann")) == []
    state = run(state, RemoveTopic("t1"), who("ann"))
    state = run(state, RemoveTopic("t2"), MENTOR)
    assert list(state.part(topics.PART).topics) == ["t3"]
    with pytest.raises(Rejected) as gone:
        decide(state, VoteTopic("t1"), who("cy"))
    assert gone.value.code == "topic_not_found"


def test_the_mentor_marks_for_the_agenda_or_discussed_and_discussed_ones_take_no_votes() -> None:
    state = with_topics()
    with pytest.raises(Forbidden):
        decide(state, MarkTopic("t1", "agenda"), who("ann"))
    state = run(state, MarkTopic("t1", "discussed"), MENTOR)
    assert state.part(topics.PART).topics["t1"].status == "discussed"
    assert state.part(topics.PART).by_votes()[-1].tid == "t1"
    with pytest.raises(Rejected) as refused:
        decide(state, VoteTopic("t1"), who("bo"))
    assert refused.value.code == "topic_discussed"
    with pytest.raises(Rejected) as refused:
        decide(state, MarkTopic("t1", "gone"), MENTOR)
    assert refused.value.code == "bad_choice"
    assert decide(state, MarkTopic("t1", "discussed"), MENTOR) == []


def test_limits() -> None:
    state = room("ann")
    with pytest.raises(Rejected) as refused:
        decide(state, AddTopic("t1", "", ""), who("ann"))
    assert refused.value.code == "missing_field"
    with pytest.raises(Rejected) as refused:
        decide(state, AddTopic("t1", "x" * (topics.TITLE_MAX + 1), ""), who("ann"))
    assert refused.value.code == "too_long"
    with pytest.raises(Rejected) as refused:
        decide(state, AddTopic("t1", "ok", "x" * (topics.DETAIL_MAX + 1)), who("ann"))
    assert refused.value.code == "too_long"
    for i in range(topics.TOPICS_PER_PERSON_MAX):
        state = run(state, AddTopic(f"t{i}", f"Topic {i}", ""), who("ann"))
    with pytest.raises(Rejected) as refused:
        decide(state, AddTopic("tx", "One more", ""), who("ann"))
    assert refused.value.code == "topics_full"
    with pytest.raises(Rejected):
        decide(state, AddTopic("t0", "Same id", ""), MENTOR)  # ids come from the shell, never reused


def test_an_ended_room_takes_no_topics() -> None:
    state = run(with_topics(), EndSession(), MENTOR)
    with pytest.raises(Rejected) as refused:
        decide(state, VoteTopic("t1"), who("bo"))
    assert refused.value.code == "session_ended"
