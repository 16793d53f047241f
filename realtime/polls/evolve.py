"""Folding the polls' events into their state."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import TYPE_CHECKING

from realtime.events import Event, Stamped
from realtime.polls.messages import (
    PollAnswered,
    PollCorrectRevealed,
    PollCreated,
    PollDeleted,
    PollEntryHidden,
    PollResultsShown,
    PollSpotlighted,
    PollStatusChanged,
    PollTimedOut,
    PollTimeLimitSet,
)
from realtime.polls.model import PART, Ballot, Poll

if TYPE_CHECKING:
    from realtime.state import RoomState

# ---------------------------------------------------------------- evolve


def _with_poll(state: RoomState, poll: Poll) -> RoomState:
    polls = dict(state.part(PART).polls)
    polls[poll.poll_id] = poll
    return state.with_part(PART, dataclasses.replace(state.part(PART), polls=MappingProxyType(polls)))


def _fold(state: RoomState, poll: Poll, event: Event, at: float) -> Poll:
    if isinstance(event, PollStatusChanged):
        # Each opening gets the whole answer time, counted from the moment it was opened.
        ends_at = at + poll.time_limit if event.status == "open" and poll.time_limit else None
        return dataclasses.replace(poll, status=event.status, ends_at=ends_at, timed_out=False)
    if isinstance(event, PollTimedOut):
        return dataclasses.replace(poll, status="closed", ends_at=None, timed_out=True)
    if isinstance(event, PollTimeLimitSet):
        return dataclasses.replace(poll, time_limit=event.seconds)
    if isinstance(event, PollResultsShown):
        return dataclasses.replace(poll, results_shown=event.shown)
    if isinstance(event, PollCorrectRevealed):
        return dataclasses.replace(poll, correct_shown=True)
    if isinstance(event, PollAnswered):
        person = state.participants.get(event.pid)
        ballot = Ballot(event.answer_id, event.choices, event.texts, person.location if person else "", at)
        ballots = {pid: b for pid, b in poll.ballots.items() if pid != event.pid}
        ballots[event.pid] = ballot  # one ballot per person; a new answer replaces the old
        # A replaced answer can no longer be in the spotlight.
        replaced = poll.ballots.get(event.pid)
        spotlight = "" if replaced and replaced.answer_id == poll.spotlight else poll.spotlight
        return dataclasses.replace(poll, ballots=MappingProxyType(ballots), spotlight=spotlight)
    if isinstance(event, PollEntryHidden):
        hidden = poll.hidden | {event.key} if event.hidden else poll.hidden - {event.key}
        return dataclasses.replace(poll, hidden=hidden)
    if isinstance(event, PollSpotlighted):
        return dataclasses.replace(poll, spotlight=event.answer_id)
    raise TypeError(f"evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    if isinstance(event, PollCreated):
        poll = Poll(
            event.poll_id, event.kind, event.question, event.options, event.max_choices,
            event.scale_max, event.low_label, event.high_label, event.anonymous, event.live,
            event.correct, event.source_id, stamped.at,
        )
        return _with_poll(state, poll)
    if isinstance(event, PollDeleted):
        polls = {k: v for k, v in state.part(PART).polls.items() if k != event.poll_id}
        return state.with_part(PART, dataclasses.replace(state.part(PART), polls=MappingProxyType(polls)))
    poll_id = getattr(event, "poll_id", None)
    if not isinstance(poll_id, str) or poll_id not in state.part(PART).polls:
        raise TypeError(f"evolve: event for an unknown poll {event!r}")
    return _with_poll(state, _fold(state, state.part(PART).polls[poll_id], event, stamped.at))


