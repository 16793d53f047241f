"""Checks that every feature's decide() shares: who the actor is and whether the room is open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Role

if TYPE_CHECKING:
    from realtime.state import Participant, RoomState


def require_mentor(actor: Actor) -> None:
    if actor.role is not Role.MENTOR:
        raise Forbidden("not_mentor")


def require_member(state: RoomState, actor: Actor) -> Participant:
    if actor.role is not Role.PARTICIPANT:
        raise Forbidden("not_participant")
    participant = state.participants.get(actor.pid)
    if participant is None:
        raise Forbidden("not_a_member")
    return participant


def require_open(state: RoomState) -> None:
    if state.ended:
        raise Rejected("session_ended")
