"""The trajectory as a Markdown report and as CSV, written from the room's export data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from web.exports.cells import csv_text, md_text
from web.i18n import Gettext

# An ISO date in the reader's language, in a CLDR skeleton ("yMMMEd": "Mon 7 Sept 2026"); web/formats.py.
DateFormat = Callable[[str, str], str]


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested export data as (path, value) pairs: "sessions.2.title" -> "Cases"."""
    if isinstance(value, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, item in value.items():
            pairs += _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return pairs
    if isinstance(value, (list, tuple)):
        pairs = []
        for index, item in enumerate(value, start=1):
            pairs += _flatten(item, f"{prefix}.{index}" if prefix else str(index))
        return pairs
    return [(prefix, "" if value is None else str(value))]


# Sections of the export the report writes out by hand; every other section (intake, goals,
# evaluations, ... as features add them) is written generically, so nothing is left out.
_BY_HAND = ("export_version", "code", "code_display", "title", "language", "created_at", "ended_at", "seq",
            "participants", "trajectory", "carryover", "after")


def trajectory_csv(data: Mapping[str, Any]) -> str:
    """Everything in the room (Core.export), one value per row: section, record, field, value.
    Long, but it opens in any spreadsheet and pivots into whatever table the mentor needs."""
    rows: list[list[object]] = [["section", "record", "field", "value"]]
    for section, content in data.items():
        for path, value in _flatten(content):
            record, _, field = path.partition(".") if isinstance(content, list) else ("", "", path)
            rows.append([section, record, field, value])
    return csv_text(rows)


def _generic(lines: list[str], value: Any, depth: int = 0) -> None:
    pad = "  " * depth
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(item, (Mapping, list, tuple)):
                if item:
                    lines.append(f"{pad}- {md_text(key)}:")
                    _generic(lines, item, depth + 1)
            elif item not in (None, ""):
                lines.append(f"{pad}- {md_text(key)}: {md_text(item)}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, (Mapping, list, tuple)):
                lines.append(f"{pad}-")
                _generic(lines, item, depth + 1)
            else:
                lines.append(f"{pad}- {md_text(item)}")


def trajectory_markdown(data: Mapping[str, Any], t: Gettext, format_date: DateFormat) -> str:
    """The report of a trajectory (Core.export) in the reader's language: the plan, the sessions,
    the group, the carry-over, the walls, what comes after, then every other section as a list."""
    traj = data["trajectory"]
    lines = [f"# {md_text(traj['name'] or data['title'])}", ""]
    facts = [
        (t("Theme"), traj["theme"]), (t("Target group"), traj["target_group"]),
        (t("Format"), {"room": t("In the room"), "online": t("Online"), "hybrid": t("Hybrid")}.get(traj["format"], "")),
        (t("How often"), t("Every week") if traj["cadence"] == "weekly" else t("Every two weeks")),
        (t("Join code"), data["code_display"]),
    ]
    lines += [f"- **{md_text(k)}:** {md_text(v)}" for k, v in facts if v and traj["planned"]] + [""]
    if traj["sessions"]:
        lines += ["## " + t("Sessions"), ""]
        lines += ["| # | " + " | ".join((t("Date"), t("Title of the session"), t("Held"))) + " |", "|---|---|---|---|"]
        for s in traj["sessions"]:
            held = "✓" if s["started_at"] else ""
            when = md_text(format_date(s["date"], "yMMMEd"))
            lines.append(f"| {s['number']} | {when} | {md_text(s['title'])} | {held} |")
        lines.append("")
    lines += ["## " + t("People in this group"), ""]
    lines += [f"- {md_text(p['name'])}" for p in data["participants"]] or ["-"]
    lines.append("")
    if data["carryover"]:
        lines += ["## " + t("Carry-over"), ""]
        for note in data["carryover"]:
            lines += ["### " + t("From session {n}", n=note["session"]), ""]
            lines += [f"- {md_text(item)}" for item in note["action_points"]]
            lines += [f"- ? {md_text(item)}" for item in note["open_questions"]]
            lines.append("")
    walls = data.get("walls") or []
    if walls:
        lines += ["## " + t("Post-it walls"), ""]
        for w in walls:
            count = sum(len(c.get("notes", [])) for c in w.get("columns", []))
            lines.append(f"- {md_text(w.get('title', ''))} ({count})")
        lines.append("")
    after = data["after"]
    if after["return_meetings"] or after["shared_contacts"]:
        lines += ["## " + t("After the trajectory"), ""]
        lines += [f"- {md_text(format_date(m['date'], 'yMMMEd'))}: {md_text(m['note'])}"
                  for m in after["return_meetings"]]
        lines += [f"- {md_text(c['name'])}: {md_text(c['contact'])}" for c in after["shared_contacts"]]
        lines.append("")
    for section, content in data.items():
        if section in _BY_HAND or section == "walls" or not content:
            continue
        lines += [f"## {md_text(section.replace('_', ' ').capitalize())}", ""]
        _generic(lines, content)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
