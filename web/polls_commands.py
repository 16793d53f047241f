"""Websocket messages of the polls feature, to core commands.

Each parser takes the decoded JSON object of one message and builds a command; only the shape
is checked here (web/fields.py), the rules are the core's (realtime/polls.py).
New polls and answers get their ids here, from the shell (Fields.new_id).

Form shapes (htmx sends form fields; a field sent twice arrives as a list):
  poll_create   kind, question, options (one per line), max_choices, scale_max, low_label,
                high_label, anonymous ("yes" or absent), live ("yes" or absent), correct (the
                1-based numbers of the correct options, "1, 3"), time_limit (seconds to answer once
                opened; empty or 0: no answer timer)
  poll_answer   poll, choice (repeated for multiple choice), value (scale), rank_<i> (the place
                of option i, 1-based), word (repeated), text
  poll_time     poll, time_limit (seconds; 0 takes the answer timer off a poll that is not open)
  poll_status / poll_results / poll_reveal / poll_hide / poll_spotlight / poll_duplicate / poll_delete
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from realtime import polls
from realtime.errors import Rejected
from realtime.events import Command
from web.fields import VALUES_MAX, Fields, Parser, whole_number


def _create(f: Fields) -> Command:
    options = tuple(line for line in f.text("options").splitlines() if line.strip())
    if len(options) > VALUES_MAX:
        raise Rejected("poll_option_count", min=polls.OPTIONS_MIN, max=polls.OPTIONS_MAX)
    correct = tuple(whole_number(n) - 1 for n in re.split(r"[\s,;]+", f.text("correct")) if n)
    return polls.CreatePoll(
        poll_id=f.new_id(),
        kind=f.text("kind"),
        question=f.text("question"),
        options=options,
        # One number field per kind in the form, so the kind picks which one counts.
        max_choices=f.number("max_words" if f.text("kind") == "words" else "max_choices", "1"),
        scale_max=f.number("scale_max", "5"),
        low_label=f.text("low_label"),
        high_label=f.text("high_label"),
        anonymous=f.flag("anonymous"),
        live=f.flag("live"),
        correct=correct,
        time_limit=f.number("time_limit", "0"),
    )


def _ranking(f: Fields) -> tuple[int, ...]:
    """rank_<option>=<place> fields to the option indices from first place to last. Two options
    in one place are refused here, with the place: sorted, they would make a valid-looking order
    that nobody chose (issue 15). A place missing makes a list the core refuses as not a ranking."""
    places: list[tuple[int, int]] = []
    for key in f.names():
        match = re.fullmatch(r"rank_(\d{1,2})", key)
        if match:
            places.append((f.number(key), int(match.group(1))))
    if len(places) > VALUES_MAX:
        raise Rejected("bad_message")
    seen: set[int] = set()
    for place, _ in sorted(places):
        if place in seen:
            raise Rejected("poll_rank_tie", place=place)
        seen.add(place)
    return tuple(option for _, option in sorted(places))


def _answer(f: Fields) -> Command:
    choices: tuple[int, ...] = tuple(whole_number(c) for c in f.texts("choice"))
    if "value" in f:
        choices = (f.number("value"),)
    if any(k.startswith("rank_") for k in f.names()):
        choices = _ranking(f)
    texts = f.texts("word") + f.texts("text")
    return polls.AnswerPoll(poll_id=f.text("poll"), answer_id=f.new_id(), choices=choices, texts=texts)


PARSERS: Mapping[str, Parser] = {
    "poll_create": _create,
    "poll_duplicate": lambda f: polls.DuplicatePoll(poll_id=f.new_id(), source_id=f.text("poll")),
    "poll_status": lambda f: polls.SetPollStatus(poll_id=f.text("poll"), status=f.text("status")),
    "poll_results": lambda f: polls.ShowPollResults(poll_id=f.text("poll"), shown=f.flag("shown")),
    "poll_reveal": lambda f: polls.RevealCorrect(poll_id=f.text("poll")),
    "poll_answer": _answer,
    "poll_hide": lambda f: polls.HidePollEntry(
        poll_id=f.text("poll"), key=f.text("key"), hidden=f.flag("hidden")
    ),
    "poll_spotlight": lambda f: polls.SpotlightPollAnswer(poll_id=f.text("poll"), answer_id=f.text("answer")),
    "poll_delete": lambda f: polls.DeletePoll(poll_id=f.text("poll")),
    "poll_time": lambda f: polls.SetPollTimeLimit(poll_id=f.text("poll"), seconds=f.number("time_limit", "0")),
}

