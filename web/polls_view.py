"""The web side of the polls feature: its regions and what each viewer may see of a poll.

Privacy lives in `poll_view`: templates get PollView objects that already hold only what their
viewer may see. Participants and the projector get results only when the mentor revealed them
(or the poll is live), never a hidden word or answer, and never who answered what; the mentor
sees names only in named polls. The core keeps the pid of anonymous answers only to count one
answer per person, and nothing here reads it for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from realtime import events, polls
from realtime.events import Role
from realtime.polls import Poll
from realtime.room import Room
from realtime.state import RoomState
from web import polls_commands
from web.feature import NowEntry, Region, Tab, WebFeature, nobody
from web.viewer import Viewer

# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "poll": "Poll",
    "kind": "Kind of poll",
    "question": "Question",
    "option": "Option",
    "max_choices": "Maximum choices",
    "max_words": "Words per person",
    "scale": "Scale",
    "low_label": "Label for the lowest value",
    "high_label": "Label for the highest value",
    "correct": "Correct answer",
    "answer": "Answer",
    "word": "Word",
    "status": "Status",
    "time_limit": "Answer time in seconds",
}


STAGE = "stage"
MENTOR_REGION = "polls-mentor"
PARTICIPANT_REGION = "polls"
# Compare two runs on the projector: ref = COMPARE + the id of the later run.
COMPARE = "cmp-"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    count: int
    percent: int  # of all answers (multiple choice can add up to more than 100)
    width: int  # bar length in percent of the longest bar
    room: int
    remote: int
    correct: bool  # only True where this viewer may see the correct answers


@dataclass(frozen=True, slots=True)
class RankBar:
    """One option of a ranking poll, best first: a longer bar is a better (lower) average place."""

    label: str
    place: int  # 1 = best; options with the same average share a place
    average: float  # average place, counted from 1
    width: int  # bar length in percent: (options + 1 - average) / options
    first: int  # how many put it first


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    count: int
    size: int  # 1..5, by frequency relative to the most frequent word
    hidden: bool


@dataclass(frozen=True, slots=True)
class TextAnswer:
    answer_id: str
    text: str
    name: str  # "" unless the viewer is the mentor and the poll is named
    hidden: bool


@dataclass(frozen=True, slots=True)
class PollView:
    poll: Poll
    show_results: bool
    show_correct: bool
    answered: int  # ballots in total
    present: int  # participants online now
    present_answered: int  # of them, how many answered
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    median: float | None = None
    words: list[Word] = field(default_factory=list)
    texts: list[TextAnswer] = field(default_factory=list)
    ranks: list[RankBar] = field(default_factory=list)
    quiz_right: int = 0
    # The viewer's own ballot (participants only).
    mine: tuple[int, ...] = ()
    my_texts: tuple[str, ...] = ()
    has_mine: bool = False
    # After the reveal of a quiz: "right" or "wrong" for the viewer's own answer (participants only).
    my_result: str = ""
    correct_labels: tuple[str, ...] = ()  # with my_result: the options that were right
    who: list[tuple[str, str]] = field(default_factory=list)  # (name, answer): mentor, named polls

    @property
    def id(self) -> str:
        return self.poll.poll_id


def _bars(poll: Poll, show_correct: bool) -> list[Bar]:
    counts = polls.tally(poll)
    room, remote = polls.tally(poll, "room"), polls.tally(poll, "remote")
    total, top = len(poll.ballots), max(counts, default=0)
    labels = list(poll.options) if poll.kind != "scale" else [str(i + 1) for i in range(poll.scale_max)]
    return [
        Bar(label, n, round(100 * n / total) if total else 0, round(100 * n / top) if top else 0,
            room[i], remote[i], show_correct and i in poll.correct)
        for i, (label, n) in enumerate(zip(labels, counts, strict=True))
    ]


def _ranks(poll: Poll) -> list[RankBar]:
    averages = polls.rank_averages(poll)
    n = len(poll.options)
    firsts = [0] * n
    for ballot in poll.ballots.values():
        if ballot.choices and 0 <= ballot.choices[0] < n:
            firsts[ballot.choices[0]] += 1
    bars: list[RankBar] = []
    for i, avg in averages:
        # Competition ranking: options with the same average share a place (1, 1, 3).
        place = bars[-1].place if bars and bars[-1].average == avg else len(bars) + 1
        bars.append(RankBar(poll.options[i], place, avg, round(100 * (n + 1 - avg) / n), firsts[i]))
    return bars


def _words(poll: Poll, mentor: bool) -> list[Word]:
    counted = polls.word_counts(poll, include_hidden=mentor)
    top = max((n for _, n in counted), default=1)
    # Size steps follow frequency; 1 = seen once, 5 = as often as the most frequent entry.
    return [Word(w, n, 1 + round(4 * (n - 1) / (top - 1)) if top > 1 else 3, w in poll.hidden)
            for w, n in counted[:60]]


def _texts(poll: Poll, mentor: bool, names: Mapping[str, str]) -> list[TextAnswer]:
    out = []
    for pid, ballot in poll.ballots.items():
        hidden = ballot.answer_id in poll.hidden
        if hidden and not mentor:
            continue
        name = names.get(pid, "") if mentor and not poll.anonymous else ""
        out.append(TextAnswer(ballot.answer_id, ballot.texts[0] if ballot.texts else "", name, hidden))
    return out


def _describe(poll: Poll, ballot: polls.Ballot) -> str:
    if poll.kind in ("single", "multi", "rank"):
        return ", ".join(poll.options[c] for c in ballot.choices if 0 <= c < len(poll.options))
    if poll.kind == "scale":
        return str(ballot.choices[0]) if ballot.choices else ""
    return ", ".join(ballot.texts)


def poll_view(room: Room, viewer: Viewer, poll: Poll) -> PollView:
    state = room.state
    mentor = viewer.role is Role.MENTOR
    online = room.presence.online() & set(state.participants)
    show_results = mentor or poll.results_visible
    show_correct = poll.quiz and (mentor or (poll.correct_shown and show_results))
    mine = poll.ballots.get(viewer.pid) if viewer.role is Role.PARTICIPANT else None
    view = PollView(
        poll=poll,
        show_results=show_results,
        show_correct=show_correct,
        answered=len(poll.ballots),
        present=len(online),
        present_answered=len(online & set(poll.ballots)),
        mine=mine.choices if mine else (),
        my_texts=mine.texts if mine else (),
        has_mine=mine is not None,
        my_result=("right" if polls.is_correct(poll, mine) else "wrong")
        if mine is not None and poll.quiz and poll.correct_shown else "",
        correct_labels=tuple(poll.options[c] for c in poll.correct)
        if mine is not None and poll.correct_shown else (),
    )
    if not show_results:
        return view  # nothing of the results leaves the server for this viewer
    names = {pid: p.name for pid, p in state.participants.items()}
    extra: dict[str, Any] = {}
    if poll.kind in ("single", "multi", "scale"):
        extra["bars"] = _bars(poll, show_correct)
    if poll.kind == "scale":
        stats = polls.scale_stats(poll)
        if stats:
            extra["mean"], extra["median"] = stats
    if poll.kind == "words":
        extra["words"] = _words(poll, mentor)
    if poll.kind == "text":
        extra["texts"] = _texts(poll, mentor, names)
    if poll.kind == "rank":
        extra["ranks"] = _ranks(poll)
    if show_correct:
        extra["quiz_right"] = polls.quiz_score(poll)[0]
    if mentor and not poll.anonymous:
        extra["who"] = sorted((names.get(pid, "?"), _describe(poll, b)) for pid, b in poll.ballots.items())
    return _replace(view, extra)


def _replace(view: PollView, extra: Mapping[str, Any]) -> PollView:
    from dataclasses import replace

    return replace(view, **extra)


def _stage_polls(room: Room, viewer: Viewer) -> list[PollView]:
    """The poll(s) the projector shows: one, or a run next to the run it was copied from."""
    state = room.state
    if state.projector_view != "poll":
        return []
    ref, all_polls = state.projector_ref, state.part(polls.PART).polls
    if ref.startswith(COMPARE):
        later = all_polls.get(ref[len(COMPARE):])
        earlier = all_polls.get(later.source_id) if later else None
        return [poll_view(room, viewer, p) for p in (earlier, later) if p is not None]
    poll = all_polls.get(ref)
    return [poll_view(room, viewer, poll)] if poll else []


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    every = list(room.state.part(polls.PART).polls.values())
    if viewer.role is Role.PROJECTOR:
        return {"stage_polls": _stage_polls(room, viewer)}
    if viewer.role is Role.MENTOR:
        views = [poll_view(room, viewer, p) for p in reversed(every)]
        runs = {p.poll_id: i for i, p in enumerate(every, start=1)}
        return {"mentor_polls": views, "poll_numbers": runs, "poll_kinds": polls.KINDS,
                "poll_limits": _limits()}
    # Participants: drafts stay with the mentor; newest first, open ones on top.
    shown = [p for p in reversed(every) if p.status != "draft"]
    shown.sort(key=lambda p: p.status != "open")
    return {"participant_polls": [poll_view(room, viewer, p) for p in shown], "poll_limits": _limits()}


def _limits() -> Mapping[str, int]:
    return {
        "time_min": polls.TIME_LIMIT_MIN, "time_max": polls.TIME_LIMIT_MAX,
        "question": polls.QUESTION_MAX, "option": polls.OPTION_MAX, "options": polls.OPTIONS_MAX,
        "label": polls.LABEL_MAX, "word": polls.WORD_MAX, "words": polls.WORDS_PER_PERSON_MAX,
        "text": polls.TEXT_MAX,
    }


def _poll_question(state: RoomState, poll_id: str) -> str | None:
    found = state.part(polls.PART).polls.get(poll_id)
    return found.question if found is not None and found.status != "draft" else None


def _open_polls(state: RoomState) -> list[str]:
    """Open polls, newest first: the mentor sent them to the phones (projected or not)."""
    return [p.poll_id for p in reversed(list(state.part(polls.PART).polls.values())) if p.status == "open"]


NEW_REGION = "polls-new"
RESULTS_REGION = "polls-results"
_ALL = frozenset({STAGE, MENTOR_REGION, PARTICIPANT_REGION, RESULTS_REGION})

FEATURE = WebFeature(
    name="polls",
    cores=(polls.FEATURE,),
    parsers=polls_commands.PARSERS,
    regions=(
        # The create form: its own region so that votes never re-render what the mentor types.
        Region(NEW_REGION, frozenset({Role.MENTOR}), order=39, on_pages=frozenset({Role.MENTOR}), section="polls"),
        Region(MENTOR_REGION, frozenset({Role.MENTOR}), order=40, on_pages=frozenset({Role.MENTOR}), section="polls"),
        # Personal (the viewer's own answer), and re-rendered for others' answers only when the
        # results are shown: re-rendering everyone's form on every vote would morph away what
        # they are typing. Status and reveal events carry no pid, so they reach everyone.
        Region(PARTICIPANT_REGION, frozenset({Role.PARTICIPANT}), personal=True, own_events_only=True,
               order=40, on_pages=frozenset({Role.PARTICIPANT}), tab="polls"),
        # The results participants may see: shared, so every answer updates them for everyone.
        Region(RESULTS_REGION, frozenset({Role.PARTICIPANT}), order=41, on_pages=frozenset({Role.PARTICIPANT}),
               tab="polls"),
    ),
    event_regions={
        polls.PollCreated: frozenset({NEW_REGION, MENTOR_REGION}),
        polls.PollStatusChanged: _ALL,
        polls.PollResultsShown: _ALL,
        polls.PollCorrectRevealed: _ALL,
        polls.PollAnswered: _ALL,
        polls.PollEntryHidden: _ALL,
        polls.PollSpotlighted: frozenset({MENTOR_REGION, STAGE}),
        polls.PollDeleted: _ALL,
        polls.PollTimeLimitSet: frozenset({MENTOR_REGION}),
        polls.PollTimedOut: _ALL,
        # An ended session takes the answer forms away.
        events.SessionEnded: frozenset({PARTICIPANT_REGION}),
    },
    context=context,
    field_labels=FIELD_LABELS,
    presence_regions=frozenset({"polls-mentor"}),
    tabs=(Tab("polls", "Polls", order=20),),
    now=(NowEntry("poll", "Poll", tab="polls", item="poll", title=_poll_question,
                  events=frozenset({events.ProjectorViewChanged, polls.PollStatusChanged, polls.PollDeleted,
                                    polls.PollTimedOut}),
                  views=frozenset({"poll"}), running=_open_polls,
                  ref_of=lambda ref: ref.removeprefix(COMPARE)),),
    # The projector counts who is here and answered, and never names anyone.
    stage_names={"poll": nobody},
)
