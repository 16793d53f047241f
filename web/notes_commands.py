"""Websocket messages of the mentor's private notes, to core commands (rules: realtime/notes.py)."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import notes
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "note_write": lambda f: notes.WriteNote(pid=f.text("pid"), text=f.text("text")),
}
