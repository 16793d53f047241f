"""Websocket messages of the live Q&A, to core commands (rules: realtime/qa.py). Question ids are
made here, never by the browser."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import qa
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "qa_ask": lambda f: qa.AskQuestion(f.new_id(), f.text("text"), f.flag("anonymous")),
    "qa_myself": lambda f: qa.AskMyself(f.text("text")),
    "qa_vote": lambda f: qa.Upvote(f.text("qid")),
    "qa_unvote": lambda f: qa.TakeBackVote(f.text("qid")),
    "qa_moderate": lambda f: qa.ModerateQuestion(f.text("qid"), f.text("action")),
    "qa_edit": lambda f: qa.EditQuestion(f.text("qid"), f.text("text")),
    "qa_spotlight": lambda f: qa.Spotlight(f.text("qid")),
    "qa_config": lambda f: qa.ConfigureQa(f.flag("moderated"), f.text("sort"), f.flag("split")),
}
