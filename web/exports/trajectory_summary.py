"""The summary of a whole trajectory (issue 15): the plan in words, every session with its local
date and times, the group, the evaluation per session, then the summary of each session held
(web/exports/summary.py, whose privacy rules hold here unchanged). For people, like the session
summary; the trajectory's data files (web/exports/trajectory.py) stay what they are, for tools.
"""

from __future__ import annotations

from dataclasses import dataclass

from realtime import evaluation, successes, trajectory
from realtime.state import RoomState
from web.exports import summary
from web.exports.results import Row, Table
from web.i18n import Language


@dataclass(frozen=True, slots=True)
class SessionRow:
    number: int
    title: str
    date: str
    times: str
    status: str  # in words: held, cancelled, or "" (still to come)


@dataclass(frozen=True, slots=True)
class TrajectorySummary:
    lang: str
    name: str
    facts: tuple[tuple[str, str], ...]  # (label, value): theme, target group, format, cadence
    timezone: str
    sessions: tuple[SessionRow, ...]
    people: tuple[str, ...]
    trend: Table | None  # the evaluation's average per session
    held: tuple[summary.Summary, ...]
    iso_date: str  # the first session's date, for the file name
    # (name, text) of the successes their authors shared with the group, oldest first; never the
    # ones for the mentor only, never hidden ones (realtime/successes.py for_group).
    successes: tuple[tuple[str, str], ...] = ()


def _trend(state: RoomState, lang: Language) -> Table | None:
    t, fmt = lang.t, lang.formats
    withheld = evaluation.withheld_session(state)
    rows = []
    for s in evaluation.summaries(state.part(evaluation.PART), withheld):
        answers = lang.tn("{n} answer", "{n} answers", s.count)
        if s.average is None:
            rows.append(Row(t("Session {n}", n=s.session), "–", None if s.withheld else 0.0, answers))
        else:
            rows.append(Row(t("Session {n}", n=s.session), fmt.decimal(s.average), s.average / 5, answers))
    return Table(t("Session"), t("Average"), tuple(rows), t("Ratings from 1 to 5."), t("Answers")) if rows else None


def build(state: RoomState, lang: Language) -> TrajectorySummary:
    """The summary of a planned trajectory in `lang`."""
    t = lang.t
    traj = state.part(trajectory.PART)
    formats = {"room": t("In the room"), "online": t("Online"), "hybrid": t("Hybrid")}
    facts = ((t("Theme"), traj.theme), (t("Target group"), traj.target_group),
             (t("Format"), formats.get(traj.format, "")),
             (t("How often"), t("Every week") if traj.cadence == "weekly" else t("Every two weeks")))
    rows = []
    for s in traj.sessions:
        date, _iso, times = summary.when(state, s.number, lang)
        status = t("Held") if s.started else t("Cancelled") if s.cancelled else ""
        rows.append(SessionRow(s.number, s.title, date, times, status))
    return TrajectorySummary(
        lang=lang.code,
        name=traj.name or state.title,
        facts=tuple((label, value) for label, value in facts if value),
        timezone=traj.timezone,
        sessions=tuple(rows),
        people=tuple(p.name for p in state.participants.values()),
        trend=_trend(state, lang),
        held=tuple(summary.build(state, n, lang) for n in summary.sessions_to_summarize(state)),
        iso_date=traj.sessions[0].date if traj.sessions else "",
        successes=tuple((state.participants[s.author].name, s.text) for s in reversed(successes.for_group(state))),
    )
