"""The web layer's wiring: every event touches known regions, every region has its template."""

from __future__ import annotations

import re

from realtime import events
from realtime.events import Role
from realtime.room import Change
from tests.corekit import CORE, LAYOUT
from web.layout import PERSON_ITEM
from web.render import TEMPLATES
from web.viewer import Viewer

EVENT_REGIONS = LAYOUT.event_regions
REGIONS = LAYOUT.regions
page_regions = LAYOUT.page_regions
regions_for = LAYOUT.regions_for


def test_every_event_type_says_which_regions_it_changes() -> None:
    missing = [cls.__name__ for cls in CORE.events if cls not in EVENT_REGIONS]
    assert missing == []
    unknown = {
        cls.__name__: sorted(names - set(REGIONS)) for cls, names in EVENT_REGIONS.items() if names - set(REGIONS)
    }
    assert unknown == {}


def test_every_region_has_a_template_whose_root_carries_its_id_and_oob_swap() -> None:
    for name in REGIONS:
        source = (TEMPLATES / "regions" / f"{name}.html").read_text()
        root = re.search(r"<(\w+)[^>]*\bid=\"([^\"]+)\"[^>]*>", re.sub(r"\{#.*?#\}", "", source, flags=re.S))
        assert root and root.group(2) == name, name
        assert "hx-swap-oob" in source, name


def test_page_regions_are_ordered_and_role_specific() -> None:
    for role in Role:
        names = page_regions(role)
        assert all(role in REGIONS[n].on_pages for n in names)
        assert len(names) == len(set(names))


def _viewer(role: Role, pid: str = "", page: str = "live") -> Viewer:
    return Viewer(role, "en", pid, "http://k", page)


def _stamped(event: events.Event, seq: int = 5) -> events.Stamped:
    return events.Stamped(seq=seq, at=1.0, event=event)


def test_a_rename_dirties_only_that_persons_line_of_presence() -> None:
    change = Change(events=(_stamped(events.ProfileUpdated(pid="p1", name="Ann", location="room")),))
    seen = regions_for(change, _viewer(Role.PARTICIPANT, "p2"))
    assert PERSON_ITEM + "p1" in seen and "presence" not in seen
    assert "me" not in seen  # someone else's rename leaves my own region alone
    assert "me" in regions_for(change, _viewer(Role.PARTICIPANT, "p1"))


def test_presence_of_known_people_sends_lines_and_unknown_sends_the_list() -> None:
    viewer = _viewer(Role.PARTICIPANT, "p2")
    known = regions_for(Change(presence=True, pids=frozenset({"p1", "p3"})), viewer)
    assert {PERSON_ITEM + "p1", PERSON_ITEM + "p3"} <= known and "presence" not in known
    assert "presence" in regions_for(Change(presence=True), viewer)
    # The projector has no #presence region: person lines never reach it.
    projector = regions_for(Change(presence=True, pids=frozenset({"p1"})), _viewer(Role.PROJECTOR))
    assert not {n for n in projector if n.startswith(PERSON_ITEM)} and "stage" in projector


def test_a_trajectory_page_gets_no_live_regions() -> None:
    change = Change(events=(_stamped(events.ProfileUpdated(pid="p1", name="Ann", location="room")),))
    assert not {n for n in regions_for(change, _viewer(Role.PARTICIPANT, "p2", "trajectory"))
                if n in ("presence", "queue", "wall") or n.startswith(PERSON_ITEM)}


def test_a_rename_skips_the_queue_unless_that_person_is_in_it() -> None:
    from realtime import queue
    from realtime.state import Participant, RoomState

    ann = Participant("p1", "Ann", "room", "h", 0.0)
    state = RoomState(seq=5, participants={"p1": ann})
    # A change is told with the one state it led to: each case gets its own Change.
    def rename() -> Change:
        return Change(events=(_stamped(events.ProfileUpdated(pid="p1", name="Anna", location="room")),))

    def coming() -> Change:
        return Change(presence=True, pids=frozenset({"p1"}))

    viewer = _viewer(Role.MENTOR)
    assert "queue" not in regions_for(rename(), viewer, state)
    waiting = RoomState(seq=5, participants={"p1": ann}).with_part(
        queue.PART, queue.QueueState(entries=(queue.Entry("p1", "", 1.0),)))
    assert "queue" in regions_for(rename(), viewer, waiting)
    assert "queue" in regions_for(rename(), viewer)  # no state: assume it shows everyone
    assert "queue" not in regions_for(coming(), viewer, state)
    assert "queue" in regions_for(coming(), viewer, waiting)


def test_counts_of_agrees_with_counting_the_people() -> None:
    from realtime.presence import Presence
    from realtime.state import Participant, RoomState
    from web.viewer import counts, counts_of, people

    everyone = {
        pid: Participant(pid, pid.upper(), location, "h", 0.0)
        for pid, location in (("a", "room"), ("b", "remote"), ("c", "room"), ("d", "remote"))
    }
    state = RoomState(seq=4, participants=everyone)
    presence = Presence()
    for pid in ("a", "b", "c"):
        presence.connect("n1", pid)
    presence.disconnect("n1", "c", 1.0)
    assert counts_of(state, presence) == counts(people(state, presence, _viewer(Role.MENTOR)))
    assert counts_of(state, presence).away == 2


def _template_with_includes(name: str, seen: set[str] | None = None) -> str:
    seen = set() if seen is None else seen
    if name in seen or not (TEMPLATES / name).exists():
        return ""
    seen.add(name)
    text = (TEMPLATES / name).read_text()
    included = re.findall(r'(?:include|import|from) "([^"]+)"', text)
    return text + "".join(_template_with_includes(i, seen) for i in included)


def test_a_region_uses_only_the_contexts_it_declares() -> None:
    """A region update builds only its own feature's context and those of Region.context_from;
    a template that used another feature's names would fail (StrictUndefined) on updates only."""
    from realtime.room import Room
    from realtime.state import RoomState
    room = Room("ABCDEFGH", RoomState(seq=1, code="ABCDEFGH"), CORE)
    provided: dict[str, set[str]] = {}
    for feature in LAYOUT.features:
        for role in Role:
            for key in feature.context(room, _viewer(role, "p1" if role is Role.PARTICIPANT else "")):
                provided.setdefault(key, set()).add(feature.name)
    for name, region in REGIONS.items():
        if "*" in region.context_from:
            continue
        text = _template_with_includes(f"regions/{name}.html")
        used = {f for key, owners in provided.items() if re.search(rf"\b{re.escape(key)}\b", text)
                for f in owners}
        allowed = {LAYOUT.feature_of[name].name} | region.context_from
        assert used <= allowed, f"regions/{name}.html uses the context of {sorted(used - allowed)}"


def test_current_renders_keep_only_the_rooms_current_state() -> None:
    from realtime.room import Room
    from realtime.state import RoomState
    from web.render import CurrentRenders

    renders = CurrentRenders()
    room = Room("ABCDEF", RoomState(seq=3), CORE)
    renders.of(room)["frame"] = "old"
    assert renders.of(room) == {"frame": "old"}  # same state: kept for the next page
    room.state = RoomState(seq=4)
    assert renders.of(room) == {}  # the room moved on: what was rendered of seq 3 is gone
    renders.of(room)["frame"] = "new"
    room.presence.connect("node", "p1")
    assert renders.of(room) == {}  # someone came online: another state
    reloaded = Room("ABCDEF", room.state, CORE)
    reloaded.presence.version = room.presence.version
    renders.of(room)["frame"] = "x"
    assert renders.of(reloaded) == {}  # a reloaded room is another object: never its old renders


# The regions a rename or a join of someone they do not show must leave alone (issue 19): every
# participant's copy of the successes and the breakout groups was rendered again on every rename.
PERSON_REGIONS = ("successes", "successes-console", "breakouts", "agreements-console", "assignments-mentor",
                  "assignments-due", "onetoone-mentor", "topics", "quiz-mentor", "feedback", "feedback-mine")


def _about_ann() -> list[Change]:
    """A rename of p1 and p1 joining, each in a Change of its own (a Change memoizes its regions)."""
    return [Change(events=(_stamped(events.ProfileUpdated(pid="p1", name="Anna", location="remote")),)),
            Change(events=(_stamped(events.ParticipantJoined(pid="p1", name="Ann", location="room",
                                                              token_hash="h")),))]


def _touched(state: object, viewers: list[Viewer]) -> set[str]:
    from realtime.state import RoomState
    assert isinstance(state, RoomState)
    return {name for change in _about_ann() for viewer in viewers for name in regions_for(change, viewer, state)}


EVERY_VIEWER = [_viewer(role, "p2" if role is Role.PARTICIPANT else "", page)
                for role in Role for page in ("live", "trajectory")] + [_viewer(Role.PARTICIPANT, "p1")]


def test_a_rename_or_join_touches_no_region_that_does_not_show_that_person() -> None:
    from realtime.state import Participant, RoomState

    state = RoomState(seq=5, participants={"p1": Participant("p1", "Ann", "room", "h", 0.0)})
    assert _touched(state, EVERY_VIEWER) & set(PERSON_REGIONS) == set()
    # Without the state nothing is known: every region that may show them.
    assert not set(PERSON_REGIONS) - {n for c in _about_ann() for v in EVERY_VIEWER for n in regions_for(c, v)}


def test_a_rename_touches_each_region_again_once_it_shows_that_person() -> None:
    from types import MappingProxyType

    from realtime import agreements, assignments, breakouts, feedback, onetoone, successes, topics
    from realtime.polls import quiz
    from realtime.state import Participant, RoomState

    base = RoomState(seq=5, participants={"p1": Participant("p1", "Ann", "room", "h", 0.0)})
    win = successes.Success("s1", "p1", "Done", successes.GROUP, 1.0)
    group = breakouts.Round("r1", "Task", "random", 3, ("1",), breakouts.RUNNING, MappingProxyType({"p1": "1"}))
    slot = onetoone.Slot("t1", "2026-12-01", "10:00", 30, "room", "A1")
    shown = {
        "successes": base.with_part(successes.PART, successes.SuccessesState(MappingProxyType({"s1": win}))),
        "breakouts": base.with_part(breakouts.PART, breakouts.BreakoutsState(MappingProxyType({"r1": group}), "r1")),
        "agreements-console": base.with_part(agreements.PART, agreements.AgreementsState(items=("Be kind",), round=1)),
        "assignments-mentor": base.with_part(assignments.PART, assignments.AssignmentsState(MappingProxyType(
            {"a1": assignments.Assignment("a1", "Read", "", 1, 1, 1.0)}))),
        "onetoone-mentor": base.with_part(onetoone.PART, onetoone.OneToOneState(
            (slot,), (onetoone.Booking("b1", "p1", slot),))),
        "topics": base.with_part(topics.PART, topics.TopicsState(MappingProxyType(
            {"t1": topics.Topic("t1", "p1", "Feedback", "", 1.0)}))),
        "quiz-mentor": base.with_part(quiz.PART, quiz.QuizState(leaderboard="named")),
        "feedback": base.with_part(feedback.PART, feedback.FeedbackState(MappingProxyType(
            {"f1": feedback.Round("f1", "p1", (), False, False, False, "salt", 1.0)}))),
    }
    for name, state in shown.items():
        assert name in _touched(state, EVERY_VIEWER), name
    # The breakout groups: every participant's copy (personal) of the running round, the renamed too.
    mine = _viewer(Role.PARTICIPANT, "p1")
    assert "breakouts" in regions_for(_about_ann()[0], mine, shown["breakouts"])


def test_only_the_templates_that_use_now_get_it_and_an_unknown_include_counts_as_using_it() -> None:
    """A region update works out what is now only for the templates that use it (issue 19);
    the others do not get the name at all, so a template that started using it would fail loudly."""
    from web.i18n import Translator
    from web.render import Renderer, uses_names

    renderer = Renderer(Translator(CORE.reasons, LAYOUT.field_labels), "v1", LAYOUT)
    now = frozenset({"now"})
    assert uses_names(renderer.env, "regions/now.html", now)
    assert uses_names(renderer.env, "mentor.html", now)  # through its include of console-now
    assert uses_names(renderer.env, "regions/stage.html", now)  # includes the view by an expression
    assert not uses_names(renderer.env, "regions/me.html", now)
    assert not uses_names(renderer.env, "regions/media-remote.html", now)  # its macros' file neither


def test_which_templates_use_now_is_found_on_first_use_or_by_the_warm_up_not_at_start() -> None:
    """Parsing every region template when the renderer was built was about a second of the
    server's start-up (issue 19: /healthz within 1 s): now each is parsed the first time a frame
    asks, and the warm-up (server/warmup.py) asks about all of them after the server answers."""
    from web.i18n import Translator
    from web.render import Renderer

    renderer = Renderer(Translator(CORE.reasons, LAYOUT.field_labels), "v1", LAYOUT)
    assert renderer._uses_now == {}  # nothing parsed while building
    assert renderer.uses_now("regions/now.html") and not renderer.uses_now("regions/me.html")
    assert not renderer.uses_now("regions/no-such-region.html")
    assert set(renderer._uses_now) == {"regions/now.html", "regions/me.html", "regions/no-such-region.html"}
    renderer.learn_templates()
    regions = renderer.env.list_templates(filter_func=lambda n: n.startswith(("regions/", "items/")))
    assert len(regions) > 50 and set(regions) <= set(renderer._uses_now)
    assert renderer._uses_now["regions/stage.html"] and not renderer._uses_now["regions/media-remote.html"]


def test_a_join_sends_the_whole_list_of_presence_not_a_line() -> None:
    """A joiner has no line on anyone's page yet (and the list may still say "nobody here"): a line
    alone would find nothing to replace. A rename, by contrast, is the person's line (above)."""
    from realtime.state import Participant, RoomState

    state = RoomState(seq=5, participants={"p1": Participant("p1", "Ann", "room", "h", 0.0)})
    change = Change(events=(_stamped(events.ParticipantJoined(pid="p1", name="Ann", location="room",
                                                              token_hash="h")),))
    for viewer in (_viewer(Role.MENTOR), _viewer(Role.PARTICIPANT, "p2")):
        seen = regions_for(change, viewer, state)
        assert "presence" in seen, viewer.role
