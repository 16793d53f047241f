"""The web side of the timer: a countdown on every live page (with the controls on the mentor's
console), a full-screen countdown on the projector, and a small one in the projector's top bar
while it shows something else (the retro, a poll).

The countdown itself runs in the browser (web/static/timer.js) from `ends_at`; a paused timer
shows the time that is left, rendered here. Everyone in the room may see the timer; only the
mentor gets the buttons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import events, timer
from realtime.events import Role
from realtime.room import Room
from realtime.state import RoomState
from web import timer_commands
from web.feature import TOP, ProjectorEntry, Region, WebFeature, nobody
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {
    "timer_minutes": "Minutes",
    "timer_label": "What the timer is for",
}


@dataclass(frozen=True, slots=True)
class TimerView:
    set: bool
    label: str
    running: bool
    ends_at: float  # epoch seconds it runs out (0 while paused or not set)
    left: str  # the time left while paused, as the clock shows it ("4:30")
    left_s: int
    planned_minutes: int


def clock(seconds: float) -> str:
    """Seconds as the countdown shows them: "m:ss", "h:mm:ss" from an hour (as timer.js does)."""
    s = max(0, int(seconds + 0.999))  # a paused 4:29.4 shows 4:30, as the running clock did
    hours, rest = divmod(s, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def view(state: RoomState) -> TimerView:
    t = state.part(timer.PART)
    return TimerView(
        set=t.set,
        label=t.label,
        running=t.running,
        ends_at=t.ends_at or 0.0,
        left=clock(t.left_s),
        left_s=int(t.left_s + 0.999),
        planned_minutes=t.total_s // 60,
    )


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    return {"timer_view": view(room.state), "timer_minutes_max": timer.MINUTES_MAX}


_GROUP = frozenset({Role.MENTOR, Role.PARTICIPANT})
_TOUCHES = frozenset({"timer", "stage"})

FEATURE = WebFeature(
    name="timer",
    cores=(timer.FEATURE,),
    parsers=timer_commands.PARSERS,
    # Above the tabs on a phone: a countdown is worth one glance whatever the person has open.
    regions=(Region("timer", _GROUP, order=6, on_pages=_GROUP, tab=TOP),),
    event_regions={
        **{cls: _TOUCHES for cls in timer.EVENTS},
        events.SessionEnded: frozenset({"timer"}),
    },
    context=context,
    field_labels=FIELD_LABELS,
    projector=(ProjectorEntry("timer", "Timer"),),
    shows_person=lambda state, pid: False,
    stage_names={"timer": nobody},
)
