"""Websocket messages of the intake, to core commands.

Only the shape is checked here (web/fields.py); the rules are the core's
(realtime/intake.py).

Form shape:
  intake_save   learn, experience, experience_note, brings, style (repeated checkbox), setting,
                need (repeated checkbox), access
"""

from __future__ import annotations

from collections.abc import Mapping

from realtime import intake
from realtime.events import Command
from web.fields import Fields, Parser

# More values than there are choices is a crafted message.
_MAX_LIST = 10




def _save(f: Fields) -> Command:
    return intake.SubmitIntake(
        learn=f.text("learn"),
        experience=f.text("experience"),
        experience_note=f.text("experience_note"),
        brings=f.text("brings"),
        styles=f.texts("style", _MAX_LIST),
        setting=f.text("setting"),
        needs=f.texts("need", _MAX_LIST),
        access=f.text("access"),
    )


PARSERS: Mapping[str, Parser] = {
    "intake_save": _save,
}
