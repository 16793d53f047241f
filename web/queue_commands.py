"""Websocket messages of the queue feature, to core commands.

Each parser takes the decoded JSON object of one message and builds a command; only the shape
is checked here (web/fields.py), the rules are the core's (realtime/queue.py).
Turn ids are made here, in the shell, so the core stays deterministic. ExpireHand has no parser
on purpose: only the away timer (server/away.py) may lower a hand for being away.
"""

from __future__ import annotations

from collections.abc import Mapping

from realtime import queue
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "queue_raise": lambda f: queue.RaiseHand(kind=f.text("kind")),
    "queue_lower": lambda f: queue.LowerHand(),
    "queue_seen": lambda f: queue.SeenLowered(),
    "queue_next": lambda f: queue.NextTurn(turn_id=f.new_id(), expected=f.text("expected")),
    "queue_give": lambda f: queue.GiveTurn(turn_id=f.new_id(), pid=f.text("pid")),
    "queue_done": lambda f: queue.EndTurn(expected=f.text("expected")),
    "queue_move": lambda f: queue.MoveEntry(pid=f.text("pid"), direction=f.text("direction")),
    "queue_remove": lambda f: queue.RemoveEntry(pid=f.text("pid")),
    "queue_clear": lambda f: queue.ClearQueue(),
    "queue_policy": lambda f: queue.SetPolicy(policy=f.text("policy")),
    "queue_limit": lambda f: queue.SetSoftLimit(seconds=f.text("seconds")),
}
