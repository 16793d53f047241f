"""Websocket messages of the topics feature, to core commands (rules: realtime/topics.py)."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import topics
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "topic_add": lambda f: topics.AddTopic(f.new_id(), f.text("title"), f.text("detail")),
    "topic_edit": lambda f: topics.EditTopic(f.text("topic"), f.text("title"), f.text("detail")),
    "topic_remove": lambda f: topics.RemoveTopic(f.text("topic")),
    "topic_vote": lambda f: topics.VoteTopic(f.text("topic")),
    "topic_mark": lambda f: topics.MarkTopic(f.text("topic"), f.text("status")),
}
