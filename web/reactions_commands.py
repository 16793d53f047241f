"""Websocket messages of the reactions, to core commands (rules: realtime/reactions.py). The
reaction's id and the time of the tap are the server's."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import reactions
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "react": lambda f: reactions.React(f.new_id(), f.text("kind"), f.now()),
    "react_clear_alarm": lambda f: reactions.ClearAlarm(),
}
