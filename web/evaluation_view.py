"""The web side of the evaluation after every session: the form on the phones, the mentor's console
and results with the trend across sessions, and the projector's "fill in the evaluation".

Privacy lives in `context`: a participant gets only whether they answered the open round, their own
named answer, and the mentor's "what I changed" note; never anyone else's answer. The projector gets
the count of answers, no names. The mentor gets every answer, named ones with the name, anonymous
ones with none (the state has none to give) and in an order that does not follow their arrival.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import evaluation, events, trajectory
from realtime.evaluation import Evaluation, Round, SessionSummary
from realtime.events import Role
from realtime.room import Room
from realtime.state import RoomState
from web import evaluation_commands
from web.feature import TRAJECTORY_ONLY, NowEntry, ProjectorEntry, Region, Tab, WebFeature, nobody
from web.viewer import Viewer

# The trend chart's drawing area (SVG user units); the template scales it to the card's width.
CHART_W, CHART_H = 600, 240
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 44, 16, 16, 36



# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "evaluation_session": "Session",
    "evaluation_rating": "Your rating",
    "evaluation_worked": "What worked",
    "evaluation_better": "What could be better",
    "evaluation_change": "What I changed",
}


@dataclass(frozen=True, slots=True)
class AnswerView:
    rating: int
    worked: str
    better: str
    name: str  # "" for anonymous answers (and for a participant's view of anything but their own)
    anonymous: bool


@dataclass(frozen=True, slots=True)
class SessionResults:
    session: int
    date: str  # ISO, "" when not planned; templates show it with format_date
    count: int
    average: float | None  # None without answers; templates show it with format_decimal
    spread: tuple[tuple[int, int, int], ...]  # (rating, count, percent of the answers)
    answers: tuple[AnswerView, ...]
    change: str
    is_open: bool


@dataclass(frozen=True, slots=True)
class Point:
    session: int
    x: float
    y: float
    average: float
    count: int


@dataclass(frozen=True, slots=True)
class Trend:
    points: tuple[Point, ...]
    polyline: str
    grid: tuple[tuple[int, float], ...]  # (rating, y)
    width: int = CHART_W
    height: int = CHART_H
    left: int = CHART_LEFT
    right: int = CHART_W - CHART_RIGHT
    bottom: float = CHART_H - CHART_BOTTOM


@dataclass(frozen=True, slots=True)
class EvaluationView:
    open: Round | None  # the round that is open now, if any
    session: int  # the session the live page is about (trajectory.current)
    count: int  # answers in the open round
    answered: bool = False  # the participant viewing has answered the open round
    mine: Evaluation | None = None  # their own named answer to it
    change: tuple[int, str] | None = None  # the latest "what I changed" for participants
    results: tuple[SessionResults, ...] = ()  # the mentor only
    trend: Trend | None = None  # the mentor only


def trend(summaries: list[SessionSummary]) -> Trend | None:
    """The average rating per session as points of a line chart (ratings 1..5 bottom to top)."""
    rated = [s for s in summaries if s.average is not None]
    if not rated:
        return None
    inner_w = CHART_W - CHART_LEFT - CHART_RIGHT
    inner_h = CHART_H - CHART_TOP - CHART_BOTTOM

    def y_of(rating: float) -> float:
        return round(CHART_TOP + inner_h * (5 - rating) / 4, 1)

    step = inner_w / max(1, len(rated) - 1)
    points = tuple(
        Point(
            s.session,
            round(CHART_LEFT + (step * i if len(rated) > 1 else inner_w / 2), 1),
            y_of(s.average or 0.0),
            s.average or 0.0,
            s.count,
        )
        for i, s in enumerate(rated)
    )
    polyline = " ".join(f"{p.x},{p.y}" for p in points)
    return Trend(points, polyline, tuple((r, y_of(r)) for r in range(1, 6)))


def _answers(answers: list[Evaluation], names: Mapping[str, str]) -> tuple[AnswerView, ...]:
    return tuple(
        AnswerView(e.rating, e.worked, e.better, "" if e.anonymous else names.get(e.author, "?"), e.anonymous)
        for e in evaluation.in_display_order(answers)
    )


def _results(room: Room) -> tuple[SessionResults, ...]:
    state = room.state
    names = {pid: p.name for pid, p in state.participants.items()}
    rows = []
    for summary in evaluation.summaries(state.part(evaluation.PART), evaluation.withheld_session(state)):
        planned = state.part(trajectory.PART).session(summary.session)
        rows.append(
            SessionResults(
                session=summary.session,
                date=planned.date if planned is not None else "",
                count=summary.count,
                average=summary.average,
                spread=tuple(
                    (r, n, round(100 * n / summary.count) if summary.count else 0)
                    for r, n in zip(range(1, 6), summary.ratings, strict=True)
                ),
                answers=() if summary.withheld
                else _answers(state.part(evaluation.PART).of_session(summary.session), names),
                change=state.part(evaluation.PART).changes.get(summary.session, ""),
                is_open=summary.withheld,
            )
        )
    rows.reverse()  # the newest session first: that is the one the mentor looks at
    return tuple(rows)


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state
    open_round = evaluation.current_round(state)
    view = EvaluationView(
        open=open_round,
        session=state.part(trajectory.PART).current,
        count=open_round.count if open_round is not None else 0,
    )
    if viewer.role is Role.PARTICIPANT:
        answered = open_round is not None and open_round.answered(viewer.pid)
        mine = None
        if answered and open_round is not None:
            given = state.part(evaluation.PART).of_session(open_round.session)
            mine = next((e for e in given if e.author == viewer.pid), None)
        view = EvaluationView(
            view.open, view.session, view.count, answered, mine, evaluation.latest_change(state)
        )
    elif viewer.role is Role.MENTOR:
        on_trajectory_page = viewer.page == "trajectory"
        view = EvaluationView(
            view.open, view.session, view.count,
            results=_results(room) if on_trajectory_page else (),
            trend=trend(evaluation.summaries(state.part(evaluation.PART), evaluation.withheld_session(state)))
            if on_trajectory_page else None,
        )
    return {"evaluation_view": view}


_PARTICIPANT = frozenset({Role.PARTICIPANT})
_MENTOR = frozenset({Role.MENTOR})
_ROUNDS = frozenset({"evaluation", "evaluation-console", "evaluation-results", "stage"})

def _has_evaluation(state: RoomState) -> bool:
    """The projector control offers the evaluation once there is one to show."""
    return bool(state.part(evaluation.PART).rounds)


def _taking_answers(state: RoomState) -> list[str]:
    return [""] if evaluation.current_round(state) is not None else []


FEATURE = WebFeature(
    name="evaluation",
    cores=(evaluation.FEATURE,),
    parsers=evaluation_commands.PARSERS,
    regions=(
        # At the top of the phone's live page: at the end of a session this is what matters.
        Region("evaluation", _PARTICIPANT, personal=True, own_events_only=True, order=5, on_pages=_PARTICIPANT),
        Region("evaluation-console", _MENTOR, order=7, on_pages=_MENTOR, section="evaluation"),
        Region("evaluation-results", _MENTOR, order=50, on_pages=_MENTOR, pages=TRAJECTORY_ONLY),
    ),
    event_regions={
        evaluation.EvaluationOpened: _ROUNDS,
        evaluation.EvaluationClosed: _ROUNDS,
        # A named answer re-renders its author's form only; an anonymous one (pid None) every form,
        # as nothing may say whose it was (the forms keep what people are typing: a morph keeps it).
        evaluation.EvaluationSubmitted: _ROUNDS,
        evaluation.FeedbackChangeNoted: frozenset({"evaluation", "evaluation-results"}),
        # A new session shows last session's "what I changed" and is the session evaluated next.
        events.SessionEnded: frozenset({"evaluation", "evaluation-console"}),
        trajectory.TrajectorySessionStarted: _ROUNDS,
        trajectory.TrajectorySessionEnded: frozenset({"evaluation-console"}),
        trajectory.SessionPlanned: frozenset({"evaluation-results"}),
    },
    context=context,
    field_labels=FIELD_LABELS,
    projector=(ProjectorEntry("evaluation", "Evaluation", _has_evaluation),),
    tabs=(Tab("evaluation", "Evaluation", order=60),),
    # Now while it takes answers (projected or only sent to the phones); its results on the
    # projector are nothing to do on a phone.
    now=(NowEntry("evaluation", "Evaluation", tab="more", item="evaluation",
                  title=lambda state, ref: "" if _taking_answers(state) else None,
                  events=frozenset({events.ProjectorViewChanged, evaluation.EvaluationOpened,
                                    evaluation.EvaluationClosed, trajectory.TrajectorySessionStarted}),
                  running=_taking_answers),),
    stage_names={"evaluation": nobody},  # how many answered
)
