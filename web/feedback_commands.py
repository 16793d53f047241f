"""Websocket messages of peer feedback on a presentation, to core commands (rules:
realtime/feedback.py). The round's id and the salt that keeps anonymous feedback one per person are
made here, in the shell; nothing a browser sends becomes an id or a salt."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import feedback
from web.fields import Fields, Parser


def _scores(f: Fields) -> tuple[str, ...]:
    """One score per criterion, from the radio groups score_0 .. score_5 (a group left empty is
    left out, so the core finds one too few and says a score is missing)."""
    return tuple(f.text(f"score_{i}") for i in range(feedback.CRITERIA_MAX) if f"score_{i}" in f)


PARSERS: Mapping[str, Parser] = {
    "feedback_start": lambda f: feedback.StartPresentation(
        f.new_id(), f.text("presenter"), f.texts("criterion"),
        f.flag("tops"), f.flag("scale"), f.flag("anonymous"), f.new_secret(),
    ),
    "feedback_close": lambda f: feedback.ClosePresentation(f.text("presentation")),
    "feedback_give": lambda f: feedback.GiveFeedback(
        f.text("presentation"), _scores(f), f.text("top"), f.text("tip"), f.flag("anonymous"),
    ),
    "feedback_withdraw": lambda f: feedback.WithdrawFeedback(f.text("presentation")),
    "feedback_share": lambda f: feedback.ShareFeedback(f.text("presentation"), f.flag("shared")),
}
