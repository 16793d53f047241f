"""Websocket messages of the intake, to core commands.

Only the shape is checked here (server/commands.py text_field); the rules are the core's
(realtime/intake.py).

Form shape:
  intake_save   learn, experience, experience_note, brings, style (repeated checkbox), setting,
                need (repeated checkbox), access
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from realtime import intake
from realtime.errors import Rejected
from realtime.events import Command

# More values than there are choices is a crafted message.
_MAX_LIST = 10


def _text(data: Mapping[str, Any], name: str) -> str:
    from server.commands import text_field  # server.commands imports this module

    return text_field(data, name)


def texts(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """Every value of a field that may be sent several times (checkboxes); absent: none."""
    value = data.get(name, [])
    values = value if isinstance(value, list) else [value]
    if len(values) > _MAX_LIST:
        raise Rejected("bad_message")
    if not all(isinstance(item, str) for item in values):
        raise Rejected("bad_message")
    return tuple(values)


def _save(data: Mapping[str, Any]) -> Command:
    return intake.SubmitIntake(
        learn=_text(data, "learn"),
        experience=_text(data, "experience"),
        experience_note=_text(data, "experience_note"),
        brings=_text(data, "brings"),
        styles=texts(data, "style"),
        setting=_text(data, "setting"),
        needs=texts(data, "need"),
        access=_text(data, "access"),
    )


PARSERS: Mapping[str, Callable[[Mapping[str, Any]], Command]] = {
    "intake_save": _save,
}
