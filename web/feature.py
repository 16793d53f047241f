"""How a feature plugs into the web layer: one `WebFeature` per feature, at the end of its
web/<feature>_view.py, next to the core part it shows (realtime/feature.py).

It declares the parsers of its websocket messages (web/<feature>_commands.py), its live regions
and which events touch them (every event of its core part must be listed, with an empty set when
it changes nothing on any page), the data its templates get (its `context`, where its privacy rules
live), the labels of its form fields in error messages, its entries in the mentor's projector
control, and whether its regions show a given person. server/manifest.py lists the features in
order; web/layout.py assembles their regions, and nothing else lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from realtime.events import Event, Role
from realtime.feature import CoreFeature
from realtime.room import Room
from realtime.state import RoomState
from web.fields import Parser
from web.viewer import Viewer

ALL_ROLES = frozenset(Role)
PAGES = ("live", "trajectory")
LIVE_ONLY = frozenset({"live"})
TRAJECTORY_ONLY = frozenset({"trajectory"})
BOTH_PAGES = frozenset(PAGES)
ALL_CONTEXTS = frozenset({"*"})

# How an event about one person (WebFeature.person_events) changes the list of people (#presence):
# PERSON_LINE: the person has a line there already, and only that line changes (a rename);
# PERSON_LIST: the person comes into the list, which has no line to replace yet (a join).
PersonChange = Literal["line", "list"]
PERSON_LINE: Final = "line"
PERSON_LIST: Final = "list"

# Whether something (a region, a projector view) shows person `pid` now, in a room of this state.
PersonTest = Callable[[RoomState, str], bool]


def nobody(state: RoomState, pid: str) -> bool:
    """The PersonTest of what names nobody (a timer, a poll's results)."""
    return False


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
    # The participant's live page is in tabs (templates/participant.html): the tab that holds this
    # region ("" = "more", the tab of everything else; TOP = above the tabs, always in sight: the
    # person's own hand and turn). Other pages ignore it.
    tab: str = ""
    # The mentor's live console is in folded sections, one per Tab (templates/mentor.html): the
    # tab whose section holds this region ("" = the same as `tab`; TOP = above the sections,
    # always in sight: the hand-raise queue, the hybrid alarm). Other pages ignore it.
    section: str = ""
    # Whether this region shows person `pid` right now, when that differs from the rest of its
    # feature (WebFeature.shows_person, which it then replaces for this region alone): a
    # participant's copy of the breakout groups shows the people of a round, the mentor's plan form
    # everyone who is here. None: as the feature says.
    shows_person: PersonTest | None = None
    # A personal region only: which participants' copies show person `pid` now (their pids; None:
    # every copy), when a change about that person need not reach every copy. A rename in a running
    # breakout round reaches that person's group, not every phone. None: every copy, as
    # `shows_person` says.
    shown_to: Callable[[RoomState, str], Collection[str] | None] | None = None


TOP = "top"
MORE = "more"


@dataclass(frozen=True, slots=True)
class Tab:
    """A tab of the participant's live page, and a folded section of the mentor's console, declared
    by the feature whose regions fill it (a page shows only the tabs that hold some of its regions)."""

    name: str
    label: str  # an English msgid
    order: int = 50


@dataclass(frozen=True, slots=True)
class NowEntry:
    """Something of this feature the group can be doing right now, for the "now" area at the top of
    a participant's pages (web/now.py picks one). It is now when the projector shows one of `views`
    (with the projector's ref), or else when `running` names something (an open poll: the mentor
    sent it to the phones without projecting it; the first entry of the manifest with one wins).

    The page then shows tab `tab`, focused on the elements marked data-now-ref="<item>:<ref>"
    (a poll's card and its results); `title` names it in the notice ("Poll: How did it go?")."""

    kind: str
    label: str  # an English msgid: "Poll"
    tab: str
    item: str
    title: Callable[[RoomState, str], str | None]  # None: the ref is gone (not now after all)
    # The events that can change whether or what of it is now (its "open" and "close").
    events: frozenset[type[Event]]
    views: frozenset[str] = frozenset()
    running: Callable[[RoomState], Sequence[str]] | None = None
    # The projector's ref as this entry's (a comparison of two polls is about the later one).
    ref_of: Callable[[str], str] = lambda ref: ref


def no_context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    return {}


# What an item's template gets besides the frame's context (its first argument: the same context
# as a region's, with its feature's part), for one key; None when this viewer gets nothing of it
# (a post-it the projector may not see). `dirty` is everything about to be sent in the same
# frame: an item that a larger part of the frame already carries says None.
ItemContext = Callable[[Mapping[str, Any], str, frozenset[str]], Mapping[str, Any] | None]


@dataclass(frozen=True, slots=True)
class Item:
    """A keyed part of a region, sent on its own: "<kind>:<key>" in a set of dirty names.

    A change to one post-it of a wall of 200 sends that post-it, not the wall: the item's template
    (templates/items/<kind>.html) renders the element with an out-of-band swap of its own, by id
    (`outerMorph` to update it in place, `beforeend:#list` to insert it, `delete` to take it out).
    An item is shown to whoever its region is shown to, and dropped from a frame that carries its
    whole region anyway."""

    kind: str
    region: str
    context: ItemContext


# For an event of the feature: which of the regions it touches change only in parts, and which
# parts ("<kind>:<key>" names), given the state after the change. A region it leaves out is sent
# whole, as `event_regions` says; a region mapped to no parts is not sent at all.
EventItems = Callable[[Event, RoomState], Mapping[str, tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class ProjectorEntry:
    """A button of the mentor's projector control: show `view` (one of the core's projector views).
    Views that need a ref (a wall, a poll) have their own buttons next to what they show."""

    view: str
    label: str  # an English msgid
    # Offered only while this says so (the evaluation once there is one); None: always.
    available: Callable[[RoomState], bool] | None = None


@dataclass(frozen=True, slots=True)
class WebFeature:
    name: str
    # The core features this is the web side of (usually one; the trajectory's web side also
    # shows its carry-over and what comes after it).
    cores: tuple[CoreFeature, ...] = ()
    parsers: Mapping[str, Parser] = field(default_factory=dict)
    regions: tuple[Region, ...] = ()
    event_regions: Mapping[type[Event], frozenset[str]] = field(default_factory=dict)
    context: Callable[[Room, Viewer], Mapping[str, Any]] = no_context
    # Field name -> English label, for error messages about that field ("{field} is required.").
    field_labels: Mapping[str, str] = field(default_factory=dict)
    projector: tuple[ProjectorEntry, ...] = ()
    # Regions that show who is online (re-rendered when someone comes or goes).
    presence_regions: frozenset[str] = frozenset()
    # Keyed parts of its regions (a post-it, a column's count), and which events change only those.
    items: tuple[Item, ...] = ()
    event_items: Mapping[type[Event], EventItems] = field(default_factory=dict)
    # Whether this feature's regions show person `pid` right now (a name, an away mark). When it
    # says no, that person's joining, rename or coming and going does not re-render them: in a
    # session of 20 a rename otherwise re-sent the queue and the wall to everyone, and every
    # participant's own copy of the successes and the breakout groups (docs/performance.md).
    # None: the regions always count as showing everyone. Region.shows_person overrides it.
    shows_person: PersonTest | None = None
    # Its events about one person (they carry that person's `pid`): each touches only the regions
    # that show that person now (shows_person above), and says how it changes the list of people
    # (PERSON_LINE, PERSON_LIST). web/layout.py goes by this declaration, not by event types.
    person_events: Mapping[type[Event], PersonChange] = field(default_factory=dict)
    # Its projector views (realtime's CoreFeature.projector_views; templates/stage/<view>.html) and
    # whether each names person `pid` now: the projector's stage is rendered again for a rename or a
    # join only when the view it shows now names that person (`nobody`: no names at all). Someone
    # coming or going still renders it whatever the view: a poll counts who is here. Every view is
    # declared (tests/test_person_renders.py); one left out would count as naming everyone.
    stage_names: Mapping[str, PersonTest] = field(default_factory=dict)
    # Tabs of the participant's live page its regions fill, and what of it can be "now".
    tabs: tuple[Tab, ...] = ()
    now: tuple[NowEntry, ...] = ()
