"""Websocket messages of the assignments feature, to core commands (rules: realtime/assignments.py).
Assignment and wall ids are made here, never by the browser."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from realtime import assignments
from realtime.events import Command
from server.security import new_id

Data = Mapping[str, Any]


def _text(data: Data, name: str) -> str:
    from server.commands import text_field  # server.commands imports this module

    return text_field(data, name)


def _flag(data: Data, name: str) -> bool:
    return _text(data, name).strip().lower() in ("on", "1", "true", "yes")


PARSERS: Mapping[str, Callable[[Data], Command]] = {
    "assignment_give": lambda d: assignments.GiveAssignment(
        new_id(), _text(d, "title"), _text(d, "description"), _text(d, "due")
    ),
    "assignment_edit": lambda d: assignments.EditAssignment(
        _text(d, "assignment"), _text(d, "title"), _text(d, "description"), _text(d, "due")
    ),
    "assignment_remove": lambda d: assignments.RemoveAssignment(_text(d, "assignment")),
    "assignment_report": lambda d: assignments.ReportAssignment(
        _text(d, "assignment"), _flag(d, "done"), _text(d, "reflection")
    ),
    "assignment_wall": lambda d: assignments.ReflectionsToWall(_text(d, "assignment"), new_id(), _text(d, "column")),
}
