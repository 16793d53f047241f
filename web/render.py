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
from typing import Any
from urllib.parse import urlsplit

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from realtime import codes, events
from realtime.events import Role
from realtime.room import Change, Room
from realtime.state import RoomState
from web import (
    agenda_view,
    assignments_view,
    evaluation_view,
    goals_view,
    intake_view,
    media_view,
    polls_view,
    queue_view,
    topics_view,
    trajectory_view,
    wall_view,
)
from web.feature import ALL_CONTEXTS, Region, WebFeature
from web.i18n import Translator
from web.viewer import PersonView, Viewer, counts, counts_of, people

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


SESSION = WebFeature(
    name="session",
    regions=(
        # The projector shows these inside its stage instead (regions/stage.html).
        Region("session-head", frozenset({Role.MENTOR, Role.PARTICIPANT})),
        Region("presence", frozenset({Role.MENTOR, Role.PARTICIPANT})),
        Region("me", frozenset({Role.PARTICIPANT}), personal=True, own_events_only=True),
        Region("stage", frozenset({Role.PROJECTOR}), context_from=ALL_CONTEXTS),
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

FEATURES: tuple[WebFeature, ...] = (SESSION, queue_view.FEATURE, wall_view.FEATURE, polls_view.FEATURE,
                                       intake_view.FEATURE, goals_view.FEATURE,
                                       trajectory_view.FEATURE,
                                       evaluation_view.FEATURE, topics_view.FEATURE, agenda_view.FEATURE,
                                       assignments_view.FEATURE, media_view.FEATURE)

REGIONS: Mapping[str, Region] = {r.name: r for f in FEATURES for r in f.regions}
FEATURE_OF: Mapping[str, WebFeature] = {r.name: f for f in FEATURES for r in f.regions}
PERSONAL_REGIONS = frozenset(r.name for r in REGIONS.values() if r.personal)

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


# A change about one person (their rename, their coming or going) re-renders only their line of
# #presence and its counts, sent as "person:<pid>" items: the whole list of a session of 500 is
# 150 kB, one line a few hundred bytes (docs/performance.md, burst).
PERSON_ITEM = "person:"


def _region_of(name: str) -> Region:
    return REGIONS["presence"] if name.startswith(PERSON_ITEM) else REGIONS[name]


def _about_person(names: set[str], pid: str, state: RoomState | None) -> set[str]:
    """`names` without the regions of features that do not show `pid` now (a change about them)."""
    if state is None:
        return names
    kept = set()
    for name in names:
        feature = FEATURE_OF.get(name)
        if feature is None or feature.shows_person is None or feature.shows_person(state, pid):
            kept.add(name)
    return kept


def regions_for(change: Change, viewer: Viewer, state: RoomState | None = None) -> frozenset[str]:
    """What `change` makes dirty for `viewer`: region names, and person items (PERSON_ITEM).

    With `state` (the room's state after the change), a change about one person skips the
    regions that do not show that person (WebFeature.shows_person). The work that does not depend
    on who the viewer is happens once per change and kind of page (Change.memo)."""
    key = (viewer.role, viewer.page, state is None)
    shared = change.memo.get(key)
    if shared is None:
        shared = change.memo[key] = _shared_regions(change, viewer.role, viewer.page, state)
    names, personal = shared
    if not personal:
        return names
    mine = {name for name, pid in personal if pid is None or pid == viewer.pid}
    return names | mine if mine else names


def _shared_regions(
    change: Change, role: Role, page: str, state: RoomState | None
) -> tuple[frozenset[str], tuple[tuple[str, str | None], ...]]:
    """The regions every viewer of `role` on `page` gets, and the personal ones with whose they are
    (a region that changes only on events about the viewer, with that event's pid; None = anyone's)."""
    names: set[str] = set()
    personal: set[tuple[str, str | None]] = set()
    if change.reset:
        names = set(REGIONS)
    else:
        for stamped in change.events:
            event = stamped.event
            touched = set(EVENT_REGIONS[type(event)])
            if isinstance(event, events.ProfileUpdated):
                touched = _about_person(touched, event.pid, state)
                if "presence" in touched:
                    touched.discard("presence")
                    names.add(PERSON_ITEM + event.pid)
            for name in touched:
                if REGIONS[name].own_events_only:
                    personal.add((name, getattr(event, "pid", None)))
                else:
                    names.add(name)
        if change.presence:
            if change.pids:
                for pid in change.pids:
                    names |= _about_person(set(PRESENCE_REGIONS - {"presence"}), pid, state)
                names |= {PERSON_ITEM + pid for pid in change.pids}
            else:
                names |= PRESENCE_REGIONS

    def visible(name: str) -> bool:
        region = _region_of(name)
        return role in region.roles and page in region.pages

    return frozenset(n for n in names if visible(n)), tuple(p for p in personal if visible(p[0]))


def all_regions(role: Role, page: str = "live") -> set[str]:
    return {n for n, r in REGIONS.items() if role in r.roles and page in r.pages}


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
        self._current = CurrentRenders()
        self._qr_cache: dict[tuple[str, str], Markup] = {}
        # One rendered line of #presence per (kind of viewer, person as shown): a class connecting
        # at once changes presence every tick, and the whole list of 1,000 was rendered again each
        # time; now only the lines of the people who changed are (docs/performance.md, burst).
        self._line_cache: dict[tuple[Any, ...], str] = {}

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
            svg = _keep(self._qr_cache, key, qr_svg(url, label), 256)
        return svg

    def context(
        self, room: Room, viewer: Viewer, features: frozenset[str] | None = None, *,
        with_people: bool = True, **extra: Any
    ) -> dict[str, Any]:
        """What templates get. `features`: whose contexts to build (None: all, for a whole page);
        a region update builds only those of its regions (Region.context_from): with a dozen
        features, building them all for every update was an eighth of the server's CPU.
        `with_people`: the list of everyone (`people`, `counts`, `presence_lines`), which only
        #presence and the projector's stage show; without it those names are undefined, so a
        template that uses them anyway fails loudly."""
        feature_context: dict[str, Any] = {}
        chosen = None if features is None or "*" in features else features
        for feature in FEATURES:
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
            **self.links(room, viewer),
            **feature_context,
            **listing,
            "page_regions": page_regions(viewer.role, viewer.page),
            **self.translator.template_names(viewer.lang),
            "lang": viewer.lang,
            "viewer": viewer,
            "role": viewer.role.value,
            "state": room.state,
            "me": self.me(room, viewer),
            "static_version": self.static_version,
            "oob": False,
            **extra,
        }

    @staticmethod
    def me(room: Room, viewer: Viewer) -> PersonView | None:
        participant = room.state.participants.get(viewer.pid) if viewer.pid else None
        if participant is None:
            return None
        return PersonView(participant.pid, participant.name, participant.location,
                          room.presence.is_online(participant.pid), True)

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
        personal = not dirty.isdisjoint(PERSONAL_REGIONS)
        current = self._current.of(room)
        frame_key = ("frame", dirty, viewer.cache_key(personal))
        frame = current.get(frame_key)
        if frame is None:
            frame = current[frame_key] = self._regions(room, viewer, dirty, current)
        return frame

    def _regions(self, room: Room, viewer: Viewer, names: Iterable[str], current: dict[Any, str]) -> str:
        parts: list[str] = []
        context: dict[str, Any] | None = None
        items = sorted(n for n in names if n.startswith(PERSON_ITEM))
        if items:
            names = [n for n in names if not n.startswith(PERSON_ITEM)]
            if "presence" not in names:  # the whole list, when it is sent anyway, has them
                parts.append(self.people_items(room, viewer, [n.removeprefix(PERSON_ITEM) for n in items], current))
        for name in sorted(names):
            region = REGIONS[name]
            key = (name, viewer.cache_key(region.personal))
            html = current.get(key)
            if html is None:
                if context is None:
                    wanted = frozenset().union(
                        *({FEATURE_OF[n].name} | REGIONS[n].context_from for n in names)
                    )
                    listed = "presence" in names or "stage" in names
                    context = self.context(room, viewer, wanted, with_people=listed, oob=True)
                html = current[key] = self.env.get_template(f"regions/{name}.html").render(context).strip()
            parts.append(html)
        parts.append(self.sync_marker(room.state.seq))
        return "".join(parts)

    def _line_context(self, viewer: Viewer, *, oob: bool) -> dict[str, Any]:
        """What a line of #presence and its counts need: far less than a region's context."""
        return {**self.translator.template_names(viewer.lang), "lang": viewer.lang, "role": viewer.role.value,
                "oob": oob}

    def presence_lines(self, persons: list[PersonView], viewer: Viewer) -> Markup:
        """Every line of #presence, each from the line cache (fragments/person.html)."""
        kind = viewer.cache_key(False)
        template = self.env.get_template("fragments/person.html")
        lines = []
        base: dict[str, Any] | None = None
        for person in persons:
            key = (kind, person.pid, person.name, person.location, person.online)
            line = self._line_cache.get(key)
            if line is None:
                base = base or self._line_context(viewer, oob=False)
                line = _keep(self._line_cache, key, template.render(base, person=person).strip(), 20_000)
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
        counts_now = counts_of(state, room.presence)
        key: tuple[Any, ...] = ("counts", kind, counts_now)
        html = self._line_cache.get(key)
        if html is None:
            base = self._line_context(viewer, oob=True)
            html = self.env.get_template("fragments/presence_counts.html").render(base, counts=counts_now).strip()
            _keep(self._line_cache, key, html, 20_000)
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
                    html = self.env.get_template("fragments/person.html").render(base, person=person).strip()
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
