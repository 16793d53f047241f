"""Websocket messages of the practical information, to core commands (rules: realtime/practical.py)."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import practical
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "practical_set": lambda f: practical.SetPractical(
        address=f.text("address"), room=f.text("room"), access=f.text("access"),
        online_link=f.text("online_link"), bring=f.text("bring"), of_mentor=f.text("of_mentor"),
        of_participants=f.text("of_participants"), reach=f.text("reach"),
    ),
}
