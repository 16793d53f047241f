"""The web side of the messages between meetings: one region on the live and trajectory pages,
personal because each participant has their own unread ones.

Privacy: messages are the mentor's to the group; who read what is shown to nobody (not even the
mentor: reading is not a test), each participant sees only their own "new" marks.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from realtime import events, messages, trajectory
from realtime.events import Role
from realtime.room import Room
from web import messages_commands
from web.feature import BOTH_PAGES, Region, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {"message_text": "Message"}


@dataclass(frozen=True, slots=True)
class MessageView:
    mid: str
    number: int
    text: str
    date: str  # ISO date and "HH:MM" in the trajectory's time zone, for format_date / format_time
    time: str
    unread: bool


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state
    part = state.part(messages.PART)
    group = viewer.role in (Role.MENTOR, Role.PARTICIPANT)
    zone = ZoneInfo(state.part(trajectory.PART).timezone)
    unread = {m.mid for m in part.unread(viewer.pid)} if viewer.role is Role.PARTICIPANT else set()
    shown = []
    for m in reversed(part.messages) if group else ():
        when = datetime.datetime.fromtimestamp(m.at, zone)
        shown.append(MessageView(m.mid, m.number, m.text, when.date().isoformat(), when.strftime("%H:%M"),
                                 m.mid in unread))
    return {"messages_view": tuple(shown), "messages_unread": len(unread), "messages_newest": part.posted,
            "messages_limits": messages}


_GROUP = frozenset({Role.MENTOR, Role.PARTICIPANT})
_REGION = frozenset({"messages"})

FEATURE = WebFeature(
    name="messages",
    cores=(messages.FEATURE,),
    parsers=messages_commands.PARSERS,
    regions=(Region("messages", _GROUP, personal=True, order=4, on_pages=_GROUP, section="agreements",
                    pages=BOTH_PAGES),),
    event_regions={
        messages.MessagePosted: _REGION,
        messages.MessageRemoved: _REGION,
        messages.MessagesRead: _REGION,
        # Times are shown in the trajectory's zone.
        trajectory.TrajectoryTimesPlanned: _REGION,
        events.SessionEnded: _REGION,
    },
    context=context,
    field_labels=FIELD_LABELS,
)
