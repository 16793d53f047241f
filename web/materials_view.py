"""The web side of the materials: on the live pages (the phone's agenda tab, the console's agenda
section) the materials of the meeting that runs now or comes next; on the trajectory pages every
meeting's, and the mentor's forms to add a link (over the socket) or a file (a multipart post,
server/materials_routes.py) and to remove one.

Privacy: materials are the mentor's to the group; both roles see the same list. Files are
downloaded through a route that checks membership, never from a public address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import events, materials, trajectory
from realtime.events import Role
from realtime.room import Room
from realtime.state import RoomState
from web import materials_commands
from web.feature import LIVE_ONLY, TRAJECTORY_ONLY, Region, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {
    "material_title": "Title",
    "material_url": "Web address",
    "material_file": "File name",
}
# What a file's kind is called in the list (not translated: these are the formats' own names).
KIND_LABELS: Mapping[str, str] = {
    "pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "docx": "Word", "pptx": "PowerPoint", "xlsx": "Excel",
    "odt": "ODT", "odp": "ODP", "txt": "TXT", "md": "Markdown",
}


@dataclass(frozen=True, slots=True)
class MaterialView:
    mid: str
    title: str
    url: str  # a link's address, or the download route of a file
    is_file: bool
    filename: str
    kind: str  # "PDF", ... ("" for a link)
    size_mb: float  # for format_decimal


@dataclass(frozen=True, slots=True)
class SessionMaterials:
    number: int
    date: str  # ISO, "" when not planned
    title: str
    items: tuple[MaterialView, ...]


def _view(code: str, m: materials.Material) -> MaterialView:
    if not m.is_file:
        return MaterialView(m.mid, m.title, m.url, False, "", "", 0.0)
    return MaterialView(m.mid, m.title, f"/s/{code}/materials/{m.mid}", True, m.filename,
                        KIND_LABELS.get(m.kind, ""), round(max(m.size, 1) / 1_000_000, 1) or 0.1)


def shown_session(state: RoomState) -> int:
    """The meeting whose materials the live pages show: the one running, else the next one that
    has not run, else the last (0 when nothing is planned)."""
    plan = state.part(trajectory.PART)
    if plan.running:
        return plan.current
    upcoming = [s.number for s in plan.sessions if not s.started and not s.cancelled]
    if upcoming:
        return upcoming[0]
    return plan.sessions[-1].number if plan.sessions else 0


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state
    part = state.part(materials.PART)
    plan = state.part(trajectory.PART)
    sessions = tuple(
        SessionMaterials(s.number, s.date, s.title, tuple(_view(room.code, m) for m in part.of(s.number)))
        for s in plan.sessions
    )
    # A plan made shorter leaves the materials of the sessions it dropped: still listed (as number
    # 0, "other materials"), so that the group finds them and the mentor can remove them.
    planned = {s.number for s in plan.sessions}
    dropped = tuple(_view(room.code, m) for m in part.items if m.session not in planned)
    now = shown_session(state)
    return {
        "materials_sessions": sessions,
        "materials_listed": tuple(s for s in sessions if s.items) + ((SessionMaterials(0, "", "", dropped),)
                                                                    if dropped else ()),
        "materials_now": next((s for s in sessions if s.number == now), None),
        "materials_limits": materials,
        "materials_full": len(part.items) >= materials.MATERIALS_MAX,
    }


_GROUP = frozenset({Role.MENTOR, Role.PARTICIPANT})
_ALL = frozenset({"materials", "materials-plan"})

FEATURE = WebFeature(
    name="materials",
    cores=(materials.FEATURE,),
    parsers=materials_commands.PARSERS,
    regions=(
        Region("materials", _GROUP, order=8, on_pages=_GROUP, pages=LIVE_ONLY, tab="agenda", section="agenda"),
        Region("materials-plan", _GROUP, order=8, on_pages=_GROUP, pages=TRAJECTORY_ONLY),
    ),
    event_regions={
        **{cls: _ALL for cls in materials.EVENTS},
        # The meetings' numbers, dates and titles head the lists; which one is "now" moves.
        **{cls: _ALL for cls in trajectory.EVENTS},
        events.SessionEnded: _ALL,
    },
    context=context,
    field_labels=FIELD_LABELS,
)
