"""Websocket messages of the messages between meetings, to core commands (rules: realtime/messages.py)."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import messages
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "message_post": lambda f: messages.PostMessage(mid=f.new_id(), text=f.text("text")),
    "message_remove": lambda f: messages.RemoveMessage(mid=f.text("mid")),
    "messages_read": lambda f: messages.MarkMessagesRead(upto=f.text("upto")),
}
