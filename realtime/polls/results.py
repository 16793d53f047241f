"""Poll results as pure functions of a poll (the web layer only formats them), and the polls'
part of the JSON export."""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, Any

from realtime.polls.model import CHOICE_KINDS, PART, Ballot, Poll

if TYPE_CHECKING:
    from realtime.state import RoomState

# ---------------------------------------------------------------- pure helpers


def normalize_word(text: str) -> str:
    """A word-cloud entry as it is counted: compatibility forms folded (NFKC), case folded,
    whitespace runs collapsed. "  Team  Spirit" and "team spirit" are the same entry."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def tally(poll: Poll, location: str | None = None) -> list[int]:
    """Votes per option (choice polls) or per value 1..scale_max (scale), optionally only of
    ballots given in `location`."""
    size = poll.scale_max if poll.kind == "scale" else len(poll.options)
    counts = [0] * size
    for ballot in poll.ballots.values():
        if location is not None and ballot.location != location:
            continue
        for choice in ballot.choices:
            index = choice - 1 if poll.kind == "scale" else choice
            if 0 <= index < size:
                counts[index] += 1
    return counts


def scale_stats(poll: Poll) -> tuple[float, float] | None:
    """Mean and median of a scale poll, or None without answers."""
    values = sorted(b.choices[0] for b in poll.ballots.values() if b.choices)
    if not values:
        return None
    middle = len(values) // 2
    median = float(values[middle]) if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return sum(values) / len(values), median


def word_counts(poll: Poll, include_hidden: bool = False) -> list[tuple[str, int]]:
    """Normalised entries with how many people gave them, most frequent first (then A-Z).
    One person giving the same word twice counts once."""
    counter: Counter[str] = Counter()
    for ballot in poll.ballots.values():
        counter.update({normalize_word(t) for t in ballot.texts} - {""})
    return sorted(
        ((word, n) for word, n in counter.items() if include_hidden or word not in poll.hidden),
        key=lambda item: (-item[1], item[0]),
    )


def rank_averages(poll: Poll) -> list[tuple[int, float]]:
    """(option index, average position counted from 1), best (lowest) first; options nobody
    ranked are left out."""
    totals = [0] * len(poll.options)
    seen = [0] * len(poll.options)
    for ballot in poll.ballots.values():
        for position, option in enumerate(ballot.choices, start=1):
            if 0 <= option < len(poll.options):
                totals[option] += position
                seen[option] += 1
    averages = [(i, totals[i] / seen[i]) for i in range(len(poll.options)) if seen[i]]
    return sorted(averages, key=lambda item: (item[1], item[0]))


def is_correct(poll: Poll, ballot: Ballot) -> bool:
    return bool(poll.correct) and set(ballot.choices) == set(poll.correct)


def quiz_score(poll: Poll) -> tuple[int, int]:
    """(ballots exactly right, ballots) of a quiz: a multi-choice answer counts only when it
    ticks all the correct options and nothing else."""
    ballots = list(poll.ballots.values())
    return sum(1 for b in ballots if is_correct(poll, b)), len(ballots)


# ---------------------------------------------------------------- export


def _ballot_export(poll: Poll, pid: str, ballot: Ballot) -> dict[str, Any]:
    data: dict[str, Any] = {"location": ballot.location, "at": ballot.at}
    if not poll.anonymous:  # anonymous polls never say who answered, not even to the mentor
        data["participant"] = pid
    if poll.kind in CHOICE_KINDS:
        data["options"] = [poll.options[c] for c in ballot.choices]
        if poll.quiz:
            data["correct"] = is_correct(poll, ballot)
    elif poll.kind == "scale":
        data["value"] = ballot.choices[0]
    elif poll.kind == "rank":
        data["order"] = [poll.options[c] for c in ballot.choices]
    else:
        data["texts"] = list(ballot.texts)
        data["hidden"] = ballot.answer_id in poll.hidden if poll.kind == "text" else [
            normalize_word(t) in poll.hidden for t in ballot.texts
        ]
    return data


def export_poll(poll: Poll) -> dict[str, Any]:
    ballots = [_ballot_export(poll, pid, b) for pid, b in poll.ballots.items()]
    if poll.anonymous:
        # Answer times and answer order could tie ballots to people: drop them, sort by content.
        for b in ballots:
            b.pop("at")
        ballots.sort(key=lambda b: repr(sorted(b.items())))
    result: dict[str, Any] = {
        "id": poll.poll_id, "kind": poll.kind, "question": poll.question,
        "options": list(poll.options), "status": poll.status, "anonymous": poll.anonymous,
        "created_at": poll.created_at, "copy_of": poll.source_id or None,
        "answers": len(poll.ballots), "ballots": ballots,
        "time_limit_seconds": poll.time_limit or None, "timed_out": poll.timed_out,
    }
    if poll.kind in CHOICE_KINDS:
        result["counts"] = tally(poll)
        result["correct"] = [poll.options[c] for c in poll.correct]
        if poll.quiz:
            result["quiz_right"] = quiz_score(poll)[0]
    elif poll.kind == "scale":
        result.update(scale_max=poll.scale_max, low_label=poll.low_label, high_label=poll.high_label,
                      counts=tally(poll))
        stats = scale_stats(poll)
        result["mean"], result["median"] = stats if stats else (None, None)
    elif poll.kind == "words":
        result["words"] = [{"word": w, "count": n} for w, n in word_counts(poll)]
    elif poll.kind == "rank":
        result["ranking"] = [{"option": poll.options[i], "average_position": round(a, 3)}
                             for i, a in rank_averages(poll)]
    return result


def export(state: RoomState) -> Any:
    """This feature's part of the mentor's JSON export (Core.export)."""
    return [export_poll(p) for p in state.part(PART).polls.values()]


