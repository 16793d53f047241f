"""One wall as Markdown or CSV, from its export data (realtime/wall's `export_wall`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web.exports.cells import csv_text, md_text


def wall_markdown(data: Mapping[str, Any]) -> str:
    """A heading per column, groups as sub-headings, then the post-its with votes and authors."""
    lines = [f"# {md_text(data['title'])}", ""]
    for column in data["columns"]:
        lines += [f"## {md_text(column['name'])}", ""]
        grouped: dict[str | None, list[Mapping[str, Any]]] = {}
        for note in column["notes"]:
            grouped.setdefault(note["group"], []).append(note)
        for label, notes in sorted(grouped.items(), key=lambda item: item[0] is not None):
            if label is not None:
                lines += [f"### {md_text(label)}", ""]
            for note in notes:
                extra = []
                if note["votes"] is not None:
                    extra.append(f"{note['votes']} ●")
                if note["author"]:
                    extra.append(md_text(note["author"]))
                suffix = f" ({', '.join(extra)})" if extra else ""
                lines.append(f"- {md_text(note['text'])}{suffix}")
            lines.append("")
        if not column["notes"]:
            lines += ["-", ""]
    return "\n".join(lines).rstrip() + "\n"


def wall_csv(data: Mapping[str, Any]) -> str:
    """One row per post-it: column, group, text, colour, votes, author."""
    rows: list[list[object]] = [["column", "group", "text", "colour", "votes", "author"]]
    for column in data["columns"]:
        for note in column["notes"]:
            rows.append([column["name"], note["group"], note["text"], note["colour"], note["votes"], note["author"]])
    return csv_text(rows)
