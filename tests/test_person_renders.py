"""Which regions a rename renders for which viewers, in the situations the code review of issue 19
("Speed, second round") found still rendering too much: the breakout groups planned (the mentor's
plan form), running (every phone's copy), showing their results, and the projector's stage. Also:
a person event says by declaration whether it changes a person's line of #presence or the list.

Each case gets its own Change (a Change memoizes what it makes dirty per kind of page).
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from realtime import breakouts, events, queue
from realtime.events import Event, Role
from realtime.room import Change
from realtime.state import Participant, RoomState
from server.feature import web_features
from server.manifest import FEATURES
from tests.corekit import CORE, LAYOUT
from web.feature import PERSON_LINE, PERSON_LIST, WebFeature
from web.layout import PERSON_ITEM, Layout
from web.viewer import Viewer

PIDS = ("p1", "p2", "p3", "p4", "p5")
MENTOR = Viewer(Role.MENTOR, "en", "", "http://k", "live")
SCREEN = Viewer(Role.PROJECTOR, "en", "", "http://k", "live")


def _phone(pid: str) -> Viewer:
    return Viewer(Role.PARTICIPANT, "en", pid, "http://k", "live")


def _people() -> RoomState:
    return RoomState(seq=5, participants={p: Participant(p, p.upper(), "room", "h", 0.0) for p in PIDS})


def _rename(pid: str = "p1") -> Change:
    return Change(events=(events.Stamped(seq=6, at=1.0, event=events.ProfileUpdated(pid, "Renamed", "room")),))


def _with_round(state: RoomState, phase: str, placed: dict[str, str], showing: int = 0) -> RoomState:
    round_ = breakouts.Round("r1", "Task", "random", 2, ("1", "2"), phase, MappingProxyType(placed), showing=showing)
    return state.with_part(breakouts.PART, breakouts.BreakoutsState(MappingProxyType({"r1": round_}), "r1"))


def _phones_rendering(name: str, state: RoomState, pid: str = "p1") -> set[str]:
    """The phones a rename of `pid` renders region `name` for (one Change for all of them, as a
    room's fan-out does)."""
    change = _rename(pid)
    return {p for p in PIDS if name in LAYOUT.regions_for(change, _phone(p), state)}


# ---------------------------------------------------------------- the mentor's plan form


def test_a_rename_sends_the_plan_form_only_that_persons_line_while_nobody_is_in_a_round() -> None:
    seen = LAYOUT.regions_for(_rename(), MENTOR, _people())
    assert "breakouts-console" not in seen
    assert "bo-here:p1" in seen  # the item context drops it when p1 is not here


def test_a_rename_of_someone_in_the_planned_groups_sends_the_console_whole() -> None:
    planned = _with_round(_people(), breakouts.PLANNING, {"p1": "1", "p2": "1", "p3": "2"})
    assert "breakouts-console" in LAYOUT.regions_for(_rename("p1"), MENTOR, planned)
    # Someone here but not in the round: only their line of the plan form ("Make new groups").
    seen = LAYOUT.regions_for(_rename("p5"), MENTOR, planned)
    assert "breakouts-console" not in seen and "bo-here:p5" in seen


def test_a_rename_of_someone_outside_the_running_groups_sends_the_console_nothing() -> None:
    running = _with_round(_people(), breakouts.RUNNING, {"p1": "1", "p2": "1", "p3": "2", "p4": "2"})
    seen = LAYOUT.regions_for(_rename("p5"), MENTOR, running)
    assert not {n for n in seen if n.startswith(("breakouts-console", "bo-here:"))}  # no plan form while running
    assert "breakouts-console" in LAYOUT.regions_for(_rename("p1"), MENTOR, running)


def test_the_results_send_the_console_whole_only_for_the_shown_groups_members() -> None:
    results = _with_round(_people(), breakouts.RESULTS, {"p1": "1", "p2": "1", "p3": "2", "p4": "2"})
    assert "breakouts-console" in LAYOUT.regions_for(_rename("p2"), MENTOR, results)
    seen = LAYOUT.regions_for(_rename("p3"), MENTOR, results)
    assert "breakouts-console" not in seen and "bo-here:p3" in seen  # the "make new groups" form


# ---------------------------------------------------------------- the phones' copies


def test_a_rename_in_running_groups_renders_only_the_phones_of_that_group() -> None:
    running = _with_round(_people(), breakouts.RUNNING, {"p1": "1", "p2": "1", "p3": "2", "p4": "2", "p5": ""})
    assert _phones_rendering("breakouts", running, "p1") == {"p1", "p2"}
    assert _phones_rendering("breakouts", running, "p4") == {"p3", "p4"}
    assert _phones_rendering("breakouts", running, "p5") == set()  # in the round, in no group: no name shown


def test_a_rename_in_planned_groups_renders_only_the_phones_of_that_group() -> None:
    planned = _with_round(_people(), breakouts.PLANNING, {"p1": "1", "p2": "1", "p3": "2"})
    assert _phones_rendering("breakouts", planned, "p3") == {"p3"}
    assert _phones_rendering("breakouts", planned, "p5") == set()


def test_the_results_render_every_phone_only_for_the_shown_groups_members() -> None:
    results = _with_round(_people(), breakouts.RESULTS, {"p1": "1", "p2": "1", "p3": "2", "p4": "2"}, showing=1)
    assert _phones_rendering("breakouts", results, "p3") == set(PIDS)  # every phone shows group 2's result
    assert _phones_rendering("breakouts", results, "p1") == set()


# ---------------------------------------------------------------- the projector's stage


def _projecting(state: RoomState, view: str) -> RoomState:
    return dataclasses.replace(state, projector_view=view, projector_ref="")


def _stage_renders(state: RoomState, pid: str = "p1") -> bool:
    return "stage" in LAYOUT.regions_for(_rename(pid), SCREEN, state)


def test_the_stage_renders_on_a_rename_only_when_its_view_names_that_person() -> None:
    state = _people()
    assert _stage_renders(_projecting(state, "join"))  # the join screen lists who is here
    for nameless in ("timer", "agenda", "agreements", "evaluation", "poll"):
        assert not _stage_renders(_projecting(state, nameless)), nameless
    waiting = state.with_part(queue.PART, queue.QueueState(entries=(queue.Entry("p1", "", 1.0),)))
    assert _stage_renders(_projecting(waiting, "queue"))
    assert not _stage_renders(_projecting(waiting, "queue"), "p2")
    running = _with_round(state, breakouts.RUNNING, {"p1": "1", "p2": "1"})
    assert _stage_renders(_projecting(running, "breakouts"))
    assert not _stage_renders(_projecting(running, "breakouts"), "p3")
    assert not _stage_renders(_projecting(running, "timer"))  # groups run, the projector shows the timer


def test_coming_and_going_still_renders_the_stage_whatever_its_view() -> None:
    """A poll on the projector counts who is here ("3 of 12 answered") without naming anyone."""
    state = _projecting(_people(), "poll")
    assert "stage" in LAYOUT.regions_for(Change(presence=True, pids=frozenset({"p1"})), SCREEN, state)


def test_every_projector_view_says_whom_it_names() -> None:
    declared = {view for feature in LAYOUT.features for view in feature.stage_names}
    assert set(CORE.projector_views) - declared == set()
    assert declared - set(CORE.projector_views) == set()


# ---------------------------------------------------------------- person events, declared


def test_person_events_are_declared_as_a_line_or_the_list() -> None:
    assert LAYOUT.person_events[events.ProfileUpdated] == PERSON_LINE
    assert LAYOUT.person_events[events.ParticipantJoined] == PERSON_LIST


@dataclasses.dataclass(frozen=True, slots=True)
class NicknameChosen(Event):
    """An event of a feature that does not exist: a person's nickname changed."""

    pid: str
    nickname: str


def test_a_new_person_event_sends_a_line_by_its_declaration_alone() -> None:
    nicknames = WebFeature(name="nicknames", event_regions={NicknameChosen: frozenset({"presence"})},
                           person_events={NicknameChosen: PERSON_LINE})
    layout = Layout((*web_features(FEATURES), nicknames))
    change = Change(events=(events.Stamped(seq=6, at=1.0, event=NicknameChosen("p1", "Ace")),))
    seen = layout.regions_for(change, _phone("p2"), _people())
    assert PERSON_ITEM + "p1" in seen and "presence" not in seen
