"""Websocket messages of the successes feed, to core commands (rules: realtime/successes.py)."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import successes
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "success_post": lambda f: successes.PostSuccess(success=f.new_id(), text=f.text("text"), share=f.text("share")),
    "success_edit": lambda f: successes.EditSuccess(
        success=f.text("success"), text=f.text("text"), share=f.text("share")),
    "success_remove": lambda f: successes.RemoveSuccess(success=f.text("success")),
    "success_hide": lambda f: successes.HideSuccess(success=f.text("success"), hidden=f.text("hidden")),
}
