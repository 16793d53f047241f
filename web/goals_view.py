"""The web side of learning goals and check-ins: a participant's goals, check-in form and progress
chart; the mentor's check-in control, group goals and the group's progress.

Privacy: a participant's context holds only their own goals and ratings, plus the group goals
(which are shared by design). Other people's goals, ratings and notes are only in the mentor's
context, and only mentor-only regions render them; the projector gets nothing of this feature.

The mentor's data is computed only when a template asks for it (`goals_group()`), so the many
console renders of other features do not pay for charts they do not show.

Charts are inline SVG computed here as plain numbers (the CSP allows no inline styles or
scripts); each has a table for screen readers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from realtime import events, goals, trajectory
from realtime.events import Role
from realtime.goals import Goal, GoalsState, Rating
from realtime.room import Room
from web import goals_commands
from web.feature import BOTH_PAGES, TRAJECTORY_ONLY, NowEntry, Region, WebFeature
from web.viewer import Viewer

# ---------------------------------------------------------------- charts



# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "goal": "Learning goal",
    "goal_text": "Learning goal",
    "goal_rating": "Progress rating",
    "goal_note": "Note on your progress",
    "goal_schedule": "When to check in",
}


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    session: int
    value: float  # shown by the template in the reader's number format (format_decimal)


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    points: tuple[Point, ...]
    line: str  # the polyline's points attribute
    x_ticks: tuple[tuple[float, int], ...]  # (x, session number)
    y_ticks: tuple[tuple[float, int], ...]  # (y, rating)
    left: float
    right: float
    top: float
    bottom: float


def line_chart(
    data: Sequence[tuple[int, float]], sessions: Sequence[int], *, width: int = 320, height: int = 170,
    pad: tuple[float, float, float, float] = (30, 14, 18, 28), ticks: bool = True,
) -> Chart:
    """A 0-10 line chart of (session, value) over the session axis `sessions` (sorted).

    `pad` is (left, right, top, bottom) room for the axis labels."""
    left, right, top, bottom = pad
    plot_w, plot_h = width - left - right, height - top - bottom
    slots = list(sessions) or [0]
    step = plot_w / (len(slots) - 1) if len(slots) > 1 else 0.0

    def x_of(session: int) -> float:
        index = slots.index(session) if session in slots else 0
        return round(left + (index * step if len(slots) > 1 else plot_w / 2), 1)

    def y_of(value: float) -> float:
        return round(top + plot_h * (1 - value / goals.RATING_MAX), 1)

    points = tuple(Point(x_of(s), y_of(v), s, v) for s, v in data if s in slots)
    return Chart(
        width=width,
        height=height,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        x_ticks=tuple((x_of(s), s) for s in slots) if ticks else (),
        y_ticks=tuple((y_of(v), v) for v in (0, 5, 10)) if ticks else (),
        left=left,
        right=width - right,
        top=top,
        bottom=height - bottom,
    )


def session_axis(room: Room, ratings: Sequence[Rating]) -> tuple[int, ...]:
    """The sessions a chart runs over: every planned session, and 0 ("start") or any other session
    only when something was rated in it."""
    planned = set(range(1, len(room.state.part(trajectory.PART).sessions) + 1))
    return tuple(sorted(planned | {r.session for r in ratings}))


# ---------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class GoalProgress:
    goal: Goal
    chart: Chart
    rows: tuple[Rating, ...]  # by session
    latest: Rating | None


@dataclass(frozen=True, slots=True)
class CheckInItem:
    goal: Goal
    mine: Rating | None  # the viewer's rating in the open check-in


@dataclass(frozen=True, slots=True)
class CheckInView:
    open: bool
    session: int
    running: bool  # a trajectory session runs now
    items: tuple[CheckInItem, ...] = ()
    done: bool = False  # the viewer rated at least one goal in this check-in


@dataclass(frozen=True, slots=True)
class PersonProgress:
    pid: str
    name: str
    goals: tuple[GoalProgress, ...]
    rated_now: bool


@dataclass(frozen=True, slots=True)
class GroupView:
    average: Chart
    average_rows: tuple[tuple[int, float, int], ...]  # (session, mean, people)
    people: tuple[PersonProgress, ...]
    group_goals: tuple[GoalProgress, ...]
    rated_now: tuple[str, ...]  # names who rated in the open (or last) check-in
    waiting: tuple[str, ...]  # names with goals who did not
    without_goals: tuple[str, ...]
    schedule: str
    scheduled: tuple[int, ...]


def _rows(gs: GoalsState) -> dict[tuple[str, str], list[Rating]]:
    """Ratings per (person, goal), by session: one pass, so a group of hundreds stays cheap."""
    rows: dict[tuple[str, str], list[Rating]] = {}
    for r in gs.ratings.values():
        rows.setdefault((r.pid, r.gid), []).append(r)
    for items in rows.values():
        items.sort(key=lambda r: r.session)
    return rows


def _progress(room: Room, goal: Goal, ratings: Sequence[Rating], *, small: bool = False) -> GoalProgress:
    rows = tuple(ratings)
    axis = session_axis(room, rows)
    data = [(r.session, float(r.value)) for r in rows]
    chart = (line_chart(data, axis, width=120, height=40, pad=(4, 4, 5, 5), ticks=False) if small
             else line_chart(data, axis))
    return GoalProgress(goal, chart, rows, rows[-1] if rows else None)


def checkin_view(room: Room, pid: str) -> CheckInView:
    state = room.state
    session = goals.checkin_session(state)
    is_open = goals.checkin_open(state)
    part = state.part(goals.PART)
    items = tuple(CheckInItem(g, part.ratings.get((pid, g.gid, session))) for g in part.rateable_by(pid)) if pid else ()
    return CheckInView(
        open=is_open, session=session, running=state.part(trajectory.PART).running, items=items,
        done=any(i.mine is not None for i in items),
    )


def group_view(room: Room) -> GroupView:
    state = room.state
    gs = state.part(goals.PART)
    people = state.participants
    session = goals.checkin_session(state)
    pids = tuple(people)
    rows = _rows(gs)
    owned: dict[str, list[Goal]] = {}
    for g in gs.goals:
        owned.setdefault(g.owner, []).append(g)
    rated = {r.pid for r in gs.ratings.values() if r.session == session}
    persons = tuple(
        PersonProgress(
            pid, people[pid].name,
            tuple(_progress(room, g, rows.get((pid, g.gid), ()), small=True) for g in owned.get(pid, ())),
            pid in rated,
        )
        for pid in pids
    )
    avg = goals.group_average(gs, pids)
    axis = session_axis(room, list(gs.ratings.values()))
    present = set(pids)
    return GroupView(
        average=line_chart([(s, m) for s, m, _ in avg], axis),
        average_rows=avg,
        people=persons,
        group_goals=tuple(_group_goal_progress(room, gs, g, present) for g in owned.get(goals.GROUP, ())),
        rated_now=tuple(p.name for p in persons if p.rated_now),
        waiting=tuple(p.name for p in persons if not p.rated_now and (p.goals or gs.group_goals)),
        without_goals=tuple(p.name for p in persons if not p.goals),
        schedule=gs.schedule,
        scheduled=tuple(sorted(goals.scheduled_sessions(gs.schedule, len(state.part(trajectory.PART).sessions)))),
    )


def _group_goal_progress(room: Room, gs: GoalsState, goal: Goal, pids: set[str]) -> GoalProgress:
    """A group goal's line: the group's mean rating of it per session."""
    mine = [r for r in gs.ratings.values() if r.gid == goal.gid and r.pid in pids]
    by_session: dict[int, list[int]] = {}
    for r in mine:
        by_session.setdefault(r.session, []).append(r.value)
    data = [(s, round(sum(v) / len(v), 1)) for s, v in sorted(by_session.items())]
    chart = line_chart(data, session_axis(room, mine), width=120, height=40, pad=(4, 4, 5, 5), ticks=False)
    return GoalProgress(goal, chart, (), None)


def _my_progress(room: Room, pid: str) -> tuple[GoalProgress, ...]:
    gs = room.state.part(goals.PART)
    mine = [r for r in gs.ratings.values() if r.pid == pid]
    return tuple(
        _progress(room, g, sorted((r for r in mine if r.gid == g.gid), key=lambda r: r.session))
        for g in gs.rateable_by(pid)
    )


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    """Callables, computed on first use: every region render of every feature builds the whole
    context, and most of them show nothing of this feature."""
    state = room.state
    pid = viewer.pid if viewer.role is Role.PARTICIPANT else ""
    base: dict[str, Any] = {
        "goal_limits": {"goals": goals.GOALS_MAX, "group": goals.GROUP_GOALS_MAX, "text": goals.GOAL_MAX,
                        "note": goals.NOTE_MAX},
        "goals_group_goals": cache(lambda: state.part(goals.PART).group_goals),
        "goals_checkin": cache(lambda: checkin_view(room, pid)),
    }
    if viewer.role is Role.PARTICIPANT:
        base["goals_mine"] = cache(lambda: state.part(goals.PART).goals_of(pid))
        base["goals_progress"] = cache(lambda: _my_progress(room, pid))
    elif viewer.role is Role.MENTOR:
        base["goals_group"] = cache(lambda: group_view(room))
    return base


# ---------------------------------------------------------------- wiring

_PARTICIPANT = frozenset({Role.PARTICIPANT})
_MENTOR = frozenset({Role.MENTOR})
_MINE = frozenset({"goals-me", "goals-progress", "goals-checkin"})
_MENTOR_REGIONS = frozenset({"goals-control", "goals-group"})
_CHECKIN = frozenset({"goals-checkin", "goals-control", "goals-group"})

FEATURE = WebFeature(
    name="goals",
    cores=(goals.FEATURE,),
    parsers=goals_commands.PARSERS,
    regions=(
        # The check-in form: on the live page during a session (above the hand: the mentor just
        # asked everyone), and on the trajectory page too (a check-in opened between sessions).
        # Empty while no check-in is open.
        Region("goals-checkin", _PARTICIPANT, personal=True, own_events_only=True, order=9,
               on_pages=_PARTICIPANT, pages=BOTH_PAGES),
        Region("goals-me", _PARTICIPANT, personal=True, own_events_only=True, order=22,
               on_pages=_PARTICIPANT, pages=TRAJECTORY_ONLY),
        Region("goals-progress", _PARTICIPANT, personal=True, own_events_only=True, order=23,
               on_pages=_PARTICIPANT, pages=TRAJECTORY_ONLY),
        # The mentor's check-in control: open one now (live page), and when they come (both).
        Region("goals-control", _MENTOR, order=21, on_pages=_MENTOR, section="trajectory", pages=BOTH_PAGES),
        Region("goals-group", _MENTOR, order=22, on_pages=_MENTOR, pages=TRAJECTORY_ONLY),
    ),
    event_regions={
        goals.GoalAdded: _MINE | _MENTOR_REGIONS,
        goals.GoalEdited: _MINE | _MENTOR_REGIONS,
        goals.GoalRemoved: _MINE | _MENTOR_REGIONS,
        goals.GroupGoalAdded: _MINE | _MENTOR_REGIONS,
        goals.GroupGoalEdited: _MINE | _MENTOR_REGIONS,
        goals.GroupGoalRemoved: _MINE | _MENTOR_REGIONS,
        goals.GoalCheckInScheduled: _CHECKIN,
        goals.GoalCheckInOpened: _CHECKIN,
        goals.GoalCheckInClosed: _CHECKIN,
        goals.GoalRated: _MINE | _MENTOR_REGIONS,
        # A scheduled check-in opens and closes with its session; the chart's axis is the plan.
        trajectory.TrajectoryPlanned: _CHECKIN | {"goals-progress"},
        trajectory.TrajectorySessionStarted: _CHECKIN,
        trajectory.TrajectorySessionEnded: _CHECKIN,
        events.ParticipantJoined: frozenset({"goals-group"}),
        events.ProfileUpdated: frozenset({"goals-group"}),
        events.SessionEnded: _MINE | _MENTOR_REGIONS,
    },
    context=context,
    field_labels=FIELD_LABELS,
    # An open check-in is something to do now (the mentor just asked everyone).
    now=(NowEntry("checkin", "Check-in on your goals", tab="more", item="goals-checkin",
                  title=lambda state, ref: "" if goals.checkin_open(state) else None,
                  events=frozenset({goals.GoalCheckInOpened, goals.GoalCheckInClosed, goals.GoalCheckInScheduled,
                                    trajectory.TrajectorySessionStarted, trajectory.TrajectorySessionEnded}),
                  running=lambda state: [""] if goals.checkin_open(state) else []),),
)
