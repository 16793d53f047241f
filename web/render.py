"""Rendering pages and live regions, and knowing which regions a change touches.

Each live region is one template under templates/regions/, included by the pages and rendered
alone (with `oob=True`) for websocket updates, so a page and its updates can never disagree. A
region is rendered once per kind of viewer (Viewer.cache_key) and state version, however many
connections show it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateNotFound, meta, select_autoescape
from markupsafe import Markup

from realtime import codes
from realtime.events import Role
from realtime.feature import Part
from realtime.room import Room
from realtime.state import RoomState
from web.feature import ProjectorEntry
from web.i18n import Translator
from web.layout import PERSON_ITEM, Layout
from web.now import Now
from web.now import current as current_now
from web.viewer import PersonView, Viewer, counts, counts_of, people

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def _keep(cache: dict[Any, Any], key: Any, value: Any, limit: int) -> Any:
    """Store `value` in a render cache that is emptied when it grows past `limit` (renders are
    cheap to redo; the caches only spare doing the same one for every connection)."""
    if len(cache) > limit:
        cache.clear()
    cache[key] = value
    return value


class CurrentRenders:
    """What was rendered of each room's current state (its seq and who is online), for the other
    pages that want the same. Everything rendered of an older state is dropped as soon as the room
    moves on: only the current state is ever rendered again, and a frame of a session of 1,000
    carries its whole list of people, so a cache bounded by count alone held hundreds of MB of
    stale frames (docs/performance.md, burst)."""

    def __init__(self, rooms_limit: int = 4096) -> None:
        self._rooms: dict[str, tuple[weakref.ref[Room], int, int, dict[Any, str]]] = {}
        self._rooms_limit = rooms_limit

    def of(self, room: Room) -> dict[Any, str]:
        held = self._rooms.get(room.code)
        # The same Room object too: a room reloaded from the store (after an erasure) is a new
        # one whose presence version starts again at 0.
        if held is None or held[1] != room.state.seq or held[2] != room.presence.version or held[0]() is not room:
            held = _keep(self._rooms, room.code, (weakref.ref(room), room.state.seq, room.presence.version, {}),
                         self._rooms_limit)
        return held[3]


NOW_NAMES = frozenset({"now"})


def uses_names(env: Environment, name: str, names: frozenset[str], seen: set[str] | None = None) -> bool:
    """Whether template `name`, or one it includes or imports, may use any of `names` from its
    context. An include whose name is an expression (the stage's view) cannot be followed: then yes."""
    seen = set() if seen is None else seen
    if name in seen:
        return False
    seen.add(name)
    source = env.loader.get_source(env, name)[0] if env.loader is not None else ""
    tree = env.parse(source)
    if meta.find_undeclared_variables(tree) & names:
        return True
    return any(ref is None or uses_names(env, ref, names, seen) for ref in meta.find_referenced_templates(tree))


def qr_svg(url: str, label: str) -> Markup:
    """An inline SVG QR code for `url`; `url` is ours, segno escapes it in the title anyway."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, dark="#1b2430", light="#ffffff", svgclass="qr-svg"
    )
    return Markup('<div class="qr" role="img" aria-label="{}">{}</div>').format(label, Markup(svg))


class Parts:
    """A room's feature parts by name, for templates: `parts.trajectory.planned` (a template that
    shows something of another feature than its own)."""

    __slots__ = ("_keys", "_state")

    def __init__(self, state: RoomState, keys: Mapping[str, Part[Any]]) -> None:
        self._state = state
        self._keys = keys

    def __getattr__(self, name: str) -> Any:
        return self._state.part(self._keys[name])


class Renderer:
    def __init__(self, translator: Translator, static_version: str, layout: Layout) -> None:
        self.translator = translator
        self.static_version = static_version
        self.layout = layout
        self._parts: Mapping[str, Part[Any]] = {
            part.name: part for feature in layout.features for core in feature.cores
            if (part := core.part) is not None
        }
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
        self._current = CurrentRenders()
        self._qr_cache: dict[tuple[str, str], Markup] = {}
        # One rendered line of #presence per (kind of viewer, person as shown): a class connecting
        # at once changes presence every tick, and the whole list of 1,000 was rendered again each
        # time; now only the lines of the people who changed are (docs/performance.md, burst).
        self._line_cache: dict[tuple[Any, ...], str] = {}
        # Whether a region or item template uses `now` (with what it includes): the others'
        # updates do not work it out (it was a twentieth of a rename's cost, issue 19). Found from
        # each template's source the first time it is asked, and for all of them by the warm-up
        # (learn_templates): parsing all of them before the server answered was about a second of
        # its start-up.
        self._uses_now: dict[str, bool] = {}
        self._templates: dict[str, Template] = {}  # by name: the files do not change (auto_reload)
        self._links_cache: dict[tuple[str, str, str, str], Mapping[str, Any]] = {}
        self._now_cache: dict[str, tuple[weakref.ref[Room], int, Now | None]] = {}

    def uses_now(self, template: str) -> bool:
        """Whether `template` may use `now` from its context (uses_names), worked out once."""
        known = self._uses_now.get(template)
        if known is None:
            try:
                known = uses_names(self.env, template, NOW_NAMES)
            except TemplateNotFound:  # a region drawn without a template of its own
                known = False
            self._uses_now[template] = known
        return known

    def learn_templates(self) -> None:
        """For the warm-up (server/warmup.py, in a worker thread): which region and item templates
        use `now`, so that no update has to find out on the loop. Two threads asking about the
        same template at once only work out the same answer twice."""
        for name in self.env.list_templates(filter_func=lambda n: n.startswith(("regions/", "items/"))):
            self.uses_now(name)

    def links(self, room: Room, viewer: Viewer) -> Mapping[str, Any]:
        """The session's links for this viewer: the same for every render of the same session for
        the same address and language, so made once (each region update built them again)."""
        state = room.state
        key = (state.code, state.join_token, viewer.base_url, viewer.lang)
        made = self._links_cache.get(key)
        if made is None:
            made = _keep(self._links_cache, key, MappingProxyType(self._links(room, viewer)), 4096)
        return made

    def _links(self, room: Room, viewer: Viewer) -> dict[str, Any]:
        state, base = room.state, viewer.base_url
        join_url = f"{base}/j/{state.code}/{state.join_token}"
        t = self.translator.gettext(viewer.lang)
        return {
            "join_url": join_url,
            "short_join_url": f"{urlsplit(base).netloc}/join",
            # Relative: "Open projector view" opens a tab of the mentor's own browser, on the origin
            # the mentor used. A join link may show the LAN address instead of localhost (issue 15),
            # but only localhost is a secure context over plain http, with the room's camera and
            # microphone for room mode.
            "projector_url": f"/p/{state.code}/{state.join_token}",
            "qr_join": self.qr(join_url, t("QR code with the join link")),
        }

    def qr(self, url: str, label: str) -> Markup:
        key = (url, label)
        svg = self._qr_cache.get(key)
        if svg is None:
            svg = _keep(self._qr_cache, key, qr_svg(url, label), 256)
        return svg

    def context(
        self, room: Room, viewer: Viewer, features: frozenset[str] | None = None, *,
        with_people: bool = True, with_now: bool = True, **extra: Any
    ) -> dict[str, Any]:
        """What templates get. `features`: whose contexts to build (None: all, for a whole page);
        a region update builds only those of its regions (Region.context_from): with a dozen
        features, building them all for every update was an eighth of the server's CPU.
        `with_people`: the list of everyone (`people`, `counts`, `presence_lines`), which only
        #presence and the projector's stage show; without it those names are undefined, so a
        template that uses them anyway fails loudly. `with_now`: what is now (`now`), likewise: only
        the templates that use it (uses_names) get it, the pages and #now."""
        feature_context: dict[str, Any] = {}
        chosen = None if features is None or "*" in features else features
        for feature in self.layout.features:
            if chosen is None or feature.name in chosen:
                feature_context.update(feature.context(room, viewer))
        listing: dict[str, Any] = {}
        if with_people:
            persons = people(room.state, room.presence, viewer)
            listing = {
                "people": persons,
                "counts": counts(persons),
                "presence_lines": lambda: self.presence_lines(persons, viewer),
            }
        return {
            **self.env.globals,  # what Template.render would add (see _render)
            **self.links(room, viewer),
            **feature_context,
            **listing,
            "page_regions": self.layout.page_regions(viewer.role, viewer.page),
            "page_tabs": self.layout.page_tabs(viewer.role, viewer.page),
            "top_regions": self.layout.top_regions(viewer.role, viewer.page),
            "parts": Parts(room.state, self._parts),
            "projector_entries": self.projector_entries(room.state) if viewer.role is Role.MENTOR else (),
            **self.translator.template_names(viewer.lang),
            "lang": viewer.lang,
            "viewer": viewer,
            "role": viewer.role.value,
            "state": room.state,
            "me": self.me(room, viewer),
            "static_version": self.static_version,
            "oob": False,
            **({"now": self.now(room) if viewer.role is not Role.PROJECTOR else None} if with_now else {}),
            **extra,
        }

    def now(self, room: Room) -> Now | None:
        """What is now (web/now.py), worked out once per state of the room, not for every render."""
        state = room.state
        held = self._now_cache.get(room.code)
        # The same room at the same seq has the same state (as in CurrentRenders); a weak reference,
        # so that a room the hub let go is not kept alive by this.
        if held is None or held[1] != state.seq or held[0]() is not room:
            now = current_now(state, self.layout.now_entries)
            held = _keep(self._now_cache, room.code, (weakref.ref(room), state.seq, now), 4096)
        return held[2]

    def projector_entries(self, state: RoomState) -> list[ProjectorEntry]:
        return [entry for feature in self.layout.features for entry in feature.projector
                if entry.available is None or entry.available(state)]

    @staticmethod
    def me(room: Room, viewer: Viewer) -> PersonView | None:
        participant = room.state.participants.get(viewer.pid) if viewer.pid else None
        if participant is None:
            return None
        return PersonView(participant.pid, participant.name, participant.location,
                          room.presence.is_online(participant.pid), True, participant.link_used_at > 0)

    def _render(self, name: str, context: dict[str, Any]) -> str:
        """Template `name` with `context` as it is: a region update's context holds the
        environment's globals already (context(), _line_context()), and Template.render copied
        the whole of it twice per render, for every region, item and line (issue 19). Errors go
        through Jinja's handler as render()'s do, for tracebacks that point into the template."""
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(name)
        try:
            return self.env.concat(template.root_render_func(template.new_context(context, shared=True)))
        except Exception:
            self.env.handle_exception()

    def page(self, template: str, context: Mapping[str, Any]) -> str:
        return self.env.get_template(template).render(context)

    def simple(self, template: str, lang: str, **extra: Any) -> str:
        """A page that shows no room (start page, errors)."""
        return self.env.get_template(template).render(
            **self.translator.template_names(lang), lang=lang, static_version=self.static_version, **extra
        )

    def regions(self, room: Room, viewer: Viewer, names: Iterable[str]) -> str:
        """The OOB fragments for `names`, in a stable order, plus the seq marker.

        The whole frame is cached too: after a change, every page of one kind usually has the same
        dirty regions, so all but the first get the frame with one lookup (per region and per
        connection, building it again was a tenth of the loop in the benchmark)."""
        dirty = frozenset(names)
        personal = not dirty.isdisjoint(self.layout.personal_regions)
        current = self._current.of(room)
        frame_key = ("frame", dirty, viewer.cache_key(personal))
        frame = current.get(frame_key)
        if frame is None:
            frame = current[frame_key] = self._regions(room, viewer, dirty, current)
        return frame

    def _regions(self, room: Room, viewer: Viewer, names: Iterable[str], current: dict[Any, str]) -> str:
        dirty = frozenset(names)
        parts: list[str] = []
        context: dict[str, Any] | None = None
        people = sorted(n for n in dirty if n.startswith(PERSON_ITEM))
        items = sorted(n for n in dirty if not n.startswith(PERSON_ITEM) and ":" in n)
        regions = sorted(n for n in dirty if ":" not in n)
        if people and "presence" not in regions:  # the whole list, when it is sent anyway, has them
            parts.append(self.people_items(room, viewer, [n.removeprefix(PERSON_ITEM) for n in people], current))
        # An item of a region that goes whole in this frame is in it already.
        items = [n for n in items if self.layout.items[n.partition(":")[0]].region not in dirty]
        for name in regions:
            region = self.layout.regions[name]
            key = (name, viewer.cache_key(region.personal))
            html = current.get(key)
            if html is None:
                if context is None:
                    context = self._frame_context(room, viewer, regions, items)
                html = current[key] = self._render(f"regions/{name}.html", context).strip()
            parts.append(html)
        for name in items:
            kind, _, item_key = name.partition(":")
            if context is None:
                context = self._frame_context(room, viewer, regions, items)
            extra = self.layout.items[kind].context(context, item_key, dirty)
            if extra is not None:
                parts.append(self._render(f"items/{kind}.html", {**context, **extra}).strip())
        parts.append(self.sync_marker(room.state.seq))
        return "".join(parts)

    def _frame_context(self, room: Room, viewer: Viewer, regions: list[str], items: list[str]) -> dict[str, Any]:
        """The context of one frame: only the features its regions and items need."""
        wanted = self.layout.contexts_for(regions) | {self.layout.item_feature[n.partition(":")[0]] for n in items}
        listed = "presence" in regions or "stage" in regions
        now = any(self.uses_now(f"regions/{name}.html") for name in regions) or any(
            self.uses_now(f"items/{name.partition(':')[0]}.html") for name in items)
        return self.context(room, viewer, wanted, with_people=listed, with_now=now, oob=True)

    def _line_context(self, viewer: Viewer, *, oob: bool) -> dict[str, Any]:
        """What a line of #presence and its counts need: far less than a region's context."""
        return {**self.env.globals, **self.translator.template_names(viewer.lang), "lang": viewer.lang,
                "role": viewer.role.value, "oob": oob}

    def presence_lines(self, persons: list[PersonView], viewer: Viewer) -> Markup:
        """Every line of #presence, each from the line cache (fragments/person.html)."""
        kind = viewer.cache_key(False)
        lines = []
        base: dict[str, Any] | None = None
        for person in persons:
            key = (kind, person.pid, person.name, person.location, person.online)
            line = self._line_cache.get(key)
            if line is None:
                base = base or self._line_context(viewer, oob=False)
                line = _keep(self._line_cache, key, self._render("fragments/person.html", {**base, "person": person})
                             .strip(), 20_000)
            lines.append(line)
        return Markup("\n".join(lines))  # noqa: S704 - each line is an autoescaped template render

    def people_items(self, room: Room, viewer: Viewer, pids: list[str], current: dict[Any, str]) -> str:
        """The lines of #presence of `pids`, and its counts, as OOB fragments.

        The counts are cached by what they show (a rename or an arrival leaves them as they were);
        each line with the room's current state, for the other pages of the same kind (a line
        keyed by its content would pile up a new entry for every rename)."""
        state = room.state
        kind = viewer.cache_key(False)
        base: dict[str, Any] | None = None
        # Counted once per state and presence of the room (`current`), not once per frame.
        html = current.get(("counts", kind))
        if html is None:
            counts_now = counts_of(state, room.presence)
            key: tuple[Any, ...] = ("counts", kind, counts_now)
            html = self._line_cache.get(key)
            if html is None:
                base = self._line_context(viewer, oob=True)
                html = self._render("fragments/presence_counts.html", {**base, "counts": counts_now}).strip()
                _keep(self._line_cache, key, html, 20_000)
            current[("counts", kind)] = html
        parts = [html]
        for pid in pids:
            key = ("person", kind, pid)
            html = current.get(key)
            if html is None:
                participant = state.participants.get(pid)
                if participant is None:
                    html = ""  # gone from the room (erased): the next full render drops the line
                else:
                    base = base or self._line_context(viewer, oob=True)
                    person = PersonView(pid, participant.name, participant.location,
                                        room.presence.is_online(pid), pid == viewer.pid)
                    html = self._render("fragments/person.html", {**base, "person": person}).strip()
                current[key] = html
            parts.append(html)
        return "".join(parts)

    def sync_marker(self, seq: int) -> str:
        return f'<div id="kring-sync" hx-swap-oob="true" data-seq="{int(seq)}" hidden></div>'

    def fragment(self, template: str, viewer: Viewer, **extra: Any) -> str:
        """A one-off fragment for one connection (an error notice, the connection state)."""
        return self.env.get_template(template).render(
            **self.translator.template_names(viewer.lang), lang=viewer.lang, viewer=viewer, oob=True, **extra
        )
