"""Rendering pages and live regions, and knowing which regions a change touches.

Each live region is one template under templates/regions/, included by the pages and rendered
alone (with `oob=True`) for websocket updates, so a page and its updates can never disagree. A
region is rendered once per kind of viewer (Viewer.cache_key) and state version, however many
connections show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from realtime import codes, events
from realtime.events import Role
from realtime.room import Change, Room
from web.i18n import Translator
from web.viewer import Viewer, counts, people

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True, slots=True)
class Region:
    name: str  # also the DOM id of the region's root element
    personal: bool  # differs per participant (rendered per pid, not per role)
    roles: frozenset[Role]


ALL_ROLES = frozenset(Role)
REGIONS: Mapping[str, Region] = {
    r.name: r
    for r in (
        Region("session-head", False, ALL_ROLES),
        Region("presence", False, ALL_ROLES),
        Region("me", True, frozenset({Role.PARTICIPANT})),
    )
}

# Which regions an event changes. A new event type must be listed (tests/test_render.py checks).
EVENT_REGIONS: Mapping[type[Any], frozenset[str]] = {
    events.SessionCreated: frozenset(REGIONS),
    events.ParticipantJoined: frozenset({"presence"}),
    events.ProfileUpdated: frozenset({"presence", "me"}),
    events.TitleChanged: frozenset({"session-head"}),
    events.LanguageChanged: frozenset({"session-head"}),
    events.SessionEnded: frozenset({"session-head", "me"}),
}


def _touches(region: str, event: object, viewer: Viewer) -> bool:
    """Personal regions change only for the person an event is about: re-rendering everyone's
    `me` region on each rename would also morph away what others are typing in it."""
    pid = getattr(event, "pid", None)
    return not (REGIONS[region].personal and pid is not None and pid != viewer.pid)


def regions_for(change: Change, viewer: Viewer) -> set[str]:
    if change.reset:
        names: set[str] = set(REGIONS)
    else:
        names = set()
        for stamped in change.events:
            names |= {n for n in EVENT_REGIONS[type(stamped.event)] if _touches(n, stamped.event, viewer)}
        if change.presence:
            names.add("presence")
    return {n for n in names if viewer.role in REGIONS[n].roles}


def all_regions(role: Role) -> set[str]:
    return {n for n, r in REGIONS.items() if role in r.roles}


def qr_svg(url: str, label: str) -> Markup:
    """An inline SVG QR code for `url`; `url` is ours, segno escapes it in the title anyway."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, dark="#1b2430", light="#ffffff", svgclass="qr-svg"
    )
    return Markup('<div class="qr" role="img" aria-label="{}">{}</div>').format(label, Markup(svg))


class Renderer:
    def __init__(self, translator: Translator, static_version: str) -> None:
        self.translator = translator
        self.static_version = static_version
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["display_code"] = codes.display
        self._cache: dict[tuple[str, str, str, int, int], str] = {}

    def context(self, room: Room, viewer: Viewer, **extra: Any) -> dict[str, Any]:
        persons = people(room.state, room.presence, viewer)
        return {
            "t": self.translator.gettext(viewer.lang),
            "lang": viewer.lang,
            "viewer": viewer,
            "role": viewer.role.value,
            "state": room.state,
            "people": persons,
            "counts": counts(persons),
            "me": next((p for p in persons if p.is_me), None),
            "static_version": self.static_version,
            "oob": False,
            **extra,
        }

    def page(self, template: str, context: Mapping[str, Any]) -> str:
        return self.env.get_template(template).render(context)

    def simple(self, template: str, lang: str, **extra: Any) -> str:
        """A page that shows no room (start page, errors)."""
        return self.env.get_template(template).render(
            t=self.translator.gettext(lang), lang=lang, static_version=self.static_version, **extra
        )

    def regions(self, room: Room, viewer: Viewer, names: Iterable[str]) -> str:
        """The OOB fragments for `names`, in a stable order, plus the seq marker."""
        parts: list[str] = []
        context: dict[str, Any] | None = None
        for name in sorted(names):
            region = REGIONS[name]
            key = (room.code, name, viewer.cache_key(region.personal), room.state.seq, room.presence.version)
            html = self._cache.get(key)
            if html is None:
                if context is None:
                    context = self.context(room, viewer, oob=True)
                html = self.env.get_template(f"regions/{name}.html").render(context).strip()
                if len(self._cache) > 4096:
                    self._cache.clear()  # bounded; renders are cheap to redo
                self._cache[key] = html
            parts.append(html)
        parts.append(self.sync_marker(room.state.seq))
        return "".join(parts)

    def sync_marker(self, seq: int) -> str:
        return f'<div id="kring-sync" hx-swap-oob="true" data-seq="{int(seq)}" hidden></div>'

    def fragment(self, template: str, viewer: Viewer, **extra: Any) -> str:
        """A one-off fragment for one connection (an error notice, the connection state)."""
        return self.env.get_template(template).render(
            t=self.translator.gettext(viewer.lang), lang=viewer.lang, viewer=viewer, oob=True, **extra
        )
