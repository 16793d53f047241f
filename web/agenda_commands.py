"""Websocket messages of the agenda feature, to core commands (rules: realtime/agenda.py).
Block ids are made here, never by the browser."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import agenda
from realtime.events import Command
from web.fields import Fields, Parser


def _template(f: Fields) -> Command:
    size = max((len(blocks) for blocks in agenda.TEMPLATES.values()), default=0)
    return agenda.ApplyTemplate(f.text("session"), f.text("template"), tuple(f.new_id() for _ in range(size)))


PARSERS: Mapping[str, Parser] = {
    "agenda_add": lambda f: agenda.AddBlock(
        f.text("session"), f.new_id(), f.text("kind"), f.text("title"), f.text("minutes")
    ),
    "agenda_add_topic": lambda f: agenda.AddTopicBlock(
        f.text("session"), f.new_id(), f.text("topic"), f.text("minutes") or "20"
    ),
    "agenda_template": _template,
    "agenda_edit": lambda f: agenda.EditBlock(
        f.text("session"), f.text("block"), f.text("kind"), f.text("title"), f.text("minutes")
    ),
    "agenda_move": lambda f: agenda.MoveBlock(f.text("session"), f.text("block"), f.text("direction")),
    "agenda_remove": lambda f: agenda.RemoveBlock(f.text("session"), f.text("block")),
    "agenda_next": lambda f: agenda.NextBlock(f.text("expected")),
    "agenda_start": lambda f: agenda.StartBlock(f.text("block")),
    "agenda_finish": lambda f: agenda.FinishAgenda(),
}
