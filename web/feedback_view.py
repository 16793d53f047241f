"""The web side of peer feedback on a presentation: the form on the phones, the presenter's own
feedback (live and on their trajectory page), the mentor's control and summary, and the
projector's "Ann is presenting".

Privacy lives in `context` (realtime/feedback.py says why):
- a giver gets their own feedback in the open round (to change it), never anyone else's;
- the presenter gets every feedback on their own presentations once the round is closed (named
  ones with the giver's name, anonymous ones with none: the state has none), and only the count
  before that;
- the mentor gets the count while the round is open and then the summary: averages per
  criterion and the tops and tips (named ones with the name), never one person's scores;
- everyone else (participants, the projector) gets who presents and, only for a round its
  presenter shared with the group, the averages and the tops and tips without any name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import events, feedback, trajectory
from realtime.events import Role
from realtime.feedback import Feedback, Round
from realtime.room import Room
from realtime.state import RoomState
from web import feedback_commands
from web.exports.filename import local_day
from web.feature import TRAJECTORY_ONLY, NowEntry, ProjectorEntry, Region, Tab, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {
    "feedback_presenter": "Who presents",
    "feedback_criterion": "Criterion",
    "feedback_scores": "A score for every criterion",
    "feedback_top": "Top",
    "feedback_tip": "Tip",
}


@dataclass(frozen=True, slots=True)
class ItemView:
    """One person's feedback, as its presenter (or its giver) sees it."""

    name: str  # "" when anonymous (or the giver's data was deleted)
    anonymous: bool
    scores: tuple[tuple[str, int], ...]  # (criterion, score)
    top: str
    tip: str


@dataclass(frozen=True, slots=True)
class RoundView:
    presentation: str
    presenter: str  # the presenter's name
    criteria: tuple[str, ...]
    tops: bool
    scale: bool
    anonymous: bool
    open: bool
    shared: bool
    count: int
    day: str  # ISO date it was started, on the trajectory's clock
    # Filled only for whoever may see them (module docstring); empty otherwise.
    averages: tuple[tuple[str, float | None], ...] = ()
    top_lines: tuple[tuple[str, str], ...] = ()  # (text, name or "")
    tip_lines: tuple[tuple[str, str], ...] = ()
    items: tuple[ItemView, ...] = ()  # the presenter's only

    @property
    def shown(self) -> bool:
        """Whether this copy carries the feedback (a summary or the items)."""
        return bool(self.averages or self.top_lines or self.tip_lines or self.items)


@dataclass(frozen=True, slots=True)
class FeedbackView:
    current: RoundView | None  # the round that takes feedback now
    stage: RoundView | None = None  # the projector's round: the current one, or else the last
    presenting: bool = False  # the viewer presents in the current round
    mine: ItemView | None = None  # the viewer's own feedback in the current round
    own: tuple[RoundView, ...] = ()  # the viewer's presentations, closed, with every feedback
    shared: tuple[RoundView, ...] = ()  # others' presentations shared with the group, no names
    history: tuple[RoundView, ...] = ()  # the mentor: every round, newest first, with its summary
    candidates: tuple[tuple[str, str], ...] = ()  # the mentor: (pid, name) of who is here
    defaults: tuple[str, ...] = ()  # the mentor: the criteria the start form offers


def _name(state: RoomState, pid: str) -> str:
    person = state.participants.get(pid) if pid else None
    return person.name if person is not None else ""


def _item(state: RoomState, round_: Round, given: Feedback, names: bool = True) -> ItemView:
    return ItemView(
        name=_name(state, given.author) if names else "", anonymous=given.anonymous,
        scores=tuple(zip(round_.criteria, given.scores, strict=False)), top=given.top, tip=given.tip,
    )


def _round(state: RoomState, round_: Round, *, summary: bool = False, names: bool = False,
           items: bool = False) -> RoundView:
    """A round as one viewer may see it: with its summary (names of named givers with `names`),
    and with every feedback (`items`); never either while it takes feedback."""
    made = feedback.summary(round_) if (summary or items) and not round_.open else None

    def lines(found: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        return tuple((text, _name(state, author) if names else "") for text, author in found)

    return RoundView(
        presentation=round_.presentation, presenter=_name(state, round_.presenter), criteria=round_.criteria,
        tops=round_.tops, scale=round_.scale, anonymous=round_.anonymous, open=round_.open, shared=round_.shared,
        count=round_.count, day=local_day(round_.started_at, state.part(trajectory.PART).timezone),
        averages=tuple(zip(round_.criteria, made.averages, strict=True)) if made and round_.scale else (),
        top_lines=lines(made.tops) if made else (),
        tip_lines=lines(made.tips) if made else (),
        items=tuple(_item(state, round_, f) for f in feedback.in_display_order(round_.given))
        if items and not round_.open else (),
    )


def view(room: Room, viewer: Viewer) -> FeedbackView:
    state = room.state
    part = state.part(feedback.PART)
    running = part.open_round()
    current = _round(state, running) if running is not None else None
    latest = part.latest()
    if viewer.role is Role.MENTOR:
        online = room.presence.online()
        people = sorted(((p.pid, p.name) for p in state.participants.values() if p.pid in online),
                        key=lambda pair: pair[1].casefold())
        last = next(iter(part.newest_first()), None)
        return FeedbackView(
            current=current,
            history=tuple(_round(state, r, summary=True, names=True) for r in part.newest_first()),
            candidates=tuple(people),
            defaults=last.criteria if last is not None else (),
        )
    shared = tuple(_round(state, r, summary=True) for r in part.newest_first()
                   if r.shared and not r.open and r.presenter != viewer.pid)
    if viewer.role is Role.PROJECTOR:
        stage = None
        if latest is not None:
            stage = _round(state, latest, summary=latest.shared)
        return FeedbackView(current=current, stage=stage)
    pid = viewer.pid
    given = running.of(pid) if running is not None else None
    return FeedbackView(
        current=current,
        presenting=running is not None and running.presenter == pid,
        mine=_item(state, running, given, names=False) if running is not None and given is not None else None,
        own=tuple(_round(state, r, items=True, summary=True, names=True)
                  for r in part.of_presenter(pid)[::-1] if not r.open),
        shared=shared,
    )


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    return {"feedback_view": view(room, viewer), "feedback_text_max": feedback.TEXT_MAX,
            "feedback_criterion_max": feedback.CRITERION_MAX, "feedback_criteria_max": feedback.CRITERIA_MAX}


def _now_title(state: RoomState, ref: str) -> str | None:
    """Who presents, while a round takes feedback (the phones open the form)."""
    running = state.part(feedback.PART).open_round()
    return _name(state, running.presenter) if running is not None else None


def _running(state: RoomState) -> list[str]:
    return [""] if state.part(feedback.PART).open_round() is not None else []


def _shown(state: RoomState, pid: str) -> bool:
    """Whether the participants' copies (one per participant) show `pid`: as a presenter, or as a
    named giver (to their presenter). A rename of anyone else leaves them alone."""
    return any(r.presenter == pid or pid in r.given for r in state.part(feedback.PART).rounds.values())


def _presenter(state: RoomState, pid: str) -> bool:
    return any(r.presenter == pid for r in state.part(feedback.PART).rounds.values())


_PARTICIPANT = frozenset({Role.PARTICIPANT})
_MENTOR = frozenset({Role.MENTOR})
_ALL = frozenset({"feedback", "feedback-console", "feedback-mine", "stage"})

FEATURE = WebFeature(
    name="feedback",
    cores=(feedback.FEATURE,),
    parsers=feedback_commands.PARSERS,
    regions=(
        # Per participant: the form, or their own feedback as presenter. Not own_events_only:
        # anonymous feedback names nobody, and the presenter's count changes with anyone's.
        Region("feedback", _PARTICIPANT, personal=True, order=6, on_pages=_PARTICIPANT, shows_person=_shown),
        Region("feedback-console", _MENTOR, order=8, on_pages=_MENTOR, section="feedback"),
        # "My trajectory": the feedback on my presentations, kept.
        Region("feedback-mine", _PARTICIPANT, personal=True, order=45, on_pages=_PARTICIPANT,
               pages=TRAJECTORY_ONLY, shows_person=_shown),
    ),
    event_regions={
        # The projector control offers the view once there was a round.
        feedback.PresentationStarted: _ALL | {"projector-control"},
        feedback.PresentationClosed: _ALL,
        feedback.FeedbackGiven: frozenset({"feedback", "feedback-console", "stage"}),
        feedback.FeedbackWithdrawn: frozenset({"feedback", "feedback-console", "stage"}),
        feedback.FeedbackShared: _ALL,
        events.ProfileUpdated: _ALL,
        events.SessionEnded: frozenset({"feedback", "feedback-console"}),
    },
    context=context,
    field_labels=FIELD_LABELS,
    projector=(ProjectorEntry("feedback", "Presentation",
                              available=lambda state: bool(state.part(feedback.PART).rounds)),),
    # The presenter select lists who is here.
    presence_regions=frozenset({"feedback-console"}),
    tabs=(Tab("feedback", "Presentation feedback", order=62),),
    now=(NowEntry("feedback", "Presentation", tab="more", item="feedback", title=_now_title,
                  events=frozenset({events.ProjectorViewChanged, feedback.PresentationStarted,
                                    feedback.PresentationClosed}),
                  views=frozenset({"feedback"}), running=_running, ref_of=lambda ref: ""),),
    stage_names={"feedback": _presenter},  # who presents; the givers are never on it
)
