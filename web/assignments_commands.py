"""Websocket messages of the assignments feature, to core commands (rules: realtime/assignments.py).
Assignment and wall ids are made here, never by the browser."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import assignments
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "assignment_give": lambda f: assignments.GiveAssignment(
        f.new_id(), f.text("title"), f.text("description"), f.text("due")
    ),
    "assignment_edit": lambda f: assignments.EditAssignment(
        f.text("assignment"), f.text("title"), f.text("description"), f.text("due")
    ),
    "assignment_remove": lambda f: assignments.RemoveAssignment(f.text("assignment")),
    "assignment_report": lambda f: assignments.ReportAssignment(
        f.text("assignment"), f.flag("done"), f.text("reflection")
    ),
    "assignment_wall": lambda f: assignments.ReflectionsToWall(f.text("assignment"), f.new_id(), f.text("column")),
}
