"""The web side of the quiz leaderboard (realtime/polls/quiz.py): the mentor's choice and the
standings on the console, the leaderboard on the projector, and each participant's own place.

Privacy lives in `rows` and `my_place`: names only when the mentor chose a named leaderboard
(which counts only named quizzes); the anonymous one shows places and scores, and a phone learns
only its own person's place. Each person's right or wrong answer per poll is on their own poll
card (web/polls_view.py, `PollView.my_result`), never anyone else's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import events, polls
from realtime.events import Role
from realtime.polls import quiz
from realtime.room import Room
from realtime.state import RoomState
from web.feature import ProjectorEntry, Region, WebFeature
from web.fields import Fields
from web.viewer import Viewer

MENTOR_REGION = "quiz-mentor"
ME_REGION = "quiz-me"
STAGE = "stage"
TOP_ROWS = 10  # the projector shows the first ten places: readable from the back of the room


@dataclass(frozen=True, slots=True)
class Row:
    place: int
    score: int
    answered: int
    name: str  # "" on an anonymous leaderboard


@dataclass(frozen=True, slots=True)
class Board:
    mode: str  # off, named, anonymous
    quizzes: int  # revealed quizzes it counts
    rows: list[Row]
    people: int  # everyone on it (rows may be cut to the first places)


@dataclass(frozen=True, slots=True)
class MyPlace:
    place: int
    of: int
    score: int
    quizzes: int


def board(state: RoomState, limit: int | None = None) -> Board:
    mode = state.part(quiz.PART).leaderboard
    named = mode == "named"
    standings = quiz.standings(state, named=named) if mode != "off" else []
    names = {pid: p.name for pid, p in state.participants.items()}
    rows = [Row(s.place, s.score, s.answered, names.get(s.pid, "?") if named else "") for s in standings]
    return Board(mode, quiz.quizzes(state, named) if mode != "off" else 0, rows[:limit], len(rows))


def my_place(state: RoomState, pid: str) -> MyPlace | None:
    """The participant's own place, when the leaderboard is on and they are on it."""
    mode = state.part(quiz.PART).leaderboard
    if mode == "off":
        return None
    named = mode == "named"
    standings = quiz.standings(state, named=named)
    mine = next((s for s in standings if s.pid == pid), None)
    if mine is None:
        return None
    return MyPlace(mine.place, len(standings), mine.score, quiz.quizzes(state, named))


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state
    if viewer.role is Role.PROJECTOR:
        return {"quiz_board": board(state, TOP_ROWS) if state.projector_view == "leaderboard" else None}
    if viewer.role is Role.MENTOR:
        return {"quiz_board": board(state), "quiz_modes": quiz.MODES,
                "quiz_any": any(p.quiz for p in state.part(polls.PART).polls.values())}
    return {"quiz_mine": my_place(state, viewer.pid), "quiz_mode": state.part(quiz.PART).leaderboard}


_PARTICIPANT = frozenset({Role.PARTICIPANT})
_MENTOR = frozenset({Role.MENTOR})
_ALL = frozenset({MENTOR_REGION, ME_REGION, STAGE})
# What changes the standings: a reveal, a quiz gone, answers to a revealed quiz that was reopened,
# and names. Answers go to the console and the projector only: re-rendering every phone's own place
# on every answer would cost a render per person per vote, and an answer changes the standings only
# in a revealed quiz that was reopened; the phones catch up on the next close or reveal.
_REVEALS = (polls.PollCorrectRevealed, polls.PollDeleted, polls.PollStatusChanged, polls.PollTimedOut)

def _named(state: RoomState, pid: str) -> bool:
    """A named leaderboard may name anyone who answered a quiz."""
    return state.part(quiz.PART).leaderboard == "named"


FEATURE = WebFeature(
    name="quiz",
    cores=(quiz.FEATURE,),
    parsers={"quiz_leaderboard": lambda f: _set(f)},
    regions=(
        Region(MENTOR_REGION, _MENTOR, order=41, on_pages=_MENTOR, section="polls"),
        Region(ME_REGION, _PARTICIPANT, personal=True, order=42, on_pages=_PARTICIPANT, tab="polls"),
    ),
    event_regions={
        quiz.LeaderboardSet: _ALL | {"projector-control"},
        **{cls: _ALL for cls in _REVEALS},
        polls.PollAnswered: frozenset({MENTOR_REGION, STAGE}),
        polls.PollCreated: frozenset({MENTOR_REGION}),
        events.ProfileUpdated: frozenset({MENTOR_REGION, STAGE}),
        events.SessionEnded: frozenset({MENTOR_REGION}),  # its buttons go
    },
    context=context,
    field_labels={"leaderboard": "Leaderboard"},
    # Names show only on a named leaderboard (an anonymous one shows places, an "off" one nothing).
    shows_person=_named,
    stage_names={"leaderboard": _named},
    projector=(ProjectorEntry("leaderboard", "Leaderboard",
                              available=lambda state: state.part(quiz.PART).leaderboard != "off"),),
)


def _set(f: Fields) -> quiz.SetLeaderboard:
    return quiz.SetLeaderboard(mode=f.text("mode"))
