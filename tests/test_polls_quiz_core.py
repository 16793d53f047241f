"""Quiz mode in the pure core (issue 15): each person's own result, the leaderboard across the
session's quizzes (off, named, anonymous), the answer timer and the erasure of a person's points."""

from __future__ import annotations

import pytest

from realtime import polls
from realtime.erasure import redaction_plan
from realtime.errors import Forbidden
from realtime.events import ParticipantErased, Stamped
from realtime.polls import ClosePollOnTime, CreatePoll, DuplicatePoll, RevealCorrect, SetPollStatus, SetPollTimeLimit
from realtime.polls.quiz import PART as QUIZ
from realtime.polls.quiz import LeaderboardSet, SetLeaderboard, standings
from tests.corekit import CORE, export_session
from tests.test_polls_core import MENTOR, Log, p, rejected


@pytest.fixture
def room() -> Log:
    log = Log()
    for pid in ("ann", "bob", "cy"):
        log.join(pid)
    return log


def quiz(room: Log, poll_id: str, correct: int, answers: dict[str, int], anonymous: bool = True) -> None:
    """A single-choice quiz, answered, closed and revealed."""
    room.create(poll_id=poll_id, correct=(correct,), anonymous=anonymous)
    for pid, choice in answers.items():
        room.answer(pid, [choice], poll_id=poll_id)
    room.run(SetPollStatus(poll_id, "closed"), MENTOR)
    room.run(RevealCorrect(poll_id), MENTOR)


def test_standings_count_revealed_quizzes_only_and_share_places(room: Log) -> None:
    quiz(room, "Q1", 0, {"ann": 0, "bob": 0, "cy": 1})
    quiz(room, "Q2", 2, {"ann": 2, "bob": 1})
    room.create(poll_id="Q3", correct=(0,))  # open, not revealed: counts for nothing yet
    room.answer("cy", [0], poll_id="Q3")
    got = [(s.pid, s.place, s.score, s.answered) for s in standings(room.state, named=False)]
    assert got == [("ann", 1, 2, 2), ("bob", 2, 1, 2), ("cy", 3, 0, 1)]
    quiz(room, "Q4", 1, {"bob": 1, "cy": 1})
    got = [(s.pid, s.place, s.score) for s in standings(room.state, named=False)]
    assert got == [("ann", 1, 2), ("bob", 1, 2), ("cy", 3, 1)]  # equal points share a place


def test_a_named_leaderboard_counts_only_named_quizzes(room: Log) -> None:
    quiz(room, "Q1", 0, {"ann": 0, "bob": 1})  # anonymous: its answers never get a name
    quiz(room, "Q2", 0, {"bob": 0}, anonymous=False)
    assert [(s.pid, s.score) for s in standings(room.state, named=True)] == [("bob", 1)]
    assert [(s.pid, s.score) for s in standings(room.state, named=False)] == [("ann", 1), ("bob", 1)]


def test_only_the_mentor_sets_the_leaderboard_and_the_mode_is_checked(room: Log) -> None:
    with pytest.raises(Forbidden):
        room.run(SetLeaderboard("named"), p("ann"))
    rejected(room, SetLeaderboard("everyone"), MENTOR, "bad_choice")
    assert room.events(SetLeaderboard("anonymous"), MENTOR) == [LeaderboardSet("anonymous")]
    assert room.events(SetLeaderboard("anonymous"), MENTOR) == []  # a second device: nothing twice
    assert room.state.part(QUIZ).leaderboard == "anonymous"


def test_the_export_has_the_leaderboard_without_names_when_anonymous(room: Log) -> None:
    quiz(room, "Q1", 0, {"ann": 0, "bob": 1}, anonymous=False)
    room.run(SetLeaderboard("anonymous"), MENTOR)
    data = export_session(room.state)
    assert data["quiz"] == {"leaderboard": "anonymous", "quizzes": 1, "standings": [
        {"place": 1, "score": 1, "answered": 1}, {"place": 2, "score": 0, "answered": 1}]}
    (q1,) = data["polls"]
    assert sorted(b["correct"] for b in q1["ballots"]) == [False, True]
    room.run(SetLeaderboard("named"), MENTOR)
    assert [r["participant"] for r in export_session(room.state)["quiz"]["standings"]] == ["ann", "bob"]


def test_erasing_a_person_takes_their_points_off_the_leaderboard(room: Log) -> None:
    quiz(room, "Q1", 0, {"ann": 0, "bob": 0, "cy": 1})
    quiz(room, "Q2", 0, {"ann": 0, "bob": 1})
    room.run(SetLeaderboard("anonymous"), MENTOR)
    erased = Stamped(room.state.seq + 1, 500.0, ParticipantErased("ann"))
    redact, state = redaction_plan(CORE, [*room.log, erased], "ann")
    assert redact  # her join and her two answers
    assert all(not isinstance(s.event, polls.PollAnswered) or s.event.pid != "ann"
               for s in room.log if s.seq not in redact)
    assert [(s.pid, s.place, s.score) for s in standings(state, named=False)] == [("bob", 1, 1), ("cy", 2, 0)]
    assert all("ann" not in repr(row) for row in export_session(state)["quiz"]["standings"])


# ---------------------------------------------------------------- the answer timer


def test_an_answer_timer_counts_from_each_opening_and_closes_on_the_sweeps_claim(room: Log) -> None:
    events = room.events(CreatePoll("T", "single", "Quick?", ("a", "b"), correct=(1,), time_limit=30), MENTOR)
    assert [type(e).__name__ for e in events] == ["PollCreated", "PollTimeLimitSet"]
    assert room.poll("T").ends_at is None  # a draft does not count down
    room.run(SetPollStatus("T", "open"), MENTOR)
    opened_at = room.log[-1].at
    assert room.poll("T").ends_at == opened_at + 30
    # The sweep's clock is checked against the deadline the log made: early is refused.
    rejected(room, ClosePollOnTime("T", opened_at + 29.5), MENTOR, "poll_time_not_up")
    with pytest.raises(Forbidden):
        room.run(ClosePollOnTime("T", opened_at + 31), p("ann"))
    assert [type(e).__name__ for e in room.events(ClosePollOnTime("T", opened_at + 31), MENTOR)] == ["PollTimedOut"]
    poll = room.poll("T")
    assert (poll.status, poll.timed_out, poll.ends_at) == ("closed", True, None)
    rejected(room, polls.AnswerPoll("T", "late", (1,)), p("ann"), "poll_closed")
    assert room.events(ClosePollOnTime("T", opened_at + 32), MENTOR) == []  # another process: nothing twice
    # Reopened, it gets the whole time again, from the new opening.
    room.run(SetPollStatus("T", "open"), MENTOR)
    assert room.poll("T").ends_at == room.log[-1].at + 30 and not room.poll("T").timed_out
    room.run(SetPollStatus("T", "closed"), MENTOR)
    assert room.events(ClosePollOnTime("T", 10_000.0), MENTOR) == []  # the mentor closed it first
    assert export_session(room.state)["polls"][0]["time_limit_seconds"] == 30


def test_the_answer_time_is_checked_and_changes_only_while_the_poll_is_not_open(room: Log) -> None:
    rejected(room, CreatePoll("X", "single", "Q", ("a", "b"), time_limit=3), MENTOR, "poll_time_limit")
    rejected(room, CreatePoll("X", "single", "Q", ("a", "b"), time_limit=601), MENTOR, "poll_time_limit")
    room.create(poll_id="P", open_=False)
    assert room.events(SetPollTimeLimit("P", 20), MENTOR)
    assert room.events(SetPollTimeLimit("P", 20), MENTOR) == []
    with pytest.raises(Forbidden):
        room.run(SetPollTimeLimit("P", 40), p("bob"))
    room.run(SetPollStatus("P", "open"), MENTOR)
    rejected(room, SetPollTimeLimit("P", 40), MENTOR, "poll_timer_open")
    room.run(SetPollStatus("P", "closed"), MENTOR)
    room.run(SetPollTimeLimit("P", 0), MENTOR)
    room.run(SetPollStatus("P", "open"), MENTOR)
    assert room.poll("P").ends_at is None  # no timer any more
    # A copy keeps the answer time.
    room.create(poll_id="S", open_=False, time_limit=45)
    room.run(DuplicatePoll("S2", "S"), MENTOR)
    assert room.poll("S2").time_limit == 45


def test_every_new_event_type_declares_its_person_fields() -> None:
    for event in (polls.PollTimeLimitSet, polls.PollTimedOut, LeaderboardSet):
        assert CORE.personal[event] == ()
