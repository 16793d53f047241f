"""The two escapes every download uses (web/exports/cells.py)."""

from __future__ import annotations

import csv
import io

from web.exports.cells import csv_cell, csv_text, md_text


def test_a_formula_start_is_quoted_and_an_empty_cell_stays_empty() -> None:
    quoted = [csv_cell(v) for v in ("=SUM(A1)", "+1", "-2", "@x", "\tx", "")]
    assert quoted == ["'=SUM(A1)", "'+1", "'-2", "'@x", "'\tx", ""]
    assert csv_cell(None) == "" and csv_cell(3) == "3" and csv_cell("plain") == "plain"
    # Every empty cell of a poll's CSV came out as `'` ("" counted as a formula start).
    rows = list(csv.reader(io.StringIO(csv_text([["question", "Q"], [], ["option", "", "0"]]))))
    assert rows == [["question", "Q"], [], ["option", "", "0"]]


def test_markdown_text_cannot_become_markup() -> None:
    assert md_text("# Title\n- item *bold* [link](x) <b>") == r"\# Title \- item \*bold\* \[link\]\(x\) \<b\>"
    assert md_text(None) == ""
