"""Live polls: the mentor asks, the group answers, the projector shows the result.

Theory of operation
-------------------
A poll is created as a draft (prepared before the session, or on the spot), then opened, closed
and perhaps reopened by the mentor. While it is open each participant holds exactly ONE ballot in
it: answering again replaces the ballot (the map is keyed by pid). That pid is kept even in
anonymous polls, because it is the only way to count one answer per person; anonymity is enforced
where data leaves the core (export() and the web layer's context), never by forgetting the pid.

Kinds: single and multi(ple) choice (with a maximum), scale (1-5 or 1-10 with end labels), words
(a word cloud: up to N short entries per person, counted after `normalize_word`), text (short open
answers) and rank (order every option). A ballot is `choices` (option indices; for a scale the one
value; for a ranking the option indices from first to last) plus `texts` (words or the one text).

Results are pure functions of a poll (`tally`, `scale_stats`, `word_counts`, `rank_averages`,
`quiz_score`), so the web layer only formats them and tests can check them without HTML.
Duplicating a poll makes a new draft with the same question and `source_id` pointing at the
original, so two runs can be shown side by side.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "poll_not_found": "That poll no longer exists.",
    "poll_not_open": "This poll is not open yet.",
    "poll_closed": "This poll is closed: answers are no longer accepted.",
    "polls_full": "A session can have at most {max} polls.",
    "poll_option_count": "A poll needs between {min} and {max} options (one per line).",
    "poll_duplicate_option": "Each option can appear only once.",
    "poll_number": "{field} must be a number from {min} to {max}.",
    "poll_choose": "Choose from {min} to {max} options.",
    "poll_scale": "Choose a number from 1 to {max}.",
    "poll_rank": "Give every option its own place.",
    # Refused by the parser (web/polls_commands.py), which sees the places: the core only gets the
    # order, and two options in one place used to be put in an order silently (issue 15).
    "poll_rank_tie": "Two options are in the same place ({place}). Give every option its own place.",
    "poll_too_many_words": "You can give at most {max} words or phrases.",
    "poll_bad_answer": "That answer does not fit this poll.",
    "poll_quiz_kind": "Only choice polls can have correct answers.",
    "poll_quiz_open": "Close the poll before you reveal the correct answers.",
    "poll_answer_gone": "That answer has been changed or removed.",
}


# ---------------------------------------------------------------- limits

KINDS = ("single", "multi", "scale", "words", "text", "rank")
CHOICE_KINDS = ("single", "multi")
STATUSES = ("draft", "open", "closed")
POLLS_MAX = 60
QUESTION_MAX = 200
OPTION_MAX = 80
OPTIONS_MIN = 2
OPTIONS_MAX = 10
LABEL_MAX = 40
SCALES = (5, 10)
WORD_MAX = 30
WORDS_PER_PERSON_MAX = 5
TEXT_MAX = 280
ID_MAX = 32


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class CreatePoll(Command):
    """A new draft poll. `max_choices`: the most options a multi-choice ballot may tick, or the
    most entries per person in a word cloud; `correct`: option indices of a quiz (empty: no quiz)."""

    poll_id: str
    kind: str
    question: str
    options: tuple[str, ...] = ()
    max_choices: int = 1
    scale_max: int = 5
    low_label: str = ""
    high_label: str = ""
    anonymous: bool = True
    live: bool = False
    correct: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class DuplicatePoll(Command):
    poll_id: str
    source_id: str


@dataclass(frozen=True, slots=True)
class SetPollStatus(Command):
    poll_id: str
    status: str


@dataclass(frozen=True, slots=True)
class ShowPollResults(Command):
    poll_id: str
    shown: bool


@dataclass(frozen=True, slots=True)
class RevealCorrect(Command):
    poll_id: str


@dataclass(frozen=True, slots=True)
class AnswerPoll(Command):
    poll_id: str
    answer_id: str
    choices: tuple[int, ...] = ()
    texts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HidePollEntry(Command):
    """Moderation: `key` is an answer id (open text) or a normalised word (word cloud)."""

    poll_id: str
    key: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class SpotlightPollAnswer(Command):
    """Show one open-text answer alone on the projector ("" shows them all)."""

    poll_id: str
    answer_id: str


@dataclass(frozen=True, slots=True)
class DeletePoll(Command):
    poll_id: str


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class PollCreated(Event):
    poll_id: str
    kind: str
    question: str
    options: tuple[str, ...]
    max_choices: int
    scale_max: int
    low_label: str
    high_label: str
    anonymous: bool
    live: bool
    correct: tuple[int, ...]
    source_id: str


@dataclass(frozen=True, slots=True)
class PollStatusChanged(Event):
    poll_id: str
    status: str


@dataclass(frozen=True, slots=True)
class PollResultsShown(Event):
    poll_id: str
    shown: bool


@dataclass(frozen=True, slots=True)
class PollCorrectRevealed(Event):
    poll_id: str


@dataclass(frozen=True, slots=True)
class PollAnswered(Event):
    poll_id: str
    pid: str
    answer_id: str
    choices: tuple[int, ...]
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PollEntryHidden(Event):
    poll_id: str
    key: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class PollSpotlighted(Event):
    poll_id: str
    answer_id: str


@dataclass(frozen=True, slots=True)
class PollDeleted(Event):
    poll_id: str


COMMANDS: tuple[type[Command], ...] = (
    CreatePoll, DuplicatePoll, SetPollStatus, ShowPollResults, RevealCorrect, AnswerPoll,
    HidePollEntry, SpotlightPollAnswer, DeletePoll,
)
EVENTS: tuple[type[Event], ...] = (
    PollCreated, PollStatusChanged, PollResultsShown, PollCorrectRevealed, PollAnswered,
    PollEntryHidden, PollSpotlighted, PollDeleted,
)

# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Ballot:
    answer_id: str
    choices: tuple[int, ...]
    texts: tuple[str, ...]
    # Where the person was when they answered (for the room / remote breakdown).
    location: str
    at: float


_NO_BALLOTS: Mapping[str, Ballot] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Poll:
    poll_id: str
    kind: str
    question: str
    options: tuple[str, ...]
    max_choices: int
    scale_max: int
    low_label: str
    high_label: str
    anonymous: bool
    live: bool
    correct: tuple[int, ...]
    source_id: str
    created_at: float
    status: str = "draft"
    results_shown: bool = False
    correct_shown: bool = False
    # pid -> ballot, oldest answer first (a changed answer moves to the end).
    ballots: Mapping[str, Ballot] = field(default_factory=lambda: _NO_BALLOTS)
    hidden: frozenset[str] = frozenset()
    spotlight: str = ""

    @property
    def quiz(self) -> bool:
        return bool(self.correct)

    @property
    def results_visible(self) -> bool:
        """Whether participants and the projector may see the results now."""
        return self.live or self.results_shown


_NO_POLLS: Mapping[str, Poll] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class PollsState:
    # poll_id -> poll, in creation order.
    polls: Mapping[str, Poll] = field(default_factory=lambda: _NO_POLLS)



PART: Part[PollsState] = Part("polls", PollsState())


# ---------------------------------------------------------------- pure helpers


def normalize_word(text: str) -> str:
    """A word-cloud entry as it is counted: compatibility forms folded (NFKC), case folded,
    whitespace runs collapsed. "  Team  Spirit" and "team spirit" are the same entry."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def tally(poll: Poll, location: str | None = None) -> list[int]:
    """Votes per option (choice polls) or per value 1..scale_max (scale), optionally only of
    ballots given in `location`."""
    size = poll.scale_max if poll.kind == "scale" else len(poll.options)
    counts = [0] * size
    for ballot in poll.ballots.values():
        if location is not None and ballot.location != location:
            continue
        for choice in ballot.choices:
            index = choice - 1 if poll.kind == "scale" else choice
            if 0 <= index < size:
                counts[index] += 1
    return counts


def scale_stats(poll: Poll) -> tuple[float, float] | None:
    """Mean and median of a scale poll, or None without answers."""
    values = sorted(b.choices[0] for b in poll.ballots.values() if b.choices)
    if not values:
        return None
    middle = len(values) // 2
    median = float(values[middle]) if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return sum(values) / len(values), median


def word_counts(poll: Poll, include_hidden: bool = False) -> list[tuple[str, int]]:
    """Normalised entries with how many people gave them, most frequent first (then A-Z).
    One person giving the same word twice counts once."""
    counter: Counter[str] = Counter()
    for ballot in poll.ballots.values():
        counter.update({normalize_word(t) for t in ballot.texts} - {""})
    return sorted(
        ((word, n) for word, n in counter.items() if include_hidden or word not in poll.hidden),
        key=lambda item: (-item[1], item[0]),
    )


def rank_averages(poll: Poll) -> list[tuple[int, float]]:
    """(option index, average position counted from 1), best (lowest) first; options nobody
    ranked are left out."""
    totals = [0] * len(poll.options)
    seen = [0] * len(poll.options)
    for ballot in poll.ballots.values():
        for position, option in enumerate(ballot.choices, start=1):
            if 0 <= option < len(poll.options):
                totals[option] += position
                seen[option] += 1
    averages = [(i, totals[i] / seen[i]) for i in range(len(poll.options)) if seen[i]]
    return sorted(averages, key=lambda item: (item[1], item[0]))


def is_correct(poll: Poll, ballot: Ballot) -> bool:
    return bool(poll.correct) and set(ballot.choices) == set(poll.correct)


def quiz_score(poll: Poll) -> tuple[int, int]:
    """(ballots exactly right, ballots) of a quiz: a multi-choice answer counts only when it
    ticks all the correct options and nothing else."""
    ballots = list(poll.ballots.values())
    return sum(1 for b in ballots if is_correct(poll, b)), len(ballots)


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


def _create(state: RoomState, command: CreatePoll) -> PollCreated:
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


def _duplicate(state: RoomState, command: DuplicatePoll) -> PollCreated:
    source = _poll(state, command.source_id)
    if len(state.part(PART).polls) >= POLLS_MAX:
        raise Rejected("polls_full", max=POLLS_MAX)
    poll_id = clean_line(command.poll_id, "poll", ID_MAX)
    if poll_id in state.part(PART).polls:
        raise Rejected("bad_message")
    # A copy of a copy compares with the first run: that is the "before" people mean.
    origin = source.source_id or source.poll_id
    return PollCreated(
        poll_id, source.kind, source.question, source.options, source.max_choices,
        source.scale_max, source.low_label, source.high_label, source.anonymous, source.live,
        source.correct, origin,
    )


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
    raise Rejected("unknown_command")


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_open(state)
    if isinstance(command, AnswerPoll):
        return [_answer(state, command, actor)]
    require_mentor(actor)
    if isinstance(command, CreatePoll):
        return [_create(state, command)]
    if isinstance(command, DuplicatePoll):
        return [_duplicate(state, command)]
    return _mentor_event(state, command)


# ---------------------------------------------------------------- evolve


def _with_poll(state: RoomState, poll: Poll) -> RoomState:
    polls = dict(state.part(PART).polls)
    polls[poll.poll_id] = poll
    return state.with_part(PART, PollsState(MappingProxyType(polls)))


def _fold(state: RoomState, poll: Poll, event: Event, at: float) -> Poll:
    if isinstance(event, PollStatusChanged):
        return dataclasses.replace(poll, status=event.status)
    if isinstance(event, PollResultsShown):
        return dataclasses.replace(poll, results_shown=event.shown)
    if isinstance(event, PollCorrectRevealed):
        return dataclasses.replace(poll, correct_shown=True)
    if isinstance(event, PollAnswered):
        person = state.participants.get(event.pid)
        ballot = Ballot(event.answer_id, event.choices, event.texts, person.location if person else "", at)
        ballots = {pid: b for pid, b in poll.ballots.items() if pid != event.pid}
        ballots[event.pid] = ballot  # one ballot per person; a new answer replaces the old
        # A replaced answer can no longer be in the spotlight.
        replaced = poll.ballots.get(event.pid)
        spotlight = "" if replaced and replaced.answer_id == poll.spotlight else poll.spotlight
        return dataclasses.replace(poll, ballots=MappingProxyType(ballots), spotlight=spotlight)
    if isinstance(event, PollEntryHidden):
        hidden = poll.hidden | {event.key} if event.hidden else poll.hidden - {event.key}
        return dataclasses.replace(poll, hidden=hidden)
    if isinstance(event, PollSpotlighted):
        return dataclasses.replace(poll, spotlight=event.answer_id)
    raise TypeError(f"evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    if isinstance(event, PollCreated):
        poll = Poll(
            event.poll_id, event.kind, event.question, event.options, event.max_choices,
            event.scale_max, event.low_label, event.high_label, event.anonymous, event.live,
            event.correct, event.source_id, stamped.at,
        )
        return _with_poll(state, poll)
    if isinstance(event, PollDeleted):
        polls = {k: v for k, v in state.part(PART).polls.items() if k != event.poll_id}
        return state.with_part(PART, PollsState(MappingProxyType(polls)))
    poll_id = getattr(event, "poll_id", None)
    if not isinstance(poll_id, str) or poll_id not in state.part(PART).polls:
        raise TypeError(f"evolve: event for an unknown poll {event!r}")
    return _with_poll(state, _fold(state, state.part(PART).polls[poll_id], event, stamped.at))


# ---------------------------------------------------------------- export


def _ballot_export(poll: Poll, pid: str, ballot: Ballot) -> dict[str, Any]:
    data: dict[str, Any] = {"location": ballot.location, "at": ballot.at}
    if not poll.anonymous:  # anonymous polls never say who answered, not even to the mentor
        data["participant"] = pid
    if poll.kind in CHOICE_KINDS:
        data["options"] = [poll.options[c] for c in ballot.choices]
    elif poll.kind == "scale":
        data["value"] = ballot.choices[0]
    elif poll.kind == "rank":
        data["order"] = [poll.options[c] for c in ballot.choices]
    else:
        data["texts"] = list(ballot.texts)
        data["hidden"] = ballot.answer_id in poll.hidden if poll.kind == "text" else [
            normalize_word(t) in poll.hidden for t in ballot.texts
        ]
    return data


def export_poll(poll: Poll) -> dict[str, Any]:
    ballots = [_ballot_export(poll, pid, b) for pid, b in poll.ballots.items()]
    if poll.anonymous:
        # Answer times and answer order could tie ballots to people: drop them, sort by content.
        for b in ballots:
            b.pop("at")
        ballots.sort(key=lambda b: repr(sorted(b.items())))
    result: dict[str, Any] = {
        "id": poll.poll_id, "kind": poll.kind, "question": poll.question,
        "options": list(poll.options), "status": poll.status, "anonymous": poll.anonymous,
        "created_at": poll.created_at, "copy_of": poll.source_id or None,
        "answers": len(poll.ballots), "ballots": ballots,
    }
    if poll.kind in CHOICE_KINDS:
        result["counts"] = tally(poll)
        result["correct"] = [poll.options[c] for c in poll.correct]
        if poll.quiz:
            result["quiz_right"] = quiz_score(poll)[0]
    elif poll.kind == "scale":
        result.update(scale_max=poll.scale_max, low_label=poll.low_label, high_label=poll.high_label,
                      counts=tally(poll))
        stats = scale_stats(poll)
        result["mean"], result["median"] = stats if stats else (None, None)
    elif poll.kind == "words":
        result["words"] = [{"word": w, "count": n} for w, n in word_counts(poll)]
    elif poll.kind == "rank":
        result["ranking"] = [{"option": poll.options[i], "average_position": round(a, 3)}
                             for i, a in rank_averages(poll)]
    return result


def export(state: RoomState) -> Any:
    """This feature's part of the mentor's JSON export (realtime/export.py)."""
    return [export_poll(p) for p in state.part(PART).polls.values()]


FEATURE = CoreFeature(
    name="polls",
    commands=COMMANDS,
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        PollCreated: (),
        PollStatusChanged: (),
        PollResultsShown: (),
        PollCorrectRevealed: (),
        PollAnswered: ("pid",),
        PollEntryHidden: (),
        PollSpotlighted: (),
        PollDeleted: (),
    },
    export_key="polls",
    export=export,
    reasons=REASONS,
    projector_views=("poll",),
)
