"""The web side of hybrid media: the panels that media.js brings to life on three pages.

Media state (who is connected, speaking, muted) lives in the media relay, not in the room's event
log: it is ephemeral and reaches pages over the media socket (server/media/signalling.py), not as
regions. The regions here are the server-rendered shells: controls, device pickers, texts in the
viewer's language, and the socket path for this viewer.

Privacy: only remote attendees get the panel among participants (in-room phones get nothing, and
the media socket refuses them too), and people in the room only while they are in a running
breakout group (for a laptop at their group's table: realtime/breakouts.py); the projector's
panel connects only when the mentor has signed in on that device; the mentor's panel has the
controls (ask to mute, stop video).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import breakouts, events
from realtime.events import Role
from realtime.room import Room
from web.feature import TOP, Region, WebFeature
from web.viewer import Viewer


@dataclass(frozen=True, slots=True)
class MediaView:
    path: str  # the media socket's path for this viewer ("" = no media here)
    enabled: bool
    group: str = ""  # in the room, in this running breakout group: the group's audio only


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state
    path = group = ""
    if viewer.role is Role.PARTICIPANT:
        me = state.participants.get(viewer.pid)
        if me is not None and me.location != "remote":
            group = breakouts.group_of_running(state, me.pid)
        if me is not None and (me.location == "remote" or group):
            path = f"/media/s/{state.code}"
    elif viewer.role is Role.MENTOR:
        path = f"/media/m/{state.code}"
    elif viewer.role is Role.PROJECTOR:
        path = f"/media/p/{state.code}/{state.join_token}"
    return {"media_view": MediaView(path=path, enabled=bool(path) and not state.ended, group=group)}


FEATURE = WebFeature(
    name="media",
    regions=(
        # Above the tabs, before the hand: a remote attendee's way into the room, in sight whatever
        # tab is open (the media panel has its own "your turn: unmute" prompt).
        Region("media-remote", frozenset({Role.PARTICIPANT}), personal=True, own_events_only=True,
               order=9, on_pages=frozenset({Role.PARTICIPANT}), tab=TOP),
        Region("media-mentor", frozenset({Role.MENTOR}), order=9, on_pages=frozenset({Role.MENTOR})),
        # Included by projector.html next to the stage.
        Region("media-room", frozenset({Role.PROJECTOR})),
    ),
    event_regions={
        # Moving between the room and remote turns the panel on or off.
        events.ProfileUpdated: frozenset({"media-remote"}),
        # Someone in the room gets the panel while in a running breakout group, and loses it after.
        breakouts.MemberPlaced: frozenset({"media-remote"}),
        breakouts.BreakoutsStarted: frozenset({"media-remote"}),
        breakouts.BreakoutsEnded: frozenset({"media-remote"}),
        breakouts.BreakoutsClosed: frozenset({"media-remote"}),
        events.SessionEnded: frozenset({"media-remote", "media-mentor", "media-room"}),
    },
    context=context,
)
