"""Successes: a participant shares a win (a first client, a presentation that went well), between
the meetings or during one, and the group celebrates it (issue 18: "vier successen met je groep").

Theory of operation
-------------------
Every success has one author (the participant who posted it) and the author's choice of who may
see it: `share` is "mentor" (only the mentor reads it) or "group" (everyone in the group sees it on
their trajectory page, and the mentor may put it on the projector at a meeting). "mentor" is the
default: sharing with the group is a choice the author makes for each success, and can take back
by editing it. The author edits or removes their own; the mentor cannot change someone's words,
but can hide a shared one from the group (and the projector) and show it again.

A success names its author, so erasure takes it, and its edits, removal and hiding refer to it by
`success` (CoreFeature.creates/refers) and go too. A closed room still takes successes, as it
takes messages: the wins after the last meeting are for the return meeting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime.errors import Dangling, Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor
from realtime.text import clean_block, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

TEXT_MAX = 500
TEXT_LINES = 8
PER_PERSON_MAX = 20
# A group of 20 at their maximum: the room as a whole never holds more than this.
SUCCESSES_MAX = 400
MENTOR_ONLY = "mentor"
GROUP = "group"
SHARES = (MENTOR_ONLY, GROUP)

REASONS: Mapping[str, str] = {
    "successes_full": "You have shared {max} successes: remove an old one first.",
    "successes_room_full": "The group has shared {max} successes: the mentor can ask to remove old ones.",
    "success_unknown": "That success does not exist (any more).",
    "success_not_yours": "You can only change your own successes.",
}


@dataclass(frozen=True, slots=True)
class Success:
    success: str
    author: str  # participant id
    text: str
    share: str  # MENTOR_ONLY or GROUP
    at: float  # when it was posted (the stamped event's time)
    hidden: bool = False  # the mentor hid it from the group and the projector

    @property
    def for_group(self) -> bool:
        """Whether the group (and the projector) may see it: the author agreed, the mentor did not hide it."""
        return self.share == GROUP and not self.hidden


@dataclass(frozen=True, slots=True)
class SuccessesState:
    successes: Mapping[str, Success] = field(default_factory=lambda: MappingProxyType({}))  # oldest first

    def newest_first(self) -> tuple[Success, ...]:
        return tuple(reversed(tuple(self.successes.values())))

    def of(self, pid: str) -> tuple[Success, ...]:
        return tuple(s for s in self.successes.values() if s.author == pid)


PART: Part[SuccessesState] = Part("successes", SuccessesState())


@dataclass(frozen=True, slots=True)
class PostSuccess(Command):
    success: str
    text: str
    share: str


@dataclass(frozen=True, slots=True)
class EditSuccess(Command):
    success: str
    text: str
    share: str


@dataclass(frozen=True, slots=True)
class RemoveSuccess(Command):
    success: str


@dataclass(frozen=True, slots=True)
class HideSuccess(Command):
    success: str
    hidden: str  # "yes" hides it from the group, "no" shows it again


@dataclass(frozen=True, slots=True)
class SuccessPosted(Event):
    success: str
    author: str
    text: str
    share: str


@dataclass(frozen=True, slots=True)
class SuccessEdited(Event):
    success: str
    text: str
    share: str


@dataclass(frozen=True, slots=True)
class SuccessRemoved(Event):
    success: str


@dataclass(frozen=True, slots=True)
class SuccessHidden(Event):
    success: str
    hidden: bool


COMMANDS: tuple[type[Command], ...] = (PostSuccess, EditSuccess, RemoveSuccess, HideSuccess)
EVENTS: tuple[type[Event], ...] = (SuccessPosted, SuccessEdited, SuccessRemoved, SuccessHidden)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    part = state.part(PART)
    if isinstance(command, PostSuccess):
        me = require_member(state, actor)
        if len(part.of(me.pid)) >= PER_PERSON_MAX:
            raise Rejected("successes_full", max=PER_PERSON_MAX)
        if len(part.successes) >= SUCCESSES_MAX:
            raise Rejected("successes_room_full", max=SUCCESSES_MAX)
        text, share = _text_and_share(command.text, command.share)
        return [SuccessPosted(command.success, me.pid, text, share)]
    if isinstance(command, EditSuccess):
        mine = _own(state, actor, command.success)
        text, share = _text_and_share(command.text, command.share)
        if (text, share) == (mine.text, mine.share):
            return []
        return [SuccessEdited(mine.success, text, share)]
    if isinstance(command, RemoveSuccess):
        mine = _own(state, actor, command.success)
        return [SuccessRemoved(mine.success)]
    if isinstance(command, HideSuccess):
        require_mentor(actor)
        found = part.successes.get(command.success) if isinstance(command.success, str) else None
        if found is None:
            raise Rejected("success_unknown")
        hidden = one_of(command.hidden, "success_hidden", ("yes", "no")) == "yes"
        return [] if hidden == found.hidden else [SuccessHidden(found.success, hidden)]
    raise Rejected("unknown_command")


def _text_and_share(text: object, share: object) -> tuple[str, str]:
    cleaned = clean_block(text, "success_text", TEXT_MAX, TEXT_LINES)
    if not cleaned:
        raise Rejected("missing_field", field="success_text")
    # An unticked box sends nothing: no choice is "only the mentor", never the group.
    return cleaned, one_of(share or MENTOR_ONLY, "success_share", SHARES)


def _own(state: RoomState, actor: Actor, success: str) -> Success:
    me = require_member(state, actor)
    found = state.part(PART).successes.get(success) if isinstance(success, str) else None
    if found is None:
        raise Rejected("success_unknown")
    if found.author != me.pid:
        raise Rejected("success_not_yours")
    return found


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    successes = dict(state.part(PART).successes)
    if isinstance(event, SuccessPosted):
        successes[event.success] = Success(event.success, event.author, event.text, event.share, stamped.at)
    elif isinstance(event, SuccessEdited):
        successes[event.success] = dataclasses.replace(_found(successes, event), text=event.text, share=event.share)
    elif isinstance(event, SuccessRemoved):
        successes.pop(event.success, None)
    elif isinstance(event, SuccessHidden):
        successes[event.success] = dataclasses.replace(_found(successes, event), hidden=event.hidden)
    else:
        raise TypeError(f"successes.evolve: unknown event {event!r}")
    return state.with_part(PART, SuccessesState(MappingProxyType(successes)))


def _found(successes: Mapping[str, Success], event: SuccessEdited | SuccessHidden) -> Success:
    found = successes.get(event.success)
    if found is None:
        raise Dangling(f"{type(event).__name__} on a success that is gone")
    return found


def for_group(state: RoomState) -> tuple[Success, ...]:
    """What the group and the projector may see, newest first: shared by authors still in the group,
    not hidden by the mentor."""
    return tuple(s for s in state.part(PART).newest_first() if s.for_group and s.author in state.participants)


def export(state: RoomState) -> Any:
    # The export is made to be saved and shared: only what the authors agreed the group may see.
    names = {p.pid: p.name for p in state.participants.values()}
    return [{"text": s.text, "author": names[s.author], "posted_at": s.at} for s in reversed(for_group(state))]


FEATURE = CoreFeature(
    name="successes",
    commands=COMMANDS,
    mentor_only=(HideSuccess,),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    personal={SuccessPosted: ("author",), SuccessEdited: (), SuccessRemoved: (), SuccessHidden: ()},
    creates={SuccessPosted: "success"},
    refers=("success",),
    part=PART,
    export=export,
    reasons=REASONS,
    projector_views=("successes",),
)
