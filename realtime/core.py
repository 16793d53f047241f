"""The core of a room, assembled from the features it is given: decide, evolve, fold, export.

`Core(features)` is built once by the composition root (server/manifest.py lists the features in
order) and passed to everything that folds or decides: the hub, the rooms, erasure, retention.
Commands and events are dispatched by their exact type to the one feature that declared them
(a dict lookup; the old chain of isinstance checks over a dozen features cost a little on every
event). Building a Core checks the declarations against each other, so a feature that clashes with
another, or leaves an event's personal fields unclassified, stops the app at start, not in use.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from realtime import codes
from realtime.codec import Codec
from realtime.errors import REASONS, Forbidden, Rejected
from realtime.events import Actor, Command, Event, Role, SetProjectorView, Stamped
from realtime.feature import CoreFeature, Owned
from realtime.state import RoomState
from realtime.text import one_of

EXPORT_VERSION = 1


class DeclarationError(ValueError):
    """Two features declare the same thing, or a declaration is incomplete."""


class Core:
    def __init__(self, features: Sequence[CoreFeature]) -> None:
        self.features: tuple[CoreFeature, ...] = tuple(features)
        by_command: dict[type[Command], CoreFeature] = {}
        by_event: dict[type[Event], CoreFeature] = {}
        reasons: dict[str, str] = dict(REASONS)
        views: list[str] = []
        names: set[str] = set()
        for feature in self.features:
            if feature.name in names:
                raise DeclarationError(f"two features are called {feature.name!r}")
            names.add(feature.name)
            for command in feature.commands:
                _claim(by_command, command, feature)
            strays = [c.__name__ for c in feature.mentor_only if c not in feature.commands]
            if strays:
                raise DeclarationError(f"{feature.name}: mentor_only names commands it does not declare: {strays}")
            for event in feature.events:
                _claim(by_event, event, feature)
                _check_personal(feature, event)
            for code, text in feature.reasons.items():
                if code in reasons:
                    raise DeclarationError(f"{feature.name}: reason {code!r} is declared twice")
                reasons[code] = text
            views.extend(view for view in feature.projector_views if view not in views)
        self._by_command = by_command
        self._by_event = by_event
        self.events: tuple[type[Event], ...] = tuple(by_event)
        self.commands: tuple[type[Command], ...] = tuple(by_command)
        self.mentor_only: frozenset[type[Command]] = frozenset(
            command for feature in self.features for command in feature.mentor_only
        )
        self.reasons: Mapping[str, str] = reasons
        self.projector_views: tuple[str, ...] = tuple(views)
        self.personal: Mapping[type[Event], tuple[str, ...]] = {
            event: feature.personal[event] for event, feature in by_event.items()
        }
        self.creates: Mapping[type[Event], str] = {
            event: name for feature in self.features for event, name in feature.creates.items()
        }
        self.refers: tuple[str, ...] = tuple(sorted({name for f in self.features for name in f.refers}))
        self.owned: Mapping[type[Event], Owned] = {
            event: test for feature in self.features for event, test in feature.owned.items()
        }
        self.codec = Codec(self.events)

    def feature(self, name: str) -> CoreFeature:
        return next(f for f in self.features if f.name == name)

    def require_role(self, command: Command, actor: Actor) -> None:
        """Forbidden("not_mentor") if `command` is one only the mentor may give and `actor` is not
        the mentor: what its decide would answer, known from the declarations alone (one set
        lookup; no state). The hub asks this before a command waits in the room's queue."""
        if actor.role is not Role.MENTOR and type(command) in self.mentor_only:
            raise Forbidden("not_mentor")

    def decide(self, state: RoomState, command: Command, actor: Actor) -> list[Event]:
        """The events that `command` by `actor` causes in `state`, or Rejected."""
        feature = self._by_command.get(type(command))
        if feature is None:
            raise Rejected("unknown_command")
        if isinstance(command, SetProjectorView):
            one_of(command.view, "view", self.projector_views)
        return feature.decide(state, command, actor)

    def evolve(self, state: RoomState, stamped: Stamped) -> RoomState:
        """The state after one committed event. Events arrive in seq order, each exactly once."""
        feature = self._by_event.get(type(stamped.event))
        if feature is None:
            raise TypeError(f"evolve: unknown event {stamped.event!r}")  # not in the manifest
        return feature.evolve(dataclasses.replace(state, seq=stamped.seq), stamped)

    def fold(self, stamped: Sequence[Stamped], state: RoomState | None = None) -> RoomState:
        """Replay a log (or the rest of one) onto a state."""
        current = state or RoomState()
        for item in stamped:
            current = self.evolve(current, item)
        return current

    def export(self, state: RoomState) -> dict[str, Any]:
        """The mentor's export of a room: the whole state as plain JSON-able data.

        Secrets (the mentor key hash, participants' token hashes, the join token) never leave the
        server, not even to the mentor: the export is meant to be saved and shared."""
        data: dict[str, Any] = {
            "export_version": EXPORT_VERSION,
            "code": state.code,
            "code_display": codes.display(state.code) if state.code else "",
            "title": state.title,
            "language": state.language,
            "created_at": state.created_at,
            "ended_at": state.ended_at,
            "seq": state.seq,
        }
        for feature in self.features:
            if feature.export is not None:
                data[feature.export_key or feature.name] = feature.export(state)
        return data


def _claim(table: dict[Any, CoreFeature], kind: type, feature: CoreFeature) -> None:
    other = table.get(kind)
    if other is not None:
        raise DeclarationError(f"{kind.__name__} is declared by {other.name!r} and {feature.name!r}")
    table[kind] = feature


def _check_personal(feature: CoreFeature, event: type[Event]) -> None:
    fields = feature.personal.get(event)
    if fields is None:
        raise DeclarationError(
            f"{feature.name}: {event.__name__} does not say which of its fields name a person "
            "(CoreFeature.personal; an empty tuple when none do)"
        )
    known = {f.name for f in dataclasses.fields(event)}
    unknown = [name for name in fields if name not in known]
    if unknown:
        raise DeclarationError(f"{feature.name}: {event.__name__} has no field {unknown}")
