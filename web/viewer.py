"""Who a page is rendered for, and what of the room they may see.

Privacy rules live here, in one place per kind of data, and every template gets its data through
these functions only: so a participant's page (and the HTML sent to their socket) can never carry
what only the mentor may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from realtime.events import Role
from realtime.presence import Presence
from realtime.state import RoomState


@dataclass(frozen=True, slots=True)
class Viewer:
    role: Role
    lang: str
    pid: str = ""
    # Where this viewer reached Kring (for links and QR codes shown to them).
    base_url: str = ""
    # Which kind of page they look at: "live" (the session) or "trajectory" (web/feature.py PAGES).
    # Regions do not render differently per page, so it is not part of the cache key.
    page: str = "live"
    # Both cache keys, made once: they are looked up for every frame sent to this viewer.
    _shared_key: str = field(init=False, repr=False, compare=False)
    _own_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        shared = f"{self.role.value}:{self.lang}:{self.base_url}"
        own = f"p:{self.pid}:{self.lang}:{self.base_url}" if self.role is Role.PARTICIPANT else shared
        object.__setattr__(self, "_shared_key", shared)
        object.__setattr__(self, "_own_key", own)

    def cache_key(self, personal: bool) -> str:
        """Viewers that see the same HTML of a region share one render of it."""
        return self._own_key if personal else self._shared_key


@dataclass(frozen=True, slots=True)
class PersonView:
    pid: str
    name: str
    location: str
    online: bool
    is_me: bool
    # Only on one's own view: someone switched a browser to this person by their link (issue 14).
    link_used: bool = False


def people(state: RoomState, presence: Presence, viewer: Viewer) -> list[PersonView]:
    online = presence.online()
    return [
        PersonView(p.pid, p.name, p.location, p.pid in online, p.pid == viewer.pid)
        for p in state.participants.values()
    ]


@dataclass(frozen=True, slots=True)
class Counts:
    present: int
    room: int
    remote: int
    away: int


def counts_of(state: RoomState, presence: Presence) -> Counts:
    """counts(people(...)) without building a view of everyone (a line of #presence needs only this)."""
    online = presence.online()
    room = remote = 0
    for participant in state.participants.values():
        if participant.pid in online:
            if participant.location == "room":
                room += 1
            else:
                remote += 1
    return Counts(present=room + remote, room=room, remote=remote, away=len(state.participants) - room - remote)


def counts(persons: list[PersonView]) -> Counts:
    present = [p for p in persons if p.online]
    return Counts(
        present=len(present),
        room=sum(1 for p in present if p.location == "room"),
        remote=sum(1 for p in present if p.location == "remote"),
        away=len(persons) - len(present),
    )
