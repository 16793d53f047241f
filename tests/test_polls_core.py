"""The polls rules in the pure core: decide() and evolve() without any I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from realtime import polls
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, EndSession, Event, Join, Role, Stamped
from realtime.polls import (
    AnswerPoll,
    CreatePoll,
    DeletePoll,
    DuplicatePoll,
    HidePollEntry,
    RevealCorrect,
    SetPollStatus,
    ShowPollResults,
    SpotlightPollAnswer,
    normalize_word,
)
from tests import corekit
from tests.corekit import CORE, MENTOR, export_session


def p(pid: str) -> Actor:
    return Actor(Role.PARTICIPANT, pid)


class Log(corekit.Log):
    """An empty room with the steps of polls. People join one by one (`join`) so the fixture keeps
    its order of room and remote. No test here reads a stamped time, so corekit's one time serves
    for every event."""

    def join(self, pid: str, location: str = "room") -> None:
        self.run(Join(pid, pid.title(), location, f"h-{pid}"), p(pid))

    def poll(self, poll_id: str = "P1") -> polls.Poll:
        return self.state.part(polls.PART).polls[poll_id]

    def create(self, kind: str = "single", options: Sequence[str] = ("A", "B", "C"), poll_id: str = "P1",
               open_: bool = True, **extra: object) -> polls.Poll:
        self.run(CreatePoll(poll_id, kind, f"Question {kind}?", tuple(options), **extra), MENTOR)  # type: ignore[arg-type]
        if open_:
            self.run(SetPollStatus(poll_id, "open"), MENTOR)
        return self.poll(poll_id)

    def events(self, command: Command, actor: Actor = MENTOR) -> list[Event]:
        """Run `command` and return the events it made (none: it changed nothing)."""
        return [stamped.event for stamped in self.step(command, actor)]

    def answer(self, pid: str, choices: Sequence[int] = (), texts: Sequence[str] = (), poll_id: str = "P1",
               answer_id: str = "") -> list[Stamped]:
        command = AnswerPoll(poll_id, answer_id or f"a-{pid}-{self.state.seq}", tuple(choices), tuple(texts))
        return self.step(command, p(pid))


@pytest.fixture
def room() -> Log:
    log = Log()
    for pid, where in (("ann", "room"), ("bob", "remote"), ("cy", "room")):
        log.join(pid, where)
    return log


def rejected(room: Log, command: Command, actor: Actor, code: str) -> Rejected:
    before = room.state
    with pytest.raises(Rejected) as info:
        room.run(command, actor)
    assert info.value.code == code, info.value.english()
    assert room.state is before  # nothing stored on error
    return info.value


# ---------------------------------------------------------------- one answer per person


def test_one_answer_per_person_and_a_new_answer_replaces_the_old(room: Log) -> None:
    room.create()
    room.answer("ann", [0])
    room.answer("bob", [0])
    room.answer("ann", [2])  # changed her mind
    poll = room.poll()
    assert len(poll.ballots) == 2
    assert polls.tally(poll) == [1, 0, 1]
    assert list(poll.ballots) == ["bob", "ann"]  # the changed answer is the newest


def test_the_breakdown_follows_where_people_were_when_they_answered(room: Log) -> None:
    room.create()
    for pid in ("ann", "bob", "cy"):
        room.answer(pid, [1])
    poll = room.poll()
    assert polls.tally(poll, "room") == [0, 2, 0]
    assert polls.tally(poll, "remote") == [0, 1, 0]


def test_closed_and_draft_polls_reject_answers_with_a_clear_message(room: Log) -> None:
    room.create(open_=False)
    error = rejected(room, AnswerPoll("P1", "x", (0,), ()), p("ann"), "poll_not_open")
    assert "not open yet" in error.english(CORE.reasons)
    room.run(SetPollStatus("P1", "open"), MENTOR)
    room.answer("ann", [0])
    room.run(SetPollStatus("P1", "closed"), MENTOR)
    error = rejected(room, AnswerPoll("P1", "y", (1,), ()), p("ann"), "poll_closed")
    assert error.english(CORE.reasons) == "This poll is closed: answers are no longer accepted."
    assert polls.tally(room.poll()) == [1, 0, 0]
    room.run(SetPollStatus("P1", "open"), MENTOR)  # reopened: answers count again
    room.answer("ann", [1])
    assert polls.tally(room.poll()) == [0, 1, 0]


def test_status_changes_that_change_nothing_make_no_event(room: Log) -> None:
    room.create()
    assert room.step(SetPollStatus("P1", "open"), MENTOR) == []
    rejected(room, SetPollStatus("P1", "draft"), MENTOR, "bad_choice")


# ---------------------------------------------------------------- who may do what


@pytest.mark.parametrize(
    "command",
    [CreatePoll("X", "single", "Q?", ("a", "b")), SetPollStatus("P1", "closed"), ShowPollResults("P1", True),
     RevealCorrect("P1"), DuplicatePoll("X", "P1"), DeletePoll("P1"), HidePollEntry("P1", "k", True),
     SpotlightPollAnswer("P1", "")],
)
def test_a_participant_can_never_do_a_mentor_action(room: Log, command: Command) -> None:
    room.create()
    with pytest.raises(Forbidden):
        room.run(command, p("ann"))


def test_only_members_answer_and_the_projector_cannot(room: Log) -> None:
    room.create()
    rejected(room, AnswerPoll("P1", "x", (0,), ()), p("stranger"), "not_a_member")
    rejected(room, AnswerPoll("P1", "x", (0,), ()), Actor(Role.PROJECTOR), "not_participant")
    rejected(room, AnswerPoll("P1", "x", (0,), ()), MENTOR, "not_participant")


def test_nothing_happens_after_the_session_ended(room: Log) -> None:
    room.create()
    room.run(EndSession(), MENTOR)
    rejected(room, AnswerPoll("P1", "x", (0,), ()), p("ann"), "session_ended")
    rejected(room, CreatePoll("P2", "single", "Q", ("a", "b")), MENTOR, "session_ended")


def test_unknown_polls_are_refused(room: Log) -> None:
    rejected(room, AnswerPoll("nope", "x", (0,), ()), p("ann"), "poll_not_found")
    rejected(room, SetPollStatus("nope", "open"), MENTOR, "poll_not_found")


# ---------------------------------------------------------------- creating: limits


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (CreatePoll("X", "single", "", ("a", "b")), "missing_field"),
        (CreatePoll("X", "single", "q" * (polls.QUESTION_MAX + 1), ("a", "b")), "too_long"),
        (CreatePoll("X", "single", "Q", ("a",)), "poll_option_count"),
        (CreatePoll("X", "single", "Q", tuple("abcdefghijk")), "poll_option_count"),
        (CreatePoll("X", "single", "Q", ("a", "x" * (polls.OPTION_MAX + 1))), "too_long"),
        (CreatePoll("X", "single", "Q", ("Yes", "yes ")), "poll_duplicate_option"),
        (CreatePoll("X", "quiz", "Q", ("a", "b")), "bad_choice"),
        (CreatePoll("X", "multi", "Q", ("a", "b"), max_choices=3), "poll_number"),
        (CreatePoll("X", "multi", "Q", ("a", "b"), max_choices=0), "poll_number"),
        (CreatePoll("X", "words", "Q", max_choices=polls.WORDS_PER_PERSON_MAX + 1), "poll_number"),
        (CreatePoll("X", "scale", "Q", scale_max=7), "bad_choice"),
        (CreatePoll("X", "scale", "Q", low_label="l" * (polls.LABEL_MAX + 1)), "too_long"),
        (CreatePoll("X", "scale", "Q", correct=(0,)), "poll_quiz_kind"),
        (CreatePoll("X", "single", "Q", ("a", "b"), correct=(5,)), "bad_choice"),
        (CreatePoll("X", "single", "Q", ("a", "b"), correct=(0, 1)), "poll_choose"),
        (CreatePoll("", "single", "Q", ("a", "b")), "missing_field"),
    ],
)
def test_create_checks_every_input(room: Log, command: CreatePoll, code: str) -> None:
    rejected(room, command, MENTOR, code)


def test_empty_option_lines_are_dropped_and_text_is_cleaned(room: Log) -> None:
    poll = room.create(options=("  Tea ", "", "Cof\x00fee   with  milk"), open_=False)
    assert poll.options == ("Tea", "Coffee with milk")
    assert poll.status == "draft"


def test_the_number_of_polls_is_limited(room: Log) -> None:
    for i in range(polls.POLLS_MAX):
        room.run(CreatePoll(f"P{i}", "text", "Q"), MENTOR)
    rejected(room, CreatePoll("one-more", "text", "Q"), MENTOR, "polls_full")
    rejected(room, DuplicatePoll("one-more", "P0"), MENTOR, "polls_full")


# ---------------------------------------------------------------- answering: limits per kind


def test_single_choice_takes_exactly_one_real_option(room: Log) -> None:
    room.create()
    rejected(room, AnswerPoll("P1", "x", (0, 1), ()), p("ann"), "poll_choose")
    rejected(room, AnswerPoll("P1", "x", (), ()), p("ann"), "poll_choose")
    rejected(room, AnswerPoll("P1", "x", (3,), ()), p("ann"), "poll_bad_answer")
    rejected(room, AnswerPoll("P1", "x", (-1,), ()), p("ann"), "poll_bad_answer")


def test_multiple_choice_has_a_maximum_and_no_doubles(room: Log) -> None:
    room.create("multi", ("a", "b", "c", "d"), max_choices=2)
    rejected(room, AnswerPoll("P1", "x", (0, 1, 2), ()), p("ann"), "poll_choose")
    rejected(room, AnswerPoll("P1", "x", (1, 1), ()), p("ann"), "poll_choose")
    room.answer("ann", [3, 1])
    assert room.poll().ballots["ann"].choices == (1, 3)


def test_scale_values_stay_on_the_scale_and_give_mean_and_median(room: Log) -> None:
    room.create("scale", (), scale_max=10, low_label="low", high_label="high")
    rejected(room, AnswerPoll("P1", "x", (11,), ()), p("ann"), "poll_scale")
    rejected(room, AnswerPoll("P1", "x", (0,), ()), p("ann"), "poll_scale")
    assert polls.scale_stats(room.poll()) is None
    room.answer("ann", [2])
    room.answer("bob", [9])
    assert polls.scale_stats(room.poll()) == (5.5, 5.5)
    room.answer("cy", [10])
    assert polls.scale_stats(room.poll()) == (7.0, 9.0)
    assert polls.tally(room.poll())[8] == 1  # value 9 is index 8


def test_ranking_must_order_every_option_once_and_averages_positions(room: Log) -> None:
    room.create("rank", ("x", "y", "z"))
    rejected(room, AnswerPoll("P1", "r", (0, 1), ()), p("ann"), "poll_rank")
    rejected(room, AnswerPoll("P1", "r", (0, 0, 1), ()), p("ann"), "poll_rank")
    room.answer("ann", [2, 0, 1])  # z first
    room.answer("bob", [0, 2, 1])
    assert polls.rank_averages(room.poll()) == [(0, 1.5), (2, 1.5), (1, 3.0)]


def test_word_cloud_limits_words_and_their_length(room: Log) -> None:
    room.create("words", (), max_choices=2)
    rejected(room, AnswerPoll("P1", "w", (), ("a", "b", "c")), p("ann"), "poll_too_many_words")
    rejected(room, AnswerPoll("P1", "w", (), ("x" * (polls.WORD_MAX + 1),)), p("ann"), "too_long")
    rejected(room, AnswerPoll("P1", "w", (), ("  ", "")), p("ann"), "missing_field")
    room.answer("ann", texts=["Team  Spirit", ""])
    assert room.poll().ballots["ann"].texts == ("Team Spirit",)


def test_open_text_is_one_short_answer(room: Log) -> None:
    room.create("text", ())
    rejected(room, AnswerPoll("P1", "t", (), ("x" * (polls.TEXT_MAX + 1),)), p("ann"), "too_long")
    rejected(room, AnswerPoll("P1", "t", (), ("a", "b")), p("ann"), "missing_field")
    rejected(room, AnswerPoll("P1", "t", (), ("",)), p("ann"), "missing_field")
    room.answer("ann", texts=["Listen more"])
    assert room.poll().ballots["ann"].texts == ("Listen more",)


# ---------------------------------------------------------------- word cloud normalisation


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("Team Spirit", "team spirit"), ("  team   spirit ", "team spirit"), ("TEAM\tSPIRIT", "team spirit"),
     ("Straße", "strasse"), ("ｆｕｌｌ", "full"), ("", "")],
)
def test_normalize_word_folds_case_and_spacing(raw: str, normal: str) -> None:
    assert normalize_word(raw) == normal


def test_word_counts_count_people_not_repeats_and_honour_hiding(room: Log) -> None:
    room.create("words", (), max_choices=3)
    room.answer("ann", texts=["Clear", "clear ", "fun"])  # the same word twice counts once
    room.answer("bob", texts=["CLEAR", "Fun"])
    room.answer("cy", texts=["rude"])
    assert polls.word_counts(room.poll()) == [("clear", 2), ("fun", 2), ("rude", 1)]
    room.run(HidePollEntry("P1", "  RUDE", True), MENTOR)  # hidden by its normalised form
    assert polls.word_counts(room.poll()) == [("clear", 2), ("fun", 2)]
    assert ("rude", 1) in polls.word_counts(room.poll(), include_hidden=True)
    room.run(HidePollEntry("P1", "rude", False), MENTOR)
    assert ("rude", 1) in polls.word_counts(room.poll())


# ---------------------------------------------------------------- quiz, results, moderation


def test_quiz_scoring_and_reveal_only_after_closing(room: Log) -> None:
    room.create("multi", ("a", "b", "c"), max_choices=2, correct=(2, 0))
    assert room.poll().correct == (0, 2)
    room.answer("ann", [0, 2])  # right
    room.answer("bob", [0])  # half is wrong
    room.answer("cy", [1])
    assert polls.quiz_score(room.poll()) == (1, 3)
    rejected(room, RevealCorrect("P1"), MENTOR, "poll_quiz_open")
    room.run(SetPollStatus("P1", "closed"), MENTOR)
    room.run(RevealCorrect("P1"), MENTOR)
    assert room.poll().correct_shown
    assert room.step(RevealCorrect("P1"), MENTOR) == []


def test_reveal_of_a_poll_without_quiz_is_refused(room: Log) -> None:
    room.create()
    room.run(SetPollStatus("P1", "closed"), MENTOR)
    rejected(room, RevealCorrect("P1"), MENTOR, "poll_quiz_kind")


def test_results_are_hidden_until_revealed_unless_live(room: Log) -> None:
    assert not room.create().results_visible
    room.run(ShowPollResults("P1", True), MENTOR)
    assert room.poll().results_visible
    room.run(ShowPollResults("P1", False), MENTOR)
    assert not room.poll().results_visible
    assert room.create(poll_id="P2", live=True).results_visible


def test_open_text_moderation_and_spotlight(room: Log) -> None:
    room.create("text", ())
    room.answer("ann", texts=["first"], answer_id="A1")
    room.answer("bob", texts=["second"], answer_id="B1")
    room.run(HidePollEntry("P1", "B1", True), MENTOR)
    assert room.poll().hidden == frozenset({"B1"})
    room.run(SpotlightPollAnswer("P1", "A1"), MENTOR)
    assert room.poll().spotlight == "A1"
    rejected(room, SpotlightPollAnswer("P1", "nope"), MENTOR, "poll_answer_gone")
    room.answer("ann", texts=["changed"], answer_id="A2")  # a changed answer leaves the spotlight
    assert room.poll().spotlight == ""


def test_duplicate_copies_the_question_as_a_new_draft_pointing_at_the_first_run(room: Log) -> None:
    room.create("scale", (), scale_max=10, low_label="no", high_label="yes")
    room.answer("ann", [3])
    room.run(DuplicatePoll("P2", "P1"), MENTOR)
    copy = room.poll("P2")
    assert (copy.kind, copy.question, copy.scale_max, copy.low_label) == ("scale", "Question scale?", 10, "no")
    assert copy.source_id == "P1" and copy.status == "draft" and not copy.ballots
    room.run(DuplicatePoll("P3", "P2"), MENTOR)
    assert room.poll("P3").source_id == "P1"  # a copy of a copy compares with the first run


def test_delete_removes_the_poll(room: Log) -> None:
    room.create()
    room.run(DeletePoll("P1"), MENTOR)
    assert "P1" not in room.state.part(polls.PART).polls


def test_evolve_copies_only_what_changes(room: Log) -> None:
    room.create()
    room.create(poll_id="P2")
    other = room.poll("P2")
    participants = room.state.participants
    room.answer("ann", [0])
    assert room.poll("P2") is other and room.state.participants is participants


# ---------------------------------------------------------------- export and anonymity


def test_anonymous_export_never_says_who_answered(room: Log) -> None:
    room.create("text", ())
    room.answer("cy", texts=["secret thought"])  # both in the room: only the text tells them apart
    room.answer("ann", texts=["another"])
    exported = export_session(room.state)
    poll = exported["polls"][0]
    assert poll["anonymous"] is True and poll["answers"] == 2
    text = repr(poll)
    for pid in ("ann", "cy"):
        assert pid not in text
    assert all("at" not in b and "participant" not in b for b in poll["ballots"])
    # Sorted by content, not by who answered first.
    assert [b["texts"] for b in poll["ballots"]] == [["another"], ["secret thought"]]


def test_named_export_says_who_answered_what(room: Log) -> None:
    room.create(anonymous=False)
    room.answer("bob", [1])
    poll = export_session(room.state)["polls"][0]
    assert poll["ballots"] == [{"location": "remote", "at": pytest.approx(poll["ballots"][0]["at"]),
                                "participant": "bob", "options": ["B"]}]
    assert poll["counts"] == [0, 1, 0]


def test_commands_with_wrong_types_are_refused_not_crashing(room: Log) -> None:
    room.create()
    bad = dataclasses.replace(AnswerPoll("P1", "x"), choices=("0",))  # type: ignore[arg-type]
    rejected(room, bad, p("ann"), "poll_bad_answer")
    bad_create = CreatePoll("X", "multi", "Q", ("a", "b"), max_choices="2")  # type: ignore[arg-type]
    rejected(room, bad_create, MENTOR, "poll_number")
