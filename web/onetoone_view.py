"""The web side of the one-to-one meetings: the mentor's slots and bookings, and each participant's
own bookings and the free times, both on the trajectory pages.

Privacy: who booked which slot is the mentor's to see. A participant's context says of every other
booking only that its slot is taken (no name, no booking id), and the online link of a slot (and
its call in Kring, server/onetoone_routes.py) only to the one who booked it. The projector never
gets this region.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import events, onetoone
from realtime.events import Role
from realtime.room import Room
from web import onetoone_commands
from web.feature import TRAJECTORY_ONLY, Region, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {
    "onetoone_date": "Date",
    "onetoone_start": "Start time",
    "onetoone_minutes": "Minutes",
    "onetoone_mode": "Where",
    "onetoone_place": "Place",
    "onetoone_link": "Online link",
    "onetoone_limit": "One-to-ones per participant",
}


@dataclass(frozen=True, slots=True)
class SlotView:
    sid: str
    date: str
    start: str
    end: str  # "HH:MM"
    minutes: int
    mode: str
    place: str  # the place in a room; online: the link, for the mentor and the one who booked it only
    status: str  # "free", "taken" or "mine"
    who: str = ""  # the mentor's view only: the name of the one who booked it
    bid: str = ""  # the booking's id: the mentor's view, and the participant's own
    call: str = ""  # an online booking's call page: the mentor's view, and the participant's own


def slot_view(slot: onetoone.Slot, status: str, place: str, who: str = "", bid: str = "", call: str = "") -> SlotView:
    end = (datetime.datetime.combine(datetime.date.min, datetime.time.fromisoformat(slot.start))
           + datetime.timedelta(minutes=slot.minutes)).strftime("%H:%M")
    return SlotView(slot.sid, slot.date, slot.start, end, slot.minutes, slot.mode, place, status, who, bid, call)


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state
    part = state.part(onetoone.PART)
    shown: list[SlotView] = []
    mine: list[SlotView] = []
    for slot in part.slots if viewer.role in (Role.MENTOR, Role.PARTICIPANT) else ():
        holder = part.holder(slot.sid)
        online = slot.mode == "online"
        if viewer.role is Role.MENTOR:
            who = state.participants[holder.pid].name if holder and holder.pid in state.participants else ""
            # A call in Kring when the mentor gave no link of their own for the time.
            call = f"/m/{state.code}/call/{holder.bid}" if holder and online and not slot.place else ""
            shown.append(slot_view(slot, "taken" if holder else "free", slot.place, who,
                                   holder.bid if holder else "", call))
        elif holder is not None and holder.pid == viewer.pid:
            call = f"/s/{state.code}/call/{holder.bid}" if online and not slot.place else ""
            view = slot_view(slot, "mine", slot.place, bid=holder.bid, call=call)
            shown.append(view)
            mine.append(view)
        else:
            shown.append(slot_view(slot, "taken" if holder else "free", "" if online else slot.place))
    return {
        "onetoone_slots": tuple(shown),
        "onetoone_mine": tuple(mine),
        "onetoone_free": tuple(s for s in shown if s.status == "free"),
        "onetoone_limit": part.limit,
        "onetoone_booked": sum(1 for s in shown if s.status == "taken"),
        "onetoone_limits": onetoone,
    }


_MENTOR = frozenset({Role.MENTOR})
_PARTICIPANT = frozenset({Role.PARTICIPANT})
_BOTH = frozenset({"onetoone", "onetoone-mentor"})
_MENTOR_REGION = frozenset({"onetoone-mentor"})

FEATURE = WebFeature(
    name="onetoone",
    cores=(onetoone.FEATURE,),
    parsers=onetoone_commands.PARSERS,
    regions=(
        Region("onetoone-mentor", _MENTOR, order=5, on_pages=_MENTOR, pages=TRAJECTORY_ONLY),
        # Personal: each participant sees their own bookings (and nobody else's).
        Region("onetoone", _PARTICIPANT, personal=True, order=5, on_pages=_PARTICIPANT, pages=TRAJECTORY_ONLY),
    ),
    event_regions={
        onetoone.SlotOffered: _BOTH,
        onetoone.SlotRemoved: _BOTH,
        onetoone.OneToOneLimitSet: _BOTH,
        onetoone.OneToOneBooked: _BOTH,
        onetoone.OneToOneMoved: _BOTH,
        onetoone.OneToOneCancelled: _BOTH,
        # The mentor's list names who booked.
        events.ProfileUpdated: _MENTOR_REGION,
        events.ParticipantErased: _BOTH,
    },
    context=context,
    field_labels=FIELD_LABELS,
    # The mentor's list names who booked a slot; nobody else.
    shows_person=lambda state, pid: any(b.pid == pid and not b.cancelled for b in state.part(onetoone.PART).bookings),
)
