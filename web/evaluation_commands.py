"""Websocket messages of the evaluation feature, to core commands (rules: realtime/evaluation.py).

The salt that lets the core count one anonymous answer per person is made here, in the shell, when
the mentor opens an evaluation; evaluation ids too. Nothing a browser sends becomes an id or a salt.
"""

from __future__ import annotations

from collections.abc import Mapping

from realtime import evaluation
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "evaluation_open": lambda f: evaluation.OpenEvaluation(salt=f.new_secret()),
    "evaluation_close": lambda f: evaluation.CloseEvaluation(),
    "evaluation_submit": lambda f: evaluation.SubmitEvaluation(
        f.new_id(), f.text("rating"), f.text("worked"), f.text("better"), f.flag("anonymous")
    ),
    "evaluation_change": lambda f: evaluation.NoteFeedbackChange(f.text("session"), f.text("text")),
}
