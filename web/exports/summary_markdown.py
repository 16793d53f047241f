"""The session summary (web/exports/summary.py) and the trajectory summary
(web/exports/trajectory_summary.py) as Markdown, in the summary's language.

Every piece of user text goes through `md_text`, so a title like "# x | y" or "<script>" stays
text: it cannot start a heading, split a table cell or become HTML in a Markdown viewer. The
headings, labels, numbers and dates are Kring's own words (the catalogs, Babel's formats) and are
written as they are, so that "Post-it walls" and "4.5" read as such in a plain-text e-mail too.
"""

from __future__ import annotations

from web.exports.cells import md_text
from web.exports.results import Table
from web.exports.summary import Summary, WallSummary
from web.exports.trajectory_summary import TrajectorySummary
from web.i18n import Language


def _table(lines: list[str], table: Table) -> None:
    marks = any(row.mark for row in table.rows)
    details = any(row.detail for row in table.rows)
    head = [table.label_heading, table.value_heading] + ([table.detail_heading] if details else []) + (
        [""] if marks else [])
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1 - marks) + ["---"] * marks) + "|")
    for row in table.rows:
        cells = [md_text(row.label), row.value] + ([row.detail] if details else []) + ([row.mark] if marks else [])
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if table.note:
        lines += [table.note, ""]


def _h(level: int, text: str) -> list[str]:
    """A heading `level` deep (Markdown has six) and the blank line after it."""
    return ["#" * min(level, 6) + " " + text, ""]


def _wall(lines: list[str], w: WallSummary, lang: Language, level: int) -> None:
    t = lang.t
    lines += _h(level, md_text(w.title))
    if w.anonymous:
        lines += [t("Anonymous wall: post-its without names."), ""]
    for column in () if w.unrevealed else w.columns:  # a wall never revealed: only its count
        lines += _h(level + 1, md_text(column.name))
        for note in column.notes:
            extra = []
            if note.group:
                extra.append(md_text(note.group))
            if note.votes is not None:
                extra.append(lang.tn("{n} vote", "{n} votes", note.votes))
            if note.author:
                extra.append(md_text(note.author))
            lines.append(f"- {md_text(note.text)}" + (f" ({'; '.join(extra)})" if extra else ""))
        if not column.notes:
            lines.append("- " + t("No post-its"))
        lines.append("")
    for line in (w.unrevealed, w.left_out):
        if line:
            lines += [line, ""]


def _people(lines: list[str], people: tuple[str, ...], heading: str, lang: Language) -> None:
    lines += _h(2, heading)
    lines += [f"- {md_text(name)}" for name in people] or ["- " + lang.t("Nobody joined.")]
    lines.append("")


def _when(lines: list[str], summary: Summary, lang: Language) -> None:
    t = lang.t
    facts = [(t("Date"), summary.date),
             (t("Time"), f"{summary.times} ({summary.timezone})" if summary.times else "")]
    lines += [f"- **{k}:** {v}" for k, v in facts if v]
    lines.append("")


def _sections(lines: list[str], summary: Summary, lang: Language, level: int) -> None:
    """What happened in the session: walls, breakout groups, polls, questions, action points, evaluation, with
    their headings `level` deep (2 in a session's summary, 3 inside a trajectory's)."""
    t, tn = lang.t, lang.tn
    if summary.walls:
        lines += _h(level, t("Post-it walls"))
        for w in summary.walls:
            _wall(lines, w, lang, level + 1)
    if summary.breakouts:
        lines += _h(level, t("Breakout groups"))
        for r in summary.breakouts:
            lines += _h(level + 1, md_text(r.task))
            for g in r.groups:
                lines += _h(level + 2, t("Group {n}", n=g.number))
                if g.members:
                    lines += [", ".join(md_text(name) for name in g.members), ""]
                for column in g.columns:
                    lines.append(f"**{md_text(column.name)}**")
                    for n in column.notes:
                        votes = tn("{n} vote", "{n} votes", n.votes or 0)
                        lines.append(f"- {md_text(n.text)} ({votes})")
                    if not column.notes:
                        lines.append("- " + t("No post-its"))
                    lines.append("")
    if summary.polls:
        lines += _h(level, t("Polls"))
        for poll in summary.polls:
            lines += _h(level + 1, md_text(poll.question)) + [f"{poll.kind} · {poll.answers}", ""]
            if poll.table is not None:
                _table(lines, poll.table)
            lines += [f"- {md_text(text)}" for text in poll.texts]
            if poll.texts:
                lines.append("")
    if summary.questions:
        lines += _h(level, t("Questions"))
        for q in summary.questions:
            extra = [tn("{n} vote", "{n} votes", q.votes)] + ([t("answered")] if q.answered else [])
            if q.author:
                extra.append(md_text(q.author))
            lines.append(f"- {md_text(q.text)} ({'; '.join(extra)})")
        lines.append("")
    if summary.action_points or summary.open_questions:
        lines += _h(level, t("Action points"))
        lines += [f"- {md_text(item)}" for item in summary.action_points]
        if summary.action_points:
            lines.append("")
        if summary.open_questions:
            lines += _h(level + 1, t("Open questions"))
            lines += [f"- {md_text(item)}" for item in summary.open_questions] + [""]
    if summary.evaluation is not None:
        lines += _h(level, t("Evaluation")) + [summary.evaluation.answers, ""]
        if summary.evaluation.table is not None:
            _table(lines, summary.evaluation.table)
        else:
            lines += [t("The evaluation still takes answers: the results follow once it is closed."), ""]


def _end(lines: list[str]) -> str:
    return "\n".join(lines).rstrip() + "\n"


def summary_markdown(summary: Summary, lang: Language) -> str:
    t = lang.t
    lines = _h(1, md_text(summary.title))
    if summary.trajectory:
        which = t("Session {n} of {total}", n=summary.session, total=summary.of_sessions)
        lines += [f"*{which}* · {md_text(summary.trajectory)}", ""]
    _when(lines, summary, lang)
    _people(lines, summary.people, t("The group") if summary.trajectory else t("Who was there"), lang)
    _sections(lines, summary, lang, 2)
    return _end(lines)


def trajectory_markdown(made: TrajectorySummary, lang: Language) -> str:
    t = lang.t
    lines = _h(1, md_text(made.name))
    lines += [f"- **{label}:** {md_text(value)}" for label, value in made.facts] + [""]
    lines += _h(2, t("Sessions"))
    lines += ["| # | " + " | ".join((t("Date"), t("Time"), t("Title of the session"), t("Status"))) + " |",
              "|---:|---|---|---|---|"]
    for row in made.sessions:
        lines.append(f"| {row.number} | {row.date} | {row.times} | {md_text(row.title)} | {row.status} |")
    lines += ["", t("Times in {zone}.", zone=made.timezone), ""]
    _people(lines, made.people, t("The group"), lang)
    if made.trend is not None:
        lines += _h(2, t("Evaluation per session"))
        _table(lines, made.trend)
    if made.successes:
        lines += _h(2, t("Our successes"))
        lines += [f"- **{md_text(name)}:** {md_text(text)}" for name, text in made.successes] + [""]
    for s in made.held:
        heading = t("Session {n}", n=s.session) + (f": {md_text(s.session_title)}" if s.session_title else "")
        lines += _h(2, heading)
        _when(lines, s, lang)
        _sections(lines, s, lang, 3)
    return _end(lines)
