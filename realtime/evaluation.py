"""The evaluation after every session: a rating, what worked, what could be better; optionally anonymous.

Theory of operation
-------------------
The mentor opens the evaluation of the session that runs now (`state.part(trajectory.PART).current`; 0 for a
room without a trajectory) and closes it again. While it is open each participant can send one
evaluation for that session. Everything is tagged with its session number, so the mentor sees the
results per session and the trend of the average rating across sessions.

Anonymous evaluations carry no author: not in their event, not in the state, not in any HTML or the
export. One answer per person per session must still hold, so the shell puts a random salt in the
command that opens a round; the core records for each anonymous answer only `ballot(salt, pid)`, a
SHA-256 of the salt and the person, in the round's set of ballots, apart from the answers themselves.
The salt and the ballots never leave the server (no page, socket frame or export carries them).
Someone with the raw event log and the participant list could recompute the hashes: the log is the
server's own record, and docs/privacy.md says so.

The mentor can note "what I changed because of your feedback" for a session; participants see the
latest such note on their live page once a later session has started.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime import trajectory
from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, ProjectorViewChanged, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

RATINGS = ("1", "2", "3", "4", "5")
TEXT_MAX = 500
CHANGE_MAX = 1000
ID_MAX = 32
SALT_MIN = 16
SESSION_MAX = 99
# Far above a group; keeps a room's evaluations bounded.
EVALUATIONS_MAX = 5000


# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "evaluation_not_open": "The evaluation is not open (any more).",
    "evaluation_already_sent": "You have already sent your evaluation of this session. Thank you!",
    "evaluation_full": "No more evaluations can be stored in this room ({max}).",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Evaluation:
    eid: str
    session: int
    rating: int
    worked: str
    better: str
    author: str  # the participant's pid; "" when anonymous (and then nothing else names them)
    at: float

    @property
    def anonymous(self) -> bool:
        return not self.author


@dataclass(frozen=True, slots=True)
class Round:
    """The evaluation of one session: open or closed, and who has answered."""

    session: int
    salt: str
    open: bool = True
    opened_at: float = 0.0
    closed_at: float | None = None
    named: frozenset[str] = frozenset()  # pids of named answers
    ballots: frozenset[str] = frozenset()  # ballot(salt, pid) of anonymous answers

    @property
    def count(self) -> int:
        return len(self.named) + len(self.ballots)

    def answered(self, pid: str) -> bool:
        return pid in self.named or ballot(self.salt, pid) in self.ballots


_NO_ROUNDS: Mapping[int, Round] = MappingProxyType({})
_NO_CHANGES: Mapping[int, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class EvaluationState:
    rounds: Mapping[int, Round] = field(default_factory=lambda: _NO_ROUNDS)
    evaluations: tuple[Evaluation, ...] = ()
    # session -> what the mentor changed because of that session's feedback
    changes: Mapping[int, str] = field(default_factory=lambda: _NO_CHANGES)

    def of_session(self, session: int) -> list[Evaluation]:
        return [e for e in self.evaluations if e.session == session]

    def open_round(self) -> Round | None:
        return next((r for r in self.rounds.values() if r.open), None)


PART: Part[EvaluationState] = Part("evaluation", EvaluationState())


def current_round(state: RoomState) -> Round | None:
    """The round that takes answers now: open, and about the session that is current (a round left
    open when the next session starts takes no more answers)."""
    found = state.part(PART).open_round()
    return found if found is not None and found.session == state.part(trajectory.PART).current else None


def ballot(salt: str, pid: str) -> str:
    """What an anonymous answer leaves behind to count one per person: not the person."""
    return hashlib.sha256(f"{salt}\x00{pid}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SessionSummary:
    session: int
    count: int
    average: float | None
    ratings: tuple[int, ...]  # how many gave 1, 2, 3, 4, 5
    withheld: bool = False  # still taking answers: only the count is known (see `withheld_session`)


def withheld_session(state: RoomState) -> int | None:
    """The session whose answers are not shown yet: the one whose round still takes answers.

    While answers come in one by one, anyone watching the results (or exporting twice) could tell
    by the moment a new one appears whose it is, anonymous or not. So the answers, their average
    and spread show once the mentor closes the round; until then only their number."""
    running = current_round(state)
    return running.session if running is not None else None


def shown_answers(state: RoomState) -> list[Evaluation]:
    hidden = withheld_session(state)
    return [e for e in state.part(PART).evaluations if e.session != hidden]


def summaries(state: EvaluationState, withheld: int | None = None) -> list[SessionSummary]:
    """Per evaluated session (in session order): answers, average rating, the spread of ratings;
    for the `withheld` session only the number of answers."""
    sessions = sorted(set(state.rounds) | {e.session for e in state.evaluations})
    result = []
    for session in sessions:
        given = [e.rating for e in state.evaluations if e.session == session]
        if session == withheld:
            result.append(SessionSummary(session, len(given), None, (0,) * 5, withheld=True))
            continue
        average = round(sum(given) / len(given), 2) if given else None
        spread = tuple(given.count(r) for r in range(1, 6))
        result.append(SessionSummary(session, len(given), average, spread))
    return result


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class OpenEvaluation(Command):
    salt: str  # random, from the shell; never shown


@dataclass(frozen=True, slots=True)
class CloseEvaluation(Command):
    pass


@dataclass(frozen=True, slots=True)
class SubmitEvaluation(Command):
    evaluation: str  # new id, from the shell
    rating: str
    worked: str
    better: str
    anonymous: bool


@dataclass(frozen=True, slots=True)
class NoteFeedbackChange(Command):
    session: str
    text: str


COMMANDS: tuple[type[Command], ...] = (OpenEvaluation, CloseEvaluation, SubmitEvaluation, NoteFeedbackChange)


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class EvaluationOpened(Event):
    session: int
    salt: str


@dataclass(frozen=True, slots=True)
class EvaluationClosed(Event):
    session: int


@dataclass(frozen=True, slots=True)
class EvaluationSubmitted(Event):
    evaluation: str
    session: int
    rating: int
    worked: str
    better: str
    # The author's pid; None when anonymous (so the web layer re-renders every phone's form, not
    # only one person's: nothing says whose answer it was).
    pid: str | None
    ballot: str  # "" when named


@dataclass(frozen=True, slots=True)
class FeedbackChangeNoted(Event):
    session: int
    text: str


EVENTS: tuple[type[Event], ...] = (EvaluationOpened, EvaluationClosed, EvaluationSubmitted, FeedbackChangeNoted)


# ---------------------------------------------------------------- decide


def _session_number(value: object, high: int) -> int:
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= high:
        raise Rejected("out_of_range", field="evaluation_session", min=0, max=high)
    return int(text)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    evaluation = state.part(PART)
    if isinstance(command, SubmitEvaluation):
        me = require_member(state, actor)
        require_open(state)
        current = current_round(state)
        if current is None:
            raise Rejected("evaluation_not_open")
        if current.answered(me.pid):
            raise Rejected("evaluation_already_sent")
        if len(evaluation.evaluations) >= EVALUATIONS_MAX:
            raise Rejected("evaluation_full", max=EVALUATIONS_MAX)
        eid = command.evaluation
        if not isinstance(eid, str) or not eid or len(eid) > ID_MAX:
            raise Rejected("bad_message")
        rating = int(one_of(command.rating, "evaluation_rating", RATINGS))
        worked = clean_line(command.worked, "evaluation_worked", TEXT_MAX, required=False)
        better = clean_line(command.better, "evaluation_better", TEXT_MAX, required=False)
        if command.anonymous:
            anonymous = ballot(current.salt, me.pid)
            return [EvaluationSubmitted(eid, current.session, rating, worked, better, None, anonymous)]
        return [EvaluationSubmitted(eid, current.session, rating, worked, better, me.pid, "")]
    require_mentor(actor)
    if isinstance(command, OpenEvaluation):
        require_open(state)
        session = state.part(trajectory.PART).current
        running = evaluation.open_round()
        if running is not None and running.session == session:
            return []
        salt = command.salt
        if not isinstance(salt, str) or len(salt) < SALT_MIN or len(salt) > 128:
            raise Rejected("bad_message")
        known = evaluation.rounds.get(session)
        events: list[Event] = []
        if running is not None:
            events.append(EvaluationClosed(running.session))
        # Re-opening a session's round keeps its salt, so nobody can answer twice across the reopen.
        events.append(EvaluationOpened(session, known.salt if known is not None else salt))
        if state.projector_view != "evaluation":
            events.append(ProjectorViewChanged("evaluation", ""))
        return events
    if isinstance(command, CloseEvaluation):
        running = evaluation.open_round()
        return [EvaluationClosed(running.session)] if running is not None else []
    if isinstance(command, NoteFeedbackChange):
        high = max(SESSION_MAX, len(state.part(trajectory.PART).sessions))
        session = _session_number(command.session, high)
        text = clean_line(command.text, "evaluation_change", CHANGE_MAX, required=False)
        if text == evaluation.changes.get(session, ""):
            return []
        return [FeedbackChangeNoted(session, text)]
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def _with_round(state: EvaluationState, round_: Round) -> Mapping[int, Round]:
    rounds = dict(state.rounds)
    rounds[round_.session] = round_
    return MappingProxyType(dict(sorted(rounds.items())))


def _fold(state: EvaluationState, event: Event, at: float) -> EvaluationState:
    if isinstance(event, EvaluationOpened):
        known = state.rounds.get(event.session)
        opened = (
            dataclasses.replace(known, open=True, closed_at=None)
            if known is not None
            else Round(event.session, event.salt, opened_at=at)
        )
        return dataclasses.replace(state, rounds=_with_round(state, opened))
    if isinstance(event, EvaluationClosed):
        known = state.rounds.get(event.session)
        if known is None:
            return state
        closed = dataclasses.replace(known, open=False, closed_at=at)
        return dataclasses.replace(state, rounds=_with_round(state, closed))
    if isinstance(event, EvaluationSubmitted):
        round_ = state.rounds.get(event.session) or Round(event.session, "", open=False)
        if event.pid:
            round_ = dataclasses.replace(round_, named=round_.named | {event.pid})
        else:
            round_ = dataclasses.replace(round_, ballots=round_.ballots | {event.ballot})
        # The answer itself keeps no ballot: an anonymous one has nothing that leads to its author.
        author = event.pid or ""
        answer = Evaluation(event.evaluation, event.session, event.rating, event.worked, event.better, author, at)
        return dataclasses.replace(state, rounds=_with_round(state, round_), evaluations=(*state.evaluations, answer))
    if isinstance(event, FeedbackChangeNoted):
        changes = dict(state.changes)
        if event.text:
            changes[event.session] = event.text
        else:
            changes.pop(event.session, None)
        return dataclasses.replace(state, changes=MappingProxyType(dict(sorted(changes.items()))))
    raise TypeError(f"evaluation.evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    return state.with_part(PART, _fold(state.part(PART), stamped.event, stamped.at))


def in_display_order(answers: tuple[Evaluation, ...] | list[Evaluation]) -> list[Evaluation]:
    """Per session: named answers in the order they came, then anonymous ones by their content,
    so that neither a page nor the export tells when (and so by whom) an anonymous one came in."""
    named = [e for e in answers if not e.anonymous]
    anonymous = sorted((e for e in answers if e.anonymous), key=lambda e: (-e.rating, e.worked, e.better))
    return sorted([*named, *anonymous], key=lambda e: (e.session, e.anonymous))


def latest_change(state: RoomState) -> tuple[int, str] | None:
    """The newest "what I changed" note about a session before the current one, for participants."""
    current = state.part(trajectory.PART).current
    earlier = [(s, text) for s, text in state.part(PART).changes.items() if s < current]
    return earlier[-1] if earlier else None


# ---------------------------------------------------------------- export


def export(state: RoomState) -> Any:
    """The evaluations for the mentor's export: anonymous ones with no author, salt or ballot, and
    none of the round that still takes answers (only its count: see `withheld_session`)."""
    evaluation = state.part(PART)
    withheld = withheld_session(state)
    names = {pid: p.name for pid, p in state.participants.items()}
    return {
        "rounds": [
            {
                "session": r.session, "open": r.open, "opened_at": r.opened_at, "closed_at": r.closed_at,
                "answers": r.count,
            }
            for r in evaluation.rounds.values()
        ],
        "evaluations": [
            {
                "session": e.session,
                "rating": e.rating,
                "worked": e.worked,
                "better": e.better,
                "anonymous": e.anonymous,
                "person": e.author or None,
                "name": names.get(e.author, "") if e.author else None,
                "at": None if e.anonymous else e.at,
            }
            for e in in_display_order(shown_answers(state))
        ],
        "trend": [
            {"session": s.session, "answers": s.count, "average": s.average, "withheld": s.withheld}
            for s in summaries(evaluation, withheld)
        ],
        "changes": [{"session": s, "text": text} for s, text in evaluation.changes.items()],
    }


FEATURE = CoreFeature(
    name="evaluation",
    commands=COMMANDS,
    mentor_only=(OpenEvaluation, CloseEvaluation, NoteFeedbackChange),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        EvaluationOpened: (),
        EvaluationClosed: (),
        EvaluationSubmitted: ("pid",),
        FeedbackChangeNoted: (),
    },
    export_key="evaluations",
    export=export,
    reasons=REASONS,
    projector_views=("evaluation",),
)
