"""From a websocket message (a JSON object sent by an htmx form) to a core command.

Only the shape is checked here (which command, fields as strings); every rule about the values
(lengths, choices, who may do it) is the core's, in realtime/state.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from realtime.errors import Rejected
from realtime.events import Command, EndSession, SetProjectorView, SetTitle, UpdateProfile
from server import (
    agenda_commands,
    assignments_commands,
    evaluation_commands,
    goals_commands,
    intake_commands,
    polls_commands,
    queue_commands,
    topics_commands,
    trajectory_commands,
    wall_commands,
)

Parser = Callable[[Mapping[str, Any]], Command]


def text_field(data: Mapping[str, Any], name: str) -> str:
    """A form field as a string ("" when absent); anything but text is a bad message."""
    return _text(data, name)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    if isinstance(value, list):  # a field sent twice: take the first, like a form post
        value = value[0] if value else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise Rejected("bad_message")
    return value


SESSION_PARSERS: Mapping[str, Parser] = {
    "profile": lambda d: UpdateProfile(name=_text(d, "name"), location=_text(d, "location")),
    "set_title": lambda d: SetTitle(title=_text(d, "title")),
    "end_session": lambda d: EndSession(),
    "projector": lambda d: SetProjectorView(view=_text(d, "view"), ref=_text(d, "ref")),
}

PARSERS: Mapping[str, Parser] = {
    **SESSION_PARSERS,
    **queue_commands.PARSERS,
    **wall_commands.PARSERS,
    **polls_commands.PARSERS,
    **intake_commands.PARSERS,
    **goals_commands.PARSERS,
    **evaluation_commands.PARSERS,
    **topics_commands.PARSERS,
    **agenda_commands.PARSERS,
    **assignments_commands.PARSERS,
    **trajectory_commands.PARSERS,
}


def parse_command(data: Mapping[str, Any]) -> Command:
    name = data.get("cmd")
    parser = PARSERS.get(name) if isinstance(name, str) else None
    if parser is None:
        raise Rejected("unknown_command")
    return parser(data)
