"""The web side of reactions: the six buttons on phones and remote laptops, the counts and the
hybrid alarm on the mentor's console, and on the projector page (which is also the room laptop)
the reactions floating by and the alarm.

Privacy: who reacted is never shown, except in the alarm, which names the remote attendees who
cannot hear the room (to the mentor and on the room laptop: that is its point). A reaction floats
across the projector as its kind only. Each one is sent to the projector as one small item
("rx-pop:<id>", inserted at the end of #rx-pops); the console's counts go whole (one short line
per kind).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import events, reactions
from realtime.events import Event, Role
from realtime.room import Room
from realtime.state import RoomState
from web import reactions_commands
from web.feature import TOP, Item, Region, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {"reaction": "Reaction"}

# The sign each kind shows; its words are in the templates (translated).
SIGNS: Mapping[str, str] = {
    "applause": "👏", "plus_one": "👍", "laugh": "😄", "slower": "🐢", "cant_hear": "🔇", "cant_see": "🙈",
}


@dataclass(frozen=True, slots=True)
class AlarmView:
    names: tuple[str, ...]
    since: float


@dataclass(frozen=True, slots=True)
class ReactionsView:
    counts: tuple[tuple[str, str, int], ...]  # (kind, sign, count) in the order of KINDS
    total: int
    alarm: AlarmView | None


def view(state: RoomState) -> ReactionsView:
    part = state.part(reactions.PART)
    people = state.participants
    alarm = None
    if part.alarm.pids:
        names = tuple(people[pid].name for pid in part.alarm.pids if pid in people)
        alarm = AlarmView(names, part.alarm.since)
    return ReactionsView(
        counts=tuple((kind, SIGNS[kind], part.counts.get(kind, 0)) for kind in reactions.KINDS),
        total=part.total,
        alarm=alarm,
    )


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    return {"rx_view": view(room.state), "rx_kinds": tuple((k, SIGNS[k]) for k in reactions.KINDS)}


def _pop(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    kind = ctx["parts"].reactions.kind_of(key)
    return {"rid": key, "kind": kind, "sign": SIGNS[kind]} if kind else None


def _reacted(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    assert isinstance(event, reactions.Reacted)
    if event.kind == reactions.ALARM_KIND and event.remote:
        return {}  # the alarm may change: the console and the screen go whole
    return {"reactions-screen": (f"rx-pop:{event.rid}",)}


_MENTOR = frozenset({Role.MENTOR})
_PARTICIPANT = frozenset({Role.PARTICIPANT})
_PROJECTOR = frozenset({Role.PROJECTOR})

FEATURE = WebFeature(
    name="reactions",
    cores=(reactions.FEATURE,),
    parsers=reactions_commands.PARSERS,
    regions=(
        # One tap, so always in reach: above the tabs, after the person's own hand.
        Region("reactions", _PARTICIPANT, order=12, on_pages=_PARTICIPANT, tab=TOP),
        Region("reactions-console", _MENTOR, order=3, on_pages=_MENTOR, section=TOP),
        # Included by projector.html beside the stage.
        Region("reactions-screen", _PROJECTOR),
    ),
    event_regions={
        reactions.Reacted: frozenset({"reactions-console", "reactions-screen"}),
        reactions.AlarmCleared: frozenset({"reactions-console", "reactions-screen"}),
        events.SessionEnded: frozenset({"reactions"}),
        events.ProfileUpdated: frozenset({"reactions-console", "reactions-screen"}),
    },
    context=context,
    field_labels=FIELD_LABELS,
    items=(Item("rx-pop", "reactions-screen", _pop),),
    event_items={reactions.Reacted: _reacted},
    shows_person=lambda state, pid: pid in state.part(reactions.PART).alarm.pids,
)
