"""Live Q&A: participants ask questions, named or anonymous, and upvote the others' questions.

Theory of operation
-------------------
A question is asked by a participant (from a phone or a remote laptop) with their name or without.
An anonymous question carries no author anywhere: its `QuestionAsked` event has an empty `pid`,
so nothing in the log, the state, the pages or the export can lead back to who asked it (and
"delete my data" has nothing of theirs to find in it). What it keeps is where it was asked from,
in the room or remote, because the mentor may show remote and room questions apart: hybrid groups
lose the remote voice first. Because an anonymous question has no owner, nobody can take it back
or edit it but the mentor.

Each participant has one upvote per question and may take it back. The mentor may require
approval first (new questions wait as "pending", seen by the mentor alone), edits a question's
text, hides it (only the mentor still sees it), marks it answered, and spotlights one on the
projector (which switches the projector to the Q&A view). "I'd rather ask it myself" turns the
question into a raised hand in the queue with the question as its text (realtime/queue.py), so it
meets the fair queue instead of the list.

The order (by votes or by time, the mentor's choice) is computed, never stored: `ordered`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime import queue
from realtime.errors import Dangling, Rejected
from realtime.events import Actor, Command, Event, ProjectorViewChanged, Role, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

TEXT_MAX = 280
QUESTIONS_MAX = 300
ID_MAX = 32
SORTS = ("votes", "time")
# What the mentor can do to a question, and the status it then has.
ACTIONS: Mapping[str, str] = {
    "approve": "open", "hide": "hidden", "show": "open", "answered": "answered", "reopen": "open",
}
# Statuses everyone sees; "pending" (waiting for approval) and "hidden" only the mentor does.
VISIBLE = frozenset({"open", "answered"})

REASONS: Mapping[str, str] = {
    "qa_not_found": "That question does not exist (any more).",
    "qa_full": "There is no room for more questions (at most {max}).",
    "qa_voted": "You upvoted this question already.",
    "qa_not_voted": "You have not upvoted this question.",
    "qa_not_open": "That question cannot be upvoted or spotlighted now.",
    "qa_hand_up": "Your hand is up already: lower it first to ask this yourself.",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Question:
    qid: str
    text: str
    pid: str  # "" for an anonymous question: it has no author anywhere
    location: str  # "room" or "remote", where it was asked from
    status: str  # "pending", "open", "answered" or "hidden"
    asked_at: float
    voters: frozenset[str] = frozenset()
    edited: bool = False

    @property
    def votes(self) -> int:
        return len(self.voters)

    @property
    def anonymous(self) -> bool:
        return not self.pid


_NONE: Mapping[str, Question] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class QaState:
    questions: Mapping[str, Question] = field(default_factory=lambda: _NONE)  # in the order asked
    moderated: bool = False
    sort: str = "votes"
    split: bool = False  # show remote and room questions apart
    spotlight: str = ""  # the question on the projector ("" none)


PART: Part[QaState] = Part("qa", QaState())


def rank_key(question: Question, sort: str) -> tuple[float, ...]:
    """Most votes first (the earliest first among equals), or the newest first."""
    if sort == "time":
        return (-question.asked_at,)
    return (-question.votes, question.asked_at)


def ordered(questions: Sequence[Question], sort: str) -> list[Question]:
    return sorted(questions, key=lambda q: rank_key(q, sort))


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class AskQuestion(Command):
    qid: str  # new id, from the shell
    text: str
    anonymous: bool


@dataclass(frozen=True, slots=True)
class AskMyself(Command):
    """Raise my hand in the queue with this question as its text, instead of posting it."""

    text: str


@dataclass(frozen=True, slots=True)
class Upvote(Command):
    qid: str


@dataclass(frozen=True, slots=True)
class TakeBackVote(Command):
    qid: str


@dataclass(frozen=True, slots=True)
class ModerateQuestion(Command):
    qid: str
    action: str


@dataclass(frozen=True, slots=True)
class EditQuestion(Command):
    qid: str
    text: str


@dataclass(frozen=True, slots=True)
class Spotlight(Command):
    qid: str  # "" takes the spotlight away


@dataclass(frozen=True, slots=True)
class ConfigureQa(Command):
    moderated: bool
    sort: str
    split: bool


COMMANDS: tuple[type[Command], ...] = (
    AskQuestion, AskMyself, Upvote, TakeBackVote, ModerateQuestion, EditQuestion, Spotlight, ConfigureQa,
)


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class QuestionAsked(Event):
    qid: str
    text: str
    pid: str  # "" when anonymous
    location: str
    status: str  # "open", or "pending" while the mentor approves questions first


@dataclass(frozen=True, slots=True)
class QuestionUpvoted(Event):
    qid: str
    pid: str


@dataclass(frozen=True, slots=True)
class QuestionVoteTakenBack(Event):
    qid: str
    pid: str


@dataclass(frozen=True, slots=True)
class QuestionStatusChanged(Event):
    qid: str
    status: str


@dataclass(frozen=True, slots=True)
class QuestionEdited(Event):
    qid: str
    text: str


@dataclass(frozen=True, slots=True)
class QuestionSpotlighted(Event):
    qid: str


@dataclass(frozen=True, slots=True)
class QaConfigured(Event):
    moderated: bool
    sort: str
    split: bool


EVENTS: tuple[type[Event], ...] = (
    QuestionAsked, QuestionUpvoted, QuestionVoteTakenBack, QuestionStatusChanged, QuestionEdited,
    QuestionSpotlighted, QaConfigured,
)


# ---------------------------------------------------------------- decide


def question_of(state: RoomState, qid: object) -> Question:
    found = state.part(PART).questions.get(qid) if isinstance(qid, str) else None
    if found is None:
        raise Rejected("qa_not_found")
    return found


def _text(value: object) -> str:
    return clean_line(value, "qa_text", TEXT_MAX)


def _participant(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    me = require_member(state, actor)
    require_open(state)
    qa = state.part(PART)
    if isinstance(command, AskQuestion):
        qid = command.qid
        if not isinstance(qid, str) or not qid or len(qid) > ID_MAX or qid in qa.questions:
            raise Rejected("bad_message")
        text = _text(command.text)
        if len(qa.questions) >= QUESTIONS_MAX:
            raise Rejected("qa_full", max=QUESTIONS_MAX)
        author = "" if command.anonymous else me.pid
        return [QuestionAsked(command.qid, text, author, me.location, "pending" if qa.moderated else "open")]
    if isinstance(command, AskMyself):
        text = clean_line(command.text, "qa_text", queue.TEXT_MAX)
        if state.part(queue.PART).entry(me.pid) is not None:
            raise Rejected("qa_hand_up")
        if len(state.part(queue.PART).entries) >= queue.QUEUE_MAX:
            raise Rejected("queue_full", max=queue.QUEUE_MAX)
        return [queue.HandRaised(me.pid, "question", text)]
    if isinstance(command, Upvote):
        question = question_of(state, command.qid)
        if question.status != "open":
            raise Rejected("qa_not_open")
        if me.pid in question.voters:
            raise Rejected("qa_voted")
        return [QuestionUpvoted(question.qid, me.pid)]
    if isinstance(command, TakeBackVote):
        question = question_of(state, command.qid)
        if me.pid not in question.voters:
            raise Rejected("qa_not_voted")
        return [QuestionVoteTakenBack(question.qid, me.pid)]
    raise Rejected("unknown_command")


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    if actor.role is not Role.MENTOR and isinstance(command, (AskQuestion, AskMyself, Upvote, TakeBackVote)):
        return _participant(state, command, actor)
    require_mentor(actor)
    require_open(state)
    qa = state.part(PART)
    if isinstance(command, ConfigureQa):
        sort = one_of(command.sort, "qa_sort", SORTS)
        moderated, split = bool(command.moderated), bool(command.split)
        if (moderated, sort, split) == (qa.moderated, qa.sort, qa.split):
            return []
        return [QaConfigured(moderated, sort, split)]
    if isinstance(command, Spotlight):
        if command.qid == "":
            return [QuestionSpotlighted("")] if qa.spotlight else []
        question = question_of(state, command.qid)
        if question.status not in VISIBLE:
            raise Rejected("qa_not_open")
        result: list[Event] = [] if qa.spotlight == question.qid else [QuestionSpotlighted(question.qid)]
        if state.projector_view != "qa":
            result.append(ProjectorViewChanged("qa", ""))
        return result
    if isinstance(command, ModerateQuestion):
        question = question_of(state, command.qid)
        status = ACTIONS[one_of(command.action, "qa_action", tuple(ACTIONS))]
        return [] if status == question.status else [QuestionStatusChanged(question.qid, status)]
    if isinstance(command, EditQuestion):
        question = question_of(state, command.qid)
        text = _text(command.text)
        return [] if text == question.text else [QuestionEdited(question.qid, text)]
    if isinstance(command, (AskQuestion, AskMyself, Upvote, TakeBackVote)):
        raise Rejected("not_participant")
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def _changed(qa: QaState, question: Question) -> QaState:
    questions = dict(qa.questions)
    questions[question.qid] = question
    spotlight = qa.spotlight if question.qid != qa.spotlight or question.status in VISIBLE else ""
    return dataclasses.replace(qa, questions=MappingProxyType(questions), spotlight=spotlight)


def _fold(qa: QaState, event: Event, at: float) -> QaState:
    if isinstance(event, QaConfigured):
        return dataclasses.replace(qa, moderated=event.moderated, sort=event.sort, split=event.split)
    if isinstance(event, QuestionAsked):
        return _changed(qa, Question(event.qid, event.text, event.pid, event.location, event.status, at))
    if isinstance(event, QuestionSpotlighted):
        if event.qid and event.qid not in qa.questions:
            raise Dangling("spotlight on a question that is gone")
        return dataclasses.replace(qa, spotlight=event.qid)
    found = qa.questions.get(getattr(event, "qid", ""))
    if found is None:
        # Its named author's data was deleted (realtime/erasure.py): the question is gone.
        raise Dangling(f"{type(event).__name__} on a question that is gone")
    question = found
    if isinstance(event, QuestionUpvoted):
        return _changed(qa, dataclasses.replace(question, voters=question.voters | {event.pid}))
    if isinstance(event, QuestionVoteTakenBack):
        return _changed(qa, dataclasses.replace(question, voters=question.voters - {event.pid}))
    if isinstance(event, QuestionStatusChanged):
        return _changed(qa, dataclasses.replace(question, status=event.status))
    if isinstance(event, QuestionEdited):
        return _changed(qa, dataclasses.replace(question, text=event.text, edited=True))
    raise TypeError(f"qa.evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    return state.with_part(PART, _fold(state.part(PART), stamped.event, stamped.at))


# ---------------------------------------------------------------- export


def export(state: RoomState) -> Any:
    qa = state.part(PART)
    names = {p.pid: p.name for p in state.participants.values()}
    return {
        "moderated": qa.moderated,
        "sort": qa.sort,
        "split": qa.split,
        "spotlight": qa.spotlight or None,
        "questions": [
            {
                "id": q.qid,
                "text": q.text,
                "status": q.status,
                "anonymous": q.anonymous,
                # Anonymous questions have no author to export: the keys are there, empty.
                "person": q.pid or None,
                "name": names.get(q.pid) if q.pid else None,
                "location": q.location,
                "asked_at": q.asked_at,
                "votes": q.votes,
                "edited": q.edited,
            }
            for q in ordered(list(qa.questions.values()), "time")[::-1]
        ],
    }


FEATURE = CoreFeature(
    name="qa",
    commands=COMMANDS,
    mentor_only=(ModerateQuestion, EditQuestion, Spotlight, ConfigureQa),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    personal={
        QuestionAsked: ("pid",),  # empty for an anonymous question: nothing of it is anyone's
        QuestionUpvoted: ("pid",),
        QuestionVoteTakenBack: ("pid",),
        QuestionStatusChanged: (),
        QuestionEdited: (),
        QuestionSpotlighted: (),
        QaConfigured: (),
    },
    part=PART,
    export=export,
    reasons=REASONS,
    projector_views=("qa",),
    # A named question goes with its author's data, and so do the votes, moderation and
    # spotlight that refer to it.
    creates={QuestionAsked: "qid"},
    refers=("qid",),
)
