"""The web side of the agenda: the running agenda on the live pages and the projector, and the
agenda builder for every planned session on the mentor's trajectory page.

Everyone in the room may see the agenda (it is the plan of the session they are in); only the
mentor gets the controls. The countdown of the running block is done by web/static/agenda.js from
the block's start time (data-ends-at), so the server sends nothing while time passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import agenda, evaluation, events, topics, trajectory
from realtime.agenda import Block, SessionAgenda
from realtime.events import Role
from realtime.room import Room
from realtime.state import RoomState
from web import agenda_commands
from web.feature import TRAJECTORY_ONLY, NowEntry, ProjectorEntry, Region, Tab, WebFeature, nobody
from web.viewer import Viewer

# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "agenda_session": "Session",
    "agenda_kind": "Kind",
    "agenda_title": "Title of the block",
    "agenda_minutes": "Minutes",
    "agenda_template": "Template",
    "agenda_direction": "Direction",
}


@dataclass(frozen=True, slots=True)
class BlockView:
    bid: str
    kind: str
    title: str
    minutes: int
    state: str  # "done", "current", "next" (after the current one) or "planned" (none runs)
    topic: str


@dataclass(frozen=True, slots=True)
class RunningAgenda:
    session: int
    blocks: tuple[BlockView, ...]
    current: BlockView | None
    ends_at: float  # epoch seconds the current block's planned time runs out (0: none runs)
    started_at: float
    upcoming: tuple[BlockView, ...]
    finished: bool
    planned_minutes: int
    position: int  # 1-based place of the current block (0: none runs)


@dataclass(frozen=True, slots=True)
class TopicChoice:
    tid: str
    title: str
    votes: int


@dataclass(frozen=True, slots=True)
class PlanSession:
    number: int
    date: str  # ISO, "" when not planned; templates show it with format_date
    title: str
    blocks: tuple[Block, ...]
    planned_minutes: int
    topics: tuple[TopicChoice, ...]  # topics not on this agenda yet, most votes first
    is_current: bool
    done: bool  # the session has run


def running(state: RoomState, session: int) -> RunningAgenda:
    plan: SessionAgenda = state.part(agenda.PART).of(session)
    at = plan.index(plan.current) if plan.current else -1
    views = []
    for index, block in enumerate(plan.blocks):
        if plan.finished or (at >= 0 and index < at):
            kind = "done"
        elif index == at:
            kind = "current"
        elif at >= 0:
            kind = "next"
        else:
            kind = "planned"
        views.append(BlockView(block.bid, block.kind, block.title, block.minutes, kind, block.topic))
    current = views[at] if at >= 0 else None
    started = plan.started_at or 0.0
    return RunningAgenda(
        session=session,
        blocks=tuple(views),
        current=current,
        ends_at=started + current.minutes * 60 if current is not None else 0.0,
        started_at=started,
        upcoming=tuple(v for v in views if v.state in ("next", "planned")),
        finished=plan.finished,
        planned_minutes=plan.planned_minutes,
        position=at + 1,
    )


def _plan(room: Room) -> tuple[PlanSession, ...]:
    state = room.state
    ranked = [t for t in state.part(topics.PART).by_votes() if t.status != "discussed"]
    sessions = state.part(trajectory.PART).sessions
    numbers = [s.number for s in sessions] if sessions else [0]
    result = []
    for number in numbers:
        plan = state.part(agenda.PART).of(number)
        planned = state.part(trajectory.PART).session(number)
        used = {b.topic for b in plan.blocks}
        result.append(
            PlanSession(
                number=number,
                date=planned.date if planned is not None else "",
                title=planned.title if planned is not None else "",
                blocks=plan.blocks,
                planned_minutes=plan.planned_minutes,
                topics=tuple(TopicChoice(t.tid, t.title, t.votes) for t in ranked if t.tid not in used)[:8],
                is_current=number == state.part(trajectory.PART).current,
                done=planned is not None and planned.ended_at is not None,
            )
        )
    return tuple(result)


def _open_session(plan: tuple[PlanSession, ...]) -> int:
    """The session whose builder opens first: the next one that has not run yet."""
    return next((p.number for p in plan if not p.done), plan[-1].number if plan else 0)


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    data: dict[str, Any] = {
        "agenda_kinds": agenda.KINDS,
        "agenda_templates": tuple(agenda.TEMPLATES),
        "agenda_minutes_max": agenda.MINUTES_MAX,
    }
    if viewer.page == "trajectory":
        if viewer.role is Role.MENTOR:
            plan = _plan(room)
            data["agenda_plan"] = plan
            data["agenda_plan_open"] = _open_session(plan)
        return data
    data["agenda_view"] = running(room.state, room.state.part(trajectory.PART).current)
    return data


_LIVE = frozenset({"agenda", "stage"})
_ALL = _LIVE | {"agenda-plan"}
_BOTH = frozenset({Role.MENTOR, Role.PARTICIPANT})
_MENTOR = frozenset({Role.MENTOR})

def _running_block(state: RoomState) -> list[str]:
    session = state.part(trajectory.PART).current
    return [""] if state.part(agenda.PART).of(session).current else []


def _now_title(state: RoomState, ref: str) -> str | None:
    """The running block's title ("" when untitled: the label says "Agenda"); None without agenda."""
    running = state.part(agenda.PART).of(state.part(trajectory.PART).current)
    if not running.blocks:
        return None
    block = running.block(running.current) if running.current else None
    return block.title if block is not None else ""


FEATURE = WebFeature(
    name="agenda",
    cores=(agenda.FEATURE,),
    parsers=agenda_commands.PARSERS,
    regions=(
        Region("agenda", _BOTH, order=8, on_pages=_BOTH, section="agenda", context_from=frozenset({"evaluation"})),
        Region("agenda-plan", _MENTOR, order=51, on_pages=_MENTOR, pages=TRAJECTORY_ONLY),
    ),
    event_regions={
        **{cls: _ALL for cls in agenda.EVENTS},
        # A topic's title or votes show in the builder's "add a topic" list.
        **{cls: frozenset({"agenda-plan"}) for cls in topics.EVENTS},
        trajectory.TrajectoryPlanned: _ALL,
        trajectory.SessionPlanned: frozenset({"agenda-plan"}),
        trajectory.TrajectorySessionStarted: _ALL,
        trajectory.TrajectorySessionEnded: frozenset({"agenda-plan"}),
        events.SessionEnded: _LIVE,
        # The mentor's "now" box offers to open the evaluation during an evaluation block.
        evaluation.EvaluationOpened: frozenset({"agenda"}),
        evaluation.EvaluationClosed: frozenset({"agenda"}),
    },
    context=context,
    field_labels=FIELD_LABELS,
    projector=(ProjectorEntry("agenda", "Agenda"),),
    tabs=(Tab("agenda", "Agenda", order=40),),
    # A running block and its timer is "now" when nothing else is (the manifest puts it late).
    now=(NowEntry("agenda", "Agenda", tab="more", item="agenda", title=_now_title,
                  events=frozenset({events.ProjectorViewChanged, *agenda.EVENTS,
                                    trajectory.TrajectorySessionStarted}),
                  views=frozenset({"agenda"}), running=_running_block, ref_of=lambda ref: ""),),
    stage_names={"agenda": nobody},
)
