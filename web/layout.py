"""Which live regions exist, on which pages, and which of them a change makes dirty.

Built once from the manifest's web features (server/manifest.py). A region is named after its
template (templates/regions/<name>.html) and the id of its root element; a change (events, or
someone coming or going) dirties the regions its events are declared to touch, for the viewers
whose pages show them.

A change about one person (their rename, their coming or going) re-renders only their line of
#presence and its counts, sent as "person:<pid>" items: the whole list of a session of 500 is
150 kB, one line a few hundred bytes (docs/performance.md, burst). Which events are about one
person, and whether they change that person's line or the list, the features declare
(WebFeature.person_events).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from realtime.events import Event, Role
from realtime.room import Change
from realtime.state import RoomState
from web.feature import (
    MORE,
    PAGES,
    PERSON_LINE,
    TOP,
    EventItems,
    Item,
    NowEntry,
    PersonChange,
    PersonTest,
    Region,
    Tab,
    WebFeature,
)
from web.viewer import Viewer

PERSON_ITEM = "person:"
# The projector's stage shows one view at a time (state.projector_view): whether a change about one
# person renders it again is the view's to say (WebFeature.stage_names).
STAGE = "stage"
# The regions that show what is now (web/now.py): the participant's #now and the console's bar.
NOW_REGIONS = ("now", "console-now")


@dataclass(frozen=True, slots=True)
class PageLayout:
    """What one kind of page (a role's live or trajectory page) lists, from the manifest alone."""

    regions: tuple[str, ...]  # its main flow, in order (Region.on_pages, Region.order)
    tabs: tuple[tuple[Tab, tuple[str, ...]], ...]  # those regions by tab, without TOP
    top: tuple[str, ...]  # those above the tabs (TOP)
    every: frozenset[str]  # every region the page can carry (Region.roles, Region.pages)


class Layout:
    def __init__(self, features: Sequence[WebFeature]) -> None:
        self.features: tuple[WebFeature, ...] = tuple(features)
        regions: dict[str, Region] = {}
        feature_of: dict[str, WebFeature] = {}
        for feature in self.features:
            for region in feature.regions:
                if region.name in regions:
                    raise ValueError(f"region {region.name!r} is declared by {feature_of[region.name].name!r} "
                                     f"and {feature.name!r}")
                regions[region.name] = region
                feature_of[region.name] = feature
        self.regions: Mapping[str, Region] = regions
        self.feature_of: Mapping[str, WebFeature] = feature_of
        self.personal_regions = frozenset(r.name for r in regions.values() if r.personal)
        # Whether a region shows a given person now (None: always), its own word over its feature's.
        self._shows_person: Mapping[str, PersonTest | None] = {
            name: region.shows_person or feature_of[name].shows_person for name, region in regions.items()
        }
        # The projector's views, and whether each names a given person (WebFeature.stage_names).
        stage_names: dict[str, PersonTest] = {}
        for feature in self.features:
            for view, test in feature.stage_names.items():
                if view in stage_names:
                    raise ValueError(f"{feature.name}: projector view {view!r} is declared twice")
                stage_names[view] = test
        self._stage_names: Mapping[str, PersonTest] = stage_names
        # For events about one person: the same, but the stage asks the view it shows now. Coming
        # and going keeps to _shows_person: a view can count who is here without naming anyone.
        named = dict(self._shows_person)
        if STAGE in regions and named[STAGE] is None:
            named[STAGE] = self._stage_names_person
        self._names_person: Mapping[str, PersonTest | None] = named
        # Union per event: a feature may also react to another feature's events (a wall shows
        # authors, so a rename touches it too) without replacing that feature's own regions.
        merged: dict[type[Event], frozenset[str]] = {}
        for feature in self.features:
            for event, names in feature.event_regions.items():
                merged[event] = merged.get(event, frozenset()) | names
        # What can be "now" (web/now.py), in manifest order; their events touch the now region.
        self.now_entries: tuple[NowEntry, ...] = tuple(e for f in self.features for e in f.now)
        now_regions = frozenset(NOW_REGIONS) & regions.keys()
        for entry in self.now_entries:
            for event in entry.events:
                merged[event] = merged.get(event, frozenset()) | now_regions
        self.event_regions: Mapping[type[Event], frozenset[str]] = merged
        tabs = {t.name: t for f in self.features for t in f.tabs}
        tabs.setdefault(MORE, Tab(MORE, "More", order=90))
        self.tabs: Mapping[str, Tab] = tabs
        for region in regions.values():
            for tab in (region.tab, region.section):
                if tab and tab != TOP and tab not in tabs:
                    raise ValueError(f"region {region.name!r} is in tab {tab!r}, which no feature declares")
        for entry in self.now_entries:
            if entry.tab not in tabs:
                raise ValueError(f"now entry {entry.kind!r} is in tab {entry.tab!r}, which no feature declares")
        self.presence_regions = frozenset().union(*(f.presence_regions for f in self.features))
        # The events about one person (WebFeature.person_events): someone joining, someone renamed
        # (or moving between room and remote). Each names its person in a field `pid`.
        person_events: dict[type[Event], PersonChange] = {}
        for feature in self.features:
            for event, how in feature.person_events.items():
                if person_events.get(event, how) != how or "pid" not in getattr(event, "__dataclass_fields__", {}):
                    raise ValueError(f"{feature.name}: person event {event.__name__} has no pid or two declarations")
                person_events[event] = how
        self.person_events: Mapping[type[Event], PersonChange] = person_events
        items: dict[str, Item] = {}
        item_feature: dict[str, str] = {}
        event_items: dict[type[Event], list[EventItems]] = {}
        for feature in self.features:
            for item in feature.items:
                if item.kind in items or item.region not in regions or item.kind + ":" == PERSON_ITEM:
                    raise ValueError(f"{feature.name}: item {item.kind!r} is declared twice or has no region")
                items[item.kind] = item
                item_feature[item.kind] = feature.name
            for event, parts in feature.event_items.items():
                event_items.setdefault(event, []).append(parts)
        self.items: Mapping[str, Item] = items
        self.item_feature: Mapping[str, str] = item_feature
        self.event_items: Mapping[type[Event], list[EventItems]] = event_items
        labels: dict[str, str] = {}
        for feature in self.features:
            labels.update(feature.field_labels)
        self.field_labels: Mapping[str, str] = labels
        # Each kind of page's regions and tabs depend on the manifest alone: worked out here once,
        # not for every region update (recomputing them was a tenth of the server's CPU in the
        # typical benchmark, docs/performance.md, issue 19).
        self._pages: Mapping[tuple[Role, str], PageLayout] = {
            (role, page): self._page(role, page) for role in Role for page in PAGES
        }

    def page_regions(self, role: Role, page: str = "live") -> tuple[str, ...]:
        """The feature regions a role's page of kind `page` lists in its main flow, in order."""
        return self._pages[role, page].regions

    def tab_of(self, name: str, role: Role) -> str:
        """The tab of region `name` on a live page of `role`: Region.tab on a participant's phone,
        Region.section (or else Region.tab) on the mentor's console; MORE when it names none."""
        region = self.regions[name]
        if role is Role.MENTOR and region.section:
            return region.section
        return region.tab or MORE

    def page_tabs(self, role: Role, page: str = "live") -> tuple[tuple[Tab, tuple[str, ...]], ...]:
        """The regions of page_regions() by tab (tab_of), tabs in order, without TOP and empty
        tabs (the participant's tabs, the console's folded sections)."""
        return self._pages[role, page].tabs

    def top_regions(self, role: Role, page: str = "live") -> tuple[str, ...]:
        return self._pages[role, page].top

    def all_regions(self, role: Role, page: str = "live") -> frozenset[str]:
        return self._pages[role, page].every

    def _page(self, role: Role, page: str) -> PageLayout:
        listed = [r for r in self.regions.values() if role in r.on_pages and page in r.pages]
        names = tuple(r.name for r in sorted(listed, key=lambda r: (r.order, r.name)))
        by_tab: dict[str, list[str]] = {}
        for name in names:
            tab = self.tab_of(name, role)
            if tab != TOP:
                by_tab.setdefault(tab, []).append(name)
        ordered = sorted(self.tabs.values(), key=lambda t: (t.order, t.name))
        tabs = tuple((tab, tuple(by_tab[tab.name])) for tab in ordered if tab.name in by_tab)
        return PageLayout(
            regions=names, tabs=tabs, top=tuple(name for name in names if self.tab_of(name, role) == TOP),
            every=frozenset(n for n, r in self.regions.items() if role in r.roles and page in r.pages),
        )

    def region_of(self, name: str) -> Region:
        """The region a dirty name is (a part of): a region, an item ("<kind>:<key>") or a person's
        line of #presence."""
        if name.startswith(PERSON_ITEM):
            return self.regions["presence"]
        kind, sep, _ = name.partition(":")
        return self.regions[self.items[kind].region] if sep else self.regions[name]

    def item_of(self, name: str) -> Item | None:
        kind, sep, _ = name.partition(":")
        return self.items.get(kind) if sep else None

    def _stage_names_person(self, state: RoomState, pid: str) -> bool:
        """Whether the projector's stage names `pid` now: as the view it shows says (a view nobody
        declared: it may name anyone)."""
        test = self._stage_names.get(state.projector_view)
        return test is None or test(state, pid)

    def _about_person(self, names: set[str], pid: str, state: RoomState | None,
                      tests: Mapping[str, PersonTest | None]) -> set[str]:
        """`names` without the regions that do not show `pid` now (a change about them), by `tests`
        (_shows_person for coming and going, _names_person for events about them)."""
        if state is None:
            return names
        kept = set()
        said: dict[PersonTest, bool] = {}  # a feature's regions share one answer
        for name in names:
            shows = tests.get(name)
            if shows is not None:
                answer = said.get(shows)
                if answer is None:
                    answer = said[shows] = shows(state, pid)
                if not answer:
                    continue
            kept.add(name)
        return kept

    def regions_for(self, change: Change, viewer: Viewer, state: RoomState | None = None) -> frozenset[str]:
        """What `change` makes dirty for `viewer`: region names, and person items (PERSON_ITEM).

        With `state` (the room's state after the change), a change about one person skips the
        regions that do not show that person (WebFeature.shows_person). The work that does not
        depend on who the viewer is happens once per change and kind of page (Change.memo)."""
        key = (viewer.role, viewer.page, state is None)
        shared = change.memo.get(key)
        if shared is None:
            shared = change.memo[key] = self._by_viewer(*self._shared_regions(change, viewer.role, viewer.page, state))
        everyone, by_pid = shared
        return by_pid.get(viewer.pid, everyone) if by_pid else everyone

    @staticmethod
    def _by_viewer(
        names: frozenset[str], personal: tuple[tuple[str, str | None], ...]
    ) -> tuple[frozenset[str], Mapping[str, frozenset[str]]]:
        """What every viewer gets, and what the viewers with regions of their own get (by pid): made
        once per change, so that each of the pages it is told to only looks itself up."""
        everyone = names | {name for name, pid in personal if pid is None}
        by_pid: dict[str, set[str]] = {}
        for name, pid in personal:
            if pid is not None:
                by_pid.setdefault(pid, set()).add(name)
        return frozenset(everyone), {pid: everyone | mine for pid, mine in by_pid.items()}

    def _shared_regions(
        self, change: Change, role: Role, page: str, state: RoomState | None
    ) -> tuple[frozenset[str], tuple[tuple[str, str | None], ...]]:
        """The regions every viewer of `role` on `page` gets, and the personal ones with whose they
        are (a region that changes only on events about the viewer, with that event's pid, or whose
        copies name only some people, Region.shown_to, with each of theirs; None = anyone's)."""
        names: set[str] = set()
        personal: set[tuple[str, str | None]] = set()
        page_layout = self._pages.get((role, page))
        shown = page_layout.every if page_layout is not None else frozenset(self.regions)
        if change.reset:
            names = set(self.regions)
        else:
            for stamped in change.events:
                event = stamped.event
                # Only what this kind of page shows: no predicate is asked about the others.
                touched = set(self.event_regions[type(event)] & shown)
                if state is not None:
                    for parts_of in self.event_items.get(type(event), ()):
                        for region, parts in parts_of(event, state).items():
                            if region not in touched:
                                continue
                            touched.discard(region)
                            own = self.regions[region].own_events_only
                            for part in parts:
                                if own:
                                    personal.add((part, getattr(event, "pid", None)))
                                else:
                                    names.add(part)
                how = self.person_events.get(type(event))
                pid: str = getattr(event, "pid", "")  # a person event has one (checked in __init__)
                if how is not None:
                    touched = self._about_person(touched, pid, state, self._names_person)
                    # A rename redraws the person's own line; a join has no line yet to redraw
                    # (and the list may still say "nobody here"): the whole list goes.
                    if how == PERSON_LINE and "presence" in touched:
                        touched.discard("presence")
                        names.add(PERSON_ITEM + pid)
                for name in touched:
                    declared = self.regions[name]
                    if declared.own_events_only:
                        personal.add((name, getattr(event, "pid", None)))
                    elif how is not None and state is not None and declared.personal and declared.shown_to:
                        # Only the copies that show the person (their group's phones).
                        copies = declared.shown_to(state, pid)
                        if copies is None:
                            names.add(name)
                        else:
                            personal.update((name, copy) for copy in copies)
                    else:
                        names.add(name)
            if change.presence:
                if change.pids:
                    for pid in change.pids:
                        names |= self._about_person(set(self.presence_regions - {"presence"}), pid, state,
                                                    self._shows_person)
                    names |= {PERSON_ITEM + pid for pid in change.pids}
                else:
                    names |= self.presence_regions

        def visible(name: str) -> bool:
            region = self.region_of(name)
            return role in region.roles and page in region.pages

        return frozenset(n for n in names if visible(n)), tuple(p for p in personal if visible(p[0]))

    def contexts_for(self, names: Sequence[str]) -> frozenset[str]:
        """The features whose contexts the regions `names` need (Region.context_from)."""
        wanted: set[str] = set()
        for name in names:
            wanted.add(self.feature_of[name].name)
            wanted |= self.regions[name].context_from
        return frozenset(wanted)

    def describe(self) -> dict[str, Any]:
        """Every region and the events that touch it (docs and tests)."""
        return {name: sorted(cls.__name__ for cls, names in self.event_regions.items() if name in names)
                for name in self.regions}
