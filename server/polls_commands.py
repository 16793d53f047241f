"""Websocket messages of the polls feature, to core commands.

Each parser takes the decoded JSON object of one message and builds a command; only the shape
is checked here (see server/commands.py text_field), the rules are the core's (realtime/polls.py).
New polls and answers get their ids here, from server.security.new_id.

Form shapes (htmx sends form fields; a field sent twice arrives as a list):
  poll_create   kind, question, options (one per line), max_choices, scale_max, low_label,
                high_label, anonymous ("yes" or absent), live ("yes" or absent), correct (the
                1-based numbers of the correct options, "1, 3")
  poll_answer   poll, choice (repeated for multiple choice), value (scale), rank_<i> (the place
                of option i, 1-based), word (repeated), text
  poll_status / poll_results / poll_reveal / poll_hide / poll_spotlight / poll_duplicate / poll_delete
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from realtime import polls
from realtime.errors import Rejected
from realtime.events import Command
from server.security import new_id

# Enough for any honest form; more is a crafted message (and would only cost work to refuse).
_MAX_LIST = 20


def _text(data: Mapping[str, Any], name: str) -> str:
    from server.commands import text_field  # server.commands imports this module

    return text_field(data, name)


def _texts(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """Every value of a field that may be sent several times (checkboxes, word inputs)."""
    value = data.get(name, [])
    values = value if isinstance(value, list) else [value]
    if len(values) > _MAX_LIST:
        raise Rejected("bad_message")
    out: list[str] = []
    for item in values:
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            raise Rejected("bad_message")
        out.append(item)
    return tuple(out)


def _number(text: str) -> int:
    """A small whole number typed or picked in a form; -1 when it is not one (the core says why)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else -1


def _flag(data: Mapping[str, Any], name: str) -> bool:
    return _text(data, name) in ("yes", "true", "on", "1")


def _create(data: Mapping[str, Any]) -> Command:
    options = tuple(line for line in _text(data, "options").splitlines() if line.strip())
    if len(options) > _MAX_LIST:
        raise Rejected("poll_option_count", min=polls.OPTIONS_MIN, max=polls.OPTIONS_MAX)
    correct = tuple(_number(n) - 1 for n in re.split(r"[\s,;]+", _text(data, "correct")) if n)
    return polls.CreatePoll(
        poll_id=new_id(),
        kind=_text(data, "kind"),
        question=_text(data, "question"),
        options=options,
        # One number field per kind in the form, so the kind picks which one counts.
        max_choices=_number(_text(data, "max_words" if _text(data, "kind") == "words" else "max_choices") or "1"),
        scale_max=_number(_text(data, "scale_max") or "5"),
        low_label=_text(data, "low_label"),
        high_label=_text(data, "high_label"),
        anonymous=_flag(data, "anonymous"),
        live=_flag(data, "live"),
        correct=correct,
    )


def _ranking(data: Mapping[str, Any]) -> tuple[int, ...]:
    """rank_<option>=<place> fields to the option indices from first place to last. Two options
    in one place (or a place missing) make a list that the core refuses as not a ranking."""
    places: list[tuple[int, int]] = []
    for key in data:
        match = re.fullmatch(r"rank_(\d{1,2})", key) if isinstance(key, str) else None
        if match:
            places.append((_number(_text(data, key)), int(match.group(1))))
    if len(places) > _MAX_LIST:
        raise Rejected("bad_message")
    return tuple(option for _, option in sorted(places))


def _answer(data: Mapping[str, Any]) -> Command:
    choices: tuple[int, ...] = tuple(_number(c) for c in _texts(data, "choice"))
    if "value" in data:
        choices = (_number(_text(data, "value")),)
    if any(isinstance(k, str) and k.startswith("rank_") for k in data):
        choices = _ranking(data)
    texts = _texts(data, "word") + _texts(data, "text")
    return polls.AnswerPoll(poll_id=_text(data, "poll"), answer_id=new_id(), choices=choices, texts=texts)


PARSERS: Mapping[str, Callable[[Mapping[str, Any]], Command]] = {
    "poll_create": _create,
    "poll_duplicate": lambda d: polls.DuplicatePoll(poll_id=new_id(), source_id=_text(d, "poll")),
    "poll_status": lambda d: polls.SetPollStatus(poll_id=_text(d, "poll"), status=_text(d, "status")),
    "poll_results": lambda d: polls.ShowPollResults(poll_id=_text(d, "poll"), shown=_flag(d, "shown")),
    "poll_reveal": lambda d: polls.RevealCorrect(poll_id=_text(d, "poll")),
    "poll_answer": _answer,
    "poll_hide": lambda d: polls.HidePollEntry(
        poll_id=_text(d, "poll"), key=_text(d, "key"), hidden=_flag(d, "hidden")
    ),
    "poll_spotlight": lambda d: polls.SpotlightPollAnswer(poll_id=_text(d, "poll"), answer_id=_text(d, "answer")),
    "poll_delete": lambda d: polls.DeletePoll(poll_id=_text(d, "poll")),
}


def results_csv(poll: polls.Poll) -> str:
    """One poll's results as CSV (GET /m/{code}/polls/{id}.csv). One row per option / value / word
    with its count; anonymity as in the export."""
    import csv
    import io

    rows: list[list[str | int | float]] = [["question", poll.question], ["answers", len(poll.ballots)], []]
    if poll.kind in polls.CHOICE_KINDS:
        rows.append(["option", "count", "in the room", "remote", "correct"])
        room, remote = polls.tally(poll, "room"), polls.tally(poll, "remote")
        for i, (option, n) in enumerate(zip(poll.options, polls.tally(poll), strict=True)):
            rows.append([option, n, room[i], remote[i], "yes" if i in poll.correct else ""])
    elif poll.kind == "scale":
        rows.append(["value", "count"])
        rows.extend([i + 1, n] for i, n in enumerate(polls.tally(poll)))
    elif poll.kind == "words":
        rows.append(["word", "count"])
        rows.extend([w, n] for w, n in polls.word_counts(poll))
    elif poll.kind == "rank":
        rows.append(["option", "average position"])
        rows.extend([poll.options[i], round(a, 3)] for i, a in polls.rank_averages(poll))
    else:
        rows.append(["answer"])
        rows.extend(sorted([b.texts[0]] for b in poll.ballots.values() if b.answer_id not in poll.hidden))
    out = io.StringIO()
    writer = csv.writer(out)
    # A cell starting with = + - @ would run as a formula in a spreadsheet: quote it as text.
    writer.writerows([[("'" + c) if isinstance(c, str) and c[:1] in "=+-@" else c for c in r] for r in rows])
    return out.getvalue()


async def poll_csv(request: Any) -> Any:
    """GET /m/{code}/polls/{poll}.csv for the mentor (same checks as export.json).
    Routed in server/app.py."""
    from starlette.responses import Response

    from server import exports, views

    room = await views.load_room(request, request.path_params["code"])
    lang = views.browser_lang(request, room.state.language if room else None)
    if room is None:
        return views.not_found(request, lang)
    if not views.mentor_ok(request, room):
        return views.forbidden_mentor(request, lang)
    poll = room.state.polls.polls.get(request.path_params["poll"])
    if poll is None:
        return exports.poll_missing(request, lang, room.code)
    return Response(results_csv(poll), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="kring-{room.code}-poll-{poll.poll_id}.csv"',
        "cache-control": "no-store",
    })
