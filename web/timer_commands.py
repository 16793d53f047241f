"""Websocket messages of the timer, to core commands (rules: realtime/timer.py)."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import timer
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "timer_set": lambda f: timer.SetTimer(f.text("minutes"), f.text("label")),
    "timer_start": lambda f: timer.StartTimer(),
    "timer_pause": lambda f: timer.PauseTimer(),
    "timer_add": lambda f: timer.AddMinute(),
    "timer_clear": lambda f: timer.ClearTimer(),
}
