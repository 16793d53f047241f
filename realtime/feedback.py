"""Peer feedback on a presentation: one participant presents, the others give tops and tips and/or
a 1-5 score per criterion, named or anonymous.

Theory of operation
-------------------
The mentor starts a round for one presenter (a participant) with 1-6 criteria and a form: tops and
tips, a 1-5 scale per criterion, or both; and whether feedback may be anonymous. Starting a round
closes one that was still open (one round takes feedback at a time) and puts it on the projector
("Ann is presenting"). Every other participant gives at most one feedback per round and may change
or take it back until the mentor closes the round; the presenter cannot give feedback to themselves.

Who sees what (the web layer keeps to it, web/feedback_view.py): the feedback itself is withheld
from everyone until the round is closed, so that nobody can tell by the moment it appears whose it
was; until then only the count shows. After that the presenter sees every feedback (named ones with
the giver's name) on their phone and keeps it on their trajectory page; the mentor sees a summary
(the count, the average per criterion, the tops and the tips). Nobody else sees any of it unless the
presenter shares it with the group: then it shows on the projector and the phones without names.

Anonymous feedback carries no author: its events hold no participant id but a `ballot`, the
SHA-256 of the round's random salt (from the shell, in the command that starts the round) and the
giver's id, so that the core can keep one feedback per person and let them change it. The salt and
the ballots never leave the server (no page, socket frame or export carries them). Because the
server can recompute a ballot, "delete my data" finds a giver's anonymous feedback too
(`owned`, read by realtime/erasure.py); a presenter's erasure removes their rounds with all the
feedback in them (`creates`/`refers`: every event of a round names it in `presentation`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime.errors import Dangling, Forbidden, Rejected
from realtime.events import Actor, Command, Event, ProjectorViewChanged, Role, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

TEXT_MAX = 500  # one top or one tip
CRITERION_MAX = 60
CRITERIA_MIN, CRITERIA_MAX = 1, 6
SCORES = ("1", "2", "3", "4", "5")
ROUNDS_MAX = 200  # far above any trajectory; keeps a room's rounds bounded
ID_MAX = 32
SALT_MIN, SALT_MAX = 16, 128

REASONS: Mapping[str, str] = {
    "feedback_not_found": "That presentation does not exist (any more).",
    "feedback_closed": "Feedback on this presentation is closed.",
    "feedback_own": "You cannot give feedback on your own presentation.",
    "feedback_not_presenter": "Only the presenter can share their feedback.",
    "feedback_still_open": "The feedback can be shared once the mentor has closed the round.",
    "feedback_no_form": "Choose tops and tips, a score per criterion, or both.",
    "feedback_no_anonymous": "The mentor asked for feedback with your name in this round.",
    "feedback_empty": "Give a score, a top or a tip.",
    "feedback_not_given": "You have not given feedback on this presentation.",
    "feedback_full": "There is no room for more presentations (at most {max}).",
    "feedback_criteria": "Give 1 to {max} criteria.",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Feedback:
    author: str  # the giver's pid; "" when anonymous (and then nothing here names them)
    scores: tuple[int, ...]  # one 1-5 score per criterion; () when the round has no scale
    top: str
    tip: str
    at: float

    @property
    def anonymous(self) -> bool:
        return not self.author


_NO_FEEDBACK: Mapping[str, Feedback] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Round:
    """One presentation and the feedback on it."""

    presentation: str
    presenter: str  # pid
    criteria: tuple[str, ...]
    tops: bool  # tops and tips asked
    scale: bool  # a 1-5 score per criterion asked
    anonymous: bool  # anonymous feedback allowed
    salt: str  # never leaves the server
    started_at: float
    open: bool = True
    closed_at: float | None = None
    shared: bool = False  # the presenter shares the feedback with the group (names left out)
    # The giver's pid for named feedback, ballot(salt, pid) for anonymous: one per person. The
    # keys never leave the core; the values carry no ballot.
    given: Mapping[str, Feedback] = field(default_factory=lambda: _NO_FEEDBACK)

    @property
    def count(self) -> int:
        return len(self.given)

    def of(self, pid: str) -> Feedback | None:
        """The feedback this person gave, named or anonymous."""
        return self.given.get(pid) or self.given.get(ballot(self.salt, pid))


_NO_ROUNDS: Mapping[str, Round] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class FeedbackState:
    rounds: Mapping[str, Round] = field(default_factory=lambda: _NO_ROUNDS)  # in the order started

    def newest_first(self) -> list[Round]:
        return list(self.rounds.values())[::-1]

    def open_round(self) -> Round | None:
        return next((r for r in self.newest_first() if r.open), None)

    def latest(self) -> Round | None:
        """The round the projector shows: the one running, or else the last one."""
        return self.open_round() or next(iter(self.newest_first()), None)

    def of_presenter(self, pid: str) -> list[Round]:
        return [r for r in self.rounds.values() if r.presenter == pid]


PART: Part[FeedbackState] = Part("feedback", FeedbackState())


def ballot(salt: str, pid: str) -> str:
    """What anonymous feedback carries instead of its giver: not the person."""
    return hashlib.sha256(f"{salt}\x00{pid}".encode()).hexdigest()


def presenting(state: RoomState) -> str:
    """The pid of who presents now (a round takes feedback), "" when nobody does."""
    running = state.part(PART).open_round()
    return running.presenter if running is not None and not state.ended else ""


@dataclass(frozen=True, slots=True)
class Summary:
    """What the mentor sees of a closed round: no single person's scores, no anonymous author."""

    count: int
    averages: tuple[float | None, ...]  # per criterion; None without scores
    tops: tuple[tuple[str, str], ...]  # (text, the giver's pid or "" when anonymous)
    tips: tuple[tuple[str, str], ...]


def in_display_order(given: Mapping[str, Feedback]) -> list[Feedback]:
    """Named feedback in the order it came, then anonymous feedback by its content, so that no
    page or export tells when (and so by whom) an anonymous one came in."""
    named = sorted((f for f in given.values() if not f.anonymous), key=lambda f: f.at)
    anonymous = sorted((f for f in given.values() if f.anonymous), key=lambda f: (f.scores, f.top, f.tip))
    return [*named, *anonymous]


def summary(round_: Round) -> Summary:
    shown = in_display_order(round_.given)
    averages: list[float | None] = []
    for index in range(len(round_.criteria)):
        scores = [f.scores[index] for f in shown if len(f.scores) > index]
        averages.append(round(sum(scores) / len(scores), 1) if scores else None)
    return Summary(
        count=len(shown),
        averages=tuple(averages),
        tops=tuple((f.top, f.author) for f in shown if f.top),
        tips=tuple((f.tip, f.author) for f in shown if f.tip),
    )


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class StartPresentation(Command):
    presentation: str  # new id, from the shell
    presenter: str
    criteria: tuple[str, ...]
    tops: bool
    scale: bool
    anonymous: bool
    salt: str  # random, from the shell; never shown


@dataclass(frozen=True, slots=True)
class ClosePresentation(Command):
    presentation: str


@dataclass(frozen=True, slots=True)
class GiveFeedback(Command):
    presentation: str
    scores: tuple[str, ...]
    top: str
    tip: str
    anonymous: bool


@dataclass(frozen=True, slots=True)
class WithdrawFeedback(Command):
    presentation: str


@dataclass(frozen=True, slots=True)
class ShareFeedback(Command):
    presentation: str
    shared: bool


COMMANDS: tuple[type[Command], ...] = (
    StartPresentation, ClosePresentation, GiveFeedback, WithdrawFeedback, ShareFeedback,
)


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class PresentationStarted(Event):
    presentation: str
    presenter: str
    criteria: tuple[str, ...]
    tops: bool
    scale: bool
    anonymous: bool
    salt: str


@dataclass(frozen=True, slots=True)
class PresentationClosed(Event):
    presentation: str


@dataclass(frozen=True, slots=True)
class FeedbackGiven(Event):
    presentation: str
    # The giver's pid, "" when anonymous (the web layer then re-renders every phone's copy: nothing
    # says whose it was); `ballot` is "" when named.
    pid: str
    ballot: str
    scores: tuple[int, ...]
    top: str
    tip: str


@dataclass(frozen=True, slots=True)
class FeedbackWithdrawn(Event):
    presentation: str
    pid: str  # "" when the feedback taken back was anonymous
    ballot: str


@dataclass(frozen=True, slots=True)
class FeedbackShared(Event):
    presentation: str
    shared: bool


EVENTS: tuple[type[Event], ...] = (
    PresentationStarted, PresentationClosed, FeedbackGiven, FeedbackWithdrawn, FeedbackShared,
)


# ---------------------------------------------------------------- decide


def round_of(state: RoomState, presentation: object) -> Round:
    found = state.part(PART).rounds.get(presentation) if isinstance(presentation, str) else None
    if found is None:
        raise Rejected("feedback_not_found")
    return found


def _criteria(values: object) -> tuple[str, ...]:
    if not isinstance(values, tuple):
        raise Rejected("bad_message")
    kept = tuple(c for c in (clean_line(v, "feedback_criterion", CRITERION_MAX, required=False) for v in values) if c)
    if not CRITERIA_MIN <= len(kept) <= CRITERIA_MAX:
        raise Rejected("feedback_criteria", max=CRITERIA_MAX)
    return kept


def _start(state: RoomState, command: StartPresentation) -> list[Event]:
    feedback = state.part(PART)
    rid = command.presentation
    if not isinstance(rid, str) or not rid or len(rid) > ID_MAX or rid in feedback.rounds:
        raise Rejected("bad_message")
    salt = command.salt
    if not isinstance(salt, str) or not SALT_MIN <= len(salt) <= SALT_MAX:
        raise Rejected("bad_message")
    if command.presenter not in state.participants:
        raise Rejected("bad_choice", field="feedback_presenter")
    criteria = _criteria(command.criteria)
    tops, scale = bool(command.tops), bool(command.scale)
    if not (tops or scale):
        raise Rejected("feedback_no_form")
    if len(feedback.rounds) >= ROUNDS_MAX:
        raise Rejected("feedback_full", max=ROUNDS_MAX)
    running = feedback.open_round()
    result: list[Event] = [PresentationClosed(running.presentation)] if running is not None else []
    result.append(PresentationStarted(rid, command.presenter, criteria, tops, scale, bool(command.anonymous), salt))
    if state.projector_view != "feedback":
        result.append(ProjectorViewChanged("feedback", ""))
    return result


def _give(state: RoomState, command: GiveFeedback, pid: str) -> list[Event]:
    round_ = round_of(state, command.presentation)
    if not round_.open:
        raise Rejected("feedback_closed")
    if pid == round_.presenter:
        raise Rejected("feedback_own")
    anonymous = bool(command.anonymous)
    if anonymous and not round_.anonymous:
        raise Rejected("feedback_no_anonymous")
    if not isinstance(command.scores, tuple):
        raise Rejected("bad_message")
    scores: tuple[int, ...] = ()
    if round_.scale:
        if len(command.scores) != len(round_.criteria):
            raise Rejected("missing_field", field="feedback_scores")
        scores = tuple(int(one_of(s, "feedback_scores", SCORES)) for s in command.scores)
    elif command.scores:
        raise Rejected("bad_message")
    top = tip = ""
    if round_.tops:
        top = clean_line(command.top, "feedback_top", TEXT_MAX, required=False)
        tip = clean_line(command.tip, "feedback_tip", TEXT_MAX, required=False)
    if not (scores or top or tip):
        raise Rejected("feedback_empty")
    mine = ballot(round_.salt, pid)
    named, hidden = round_.given.get(pid), round_.given.get(mine)
    result: list[Event] = []
    if anonymous:
        if named is not None:  # switching from named to anonymous: the named one goes
            result.append(FeedbackWithdrawn(round_.presentation, pid, ""))
        elif hidden is not None and (hidden.scores, hidden.top, hidden.tip) == (scores, top, tip):
            return []
        result.append(FeedbackGiven(round_.presentation, "", mine, scores, top, tip))
    else:
        if hidden is not None:
            result.append(FeedbackWithdrawn(round_.presentation, "", mine))
        elif named is not None and (named.scores, named.top, named.tip) == (scores, top, tip):
            return []
        result.append(FeedbackGiven(round_.presentation, pid, "", scores, top, tip))
    return result


def _participant(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    me = require_member(state, actor)
    require_open(state)
    if isinstance(command, GiveFeedback):
        return _give(state, command, me.pid)
    if isinstance(command, WithdrawFeedback):
        round_ = round_of(state, command.presentation)
        if not round_.open:
            raise Rejected("feedback_closed")
        if me.pid in round_.given:
            return [FeedbackWithdrawn(round_.presentation, me.pid, "")]
        mine = ballot(round_.salt, me.pid)
        if mine in round_.given:
            return [FeedbackWithdrawn(round_.presentation, "", mine)]
        raise Rejected("feedback_not_given")
    if isinstance(command, ShareFeedback):
        round_ = round_of(state, command.presentation)
        if round_.presenter != me.pid:
            raise Rejected("feedback_not_presenter")
        if round_.open:
            raise Rejected("feedback_still_open")
        shared = bool(command.shared)
        return [] if shared == round_.shared else [FeedbackShared(round_.presentation, shared)]
    raise Rejected("unknown_command")


_PARTICIPANT_COMMANDS = (GiveFeedback, WithdrawFeedback, ShareFeedback)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    if actor.role is not Role.MENTOR and isinstance(command, _PARTICIPANT_COMMANDS):
        return _participant(state, command, actor)
    require_mentor(actor)
    require_open(state)
    if isinstance(command, StartPresentation):
        return _start(state, command)
    if isinstance(command, ClosePresentation):
        round_ = round_of(state, command.presentation)
        return [PresentationClosed(round_.presentation)] if round_.open else []
    if isinstance(command, _PARTICIPANT_COMMANDS):
        raise Forbidden("not_participant")
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def _with(state: FeedbackState, round_: Round) -> FeedbackState:
    rounds = dict(state.rounds)
    rounds[round_.presentation] = round_
    return FeedbackState(MappingProxyType(rounds))


def _fold(state: FeedbackState, event: Event, at: float) -> FeedbackState:
    if isinstance(event, PresentationStarted):
        return _with(state, Round(event.presentation, event.presenter, event.criteria, event.tops, event.scale,
                                  event.anonymous, event.salt, at))
    found = state.rounds.get(getattr(event, "presentation", ""))
    if found is None:
        # The presenter's data was deleted (realtime/erasure.py): the round is gone.
        raise Dangling(f"{type(event).__name__} on a presentation that is gone")
    if isinstance(event, PresentationClosed):
        return _with(state, dataclasses.replace(found, open=False, closed_at=at))
    if isinstance(event, FeedbackShared):
        return _with(state, dataclasses.replace(found, shared=event.shared))
    given = dict(found.given)
    if isinstance(event, FeedbackGiven):
        given[event.pid or event.ballot] = Feedback(event.pid, event.scores, event.top, event.tip, at)
    elif isinstance(event, FeedbackWithdrawn):
        given.pop(event.pid or event.ballot, None)
    else:
        raise TypeError(f"feedback.evolve: unknown event {event!r}")
    return _with(state, dataclasses.replace(found, given=MappingProxyType(given)))


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    return state.with_part(PART, _fold(state.part(PART), stamped.event, stamped.at))


def _anonymous_of(state: RoomState, event: Event, pid: str) -> bool:
    """Whether anonymous feedback (given or taken back) is `pid`'s: for "delete my data"."""
    assert isinstance(event, (FeedbackGiven, FeedbackWithdrawn))
    found = state.part(PART).rounds.get(event.presentation)
    return bool(event.ballot) and found is not None and ballot(found.salt, pid) == event.ballot


# ---------------------------------------------------------------- export


def export(state: RoomState) -> Any:
    """The mentor's summary of each round: who presented, the criteria, the count, the averages,
    the tops and tips (named ones with the giver's name, anonymous ones with none). No single
    person's scores, no salt or ballot, and nothing but the count of a round still taking feedback."""
    names = {pid: p.name for pid, p in state.participants.items()}
    rounds = []
    for r in state.part(PART).rounds.values():
        made = summary(r)
        withheld = r.open

        def lines(items: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
            return [{"text": text, "name": names.get(author) if author else None, "anonymous": not author}
                    for text, author in items]

        rounds.append({
            "presenter": names.get(r.presenter, ""),
            "criteria": list(r.criteria),
            "form": {"tops_and_tips": r.tops, "scale": r.scale, "anonymous_allowed": r.anonymous},
            "open": r.open,
            "started_at": r.started_at,
            "closed_at": r.closed_at,
            "shared_with_group": r.shared,
            "count": made.count,
            "averages": None if withheld else dict(zip(r.criteria, made.averages, strict=True)),
            "tops": None if withheld else lines(made.tops),
            "tips": None if withheld else lines(made.tips),
        })
    return {"presentations": rounds}


FEATURE = CoreFeature(
    name="feedback",
    commands=COMMANDS,
    mentor_only=(StartPresentation, ClosePresentation),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    personal={
        PresentationStarted: ("presenter",),
        PresentationClosed: (),
        FeedbackGiven: ("pid",),  # "" when anonymous: `owned` finds those by their ballot
        FeedbackWithdrawn: ("pid",),
        FeedbackShared: (),
    },
    part=PART,
    export=export,
    reasons=REASONS,
    projector_views=("feedback",),
    # A presenter's erasure takes their rounds, and with them every event that names the round.
    creates={PresentationStarted: "presentation"},
    refers=("presentation",),
    owned={FeedbackGiven: _anonymous_of, FeedbackWithdrawn: _anonymous_of},
)
