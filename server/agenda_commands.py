"""Websocket messages of the agenda feature, to core commands (rules: realtime/agenda.py).
Block ids are made here, never by the browser."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from realtime import agenda
from realtime.events import Command
from server.security import new_id

Data = Mapping[str, Any]


def _text(data: Data, name: str) -> str:
    from server.commands import text_field  # server.commands imports this module

    return text_field(data, name)


def _template(data: Data) -> Command:
    size = max((len(blocks) for blocks in agenda.TEMPLATES.values()), default=0)
    return agenda.ApplyTemplate(_text(data, "session"), _text(data, "template"), tuple(new_id() for _ in range(size)))


PARSERS: Mapping[str, Callable[[Data], Command]] = {
    "agenda_add": lambda d: agenda.AddBlock(
        _text(d, "session"), new_id(), _text(d, "kind"), _text(d, "title"), _text(d, "minutes")
    ),
    "agenda_add_topic": lambda d: agenda.AddTopicBlock(
        _text(d, "session"), new_id(), _text(d, "topic"), _text(d, "minutes") or "20"
    ),
    "agenda_template": _template,
    "agenda_edit": lambda d: agenda.EditBlock(
        _text(d, "session"), _text(d, "block"), _text(d, "kind"), _text(d, "title"), _text(d, "minutes")
    ),
    "agenda_move": lambda d: agenda.MoveBlock(_text(d, "session"), _text(d, "block"), _text(d, "direction")),
    "agenda_remove": lambda d: agenda.RemoveBlock(_text(d, "session"), _text(d, "block")),
    "agenda_next": lambda d: agenda.NextBlock(_text(d, "expected")),
    "agenda_start": lambda d: agenda.StartBlock(_text(d, "block")),
    "agenda_finish": lambda d: agenda.FinishAgenda(),
}
