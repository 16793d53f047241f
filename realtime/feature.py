"""How a feature plugs into the core: one declaration per feature, read by realtime/core.py.

A feature (the queue, the wall, polls, ...) is one module (or package) of realtime/ that ends with
a `FEATURE = CoreFeature(...)`: its name, the slot of the room's state it owns (a `Part`), its
commands and events, its pure `decide` and `evolve`, its export, the refusal reasons it may raise,
the projector views it offers, which of its commands only the mentor may give, and for every one of
its event types the fields that name a person (so that "delete my data" knows what to erase without
guessing from field names). Nothing else in the core lists features: the composition root
(server/manifest.py) hands the list to `Core`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from realtime.events import Actor, Command, Event, Stamped

if TYPE_CHECKING:
    from realtime.state import RoomState

S = TypeVar("S")


@dataclass(frozen=True, slots=True)
class Part(Generic[S]):
    """A feature's own slot of RoomState: its key and the value it has before any event."""

    name: str
    empty: S


Decide = Callable[["RoomState", Command, Actor], list[Event]]
Evolve = Callable[["RoomState", Stamped], "RoomState"]
Export = Callable[["RoomState"], Any]
# Whether an event is person `pid`'s though no field holds their id (anonymous feedback that holds
# a salted hash of it instead), given the state folded up to that event.
Owned = Callable[["RoomState", Event, str], bool]


@dataclass(frozen=True, slots=True)
class CoreFeature:
    """Everything the core needs to know about one feature.

    `personal` maps every event type of the feature to the names of its fields that hold a
    participant's id (an empty tuple: none do). Core refuses a feature that leaves an event type
    unclassified, so a new event cannot silently survive an erasure.

    `creates` and `refers` let erasure follow what a person made into other things: an event type
    in `creates` makes a thing whose id is in the named field (a topic, an agenda block); an event
    of any feature with a field named in `refers` holding the id of an erased thing goes too.
    """

    name: str
    commands: tuple[type[Command], ...]
    events: tuple[type[Event], ...]
    decide: Decide
    evolve: Evolve
    personal: Mapping[type[Event], tuple[str, ...]]
    part: Part[Any] | None = None
    # The key of this feature's data in the JSON export, and the function that makes it.
    export_key: str = ""
    export: Export | None = None
    # Reason code -> English message template (also the msgid of its translation).
    reasons: Mapping[str, str] = field(default_factory=dict)
    projector_views: tuple[str, ...] = ()
    creates: Mapping[type[Event], str] = field(default_factory=dict)
    refers: tuple[str, ...] = ()
    # Event types whose events can be a person's without naming them, and how to tell (erasure).
    owned: Mapping[type[Event], Owned] = field(default_factory=dict)
    # The commands of `commands` that only the mentor may give, whatever the room's state (their
    # decide begins with require_mentor). The hub refuses them to anyone else by role alone,
    # before they wait in the room's queue (issue 14); tests/test_mentor_only.py checks that
    # this says what decide does.
    mentor_only: tuple[type[Command], ...] = ()


def personal(events: tuple[type[Event], ...], fields: tuple[str, ...]) -> dict[type[Event], tuple[str, ...]]:
    """The same person fields for several event types (a shorthand for `CoreFeature.personal`)."""
    return {event: fields for event in events}
