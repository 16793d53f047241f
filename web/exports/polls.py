"""One poll's results as CSV: one row per option, value or word with its count; anonymity as in
the JSON export (no names here at all)."""

from __future__ import annotations

from realtime import polls
from web.exports.cells import csv_text


def poll_csv(poll: polls.Poll) -> str:
    rows: list[list[object]] = [["question", poll.question], ["answers", len(poll.ballots)], []]
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
    return csv_text(rows)
