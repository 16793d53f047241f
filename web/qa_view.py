"""The web side of the live Q&A: the list of questions (participants and the mentor, the mentor's
copy with the moderation controls and the questions waiting for approval or hidden), each
participant's own part (the ask form, their named questions, their upvotes), and the projector
view with the spotlighted question or the top questions.

Privacy lives in `context`: an anonymous question is shown without a name to every role (the
mentor too) because it has none; pending and hidden questions go to the mentor only; who upvoted
what is never shown, except to each participant their own upvotes.

A vote or an edit sends that one question (item "qa-q:<qid>", and "stage-qa-q:<qid>" on the
projector), unless the vote changes the order of a list sorted by votes: then the list goes whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import events, qa
from realtime.events import Event, Role
from realtime.qa import Question
from realtime.room import Room
from realtime.state import RoomState
from web import qa_commands
from web.feature import Item, NowEntry, ProjectorEntry, Region, Tab, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {
    "qa_text": "Your question",
    "qa_sort": "Order",
    "qa_action": "What to do with the question",
}

@dataclass(frozen=True, slots=True)
class QuestionView:
    qid: str
    text: str
    name: str  # "" when anonymous (or the asker's data was deleted)
    anonymous: bool
    location: str
    status: str
    votes: int
    edited: bool
    spotlit: bool


@dataclass(frozen=True, slots=True)
class QaView:
    moderated: bool
    sort: str
    split: bool
    spotlight: QuestionView | None
    open: tuple[QuestionView, ...]  # in the chosen order
    answered: tuple[QuestionView, ...]
    pending: tuple[QuestionView, ...]  # the mentor's only
    hidden: tuple[QuestionView, ...]  # the mentor's only

    def side(self, location: str) -> tuple[QuestionView, ...]:
        return tuple(q for q in self.open if q.location == location)

    def find(self, qid: str) -> QuestionView | None:
        for q in (*self.open, *self.answered, *self.pending, *self.hidden):
            if q.qid == qid:
                return q
        return None


@dataclass(frozen=True, slots=True)
class MyQa:
    questions: tuple[QuestionView, ...]  # their named questions, newest first
    votes: tuple[QuestionView, ...]  # the questions they upvoted
    moderated: bool


def _view(state: RoomState, question: Question, spotlight: str) -> QuestionView:
    person = state.participants.get(question.pid) if question.pid else None
    return QuestionView(
        qid=question.qid, text=question.text, name=person.name if person else "", anonymous=question.anonymous,
        location=question.location, status=question.status, votes=question.votes, edited=question.edited,
        spotlit=question.qid == spotlight,
    )


def view(state: RoomState, role: Role) -> QaView:
    part = state.part(qa.PART)
    listed = qa.ordered(list(part.questions.values()), part.sort)
    views = [_view(state, q, part.spotlight) for q in listed]

    def with_status(status: str) -> tuple[QuestionView, ...]:
        return tuple(v for v in views if v.status == status)

    mentor = role is Role.MENTOR
    spot = part.questions.get(part.spotlight)
    return QaView(
        moderated=part.moderated, sort=part.sort, split=part.split,
        spotlight=_view(state, spot, part.spotlight) if spot is not None and spot.status in qa.VISIBLE else None,
        open=with_status("open"), answered=with_status("answered"),
        pending=with_status("pending") if mentor else (), hidden=with_status("hidden") if mentor else (),
    )


def mine(state: RoomState, pid: str) -> MyQa:
    part = state.part(qa.PART)
    own = [q for q in part.questions.values() if q.pid and q.pid == pid]
    voted = [q for q in part.questions.values() if pid in q.voters]
    return MyQa(
        questions=tuple(_view(state, q, part.spotlight) for q in reversed(own)),
        votes=tuple(_view(state, q, part.spotlight) for q in voted),
        moderated=part.moderated,
    )


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    data: dict[str, Any] = {"qa_view": view(room.state, viewer.role), "qa_text_max": qa.TEXT_MAX}
    if viewer.role is Role.PARTICIPANT:
        data["qa_mine"] = mine(room.state, viewer.pid)
    return data


# ---------------------------------------------------------------- keyed items


def _question(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    found = ctx["qa_view"].find(key)
    return None if found is None else {"q": found, "qa_item_oob": True}


def _stage_question(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    found = ctx["qa_view"].find(key)
    return None if found is None or found.status not in qa.VISIBLE else {"q": found, "qa_item_oob": True}


ITEMS = (Item("qa-q", "qa", _question), Item("stage-qa-q", "stage", _stage_question))


def _same_place(state: RoomState, qid: str, before: int) -> bool:
    """Whether question `qid`, which had `before` votes, keeps its place in the order by votes."""
    part = state.part(qa.PART)
    question = part.questions[qid]
    others = [q for q in part.questions.values() if q.qid != qid]

    def place(votes: int) -> int:
        return sum(1 for q in others if (-q.votes, q.asked_at) < (-votes, question.asked_at))

    return place(before) == place(question.votes)


def _on_stage(state: RoomState) -> bool:
    return state.projector_view == "qa"


def _voted(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    assert isinstance(event, (qa.QuestionUpvoted, qa.QuestionVoteTakenBack))
    part = state.part(qa.PART)
    question = part.questions.get(event.qid)
    if question is None:
        return {}
    before = question.votes - 1 if isinstance(event, qa.QuestionUpvoted) else question.votes + 1
    if part.sort == "votes" and not _same_place(state, event.qid, before):
        return {"stage": ()} if not _on_stage(state) else {}  # the order changed: the lists go whole
    stage = (f"stage-qa-q:{event.qid}",) if _on_stage(state) else ()
    return {"qa": (f"qa-q:{event.qid}",), "stage": stage}


def _edited(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    assert isinstance(event, qa.QuestionEdited)
    stage = (f"stage-qa-q:{event.qid}",) if _on_stage(state) else ()
    return {"qa": (f"qa-q:{event.qid}",), "stage": stage}


def _not_on_stage(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    """Q&A changes re-send the projector's stage only while it shows the Q&A."""
    return {} if _on_stage(state) else {"stage": ()}


_GROUP = frozenset({Role.MENTOR, Role.PARTICIPANT})
_PARTICIPANT = frozenset({Role.PARTICIPANT})
_LISTS = frozenset({"qa", "qa-mine", "stage"})

def _asker(state: RoomState, pid: str) -> bool:
    return any(q.pid == pid for q in state.part(qa.PART).questions.values())


FEATURE = WebFeature(
    name="qa",
    cores=(qa.FEATURE,),
    parsers=qa_commands.PARSERS,
    regions=(
        Region("qa-mine", _PARTICIPANT, personal=True, own_events_only=True, order=34, on_pages=_PARTICIPANT,
               tab="qa"),
        Region("qa", _GROUP, order=35, on_pages=_GROUP, tab="qa"),
    ),
    event_regions={
        # Anonymous questions have no pid: no one's own part changes with them.
        qa.QuestionAsked: _LISTS,
        qa.QuestionUpvoted: _LISTS,
        qa.QuestionVoteTakenBack: _LISTS,
        qa.QuestionStatusChanged: _LISTS,
        qa.QuestionEdited: _LISTS,
        qa.QuestionSpotlighted: frozenset({"qa", "stage"}),
        qa.QaConfigured: _LISTS,
        events.ProfileUpdated: frozenset({"qa"}),
        events.SessionEnded: frozenset({"qa", "qa-mine"}),
    },
    context=context,
    field_labels=FIELD_LABELS,
    projector=(ProjectorEntry("qa", "Q&A"),),
    tabs=(Tab("qa", "Questions", order=35),),
    # The Q&A on the projector is the group's "now": the phones open the questions tab.
    now=(NowEntry("qa", "Q&A", tab="qa", item="qa", title=lambda state, ref: "",
                  events=frozenset({events.ProjectorViewChanged}), views=frozenset({"qa"}),
                  ref_of=lambda ref: ""),),
    items=ITEMS,
    event_items={
        qa.QuestionUpvoted: _voted,
        qa.QuestionVoteTakenBack: _voted,
        qa.QuestionEdited: _edited,
        qa.QuestionAsked: _not_on_stage,
        qa.QuestionStatusChanged: _not_on_stage,
        qa.QaConfigured: _not_on_stage,
    },
    shows_person=_asker,
    stage_names={"qa": _asker},
)
