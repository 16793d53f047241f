"""Websocket messages of the topics feature, to core commands (rules: realtime/topics.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from realtime import topics
from realtime.events import Command
from server.security import new_id

Data = Mapping[str, Any]


def _text(data: Data, name: str) -> str:
    from server.commands import text_field  # server.commands imports this module

    return text_field(data, name)


PARSERS: Mapping[str, Callable[[Data], Command]] = {
    "topic_add": lambda d: topics.AddTopic(new_id(), _text(d, "title"), _text(d, "detail")),
    "topic_edit": lambda d: topics.EditTopic(_text(d, "topic"), _text(d, "title"), _text(d, "detail")),
    "topic_remove": lambda d: topics.RemoveTopic(_text(d, "topic")),
    "topic_vote": lambda d: topics.VoteTopic(_text(d, "topic")),
    "topic_mark": lambda d: topics.MarkTopic(_text(d, "topic"), _text(d, "status")),
}
