"""The web side of the intake: the participant's own form, a prompt on the live page until it is
filled in, and the mentor's group profile.

Privacy: a participant's answers are visible to them and the mentor only. `context` gives a
participant their own Intake and nothing else (no profile, no other person's answers, not even
who has filled it in); the projector gets nothing. Only the mentor's context carries the profile
and everyone's answers, and only mentor-only regions render them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from realtime import events, intake, trajectory
from realtime.events import Role
from realtime.intake import Intake
from realtime.room import Room
from web import intake_commands
from web.feature import LIVE_ONLY, TRAJECTORY_ONLY, Region, WebFeature
from web.viewer import Viewer

# Bar chart geometry (SVG user units); the CSS scales the whole chart to its box.

# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "intake_learn": "What you want to learn",
    "intake_experience": "Your experience",
    "intake_experience_note": "About your experience",
    "intake_brings": "What you bring",
    "intake_styles": "How you like to learn",
    "intake_setting": "In the room or online",
    "intake_needs": "What helps you take part",
    "intake_access": "Anything the mentor should know",
}


BAR_W = 100


@dataclass(frozen=True, slots=True)
class BarView:
    code: str
    count: int
    width: float  # 0..BAR_W, relative to the number of people who filled it in
    percent: int


@dataclass(frozen=True, slots=True)
class PersonAnswers:
    pid: str
    name: str
    answers: Intake


@dataclass(frozen=True, slots=True)
class ProfileView:
    filled: int
    total: int
    styles: tuple[BarView, ...]
    settings: tuple[BarView, ...]
    experience: tuple[BarView, ...]
    needs: tuple[BarView, ...]
    access_notes: tuple[tuple[str, str], ...]  # (name, text) of who wrote something
    brings: tuple[tuple[str, str], ...]  # (name, text)
    missing: tuple[str, ...]  # names
    people: tuple[PersonAnswers, ...]


def _bars(counts: tuple[tuple[str, int], ...], total: int) -> tuple[BarView, ...]:
    return tuple(
        BarView(code, n, round(BAR_W * n / total, 1) if total else 0.0, round(100 * n / total) if total else 0)
        for code, n in counts
    )


def profile_view(room: Room) -> ProfileView:
    state = room.state
    summary = intake.profile(state)
    people = state.participants
    answers = state.part(intake.PART).answers
    filled = len(summary.filled)
    named = [(people[pid].name, answers[pid]) for pid in summary.filled]
    return ProfileView(
        filled=filled,
        total=len(people),
        styles=_bars(summary.styles, filled),
        settings=_bars(summary.settings, filled),
        experience=_bars(summary.experience, filled),
        needs=_bars(summary.needs, filled),
        access_notes=tuple((name, a.access) for name, a in named if a.access),
        brings=tuple((name, a.brings) for name, a in named if a.brings),
        missing=tuple(people[pid].name for pid in summary.missing),
        people=tuple(PersonAnswers(pid, people[pid].name, answers[pid]) for pid in summary.filled),
    )


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    limits = {
        "learn": intake.LEARN_MAX, "experience_note": intake.EXPERIENCE_NOTE_MAX,
        "brings": intake.BRINGS_MAX, "access": intake.ACCESS_MAX,
    }
    base: dict[str, Any] = {
        "intake_limits": limits,
        "intake_choices": {
            "experience": intake.EXPERIENCE, "styles": intake.STYLES, "settings": intake.SETTINGS,
            "needs": intake.NEEDS,
        },
        "intake_mine": None,
        "intake_profile": None,
    }
    if viewer.role is Role.PARTICIPANT:
        base["intake_mine"] = room.state.part(intake.PART).answers.get(viewer.pid)
    elif viewer.role is Role.MENTOR:
        # Computed when the profile is rendered, not for every console render of other features.
        base["intake_profile"] = cache(lambda: profile_view(room))
    return base


_PARTICIPANT = frozenset({Role.PARTICIPANT})
_MENTOR = frozenset({Role.MENTOR})
_MINE = frozenset({"intake-me", "intake-prompt"})
_PEOPLE = frozenset({"intake-profile"})

FEATURE = WebFeature(
    name="intake",
    cores=(intake.FEATURE,),
    parsers=intake_commands.PARSERS,
    regions=(
        # A small card on the live page until the intake is filled in (trajectories only).
        Region("intake-prompt", _PARTICIPANT, personal=True, own_events_only=True, order=14,
               on_pages=_PARTICIPANT, pages=LIVE_ONLY),
        Region("intake-me", _PARTICIPANT, personal=True, own_events_only=True, order=20,
               on_pages=_PARTICIPANT, pages=TRAJECTORY_ONLY),
        Region("intake-profile", _MENTOR, order=20, on_pages=_MENTOR, pages=TRAJECTORY_ONLY),
    ),
    event_regions={
        intake.IntakeSubmitted: _MINE | _PEOPLE,
        # The prompt appears once a trajectory is planned.
        trajectory.TrajectoryPlanned: frozenset({"intake-prompt"}),
        events.ParticipantJoined: _PEOPLE,
        events.ProfileUpdated: _PEOPLE,
        events.SessionEnded: _MINE | _PEOPLE,
    },
    context=context,
    field_labels=FIELD_LABELS,
)
