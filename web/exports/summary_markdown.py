"""The session summary (web/exports/summary.py) as Markdown, in the summary's language.

Every piece of user text goes through `md_text`, so a title like "# x | y" or "<script>" stays
text: it cannot start a heading, split a table cell or become HTML in a Markdown viewer. The
headings, labels, numbers and dates are Kring's own words (the catalogs, Babel's formats) and are
written as they are, so that "Post-it walls" and "4.5" read as such in a plain-text e-mail too.
"""

from __future__ import annotations

from web.exports.cells import md_text
from web.exports.results import Table
from web.exports.summary import Summary, WallSummary
from web.i18n import Language


def _table(lines: list[str], table: Table) -> None:
    marks = any(row.mark for row in table.rows)
    percents = any(row.percent for row in table.rows)
    head = [table.label_heading, table.value_heading] + ([""] if percents else []) + ([""] if marks else [])
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1 - marks) + ["---"] * marks) + "|")
    for row in table.rows:
        cells = [md_text(row.label), row.value] + ([row.percent] if percents else []) + ([row.mark] if marks else [])
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if table.note:
        lines += [table.note, ""]


def _wall(lines: list[str], w: WallSummary, lang: Language) -> None:
    t = lang.t
    lines += [f"### {md_text(w.title)}", ""]
    if w.anonymous:
        lines += [t("Anonymous wall: post-its without names."), ""]
    for column in () if w.unrevealed else w.columns:  # a wall never revealed: only its count
        lines += [f"#### {md_text(column.name)}", ""]
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


def summary_markdown(summary: Summary, lang: Language) -> str:
    t, tn = lang.t, lang.tn
    lines = [f"# {md_text(summary.title)}", ""]
    if summary.trajectory:
        which = t("Session {n} of {total}", n=summary.session, total=summary.of_sessions)
        lines += [f"*{which}* · {md_text(summary.trajectory)}", ""]
    facts = [(t("Date"), summary.date),
             (t("Time"), f"{summary.times} ({summary.timezone})" if summary.times else "")]
    lines += [f"- **{k}:** {v}" for k, v in facts if v]
    lines.append("")
    lines += ["## " + (t("Who was there") if not summary.trajectory else t("The group")), ""]
    lines += [f"- {md_text(name)}" for name in summary.people] or ["- " + t("Nobody joined.")]
    lines.append("")
    if summary.walls:
        lines += ["## " + t("Post-it walls"), ""]
        for w in summary.walls:
            _wall(lines, w, lang)
    if summary.polls:
        lines += ["## " + t("Polls"), ""]
        for poll in summary.polls:
            lines += [f"### {md_text(poll.question)}", "", f"{poll.kind} · {poll.answers}", ""]
            if poll.table is not None:
                _table(lines, poll.table)
            lines += [f"- {md_text(text)}" for text in poll.texts]
            if poll.texts:
                lines.append("")
    if summary.questions:
        lines += ["## " + t("Questions"), ""]
        for q in summary.questions:
            extra = [tn("{n} vote", "{n} votes", q.votes)] + ([t("answered")] if q.answered else [])
            if q.author:
                extra.append(md_text(q.author))
            lines.append(f"- {md_text(q.text)} ({'; '.join(extra)})")
        lines.append("")
    if summary.action_points or summary.open_questions:
        lines += ["## " + t("Action points"), ""]
        lines += [f"- {md_text(item)}" for item in summary.action_points]
        if summary.open_questions:
            lines += ["", "### " + t("Open questions"), ""]
            lines += [f"- {md_text(item)}" for item in summary.open_questions]
        lines.append("")
    if summary.evaluation is not None:
        lines += ["## " + t("Evaluation"), "", summary.evaluation.answers, ""]
        if summary.evaluation.table is not None:
            _table(lines, summary.evaluation.table)
        else:
            lines += [t("The evaluation still takes answers: the results follow once it is closed."), ""]
    return "\n".join(lines).rstrip() + "\n"
