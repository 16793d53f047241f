"""Polls' commands (what someone asks) and events (what happened)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from realtime.events import Command, Event

if TYPE_CHECKING:
    pass

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
    # Seconds to answer once opened (0: no answer timer); the poll closes by itself (PollTimedOut).
    time_limit: int = 0


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
class SetPollTimeLimit(Command):
    """The answer timer of a poll that is not open: `seconds` to answer once opened, 0 for none."""

    poll_id: str
    seconds: int


@dataclass(frozen=True, slots=True)
class ClosePollOnTime(Command):
    """The shell's periodic sweep (server/poll_timer.py) closing a poll whose time is up. It has no
    socket parser, so nobody can send it; `now` is the sweep's clock, checked against `ends_at`."""

    poll_id: str
    now: float


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


@dataclass(frozen=True, slots=True)
class PollTimeLimitSet(Event):
    poll_id: str
    seconds: int


@dataclass(frozen=True, slots=True)
class PollTimedOut(Event):
    """The answer time ran out: the poll is closed, as if the mentor closed it."""

    poll_id: str


COMMANDS: tuple[type[Command], ...] = (
    CreatePoll, DuplicatePoll, SetPollStatus, ShowPollResults, RevealCorrect, AnswerPoll,
    HidePollEntry, SpotlightPollAnswer, DeletePoll, SetPollTimeLimit, ClosePollOnTime,
)
EVENTS: tuple[type[Event], ...] = (
    PollCreated, PollStatusChanged, PollResultsShown, PollCorrectRevealed, PollAnswered,
    PollEntryHidden, PollSpotlighted, PollDeleted, PollTimeLimitSet, PollTimedOut,
)

