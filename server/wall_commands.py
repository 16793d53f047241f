"""Websocket messages of the wall feature, to core commands (stub: filled in by its own issue).

Each parser takes the decoded JSON object of one message and builds a command; only the shape
is checked here (see server/commands.py text_field), the rules are the core's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from realtime.events import Command

PARSERS: Mapping[str, Callable[[Mapping[str, Any]], Command]] = {}
