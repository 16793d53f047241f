"""Calendar feeds: which secret opens whose feed (the feeds themselves: web/calendar_feed.py).

A calendar app fetches a feed by its address alone, with no cookie, and often from a calendar
server elsewhere; so a feed's address carries a key of its own, never a personal link (which lets
its holder take part as that person). Two kinds:

- the group's feed: its key is derived from the room's join token (`feed_key`), so it needs no
  event; whoever may see the join link (the mentor) gets it;
- a participant's own feed (the group's meetings and their own one-to-ones): its key is derived
  by the shell from their personal-link token, which only their browser holds, and its hash is
  stored here (`CalendarKeySet`) the first time they ask for their feed. A new personal link
  gives a new key the next time they ask; deleting their data takes the key with it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member

if TYPE_CHECKING:
    from realtime.state import RoomState

HASH_CHARS = 64  # a SHA-256 hex digest


def feed_key(secret: str) -> str:
    """The key of a feed made from another secret (join token, personal-link token): knowing the
    key does not give the secret back."""
    return hmac.new(secret.encode(), b"kring-calendar-feed", hashlib.sha256).hexdigest()[:32]


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CalendarState:
    # participant id -> the hash of their feed's key
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def owner(self, hashed: str) -> str:
        """Whose feed a key hash opens; "" for nobody's."""
        return next((pid for pid, h in self.keys.items() if hmac.compare_digest(h, hashed)), "")


PART: Part[CalendarState] = Part("calendar", CalendarState())


@dataclass(frozen=True, slots=True)
class SetCalendarKey(Command):
    key_hash: str


@dataclass(frozen=True, slots=True)
class CalendarKeySet(Event):
    pid: str
    key_hash: str


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    if not isinstance(command, SetCalendarKey):
        raise Rejected("unknown_command")
    me = require_member(state, actor)
    hashed = command.key_hash
    if len(hashed) != HASH_CHARS or any(ch not in "0123456789abcdef" for ch in hashed):
        raise Rejected("bad_message")
    if state.part(PART).keys.get(me.pid) == hashed:
        return []
    # Also after the room was closed: the calendar of what comes after (return meetings) stays.
    return [CalendarKeySet(me.pid, hashed)]


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    assert isinstance(event, CalendarKeySet)
    keys = dict(state.part(PART).keys)
    keys[event.pid] = event.key_hash
    return state.with_part(PART, CalendarState(MappingProxyType(keys)))




FEATURE = CoreFeature(
    name="calendar",
    commands=(SetCalendarKey,),
    events=(CalendarKeySet,),
    decide=decide,
    evolve=evolve,
    # Whose key it is: "delete my data" takes it, and the feed stops answering.
    personal={CalendarKeySet: ("pid",)},
    part=PART,
)
