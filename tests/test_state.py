"""Unit tests of the pure room core: decide and evolve."""

from __future__ import annotations

import pytest

from realtime import limits
from realtime.errors import Forbidden, Rejected
from realtime.events import (
    Actor,
    CreateSession,
    EndSession,
    Join,
    ParticipantJoined,
    ProfileUpdated,
    Role,
    SessionEnded,
    SetLanguage,
    SetTitle,
    Stamped,
    TitleChanged,
    UpdateProfile,
)
from realtime.state import RoomState
from tests.corekit import CORE, decide, evolve, fold

MENTOR = Actor(Role.MENTOR)
PROJECTOR = Actor(Role.PROJECTOR)


def run(state: RoomState, command: object, actor: Actor, at: float = 1.0) -> RoomState:
    events = decide(state, command, actor)  # type: ignore[arg-type]
    for event in events:
        state = evolve(state, Stamped(state.seq + 1, at, event))
    return state


def created(title: str = "Week 1") -> RoomState:
    return run(RoomState(), CreateSession(title, "nl", "ACDEFGHJ", "jt", "mk"), MENTOR)


def joined(state: RoomState, pid: str, name: str = "Anna", location: str = "room") -> RoomState:
    return run(state, Join(pid, name, location, f"hash-{pid}"), Actor(Role.PARTICIPANT, pid))


def test_create_sets_everything_and_seq_1() -> None:
    state = created("  Week   1 ")
    assert state.seq == 1
    assert state.title == "Week 1"  # whitespace collapsed
    assert (state.code, state.language, state.join_token, state.mentor_key_hash) == ("ACDEFGHJ", "nl", "jt", "mk")
    assert not state.ended


@pytest.mark.parametrize(
    ("title", "language", "reason"),
    [("", "nl", "missing_field"), ("   ", "en", "missing_field"), ("x" * (limits.TITLE_MAX + 1), "en", "too_long"),
     ("ok", "de", "bad_choice"), ("ok", "", "bad_choice")],
)
def test_create_rejects_bad_input(title: str, language: str, reason: str) -> None:
    with pytest.raises(Rejected) as info:
        decide(RoomState(), CreateSession(title, language, "C", "j", "m"), MENTOR)
    assert info.value.code == reason


def test_title_at_the_limit_is_fine_and_control_characters_are_dropped() -> None:
    state = created("t" * limits.TITLE_MAX)
    assert len(state.title) == limits.TITLE_MAX
    state = run(state, SetTitle("a\x00b\u200bc\nd"), MENTOR)
    assert state.title == "abc d"


def test_create_twice_is_rejected() -> None:
    with pytest.raises(Rejected) as info:
        decide(created(), CreateSession("x", "en", "C", "j", "m"), MENTOR)
    assert info.value.code == "session_exists"


def test_join_adds_participant_in_order() -> None:
    state = joined(joined(created(), "p1", "Anna"), "p2", "Bram", "remote")
    assert list(state.participants) == ["p1", "p2"]
    assert state.participants["p2"].location == "remote"
    assert state.participant_by_token_hash("hash-p2") == state.participants["p2"]
    assert state.participant_by_token_hash("nope") is None


def test_join_twice_with_the_same_pid_is_rejected() -> None:
    state = joined(created(), "p1")
    with pytest.raises(Rejected) as info:
        decide(state, Join("p1", "Anna", "room", "h"), Actor(Role.PARTICIPANT, "p1"))
    assert info.value.code == "already_joined"


@pytest.mark.parametrize(
    ("name", "location", "reason"),
    [("", "room", "missing_field"), ("x" * (limits.NAME_MAX + 1), "room", "too_long"), ("Anna", "moon", "bad_choice")],
)
def test_join_rejects_bad_input_and_stores_nothing(name: str, location: str, reason: str) -> None:
    state = created()
    with pytest.raises(Rejected) as info:
        decide(state, Join("p1", name, location, "h"), Actor(Role.PARTICIPANT, "p1"))
    assert info.value.code == reason
    assert state.participants == {}


def test_join_must_be_by_the_participant_themselves() -> None:
    with pytest.raises(Forbidden):
        decide(created(), Join("p1", "Anna", "room", "h"), Actor(Role.PARTICIPANT, "someone-else"))
    with pytest.raises(Forbidden):
        decide(created(), Join("p1", "Anna", "room", "h"), MENTOR)


def test_room_full() -> None:
    state = created()
    for i in range(limits.PARTICIPANTS_MAX):
        state = evolve(state, Stamped(state.seq + 1, 1.0, ParticipantJoined(f"p{i}", "n", "room", f"h{i}")))
    with pytest.raises(Rejected) as info:
        decide(state, Join("new", "n", "room", "h"), Actor(Role.PARTICIPANT, "new"))
    assert info.value.code == "room_full"


@pytest.mark.parametrize(
    "command", [SetTitle("New"), SetLanguage("en"), EndSession()], ids=["title", "language", "end"]
)
@pytest.mark.parametrize("actor", [Actor(Role.PARTICIPANT, "p1"), PROJECTOR], ids=["participant", "projector"])
def test_mentor_only_commands_are_forbidden_for_others(command: object, actor: Actor) -> None:
    state = joined(created(), "p1")
    with pytest.raises(Forbidden) as info:
        decide(state, command, actor)  # type: ignore[arg-type]
    assert info.value.code == "not_mentor"


def test_profile_update_by_member_only() -> None:
    state = joined(created(), "p1")
    events = decide(state, UpdateProfile("Anna B", "remote"), Actor(Role.PARTICIPANT, "p1"))
    assert events == [ProfileUpdated("p1", "Anna B", "remote")]
    assert decide(state, UpdateProfile("Anna", "room"), Actor(Role.PARTICIPANT, "p1")) == []
    with pytest.raises(Forbidden) as info:
        decide(state, UpdateProfile("X", "room"), Actor(Role.PARTICIPANT, "stranger"))
    assert info.value.code == "not_a_member"
    with pytest.raises(Forbidden):
        decide(state, UpdateProfile("X", "room"), MENTOR)


def test_end_session_blocks_joining_and_is_idempotent() -> None:
    state = run(joined(created(), "p1"), EndSession(), MENTOR, at=99.0)
    assert state.ended and state.ended_at == 99.0
    assert decide(state, EndSession(), MENTOR) == []
    with pytest.raises(Rejected) as info:
        decide(state, Join("p2", "Bram", "room", "h"), Actor(Role.PARTICIPANT, "p2"))
    assert info.value.code == "session_ended"
    with pytest.raises(Rejected):
        decide(state, UpdateProfile("New", "room"), Actor(Role.PARTICIPANT, "p1"))


def test_no_op_changes_make_no_events() -> None:
    state = created("Same")
    assert decide(state, SetTitle("Same"), MENTOR) == []
    assert decide(state, SetLanguage("nl"), MENTOR) == []


def test_fold_equals_stepwise_evolve_and_states_are_immutable() -> None:
    log = [
        Stamped(1, 1.0, decide(RoomState(), CreateSession("T", "en", "C", "j", "m"), MENTOR)[0]),
        Stamped(2, 2.0, ParticipantJoined("p1", "Anna", "room", "h1")),
        Stamped(3, 3.0, TitleChanged("T2")),
        Stamped(4, 4.0, SessionEnded()),
    ]
    before = fold(log[:2])
    after = fold(log[2:], before)
    assert before.title == "T" and not before.ended  # the earlier state did not change
    assert after == fold(log)
    assert after.seq == 4 and after.title == "T2" and after.ended_at == 4.0
    with pytest.raises(TypeError):
        before.participants["x"] = before.participants["p1"]  # type: ignore[index]


def test_unknown_command_is_rejected() -> None:
    with pytest.raises(Rejected) as info:
        decide(created(), object(), MENTOR)  # type: ignore[arg-type]
    assert info.value.code == "unknown_command"


def test_rejected_speaks_english_from_the_reasons_it_is_given() -> None:
    assert Rejected("too_long", field="name", max=3).english() == "name can be at most 3 characters."
    # A feature's own reason needs the core's merged table; without it, the code stands in.
    assert Rejected("queue_full", max=3).english() == "queue_full"
    assert Rejected("queue_full", max=3).english(CORE.reasons) == "The queue is full (3 hands). Please wait a moment."
