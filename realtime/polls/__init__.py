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
A poll may have an answer timer (`time_limit` seconds): opening it sets `ends_at` from the
opening event's time, and the shell's periodic sweep (server/poll_timer.py) sends ClosePollOnTime
once its clock passes that; the core checks the claim and closes the poll with PollTimedOut. The
quiz leaderboard across polls is its own small feature in realtime/polls/quiz.py.
Duplicating a poll makes a new draft with the same question and `source_id` pointing at the
original, so two runs can be shown side by side.
"""

from __future__ import annotations

from realtime.feature import CoreFeature
from realtime.polls.decide import decide
from realtime.polls.evolve import evolve
from realtime.polls.messages import (
    COMMANDS,
    EVENTS,
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
    REASONS,
    SCALES,
    STATUSES,
    TEXT_MAX,
    TIME_LIMIT_MAX,
    TIME_LIMIT_MIN,
    WORD_MAX,
    WORDS_PER_PERSON_MAX,
    Ballot,
    Poll,
    PollsState,
)
from realtime.polls.results import (
    export,
    export_poll,
    is_correct,
    normalize_word,
    quiz_score,
    rank_averages,
    scale_stats,
    tally,
    word_counts,
)

FEATURE = CoreFeature(
    name="polls",
    commands=COMMANDS,
    mentor_only=(
        CreatePoll, DuplicatePoll, SetPollStatus, ShowPollResults, RevealCorrect, HidePollEntry,
        SpotlightPollAnswer, DeletePoll, SetPollTimeLimit, ClosePollOnTime,
    ),
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
        PollTimeLimitSet: (),
        PollTimedOut: (),
    },
    export_key="polls",
    export=export,
    reasons=REASONS,
    projector_views=("poll",),
)

__all__ = [
    "AnswerPoll",
    "Ballot",
    "CHOICE_KINDS",
    "ClosePollOnTime",
    "COMMANDS",
    "CreatePoll",
    "DeletePoll",
    "DuplicatePoll",
    "EVENTS",
    "FEATURE",
    "HidePollEntry",
    "ID_MAX",
    "KINDS",
    "LABEL_MAX",
    "OPTIONS_MAX",
    "OPTIONS_MIN",
    "OPTION_MAX",
    "PART",
    "POLLS_MAX",
    "Poll",
    "PollAnswered",
    "PollCorrectRevealed",
    "PollCreated",
    "PollDeleted",
    "PollEntryHidden",
    "PollResultsShown",
    "PollSpotlighted",
    "PollStatusChanged",
    "PollTimeLimitSet",
    "PollTimedOut",
    "PollsState",
    "QUESTION_MAX",
    "REASONS",
    "RevealCorrect",
    "SCALES",
    "STATUSES",
    "SetPollStatus",
    "SetPollTimeLimit",
    "ShowPollResults",
    "SpotlightPollAnswer",
    "TEXT_MAX",
    "TIME_LIMIT_MAX",
    "TIME_LIMIT_MIN",
    "WORDS_PER_PERSON_MAX",
    "WORD_MAX",
    "decide",
    "evolve",
    "export",
    "export_poll",
    "is_correct",
    "normalize_word",
    "quiz_score",
    "rank_averages",
    "scale_stats",
    "tally",
    "word_counts",
]
