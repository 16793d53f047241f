"""Websocket messages of the evaluation feature, to core commands (rules: realtime/evaluation.py).

The salt that lets the core count one anonymous answer per person is made here, in the shell, when
the mentor opens an evaluation; evaluation ids too. Nothing a browser sends becomes an id or a salt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from realtime import evaluation
from realtime.events import Command
from server.security import new_id, new_secret

Data = Mapping[str, Any]


def _text(data: Data, name: str) -> str:
    from server.commands import text_field  # server.commands imports this module

    return text_field(data, name)


def _flag(data: Data, name: str) -> bool:
    return _text(data, name).strip().lower() in ("on", "1", "true", "yes")


PARSERS: Mapping[str, Callable[[Data], Command]] = {
    "evaluation_open": lambda d: evaluation.OpenEvaluation(salt=new_secret()),
    "evaluation_close": lambda d: evaluation.CloseEvaluation(),
    "evaluation_submit": lambda d: evaluation.SubmitEvaluation(
        new_id(), _text(d, "rating"), _text(d, "worked"), _text(d, "better"), _flag(d, "anonymous")
    ),
    "evaluation_change": lambda d: evaluation.NoteFeedbackChange(_text(d, "session"), _text(d, "text")),
}
