"""The web side of the topics the group brings in: the list with votes on the trajectory pages.

Privacy: participants see every topic with its votes, which ones are theirs and which they voted
for, but not who wrote or voted for the others (a case can be personal); the mentor sees the
authors' names. Who voted is never shown to anyone, only how many.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import events, topics, trajectory
from realtime.events import Role
from realtime.room import Room
from web import topics_commands
from web.feature import TRAJECTORY_ONLY, Region, WebFeature
from web.viewer import Viewer

# Field name -> English label, for error messages about that field (also msgids).
FIELD_LABELS: Mapping[str, str] = {
    "topic_title": "Topic or case",
    "topic_detail": "Details",
    "topic_status": "Status of the topic",
}


@dataclass(frozen=True, slots=True)
class TopicView:
    tid: str
    title: str
    detail: str
    votes: int
    status: str
    mine: bool
    voted: bool
    author: str  # the mentor only: the author's name ("" for the mentor's own)


@dataclass(frozen=True, slots=True)
class TopicsView:
    items: tuple[TopicView, ...]
    open_count: int
    title_max: int = topics.TITLE_MAX
    detail_max: int = topics.DETAIL_MAX


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    if viewer.page == "live" and viewer.role is Role.PARTICIPANT:
        # The phone's live page only says how many topics wait, with a link to the list.
        return {"topics_open": sum(1 for t in room.state.part(topics.PART).topics.values() if t.status != "discussed")}
    if viewer.page != "trajectory" or viewer.role is Role.PROJECTOR:
        return {}
    names = {pid: p.name for pid, p in room.state.participants.items()}
    mentor = viewer.role is Role.MENTOR
    shown = tuple(
        TopicView(
            tid=t.tid,
            title=t.title,
            detail=t.detail,
            votes=t.votes,
            status=t.status,
            mine=bool(viewer.pid) and t.author == viewer.pid,
            voted=bool(viewer.pid) and viewer.pid in t.voters,
            author=names.get(t.author, "") if mentor and t.author else "",
        )
        for t in room.state.part(topics.PART).by_votes()
    )
    return {"topics_view": TopicsView(shown, sum(1 for t in shown if t.status == "open"))}


_BOTH = frozenset({Role.MENTOR, Role.PARTICIPANT})
_ALL_TOPIC_EVENTS = frozenset({"topics", "topics-prompt", "agenda-plan"})

FEATURE = WebFeature(
    name="topics",
    cores=(topics.FEATURE,),
    parsers=topics_commands.PARSERS,
    regions=(
        # Personal for participants: "yours" and "you voted" differ per person.
        Region("topics", _BOTH, personal=True, order=52, on_pages=_BOTH, pages=TRAJECTORY_ONLY),
        Region("topics-prompt", frozenset({Role.PARTICIPANT}), order=61, on_pages=frozenset({Role.PARTICIPANT})),
    ),
    event_regions={
        **{cls: _ALL_TOPIC_EVENTS for cls in topics.EVENTS},
        # The mentor's list shows authors' names.
        events.ProfileUpdated: frozenset({"topics"}),
        events.SessionEnded: frozenset({"topics"}),
        trajectory.TrajectoryPlanned: frozenset({"topics-prompt"}),
    },
    context=context,
    field_labels=FIELD_LABELS,
    # Only authors are named (on the mentor's copy): a rename of anyone else leaves the copies alone.
    shows_person=lambda state, pid: any(t.author == pid for t in state.part(topics.PART).topics.values()),
)
