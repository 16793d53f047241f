"""The two escapes every download uses: CSV cells that a spreadsheet cannot run as a formula, and
user text that Markdown cannot turn into markup."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# A cell starting with one of these runs as a formula in Excel, LibreOffice and Google Sheets
# (CSV injection, OWASP); a tab or carriage return in front hides such a start from a quick look.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What would turn a line of user text into markup: emphasis, code, links, headings, lists, tables,
# HTML. A backslash first, so that the escapes themselves stay as they are.
_MARKDOWN_SPECIAL = "\\`*_{}[]<>()#+-.!|~"


def csv_cell(value: object) -> str:
    """One value as a CSV cell: "" for None, text with a formula start quoted as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV (RFC 4180 line ends), every cell through csv_cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def md_text(value: object) -> str:
    """One line of user text, safe inside Markdown: whitespace (newlines too) collapsed, every
    character that could start markup escaped."""
    line = " ".join(("" if value is None else str(value)).split())
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in line)
