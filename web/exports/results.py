"""Results as tables a person reads: a poll's answers and an evaluation's ratings, each row with
its count written in the reader's language and its share for a bar chart.

The Markdown summary writes these as tables, the printable page as tables with a bar per row
(web/templates/summary.html); both read the same rows, so they never disagree. No row names a
person: poll answers are counted, never attributed, whether the poll was anonymous or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from realtime import evaluation, polls
from web.i18n import Language

# A word cloud can hold hundreds of entries; a summary shows the most frequent ones.
WORDS_SHOWN = 30


@dataclass(frozen=True, slots=True)
class Row:
    label: str  # an option, a scale value, a word (user text: escaped where written)
    value: str  # the count or average, as the language writes it
    share: float | None  # 0..1, the bar's length; None: no bar for this kind
    detail: str = ""  # the share of answers ("25%") or another short fact, "" when none
    mark: str = ""  # e.g. "correct answer" on a quiz option


@dataclass(frozen=True, slots=True)
class Table:
    label_heading: str
    value_heading: str
    rows: tuple[Row, ...]
    note: str = ""  # a line under the table: an average, how many words were left out
    detail_heading: str = "%"  # the rows' details: shares unless the table says otherwise


@dataclass(frozen=True, slots=True)
class PollResult:
    question: str
    kind: str  # the kind in words ("Multiple choice")
    answers: str  # "4 answers"
    table: Table | None
    texts: tuple[str, ...] = ()  # open answers, without names


def _share(n: int, total: int) -> float:
    return n / total if total else 0.0


def _choice_table(poll: polls.Poll, lang: Language) -> Table:
    t, fmt = lang.t, lang.formats
    people = len(poll.ballots)
    rows = tuple(
        Row(option, fmt.count(n), _share(n, people), fmt.percent(_share(n, people)),
            t("correct answer") if i in poll.correct else "")
        for i, (option, n) in enumerate(zip(poll.options, polls.tally(poll), strict=True))
    )
    note = t("Several choices per person: the shares can add up to more than 100%.") if poll.kind == "multi" else ""
    return Table(t("Option"), t("Answers"), rows, note)


def _scale_table(poll: polls.Poll, lang: Language) -> Table:
    t, fmt = lang.t, lang.formats
    people = len(poll.ballots)
    counts = polls.tally(poll)
    rows = []
    for value, n in enumerate(counts, start=1):
        label = fmt.count(value)
        if value == 1 and poll.low_label:
            label = f"{label} ({poll.low_label})"
        elif value == len(counts) and poll.high_label:
            label = f"{label} ({poll.high_label})"
        rows.append(Row(label, fmt.count(n), _share(n, people), fmt.percent(_share(n, people))))
    stats = polls.scale_stats(poll)
    note = ""
    if stats:
        note = t("Average {mean}, median {median}", mean=fmt.decimal(stats[0]), median=fmt.decimal(stats[1]))
    return Table(t("Value"), t("Answers"), tuple(rows), note)


def _words_table(poll: polls.Poll, lang: Language) -> Table:
    t, fmt = lang.t, lang.formats
    words = polls.word_counts(poll)
    people = len(poll.ballots)
    rows = tuple(Row(word, fmt.count(n), _share(n, people), fmt.percent(_share(n, people)))
                 for word, n in words[:WORDS_SHOWN])
    left = len(words) - len(rows)
    note = lang.tn("{n} more word left out.", "{n} more words left out.", left) if left > 0 else ""
    return Table(t("Word"), t("People"), rows, note)


def _rank_table(poll: polls.Poll, lang: Language) -> Table:
    t, fmt = lang.t, lang.formats
    size = len(poll.options)
    # The best average (1.0) gets the longest bar; the last possible place none.
    rows = tuple(
        Row(poll.options[i], fmt.decimal(average), (size - average) / (size - 1) if size > 1 else 1.0)
        for i, average in polls.rank_averages(poll)
    )
    return Table(t("Option"), t("Average place"), rows, t("Place 1 is the top of everyone's ranking."))


def _kind(kind: str, lang: Language) -> str:
    t = lang.t
    names = {"single": t("One choice"), "multi": t("Several choices"), "scale": t("Scale"), "words": t("Words"),
             "rank": t("Ranking")}
    return names.get(kind, t("Open answers"))


def poll_result(poll: polls.Poll, lang: Language) -> PollResult:
    """One poll's results; open answers the mentor hid are left out, as on the projector."""
    table: Table | None = None
    texts: tuple[str, ...] = ()
    if poll.kind in polls.CHOICE_KINDS:
        table = _choice_table(poll, lang)
    elif poll.kind == "scale":
        table = _scale_table(poll, lang)
    elif poll.kind == "words":
        table = _words_table(poll, lang)
    elif poll.kind == "rank":
        table = _rank_table(poll, lang)
    else:
        texts = tuple(sorted(b.texts[0] for b in poll.ballots.values() if b.texts and b.answer_id not in poll.hidden))
    answers = lang.tn("{n} answer", "{n} answers", len(poll.ballots))
    return PollResult(poll.question, _kind(poll.kind, lang), answers, table, texts)


def evaluation_table(summary: evaluation.SessionSummary, lang: Language) -> Table:
    """The ratings of one session's evaluation, 1 to 5, with the average under the table."""
    t, fmt = lang.t, lang.formats
    rows = tuple(
        Row(fmt.count(rating), fmt.count(n), _share(n, summary.count), fmt.percent(_share(n, summary.count)))
        for rating, n in enumerate(summary.ratings, start=1)
    )
    note = t("Average {mean} out of 5", mean=fmt.decimal(summary.average)) if summary.average is not None else ""
    return Table(t("Rating"), t("Answers"), rows, note)
