"""The wall feature of a room (stub: filled in by its own issue).

A feature module gives the core: COMMANDS and EVENTS (its dataclasses), its part of the room state
(`WallState`, kept in `RoomState.wall`), `decide(state, command, actor)` and `evolve(state, stamped)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped

if TYPE_CHECKING:
    from realtime.state import RoomState


@dataclass(frozen=True, slots=True)
class WallState:
    pass


COMMANDS: tuple[type[Command], ...] = ()
EVENTS: tuple[type[Event], ...] = ()


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    raise Rejected("unknown_command")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    raise TypeError(f"evolve: unknown event {stamped.event!r}")


def export(state: RoomState) -> Any:
    """This feature's part of the mentor's JSON export (realtime/export.py)."""
    return None
