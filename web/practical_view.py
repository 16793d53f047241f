"""The web side of the practical information: one region on the trajectory pages (the mentor's
form from a template, the group's page to read), the same text on the welcome page right after
joining, and a printable page with the QR code of the join link (server/practical_routes.py).

Privacy: the page is the mentor's text for the group; it is shown to the mentor and the
participants, never on the projector (an address or a meeting link is not for a wall screen).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from realtime import calendar, events, practical, trajectory
from realtime.events import Role
from realtime.room import Room
from web import practical_commands
from web.feature import TRAJECTORY_ONLY, Region, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {
    "practical_address": "Address",
    "practical_room": "Room",
    "practical_access": "Accessibility of the place",
    "practical_link": "Online link",
    "practical_bring": "What to bring or prepare",
    "practical_of_mentor": "What you can expect of the mentor",
    "practical_of_participants": "What the mentor expects of you",
    "practical_reach": "How and when to reach the mentor",
}


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    part = room.state.part(practical.PART)
    group = viewer.role in (Role.MENTOR, Role.PARTICIPANT)
    return {
        "practical": part.info if group else practical.Practical(),
        "practical_written": part.written,
        "practical_limits": practical,
        # The group's calendar feed is made from the join token: the mentor's only.
        "calendar_url": f"{viewer.base_url}/cal/{room.state.code}/{calendar.feed_key(room.state.join_token)}.ics"
        if viewer.role is Role.MENTOR else "",
    }


_GROUP = frozenset({Role.MENTOR, Role.PARTICIPANT})
# The "when" of the page is the plan: a change of plan touches it too.
_WHEN = frozenset({"practical"})

FEATURE = WebFeature(
    name="practical",
    cores=(practical.FEATURE,),
    parsers=practical_commands.PARSERS,
    regions=(
        Region("practical", _GROUP, order=2, on_pages=_GROUP, pages=TRAJECTORY_ONLY,
               context_from=frozenset({"trajectory"})),
    ),
    event_regions={
        practical.PracticalSet: frozenset({"practical"}),
        trajectory.TrajectoryPlanned: _WHEN,
        trajectory.SessionPlanned: _WHEN,
        trajectory.TrajectoryTimesPlanned: _WHEN,
        trajectory.TrajectorySessionCancelled: _WHEN,
        events.SessionEnded: _WHEN,
    },
    context=context,
    field_labels=FIELD_LABELS,
)
