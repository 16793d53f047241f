"""Polls' limits, refusal reasons and state (see realtime/polls/__init__.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from realtime.feature import Part

if TYPE_CHECKING:
    pass

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
    "poll_time_limit": "The answer time is from {min} to {max} seconds, or 0 for no timer.",
    "poll_timer_open": "Close the poll before you change its answer time.",
    "poll_time_not_up": "This poll still has time left.",
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
# An answer timer: long enough to read a question, short enough to be a quiz.
TIME_LIMIT_MIN = 5
TIME_LIMIT_MAX = 600


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
    time_limit: int = 0  # seconds to answer once opened; 0: no answer timer
    ends_at: float | None = None  # while open with a time limit: when the time is up (epoch s)
    timed_out: bool = False  # the last close was the timer's, not the mentor's

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


