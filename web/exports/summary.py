"""The summary of one meeting, as a mentor would send it to the group (issue 15): what the session
was, when (local time in the trajectory's time zone), who was in the group, the walls by title with
their post-its and votes, each breakout group's wall (its result: the post-its by column, most
votes first), the polls by question with their results, the questions asked, the action points
and the evaluation's aggregate. Everything is read from the room's state and put in words
of the session's language here; web/exports/summary_markdown.py and web/templates/summary.html
only lay it out.

Which session something belongs to: a room without a plan is one meeting (session 0) and holds
everything. In a planned trajectory a wall is placed by the seq it was made at
(`TrajectoryState.session_of_seq`; one prepared before the first session by its first post-it);
polls, questions and breakout rounds carry no seq, so they are placed by time the same way: in the
last session that had started when the poll got its first answer (or was made, without answers),
the question was asked or the groups started.

Privacy, as in the live views: hidden and deleted post-its and hidden answers are left out; a
post-it of a blind wall that was never revealed is counted, not shown; an author's name only where
the wall was named when it was written and still is (`wall.author_shown`); poll answers and
evaluations never carry a name; an anonymous question has no author to show. The evaluation of a
round that still takes answers shows its count only (`evaluation.withheld_session`). A breakout
group's post-its never carry a name (they are the group's result); the group's members do, as on
the projector.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from realtime import breakout_wall, breakouts, carryover, evaluation, polls, qa, trajectory, wall
from realtime.state import RoomState
from web.exports.results import PollResult, Table, evaluation_table, poll_result
from web.i18n import Language


@dataclass(frozen=True, slots=True)
class NoteLine:
    text: str
    group: str  # the group's label, "" when in none
    votes: int | None  # None: no vote on this wall
    author: str  # "" when the name may not be shown


@dataclass(frozen=True, slots=True)
class ColumnView:
    name: str
    notes: tuple[NoteLine, ...]


@dataclass(frozen=True, slots=True)
class WallSummary:
    title: str
    anonymous: bool
    voted: bool
    columns: tuple[ColumnView, ...]
    notes: int  # post-its shown
    left_out: str  # "2 hidden post-its left out." or "", in words
    unrevealed: str  # "5 post-its were never revealed." or ""


@dataclass(frozen=True, slots=True)
class GroupResult:
    number: int
    members: tuple[str, ...]
    columns: tuple[ColumnView, ...]  # its wall; each post-it's votes, no author
    notes: int


@dataclass(frozen=True, slots=True)
class BreakoutSummary:
    task: str
    groups: tuple[GroupResult, ...]


@dataclass(frozen=True, slots=True)
class QuestionLine:
    text: str
    votes: int
    answered: bool
    author: str  # "" for an anonymous question


@dataclass(frozen=True, slots=True)
class EvaluationSummary:
    answers: str  # "6 answers"
    table: Table | None  # None while the round still takes answers
    withheld: bool


@dataclass(frozen=True, slots=True)
class Summary:
    lang: str
    title: str  # the session's title (or the room's)
    session_title: str  # the session's own title in a trajectory, "" when it has none
    trajectory: str  # the trajectory's name, "" without a plan
    session: int  # 0: a room without a plan, or before the first session
    of_sessions: int
    date: str  # in words ("Thu 3 Dec 2026"), "" when unknown
    iso_date: str  # for the file name, "" when unknown
    times: str  # "19:00–21:00", "" when unknown
    timezone: str
    people: tuple[str, ...]
    walls: tuple[WallSummary, ...]
    polls: tuple[PollResult, ...]
    questions: tuple[QuestionLine, ...]
    action_points: tuple[str, ...]
    open_questions: tuple[str, ...]
    evaluation: EvaluationSummary | None
    breakouts: tuple[BreakoutSummary, ...] = ()


def sessions_to_summarize(state: RoomState) -> tuple[int, ...]:
    """The sessions a summary can be made of: 0 for a room without a plan; in a trajectory the
    sessions held so far (none before the first has started)."""
    traj = state.part(trajectory.PART)
    if not traj.planned:
        return (0,)
    return tuple(s.number for s in traj.sessions if s.started)


def default_session(state: RoomState) -> int:
    """The session the console's summary link is for: the running one, or the last one held."""
    traj = state.part(trajectory.PART)
    held = sessions_to_summarize(state)
    return traj.current if traj.current in held else (held[-1] if held else 0)


def session_of_time(traj: trajectory.TrajectoryState, at: float) -> int:
    """As `session_of_seq`, by time: the last session (by number) that had started at `at`."""
    number = 0
    for session in traj.sessions:
        if session.started_at is not None and at >= session.started_at:
            number = session.number
    return number


def _local(at: float, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(at, zone)


def when(state: RoomState, number: int, lang: Language) -> tuple[str, str, str]:
    """(date in words, ISO date, times) of the session: the times it was held, else the planned ones."""
    traj = state.part(trajectory.PART)
    zone = ZoneInfo(traj.timezone)
    fmt = lang.formats
    session = traj.session(number)
    if session is not None and session.started_at is None:
        times = f"{fmt.time(session.start)}–{fmt.time(session.end)}" if session.start else ""
        return fmt.date(session.date, "yMMMMEEEEd") if session.date else "", session.date, times
    began = session.started_at if session is not None else state.created_at
    ended = session.ended_at if session is not None else state.ended_at
    if not began:
        return "", "", ""
    start = _local(began, zone)
    times = fmt.time(start.time().replace(second=0, microsecond=0))
    if ended:
        times += "–" + fmt.time(_local(ended, zone).time().replace(second=0, microsecond=0))
    return fmt.date(start.date(), "yMMMMEEEEd"), start.date().isoformat(), times


def _wall(state: RoomState, w: wall.Wall, lang: Language) -> WallSummary:
    tn = lang.tn
    names = {p.pid: p.name for p in state.participants.values()}
    counts = w.voting.counts()
    live = w.live_notes()
    shown = [] if w.blind else [n for n in live if not n.hidden]
    hidden = sum(1 for n in live if n.hidden)
    columns = []
    for column in w.columns:
        notes = wall.column_notes(w, column.cid, shown)
        if w.voting.started:  # the totals are what the group decided by: most votes first
            notes.sort(key=lambda n: -counts.get(n.nid, 0))
        columns.append(ColumnView(column.name, tuple(
            NoteLine(
                n.text,
                w.groups[n.group].label if n.group in w.groups else "",
                counts.get(n.nid, 0) if w.voting.started else None,
                names.get(n.author, "") if wall.author_shown(w, n) else "",
            )
            for n in notes
        )))
    left_out = tn("{n} hidden post-it left out.", "{n} hidden post-its left out.", hidden) if hidden else ""
    unrevealed = tn("{n} post-it was never revealed.", "{n} post-its were never revealed.", len(live)) if live else ""
    return WallSummary(w.title, w.anonymous, w.voting.started, tuple(columns), len(shown),
                       "" if w.blind else left_out, unrevealed if w.blind else "")


def _breakouts(state: RoomState, r: breakouts.Round, lang: Language) -> BreakoutSummary:
    """One round that ran: each group's wall, column by column, the most votes first."""
    names = {p.pid: p.name for p in state.participants.values()}
    groups = []
    for g in r.groups:
        notes = breakout_wall.by_dots(r.notes_of(g))
        columns = tuple(
            ColumnView(r.column_title(c) or lang.t("Our result"),
                       tuple(NoteLine(n.text, "", len(n.dots), "") for n in notes
                             if n.column == c or (c == r.column_ids[0] and n.column not in r.column_ids)))
            for c in r.column_ids
        )
        groups.append(GroupResult(int(g), tuple(names[p] for p in r.members(g) if p in names), columns, len(notes)))
    return BreakoutSummary(r.task, tuple(groups))


def _wall_session(traj: trajectory.TrajectoryState, w: wall.Wall) -> int:
    """The session a wall was made in; one prepared before the first session goes with the
    session of its first post-it."""
    made = traj.session_of_seq(w.created_seq)
    if made or not w.notes:
        return made
    return session_of_time(traj, min(n.created_at for n in w.notes.values()))


def _poll_time(poll: polls.Poll) -> float:
    return min((b.at for b in poll.ballots.values()), default=poll.created_at)


def _evaluation(state: RoomState, number: int, lang: Language) -> EvaluationSummary | None:
    withheld = evaluation.withheld_session(state)
    for s in evaluation.summaries(state.part(evaluation.PART), withheld):
        if s.session == number:
            answers = lang.tn("{n} answer", "{n} answers", s.count)
            return EvaluationSummary(answers, None if s.withheld else evaluation_table(s, lang), s.withheld)
    return None


def build(state: RoomState, number: int, lang: Language) -> Summary:
    """The summary of session `number` (one of `sessions_to_summarize`) in `lang`."""
    traj = state.part(trajectory.PART)
    planned = traj.planned

    def in_session(at: float) -> bool:
        return not planned or session_of_time(traj, at) == number

    session = traj.session(number)
    names = {p.pid: p.name for p in state.participants.values()}
    until = session.ended_at if session is not None and session.ended_at else None
    # The group as it was: who had joined by the end of the session (Kring keeps no attendance).
    people = tuple(p.name for p in state.participants.values() if until is None or p.joined_at <= until)
    walls = tuple(
        _wall(state, w, lang) for w in state.part(wall.PART).walls.values()
        if not planned or _wall_session(traj, w) == number
    )
    shown_polls = tuple(
        poll_result(p, lang) for p in state.part(polls.PART).polls.values()
        if (p.status != "draft" or p.ballots) and in_session(_poll_time(p))
    )
    questions = tuple(
        QuestionLine(q.text, q.votes, q.status == "answered", names.get(q.pid, "") if q.pid else "")
        for q in sorted(state.part(qa.PART).questions.values(), key=lambda q: (-q.votes, q.asked_at))
        if q.status in qa.VISIBLE and in_session(q.asked_at)  # what the group saw
    )
    rounds = tuple(
        _breakouts(state, r, lang) for r in state.part(breakouts.PART).rounds.values()
        if r.started_at is not None and in_session(r.started_at)
    )
    carried = state.part(carryover.PART).of(number)
    date, iso, times = when(state, number, lang)
    return Summary(
        lang=lang.code,
        title=(session.title if session is not None else "") or state.title,
        session_title=session.title if session is not None else "",
        trajectory=(traj.name or state.title) if planned else "",
        session=number,
        of_sessions=len(traj.sessions),
        date=date, iso_date=iso, times=times, timezone=traj.timezone,
        people=people, walls=walls, polls=shown_polls, questions=questions,
        action_points=carried.action_points if carried else (),
        open_questions=carried.open_questions if carried else (),
        evaluation=_evaluation(state, number, lang),
        breakouts=rounds,
    )
