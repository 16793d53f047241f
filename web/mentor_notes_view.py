"""The web side of the mentor's own learning goals and reflections: one region on the mentor's
trajectory page, beside the evaluation's trend.

Privacy: the region is the mentor's only (Region roles), and `context` gives nothing to anyone
else, so no participant's page or frame and no projector can carry these notes, whatever template
would ask for them (the projector's stage gets every feature's context).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import mentor_notes, trajectory
from realtime.events import Role
from realtime.mentor_notes import MentorGoal, Reflection
from realtime.room import Room
from web import mentor_notes_commands
from web.feature import TRAJECTORY_ONLY, Region, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {
    "mentor_goal_text": "Your goal",
    "mentor_goal_reached": "Reached",
    "reflection_went_well": "What went well",
    "reflection_differently": "What I will do differently",
}


@dataclass(frozen=True, slots=True)
class HeldSession:
    number: int
    date: str  # ISO, "" when not planned
    title: str
    reflection: Reflection | None


@dataclass(frozen=True, slots=True)
class MentorNotesView:
    goals: tuple[MentorGoal, ...]
    held: tuple[HeldSession, ...]  # the newest first: the one to reflect on now
    reflections: int = 0  # how many are written


_NOTHING = MentorNotesView((), ())


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    if viewer.role is not Role.MENTOR:
        return {"mentor_notes_view": _NOTHING, "mentor_notes_limits": mentor_notes}
    state = room.state
    part = state.part(mentor_notes.PART)
    held = tuple(
        HeldSession(s.number, s.date, s.title, part.reflections.get(s.number))
        for s in reversed(state.part(trajectory.PART).sessions) if s.started
    )
    view = MentorNotesView(part.goals, held, len(part.reflections))
    return {"mentor_notes_view": view, "mentor_notes_limits": mentor_notes}


_MENTOR = frozenset({Role.MENTOR})
_REGION = frozenset({"mentor-notes"})

FEATURE = WebFeature(
    name="mentor_notes",
    cores=(mentor_notes.FEATURE,),
    parsers=mentor_notes_commands.PARSERS,
    regions=(Region("mentor-notes", _MENTOR, order=51, on_pages=_MENTOR, pages=TRAJECTORY_ONLY),),
    event_regions={
        **{cls: _REGION for cls in mentor_notes.EVENTS},
        # A held session gets its reflection form; a planned date or title shows with it.
        trajectory.TrajectorySessionStarted: _REGION,
        trajectory.TrajectoryPlanned: _REGION,
        trajectory.SessionPlanned: _REGION,
    },
    context=context,
    field_labels=FIELD_LABELS,
)
