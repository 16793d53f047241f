"""Polls' rules: which events a command causes, or why it is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event
from realtime.guards import require_member, require_mentor, require_open
from realtime.polls.messages import (
    AnswerPoll,
    ClosePollOnTime,
    CreatePoll,
    DeletePoll,
    DuplicatePoll,
    HidePollEntry,
    PollAnswered,
    PollCorrectRevealed,
    PollCreated,
    PollDeleted,
    PollEntryHidden,
    PollResultsShown,
    PollSpotlighted,
    PollStatusChanged,
    PollTimedOut,
    PollTimeLimitSet,
    RevealCorrect,
    SetPollStatus,
    SetPollTimeLimit,
    ShowPollResults,
    SpotlightPollAnswer,
)
from realtime.polls.model import (
    CHOICE_KINDS,
    ID_MAX,
    KINDS,
    LABEL_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    PART,
    POLLS_MAX,
    QUESTION_MAX,
    SCALES,
    TEXT_MAX,
    TIME_LIMIT_MAX,
    TIME_LIMIT_MIN,
    WORD_MAX,
    WORDS_PER_PERSON_MAX,
    Poll,
)
from realtime.polls.results import normalize_word
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

# ---------------------------------------------------------------- decide


def _poll(state: RoomState, poll_id: str) -> Poll:
    poll = state.part(PART).polls.get(poll_id) if isinstance(poll_id, str) else None
    if poll is None:
        raise Rejected("poll_not_found")
    return poll


def _options(command: CreatePoll) -> tuple[str, ...]:
    if command.kind in ("scale", "words", "text"):
        return ()
    if not isinstance(command.options, tuple):
        raise Rejected("bad_message")
    options = tuple(clean_line(o, "option", OPTION_MAX, required=False) for o in command.options)
    options = tuple(o for o in options if o)  # empty lines of the form are not options
    if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
        raise Rejected("poll_option_count", min=OPTIONS_MIN, max=OPTIONS_MAX)
    if len({o.casefold() for o in options}) != len(options):
        raise Rejected("poll_duplicate_option")
    return options


def _int_in(value: object, low: int, high: int, field_name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise Rejected("poll_number", field=field_name, min=low, max=high)
    return value


def _time_limit(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not (
        value == 0 or TIME_LIMIT_MIN <= value <= TIME_LIMIT_MAX
    ):
        raise Rejected("poll_time_limit", min=TIME_LIMIT_MIN, max=TIME_LIMIT_MAX)
    return value


def _create(state: RoomState, command: CreatePoll) -> list[Event]:
    created = _created(state, command)
    seconds = _time_limit(command.time_limit)
    return [created, PollTimeLimitSet(created.poll_id, seconds)] if seconds else [created]


def _created(state: RoomState, command: CreatePoll) -> PollCreated:
    if len(state.part(PART).polls) >= POLLS_MAX:
        raise Rejected("polls_full", max=POLLS_MAX)
    poll_id = clean_line(command.poll_id, "poll", ID_MAX)
    if poll_id in state.part(PART).polls:
        raise Rejected("bad_message")  # ids come from the shell; a clash is a bug or a forgery
    kind = one_of(command.kind, "kind", KINDS)
    question = clean_line(command.question, "question", QUESTION_MAX)
    options = _options(command)
    max_choices = 1
    if kind == "multi":
        max_choices = _int_in(command.max_choices, 1, len(options), "max_choices")
    elif kind == "words":
        max_choices = _int_in(command.max_choices, 1, WORDS_PER_PERSON_MAX, "max_words")
    scale_max, low, high = 5, "", ""
    if kind == "scale":
        if command.scale_max not in SCALES:
            raise Rejected("bad_choice", field="scale")
        scale_max = command.scale_max
        low = clean_line(command.low_label, "low_label", LABEL_MAX, required=False)
        high = clean_line(command.high_label, "high_label", LABEL_MAX, required=False)
    correct = _correct(command, kind, options, max_choices)
    if not isinstance(command.anonymous, bool) or not isinstance(command.live, bool):
        raise Rejected("bad_message")
    return PollCreated(
        poll_id, kind, question, options, max_choices, scale_max, low, high,
        command.anonymous, command.live, correct, "",
    )


def _correct(command: CreatePoll, kind: str, options: tuple[str, ...], max_choices: int) -> tuple[int, ...]:
    """The quiz's correct options: only for choice polls, each a real option, within the maximum."""
    if not command.correct:
        return ()
    if kind not in CHOICE_KINDS:
        raise Rejected("poll_quiz_kind")
    correct = tuple(sorted(set(command.correct)))
    if any(not isinstance(c, int) or isinstance(c, bool) or not 0 <= c < len(options) for c in correct):
        raise Rejected("bad_choice", field="correct")
    if len(correct) > max_choices:
        raise Rejected("poll_choose", min=1, max=max_choices)
    return correct


def _duplicate(state: RoomState, command: DuplicatePoll) -> list[Event]:
    source = _poll(state, command.source_id)
    if len(state.part(PART).polls) >= POLLS_MAX:
        raise Rejected("polls_full", max=POLLS_MAX)
    poll_id = clean_line(command.poll_id, "poll", ID_MAX)
    if poll_id in state.part(PART).polls:
        raise Rejected("bad_message")
    # A copy of a copy compares with the first run: that is the "before" people mean.
    origin = source.source_id or source.poll_id
    created = PollCreated(
        poll_id, source.kind, source.question, source.options, source.max_choices,
        source.scale_max, source.low_label, source.high_label, source.anonymous, source.live,
        source.correct, origin,
    )
    return [created, PollTimeLimitSet(poll_id, source.time_limit)] if source.time_limit else [created]


def _ballot(poll: Poll, choices: tuple[int, ...], texts: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """A ballot checked against the poll's kind and limits, cleaned."""
    if not isinstance(choices, tuple) or not isinstance(texts, tuple):
        raise Rejected("bad_message")
    if any(not isinstance(c, int) or isinstance(c, bool) for c in choices):
        raise Rejected("poll_bad_answer")
    n = len(poll.options)
    if poll.kind in CHOICE_KINDS:
        picked = tuple(sorted(set(choices)))
        if any(not 0 <= c < n for c in picked):
            raise Rejected("poll_bad_answer")
        high = 1 if poll.kind == "single" else poll.max_choices
        if not 1 <= len(picked) <= high or len(picked) != len(choices):
            raise Rejected("poll_choose", min=1, max=high)
        return picked, ()
    if poll.kind == "scale":
        if len(choices) != 1 or not 1 <= choices[0] <= poll.scale_max:
            raise Rejected("poll_scale", max=poll.scale_max)
        return choices, ()
    if poll.kind == "rank":
        if sorted(choices) != list(range(n)):
            raise Rejected("poll_rank")
        return choices, ()
    if poll.kind == "words":
        words = tuple(w for w in (clean_line(t, "word", WORD_MAX, required=False) for t in texts) if w)
        if not words:
            raise Rejected("missing_field", field="answer")
        if len(words) > poll.max_choices:
            raise Rejected("poll_too_many_words", max=poll.max_choices)
        return (), words
    # text: exactly one short answer
    if len(texts) != 1:
        raise Rejected("missing_field", field="answer")
    return (), (clean_line(texts[0], "answer", TEXT_MAX),)


def _answer(state: RoomState, command: AnswerPoll, actor: Actor) -> PollAnswered:
    me = require_member(state, actor)
    poll = _poll(state, command.poll_id)
    if poll.status == "draft":
        raise Rejected("poll_not_open")
    if poll.status == "closed":
        raise Rejected("poll_closed")
    choices, texts = _ballot(poll, command.choices, command.texts)
    answer_id = clean_line(command.answer_id, "answer", ID_MAX)
    return PollAnswered(poll.poll_id, me.pid, answer_id, choices, texts)


def _mentor_event(state: RoomState, command: Command) -> list[Event]:
    """The mentor's commands on an existing poll; [] when nothing would change."""
    if isinstance(command, SetPollStatus):
        poll = _poll(state, command.poll_id)
        status = one_of(command.status, "status", ("open", "closed"))
        return [] if poll.status == status else [PollStatusChanged(poll.poll_id, status)]
    if isinstance(command, ShowPollResults):
        poll = _poll(state, command.poll_id)
        shown = bool(command.shown)
        return [] if poll.results_shown == shown else [PollResultsShown(poll.poll_id, shown)]
    if isinstance(command, RevealCorrect):
        poll = _poll(state, command.poll_id)
        if not poll.quiz:
            raise Rejected("poll_quiz_kind")
        if poll.status != "closed":
            raise Rejected("poll_quiz_open")
        return [] if poll.correct_shown else [PollCorrectRevealed(poll.poll_id)]
    if isinstance(command, HidePollEntry):
        poll = _poll(state, command.poll_id)
        if poll.kind not in ("words", "text"):
            raise Rejected("poll_bad_answer")
        key = clean_line(command.key, "answer", max(WORD_MAX, ID_MAX))
        key = normalize_word(key) if poll.kind == "words" else key
        hidden = bool(command.hidden)
        return [] if (key in poll.hidden) == hidden else [PollEntryHidden(poll.poll_id, key, hidden)]
    if isinstance(command, SpotlightPollAnswer):
        poll = _poll(state, command.poll_id)
        answer_id = clean_line(command.answer_id, "answer", ID_MAX, required=False)
        if answer_id and poll.kind != "text":
            raise Rejected("poll_bad_answer")
        if answer_id and not any(b.answer_id == answer_id for b in poll.ballots.values()):
            raise Rejected("poll_answer_gone")
        return [] if poll.spotlight == answer_id else [PollSpotlighted(poll.poll_id, answer_id)]
    if isinstance(command, DeletePoll):
        return [PollDeleted(_poll(state, command.poll_id).poll_id)]
    if isinstance(command, SetPollTimeLimit):
        poll = _poll(state, command.poll_id)
        seconds = _time_limit(command.seconds)
        if poll.status == "open":
            raise Rejected("poll_timer_open")  # the phones count down from the opening's deadline
        return [] if poll.time_limit == seconds else [PollTimeLimitSet(poll.poll_id, seconds)]
    if isinstance(command, ClosePollOnTime):
        return _time_up(state, command)
    raise Rejected("unknown_command")


def _time_up(state: RoomState, command: ClosePollOnTime) -> list[Event]:
    """The sweep's claim that time is up, checked against the deadline the log made. A poll the
    mentor closed (or a second process's sweep closed) first: nothing to do."""
    poll = state.part(PART).polls.get(command.poll_id) if isinstance(command.poll_id, str) else None
    if poll is None or poll.status != "open" or poll.ends_at is None:
        return []
    if not isinstance(command.now, (int, float)) or command.now < poll.ends_at:
        raise Rejected("poll_time_not_up")
    return [PollTimedOut(poll.poll_id)]


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_open(state)
    if isinstance(command, AnswerPoll):
        return [_answer(state, command, actor)]
    require_mentor(actor)
    if isinstance(command, CreatePoll):
        return _create(state, command)
    if isinstance(command, DuplicatePoll):
        return _duplicate(state, command)
    return _mentor_event(state, command)


