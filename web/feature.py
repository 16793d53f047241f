"""How a feature plugs into the web layer: its live regions, which events touch them, and the
data its templates get (through its own view functions, where its privacy rules live)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from realtime.events import Event, Role
from realtime.room import Room
from web.viewer import Viewer

ALL_ROLES = frozenset(Role)
PAGES = ("live", "trajectory")
LIVE_ONLY = frozenset({"live"})
TRAJECTORY_ONLY = frozenset({"trajectory"})
BOTH_PAGES = frozenset(PAGES)


@dataclass(frozen=True, slots=True)
class Region:
    """A live region: templates/regions/<name>.html, whose root element has id=<name>.

    `personal`: the HTML differs per participant (rendered per pid instead of once per role).
    `own_events_only`: it changes only on events about the viewer themselves (event.pid).
    `order`: where it sits on the pages of `roles` (see Renderer.page_regions).
    `pages`: which kinds of page carry it: "live" (the session pages: phone, console, projector)
    and/or "trajectory" (the pages about the whole trajectory: plan, intake, goals, evaluations).
    A socket only gets the regions of the page it was opened from.
    """

    name: str
    roles: frozenset[Role]
    personal: bool = False
    own_events_only: bool = False
    order: int = 50
    # Roles whose page lists this region in its main flow; others include it by hand (or not).
    on_pages: frozenset[Role] = frozenset()
    pages: frozenset[str] = LIVE_ONLY


def no_context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True, slots=True)
class WebFeature:
    name: str
    regions: tuple[Region, ...] = ()
    event_regions: Mapping[type[Event], frozenset[str]] = field(default_factory=dict)
    context: Callable[[Room, Viewer], Mapping[str, Any]] = no_context
