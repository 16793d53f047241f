"""The summaries' pure parts (web/exports/summary.py): local times in the trajectory's time zone,
and which session something made at a moment belongs to."""

from __future__ import annotations

import datetime

from realtime import trajectory
from realtime.state import RoomState
from web.exports import summary
from web.i18n import Translator

UTC = datetime.UTC


def _state(zone: str = "Europe/Amsterdam") -> RoomState:
    start = datetime.datetime(2026, 7, 6, 17, 2, tzinfo=UTC).timestamp()  # 19:02 in Amsterdam (summer time)
    sessions = (
        trajectory.PlannedSession(1, "2026-07-06", "Kick-off", "19:00", "21:00", started_at=start,
                                  ended_at=start + 90 * 60),
        trajectory.PlannedSession(2, "2026-11-02", "", "19:00", "21:00"),
    )
    traj = trajectory.TrajectoryState(name="T", timezone=zone, sessions=sessions)
    return RoomState(title="Room", created_at=start).with_part(trajectory.PART, traj)


def test_held_times_are_local_and_planned_ones_as_planned() -> None:
    nl, en = Translator().language("nl"), Translator().language("en")
    assert summary.when(_state(), 1, en) == ("Monday, 6 July 2026", "2026-07-06", "19:02–20:32")
    assert summary.when(_state(), 1, nl)[2] == "19:02–20:32"
    # Planned, not held: the plan's wall-clock times, whatever the offset in November.
    assert summary.when(_state(), 2, en) == ("Monday, 2 November 2026", "2026-11-02", "19:00–21:00")
    # The same moment in another zone is another local time (and here another day).
    assert summary.when(_state("Pacific/Auckland"), 1, en)[1:] == ("2026-07-07", "05:02–06:32")


def test_things_go_with_the_last_session_that_had_started() -> None:
    traj = _state().part(trajectory.PART)
    began = traj.sessions[0].started_at
    assert began is not None
    assert summary.session_of_time(traj, began - 1) == 0
    assert summary.session_of_time(traj, began) == 1
    assert summary.session_of_time(traj, began + 86400 * 30) == 1  # between sessions: still 1's
    assert summary.sessions_to_summarize(_state()) == (1,)
    assert summary.default_session(_state()) == 1
    assert summary.sessions_to_summarize(RoomState(title="One meeting")) == (0,)
