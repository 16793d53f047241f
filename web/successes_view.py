"""The web side of the successes feed: a participant's feed with the form to share a win (live and
trajectory pages), the mentor's list with hiding and the projector buttons, and the projector's
view of the wins (a calm list, or one at a time).

Privacy lives in `context`: a participant sees the wins the group may see (shared by their author,
not hidden by the mentor) and their own, whatever their choice; the mentor sees all, with names;
the projector sees only what the group may see, and nobody else gets anything.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from realtime import events, successes, trajectory
from realtime.events import Role
from realtime.room import Room
from realtime.state import RoomState
from realtime.successes import Success
from web import successes_commands
from web.feature import BOTH_PAGES, NowEntry, ProjectorEntry, Region, Tab, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {
    "success_text": "Your success",
    "success_share": "Who may see it",
    "success_hidden": "Hide",
}

# How many the pages list (the newest), and how many the projector's calm list shows: more would
# not be readable from the back of the room.
SHOWN_MAX = 30
STAGE_LIST_MAX = 5


@dataclass(frozen=True, slots=True)
class SuccessView:
    success: str
    name: str
    text: str
    date: str  # ISO date in the trajectory's time zone, for format_date
    mine: bool
    share: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class StageSuccesses:
    """The projector's view: one success (`one`, number `position` of `count`) or the newest few."""

    one: SuccessView | None
    position: int
    listed: tuple[SuccessView, ...]
    count: int


@dataclass(frozen=True, slots=True)
class SuccessesView:
    shown: tuple[SuccessView, ...]  # newest first, at most SHOWN_MAX
    more: int  # how many older ones are not listed
    mine: int  # how many the viewer (a participant) posted: the limit is per person
    stage: StageSuccesses | None = None  # the projector only


def _view(state: RoomState, success: Success, viewer: Viewer, zone: ZoneInfo) -> SuccessView:
    author = state.participants.get(success.author)
    when = datetime.datetime.fromtimestamp(success.at, zone)
    return SuccessView(success.success, author.name if author is not None else "", success.text,
                       when.date().isoformat(), success.author == viewer.pid, success.share, success.hidden)


def _stage(state: RoomState, viewer: Viewer, zone: ZoneInfo) -> StageSuccesses:
    shared = successes.for_group(state)
    ref = state.projector_ref if state.projector_view == "successes" else ""
    index = next((i for i, s in enumerate(shared) if s.success == ref), None)
    one = _view(state, shared[index], viewer, zone) if index is not None else None
    return StageSuccesses(one, (index or 0) + 1, tuple(_view(state, s, viewer, zone) for s in shared[:STAGE_LIST_MAX]),
                          len(shared))


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state
    zone = ZoneInfo(state.part(trajectory.PART).timezone)
    part = state.part(successes.PART)
    if viewer.role is Role.MENTOR:
        visible = [s for s in part.newest_first() if s.author in state.participants]
    elif viewer.role is Role.PARTICIPANT:
        group = set(successes.for_group(state))
        visible = [s for s in part.newest_first() if s in group or s.author == viewer.pid]
    else:
        visible = []
    view = SuccessesView(
        shown=tuple(_view(state, s, viewer, zone) for s in visible[:SHOWN_MAX]),
        more=max(0, len(visible) - SHOWN_MAX),
        mine=len(part.of(viewer.pid)) if viewer.role is Role.PARTICIPANT else 0,
        stage=_stage(state, viewer, zone) if viewer.role is Role.PROJECTOR else None,
    )
    return {"successes_view": view, "successes_limits": successes}


_PARTICIPANT = frozenset({Role.PARTICIPANT})
_MENTOR = frozenset({Role.MENTOR})
_ALL = frozenset({"successes", "successes-console", "stage", "projector-control"})
_NAMES = frozenset({"successes", "successes-console"})

def _author(state: RoomState, pid: str) -> bool:
    return any(s.author == pid for s in state.part(successes.PART).successes.values())


FEATURE = WebFeature(
    name="successes",
    cores=(successes.FEATURE,),
    parsers=successes_commands.PARSERS,
    regions=(
        # Per participant: their own wins, whatever they chose, with edit and remove.
        Region("successes", _PARTICIPANT, personal=True, order=30, on_pages=_PARTICIPANT, pages=BOTH_PAGES),
        Region("successes-console", _MENTOR, order=30, on_pages=_MENTOR, section="successes", pages=BOTH_PAGES),
    ),
    event_regions={
        **{cls: _ALL for cls in successes.EVENTS},
        # Each win shows its author's name; an erased author's go with them.
        events.ParticipantJoined: _NAMES,
        events.ProfileUpdated: _NAMES | {"stage"},
        # Dates are shown in the trajectory's zone.
        trajectory.TrajectoryTimesPlanned: _NAMES,
    },
    context=context,
    field_labels=FIELD_LABELS,
    # Only the author of a win shows (by name): a rename of anyone else leaves every copy alone.
    shows_person=_author,
    # The mentor's console folds them into a section of their own; on the phone they are in "More".
    tabs=(Tab("successes", "Successes", order=72),),
    projector=(ProjectorEntry("successes", "Successes", available=lambda state: bool(successes.for_group(state))),),
    # The wins on the projector are the group's "now": the phones open them (to read, and to add one).
    now=(NowEntry("successes", "Successes", tab="more", item="successes",
                  title=lambda state, ref: "" if successes.for_group(state) else None,
                  events=frozenset({events.ProjectorViewChanged, *successes.EVENTS}),
                  views=frozenset({"successes"}), ref_of=lambda ref: ""),),
    stage_names={"successes": _author},
)
