"""Which regions a rename renders for which viewers, in the situations the code review of issue 19
("Speed, second round") found still rendering too much: the breakout groups planned (the mentor's
plan form), running (every phone's copy), showing their results, and the projector's stage. Also:
a person event says by declaration whether it changes a person's line of #presence or the list.

Each case gets its own Change (a Change memoizes what it makes dirty per kind of page).
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from realtime import breakouts, events
from realtime.events import Event, Role
from realtime.room import Change
from realtime.state import Participant, RoomState
from server.feature import web_features
from server.manifest import FEATURES
from tests.corekit import LAYOUT
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
