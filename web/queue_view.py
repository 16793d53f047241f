"""The web side of the hand-raise queue: its regions, which events touch them, and what each viewer
may see of it.

Privacy: everyone sees the queue itself (names, room / remote, away, why someone is next) and who
is speaking; only the mentor gets the balance (turns and speaking time per person). A participant's
own place and "your turn" are personal regions, rendered for that participant only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from realtime import events, queue
from realtime.events import Role
from realtime.queue import QueueState, Tally
from realtime.room import Room
from realtime.state import RoomState
from web import queue_commands
from web.feature import BOTH_PAGES, TOP, NowEntry, ProjectorEntry, Region, Tab, WebFeature
from web.viewer import Viewer

# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "hand_kind": "Kind of hand",
    "queue_order": "Order of the queue",
    "turn_limit": "Time limit",
    "move_direction": "Direction",
    "queue_person": "Person",
    "turn_id": "Turn",
}


QUEUE_EVENTS = (
    queue.HandRaised, queue.HandLowered, queue.TurnStarted, queue.TurnEnded, queue.QueueReordered,
    queue.QueueCleared, queue.PolicyChanged, queue.SoftLimitChanged,
)
_ALL = frozenset({"queue", "queue-me", "queue-turn", "stage"})
_TURNS = _ALL | {"queue-balance"}


@dataclass(frozen=True, slots=True)
class PlaceView:
    position: int
    pid: str
    name: str
    location: str
    online: bool
    kind: str
    why: str
    turns: int
    is_me: bool
    text: str = ""  # the question, when the hand was raised from the Q&A


@dataclass(frozen=True, slots=True)
class SpeakerView:
    tid: str
    pid: str
    name: str
    location: str
    online: bool
    kind: str
    why: str
    started_at: float
    is_me: bool


@dataclass(frozen=True, slots=True)
class BalanceRow:
    name: str
    location: str
    turns: int
    seconds: str


@dataclass(frozen=True, slots=True)
class SideView:
    turns: int
    seconds: str
    share: int  # percent of all speaking time


@dataclass(frozen=True, slots=True)
class QueueView:
    places: tuple[PlaceView, ...]
    speaker: SpeakerView | None
    policy: str
    soft_limit_s: int
    waiting_room: int
    waiting_remote: int
    # The viewer's own situation (participants only; empty for others).
    my_place: PlaceView | None = None
    lowered_away: bool = False
    # The mentor only.
    balance: tuple[BalanceRow, ...] = ()
    sides: Mapping[str, SideView] | None = None


def duration(seconds: float) -> str:
    """m:ss (or h:mm:ss): the same in every language."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def ordinal(n: int, lang: str) -> str:
    """3 -> "3rd" in English, "3e" in Dutch."""
    if lang == "nl":
        return f"{n}e"
    if 11 <= n % 100 <= 13:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _speaker(room: Room, current: queue.Turn | None, viewer: Viewer) -> SpeakerView | None:
    if current is None:
        return None
    person = room.state.participants.get(current.pid)
    return SpeakerView(
        tid=current.tid,
        pid=current.pid,
        name=person.name if person else "?",
        location=person.location if person else current.location,
        online=room.presence.is_online(current.pid),
        kind=current.kind,
        why=current.why,
        started_at=current.started_at,
        is_me=current.pid == viewer.pid,
    )


def _balance(room: Room, state: QueueState) -> tuple[tuple[BalanceRow, ...], dict[str, SideView]]:
    rows = [
        BalanceRow(p.name, p.location, state.tally.get(pid, Tally()).turns,
                   duration(state.tally.get(pid, Tally()).seconds))
        for pid, p in room.state.participants.items()
    ]
    # Who has not been heard yet comes first: that is what the mentor looks for.
    rows.sort(key=lambda row: row.turns)
    split = queue.balance(state)
    total = sum(float(side["seconds"]) for side in split.values()) or 1.0
    sides = {
        name: SideView(int(side["turns"]), duration(float(side["seconds"])),
                       round(100 * float(side["seconds"]) / total))
        for name, side in split.items()
    }
    return tuple(rows), sides


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state.part(queue.PART)
    online = room.presence.online()
    participants = room.state.participants
    places = tuple(
        PlaceView(
            position=index,
            pid=place.entry.pid,
            name=participants[place.entry.pid].name if place.entry.pid in participants else "?",
            location=place.location,
            online=place.entry.pid in online,
            kind=place.entry.kind,
            why=place.why,
            turns=place.turns,
            is_me=place.entry.pid == viewer.pid and viewer.role is Role.PARTICIPANT,
            text=place.entry.text,
        )
        for index, place in enumerate(queue.order(state, queue.locations_of(room.state)), start=1)
    )
    view = QueueView(
        places=places,
        speaker=_speaker(room, state.current, viewer),
        policy=state.policy,
        soft_limit_s=state.soft_limit_s,
        waiting_room=sum(1 for p in places if p.location != "remote"),
        waiting_remote=sum(1 for p in places if p.location == "remote"),
    )
    if viewer.role is Role.PARTICIPANT:
        mine = next((p for p in places if p.is_me), None)
        view = _with(view, my_place=mine, lowered_away=viewer.pid in state.lowered_away)
    elif viewer.role is Role.MENTOR:
        rows, sides = _balance(room, state)
        view = _with(view, balance=rows, sides=sides)
    return {"queue_view": view, "queue_ordinal": ordinal, "queue_duration": duration}


def _with(view: QueueView, **changes: Any) -> QueueView:
    return replace(view, **changes)


_PARTICIPANT = frozenset({Role.PARTICIPANT})

def shows_person(state: RoomState, pid: str) -> bool:
    """Whether the queue's shared regions name `pid`: waiting, speaking or in the balance."""
    q = state.part(queue.PART)
    return q.entry(pid) is not None or (q.current is not None and q.current.pid == pid) or pid in q.tally


FEATURE = WebFeature(
    name="queue",
    cores=(queue.FEATURE,),
    parsers=queue_commands.PARSERS,
    regions=(
        # "Your turn" sits right under #me (sticky), then your own hand, then the shared list.
        # On the trajectory page too: a turn reaches whichever page the person has open.
        Region("queue-turn", _PARTICIPANT, personal=True, order=10, on_pages=_PARTICIPANT, tab=TOP,
               pages=BOTH_PAGES),
        Region("queue-me", _PARTICIPANT, personal=True, order=11, on_pages=_PARTICIPANT, tab=TOP),
        Region("queue", frozenset({Role.MENTOR, Role.PARTICIPANT}), order=12,
               on_pages=frozenset({Role.MENTOR, Role.PARTICIPANT}), tab="queue", section=TOP),
        Region("queue-balance", frozenset({Role.MENTOR}), order=13, on_pages=frozenset({Role.MENTOR})),
    ),
    event_regions={
        **{cls: _ALL for cls in QUEUE_EVENTS},
        queue.TurnStarted: _TURNS,
        queue.TurnEnded: _TURNS,
        # Only the person it is about sees the notice go; the shared regions do not change.
        queue.LoweredNoticeSeen: frozenset({"queue-me"}),
        # The list shows names and room/remote: a rename or a move touches it too.
        events.ProfileUpdated: frozenset({"queue", "queue-balance", "stage"}),
        events.SessionEnded: frozenset({"queue", "queue-me"}),
    },
    context=context,
    shows_person=shows_person,
    field_labels=FIELD_LABELS,
    projector=(ProjectorEntry("queue", "Hand-raise queue"),),
    presence_regions=frozenset({"queue"}),
    tabs=(Tab("queue", "Queue", order=30),),
    now=(NowEntry("queue", "Hand-raise queue", tab="queue", item="queue", title=lambda state, ref: "",
                  events=frozenset({events.ProjectorViewChanged}), views=frozenset({"queue"})),),
    stage_names={"queue": shows_person},
)
