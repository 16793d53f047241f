"""The mentor's own goals and reflections as Markdown: for the mentor to keep, after the room is
deleted too. A download of its own, apart from the room's exports, which are made to be shared
and never carry these notes (realtime/mentor_notes.py)."""

from __future__ import annotations

from realtime import mentor_notes, trajectory
from realtime.state import RoomState
from web.exports.cells import md_text
from web.exports.trajectory import DateFormat
from web.i18n import Gettext


def _lines(text: str) -> list[str]:
    """A block of user text as Markdown lines: each line escaped, paragraphs kept."""
    return [md_text(line) if line else "" for line in text.split("\n")]


def mentor_notes_markdown(state: RoomState, t: Gettext, format_date: DateFormat) -> str:
    part = state.part(mentor_notes.PART)
    plan = state.part(trajectory.PART)
    title, goals, reflections = t("My growth as a mentor"), t("My learning goals"), t("Reflection after each session")
    out = ["# " + title + ": " + md_text(plan.name or state.title), "", "## " + goals, ""]
    for goal in part.goals:
        mark = "x" if goal.reached else " "
        first, *rest = _lines(goal.text)
        out.append(f"- [{mark}] {first}")
        out.extend(f"  {line}" if line else "" for line in rest)
    if not part.goals:
        out.append(t("What do you want to learn as a mentor in this trajectory?"))
    out += ["", "## " + reflections]
    for number in sorted(part.reflections):
        reflection = part.reflections[number]
        planned = plan.session(number)
        when = format_date(planned.date, "yMMMEd") if planned is not None and planned.date else ""
        out += ["", "### " + t("Session {n}", n=number) + (" · " + when if when else "")]
        for label, text in ((t("What went well"), reflection.went_well),
                            (t("What I will do differently"), reflection.differently)):
            if text:
                out += ["", "**" + label + "**", "", *_lines(text)]
    return "\n".join(out) + "\n"
