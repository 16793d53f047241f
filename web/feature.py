"""How a feature plugs into the web layer: its live regions, which events touch them, and the
data its templates get (through its own view functions, where its privacy rules live)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from realtime.events import Event, Role
from realtime.room import Room
from realtime.state import RoomState
from web.viewer import Viewer

ALL_ROLES = frozenset(Role)
PAGES = ("live", "trajectory")
LIVE_ONLY = frozenset({"live"})
TRAJECTORY_ONLY = frozenset({"trajectory"})
BOTH_PAGES = frozenset(PAGES)
ALL_CONTEXTS = frozenset({"*"})


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
    # Other features whose context its template uses (web/render.py builds only the contexts the
    # dirty regions need; tests/test_render.py checks the templates against this).
    # ALL_CONTEXTS: every feature's (the projector's stage shows any of them).
    context_from: frozenset[str] = frozenset()


def no_context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True, slots=True)
class WebFeature:
    name: str
    regions: tuple[Region, ...] = ()
    event_regions: Mapping[type[Event], frozenset[str]] = field(default_factory=dict)
    context: Callable[[Room, Viewer], Mapping[str, Any]] = no_context
    # Whether this feature's regions show person `pid` right now (a name, an away mark). When it
    # says no, that person's rename or coming and going does not re-render them: in a session of
    # 20 a rename otherwise re-sent the queue and the wall to everyone (docs/performance.md).
    # None: the regions always count as showing everyone.
    shows_person: Callable[[RoomState, str], bool] | None = None
