"""Websocket messages of the queue feature, to core commands.

Each parser takes the decoded JSON object of one message and builds a command; only the shape
is checked here (see server/commands.py text_field), the rules are the core's (realtime/queue.py).
Turn ids are made here, in the shell, so the core stays deterministic. ExpireHand has no parser
on purpose: only the away timer (server/away.py) may lower a hand for being away.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from realtime import queue
from realtime.events import Command
from server import security


def _text(data: Mapping[str, Any], name: str) -> str:
    # Imported late: server.commands imports this module to build its PARSERS table.
    from server.commands import text_field

    return text_field(data, name)


PARSERS: Mapping[str, Callable[[Mapping[str, Any]], Command]] = {
    "queue_raise": lambda d: queue.RaiseHand(kind=_text(d, "kind")),
    "queue_lower": lambda d: queue.LowerHand(),
    "queue_seen": lambda d: queue.SeenLowered(),
    "queue_next": lambda d: queue.NextTurn(turn_id=security.new_id(), expected=_text(d, "expected")),
    "queue_give": lambda d: queue.GiveTurn(turn_id=security.new_id(), pid=_text(d, "pid")),
    "queue_done": lambda d: queue.EndTurn(expected=_text(d, "expected")),
    "queue_move": lambda d: queue.MoveEntry(pid=_text(d, "pid"), direction=_text(d, "direction")),
    "queue_remove": lambda d: queue.RemoveEntry(pid=_text(d, "pid")),
    "queue_clear": lambda d: queue.ClearQueue(),
    "queue_policy": lambda d: queue.SetPolicy(policy=_text(d, "policy")),
    "queue_limit": lambda d: queue.SetSoftLimit(seconds=_text(d, "seconds")),
}
