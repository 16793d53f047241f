"""The quiz leaderboard: points across the session's quiz polls, shown as the mentor chooses.

Theory of operation
-------------------
A quiz poll is a choice poll with correct options (realtime/polls/). Once the mentor reveals its
correct answer, each ballot in it that is exactly right is one point for whoever cast it. The
leaderboard adds those points up per person over every revealed quiz; nothing of a quiz counts
before its reveal, so the leaderboard never tells what the right answer is.

The mentor sets the leaderboard `off`, `named` or `anonymous` (one setting for the session; its
own feature and Part, so the polls' state keeps one shape). `standings` is a pure function of the
state, recomputed from the ballots, so erasing a person (their PollAnswered events are redacted,
realtime/erasure.py) takes their points off the leaderboard with nothing to clean up here.

Privacy: a named leaderboard counts only named quiz polls. An anonymous poll promised that nobody
sees who answered what, and a score next to a name would say it. The anonymous leaderboard counts
every revealed quiz and shows places and scores only; each person is told their own place
(web/polls_quiz_view.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_mentor, require_open
from realtime.polls.model import PART as POLLS
from realtime.polls.results import is_correct
from realtime.text import one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

MODES = ("off", "named", "anonymous")


@dataclass(frozen=True, slots=True)
class QuizState:
    leaderboard: str = "off"


PART: Part[QuizState] = Part("quiz", QuizState())


@dataclass(frozen=True, slots=True)
class SetLeaderboard(Command):
    mode: str


@dataclass(frozen=True, slots=True)
class LeaderboardSet(Event):
    mode: str


@dataclass(frozen=True, slots=True)
class Standing:
    pid: str
    place: int  # 1 = most points; equal scores share a place (1, 1, 3)
    score: int  # quiz answers exactly right
    answered: int  # revealed quizzes this person answered


def standings(state: RoomState, named: bool) -> list[Standing]:
    """Everyone who answered a revealed quiz, most points first (then fewest answered, then by
    pid, so the order is stable). `named`: only quizzes that are not anonymous count."""
    scores: dict[str, list[int]] = {}
    for poll in state.part(POLLS).polls.values():
        if not (poll.quiz and poll.correct_shown) or (named and poll.anonymous):
            continue
        for pid, ballot in poll.ballots.items():
            score = scores.setdefault(pid, [0, 0])
            score[0] += is_correct(poll, ballot)
            score[1] += 1
    ordered = sorted(scores.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
    out: list[Standing] = []
    for pid, (points, answered) in ordered:
        place = out[-1].place if out and out[-1].score == points else len(out) + 1
        out.append(Standing(pid, place, points, answered))
    return out


def quizzes(state: RoomState, named: bool) -> int:
    """How many revealed quizzes the leaderboard counts."""
    return sum(
        1 for p in state.part(POLLS).polls.values()
        if p.quiz and p.correct_shown and not (named and p.anonymous)
    )


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_open(state)
    require_mentor(actor)
    if not isinstance(command, SetLeaderboard):
        raise Rejected("unknown_command")
    mode = one_of(command.mode, "leaderboard", MODES)
    return [] if state.part(PART).leaderboard == mode else [LeaderboardSet(mode)]


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    if not isinstance(event, LeaderboardSet):
        raise TypeError(f"quiz.evolve: unknown event {event!r}")
    return state.with_part(PART, QuizState(event.mode))


def export(state: RoomState) -> Any:
    """The leaderboard as set, with its standings: places and scores, and who only when named."""
    mode = state.part(PART).leaderboard
    named = mode == "named"
    rows: list[dict[str, Any]] = []
    for s in standings(state, named=named):
        row: dict[str, Any] = {"place": s.place, "score": s.score, "answered": s.answered}
        if named:
            row["participant"] = s.pid
        rows.append(row)
    if not named:
        rows.sort(key=lambda r: (r["place"], -r["score"], r["answered"]))
    return {"leaderboard": mode, "quizzes": quizzes(state, named), "standings": rows}


FEATURE = CoreFeature(
    name="quiz",
    commands=(SetLeaderboard,),
    mentor_only=(SetLeaderboard,),
    events=(LeaderboardSet,),
    decide=decide,
    evolve=evolve,
    # Only the mentor sets it; the points come from PollAnswered, which names the person.
    personal={LeaderboardSet: ()},
    part=PART,
    export_key="quiz",
    export=export,
    projector_views=("leaderboard",),
)
