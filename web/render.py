"""Rendering pages and live regions, and knowing which regions a change touches.

Each live region is one template under templates/regions/, included by the pages and rendered
alone (with `oob=True`) for websocket updates, so a page and its updates can never disagree. A
region is rendered once per kind of viewer (Viewer.cache_key) and state version, however many
connections show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from realtime import codes, events
from realtime.events import Role
from realtime.room import Change, Room
from web import polls_view, queue_view, wall_view
from web.feature import Region, WebFeature
from web.i18n import Translator
from web.viewer import Viewer, counts, people

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


SESSION = WebFeature(
    name="session",
    regions=(
        # The projector shows these inside its stage instead (regions/stage.html).
        Region("session-head", frozenset({Role.MENTOR, Role.PARTICIPANT})),
        Region("presence", frozenset({Role.MENTOR, Role.PARTICIPANT})),
        Region("me", frozenset({Role.PARTICIPANT}), personal=True, own_events_only=True),
        Region("stage", frozenset({Role.PROJECTOR})),
        Region("projector-control", frozenset({Role.MENTOR})),
    ),
    event_regions={
        events.SessionCreated: frozenset({"session-head", "presence", "me", "stage", "projector-control"}),
        events.ParticipantJoined: frozenset({"presence", "stage"}),
        events.ProfileUpdated: frozenset({"presence", "me", "stage"}),
        events.TitleChanged: frozenset({"session-head", "stage"}),
        events.LanguageChanged: frozenset({"session-head"}),
        events.SessionEnded: frozenset({"session-head", "me", "stage"}),
        events.ProjectorViewChanged: frozenset({"stage", "projector-control"}),
    },
)

FEATURES: tuple[WebFeature, ...] = (SESSION, queue_view.FEATURE, wall_view.FEATURE, polls_view.FEATURE)

REGIONS: Mapping[str, Region] = {r.name: r for f in FEATURES for r in f.regions}

# Which regions an event changes. Every event type must be listed (tests/test_render.py checks).
def _merge_event_regions() -> dict[type[Any], frozenset[str]]:
    # Union per event: a feature may also react to another feature's events (a wall shows
    # authors, so a rename touches it too) without replacing that feature's own regions.
    merged: dict[type[Any], frozenset[str]] = {}
    for feature in FEATURES:
        for event, names in feature.event_regions.items():
            merged[event] = merged.get(event, frozenset()) | names
    return merged


EVENT_REGIONS: Mapping[type[Any], frozenset[str]] = _merge_event_regions()


# Regions that show who is online: re-rendered when presence changes.
# (the console's poll turnout and the queue's "away" marks too)
PRESENCE_REGIONS = frozenset({"presence", "stage", "polls-mentor", "queue"})


def page_regions(role: Role, page: str = "live") -> list[str]:
    """The feature regions a role's page of kind `page` lists in its main flow, in order."""
    listed = [r for r in REGIONS.values() if role in r.on_pages and page in r.pages]
    return [r.name for r in sorted(listed, key=lambda r: (r.order, r.name))]


def _touches(region: str, event: object, viewer: Viewer) -> bool:
    """Personal regions change only for the person an event is about: re-rendering everyone's
    `me` region on each rename would also morph away what others are typing in it."""
    if not REGIONS[region].own_events_only:
        return True
    pid = getattr(event, "pid", None)
    return pid is None or pid == viewer.pid


def regions_for(change: Change, viewer: Viewer) -> set[str]:
    if change.reset:
        names: set[str] = set(REGIONS)
    else:
        names = set()
        for stamped in change.events:
            names |= {n for n in EVENT_REGIONS[type(stamped.event)] if _touches(n, stamped.event, viewer)}
        if change.presence:
            names |= PRESENCE_REGIONS
    return {n for n in names if viewer.role in REGIONS[n].roles and viewer.page in REGIONS[n].pages}


def all_regions(role: Role, page: str = "live") -> set[str]:
    return {n for n, r in REGIONS.items() if role in r.roles and page in r.pages}


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
            # Templates do not change while Kring runs; checking their files on every render
            # cost about 5% of the server's CPU in the benchmark (docs/performance.md).
            auto_reload=False,
        )
        self.env.globals["display_code"] = codes.display
        self._cache: dict[tuple[str, str, str, int, int], str] = {}
        self._qr_cache: dict[tuple[str, str], Markup] = {}

    def links(self, room: Room, viewer: Viewer) -> dict[str, Any]:
        state, base = room.state, viewer.base_url
        join_url = f"{base}/j/{state.code}/{state.join_token}"
        t = self.translator.gettext(viewer.lang)
        return {
            "join_url": join_url,
            "short_join_url": f"{urlsplit(base).netloc}/join",
            "projector_url": f"{base}/p/{state.code}/{state.join_token}",
            "qr_join": self.qr(join_url, t("QR code with the join link")),
        }

    def qr(self, url: str, label: str) -> Markup:
        key = (url, label)
        svg = self._qr_cache.get(key)
        if svg is None:
            if len(self._qr_cache) > 256:
                self._qr_cache.clear()
            svg = self._qr_cache[key] = qr_svg(url, label)
        return svg

    def context(self, room: Room, viewer: Viewer, **extra: Any) -> dict[str, Any]:
        persons = people(room.state, room.presence, viewer)
        feature_context: dict[str, Any] = {}
        for feature in FEATURES:
            feature_context.update(feature.context(room, viewer))
        return {
            **self.links(room, viewer),
            **feature_context,
            "page_regions": page_regions(viewer.role, viewer.page),
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
