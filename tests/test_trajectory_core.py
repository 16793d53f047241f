"""Unit tests of the trajectory in the pure core: planning, dates, sessions, carry-over, contacts
and return meetings, personal links and erasure (realtime/trajectory.py, text.py parse_date, carryover.py,
contacts.py, erasure.py, and the session commands in state.py)."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from realtime import carryover, contacts, queue, trajectory, wall
from realtime.codec import encode_event
from realtime.erasure import is_personal, redaction_plan
from realtime.errors import Forbidden, Rejected
from realtime.events import (
    Actor,
    Command,
    EndSession,
    EraseParticipant,
    ParticipantErased,
    Redacted,
    ReissueLink,
    Role,
    Stamped,
    UpdateProfile,
)
from realtime.state import RoomState
from realtime.text import parse_date
from tests.corekit import CODEC, CORE, MENTOR, Log, decide, evolve, export_session, fold, who

PROJECTOR = Actor(Role.PROJECTOR)


def plan(
    sessions: str = "6", first: str = "2026-09-07", cadence: str = "weekly", **kw: str
) -> trajectory.PlanTrajectory:
    fields = {"name": "Starters", "theme": "Feedback", "target_group": "New teachers", "format": "hybrid"}
    fields.update(kw)
    return trajectory.PlanTrajectory(sessions=sessions, cadence=cadence, first_date=first, **fields)


def room(*pids: str) -> Log:
    """A session with `pids` in the room, every event stamped at corekit's 1000.0 unless a step
    gives its own time (the session tests do)."""
    return Log(*pids)


def planned(*pids: str, sessions: str = "6") -> Log:
    return room(*pids).run(plan(sessions))


def start(n: int) -> trajectory.StartTrajectorySession:
    return trajectory.StartTrajectorySession(str(n))


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(("first", "cadence", "expected"), [
    ("2026-01-28", "weekly", "2026-02-04"),  # across a month end
    ("2026-12-28", "weekly", "2027-01-04"),  # across a year end
    ("2028-02-24", "weekly", "2028-03-02"),  # leap year: Feb 29 exists
    ("2027-02-24", "weekly", "2027-03-03"),  # no Feb 29
    ("2028-02-22", "weekly", "2028-02-29"),
    ("2100-02-22", "weekly", "2100-03-01"),  # 2100 is not a leap year
    ("2000-02-22", "weekly", "2000-02-29"),  # 2000 is (divisible by 400)
    ("2026-02-20", "fortnightly", "2026-03-06"),
])
def test_planned_dates_cross_months_years_and_leap_days(first: str, cadence: str, expected: str) -> None:
    assert trajectory.planned_dates(first, 3, cadence)[:2] == (first, expected)


@pytest.mark.parametrize(
    "typed", ["2027-02-29", "2026-13-01", "2026-04-31", "28-11-2026", "2026-1-5", "", "1999-01-01", "tomorrow",
              # Spellings date.fromisoformat takes but the form never sends (and events never stored).
              "20261128", "2026-W48-6", "2026-11-28T10:00", "２０２６-１１-２８"])
def test_parse_date_rejects_what_is_not_a_calendar_date(typed: str) -> None:
    with pytest.raises(Rejected) as caught:
        parse_date(typed, "trajectory_first_date")
    assert caught.value.code == "bad_date" and caught.value.params == {"field": "trajectory_first_date"}


def test_parse_date_normalises_and_optional_empty() -> None:
    assert parse_date(" 2028-02-29 ", "d") == "2028-02-29"
    assert parse_date("", "d", required=False) == ""


# ---------------------------------------------------------------- planning


def test_plan_six_weekly_sessions_with_dates() -> None:
    state = planned().state.part(trajectory.PART)
    assert state.planned and state.current == 0 and not state.running
    assert [s.date for s in state.sessions] == [
        "2026-09-07", "2026-09-14", "2026-09-21", "2026-09-28", "2026-10-05", "2026-10-12"]
    assert [s.number for s in state.sessions] == [1, 2, 3, 4, 5, 6]
    assert (state.name, state.theme, state.target_group, state.format) == (
        "Starters", "Feedback", "New teachers", "hybrid")


def test_fortnightly_over_a_leap_day() -> None:
    state = room().run(plan("3", "2028-02-15", "fortnightly")).state.part(trajectory.PART)
    assert [s.date for s in state.sessions] == ["2028-02-15", "2028-02-29", "2028-03-14"]


def test_replan_keeps_titles_and_runs_and_can_grow() -> None:
    built = planned()
    built.run(trajectory.PlanSession("2", "2026-09-15", "Giving feedback"))
    built.run(start(1)).run(trajectory.EndTrajectorySession())
    built.run(plan("8", "2026-09-08", "weekly", name="Starters 2026"))
    state = built.state.part(trajectory.PART)
    assert len(state.sessions) == 8 and state.name == "Starters 2026"
    assert state.sessions[0].started and state.sessions[0].date == "2026-09-08"
    assert state.sessions[1].title == "Giving feedback"  # the title stays, the date is re-planned
    assert state.sessions[7].date == "2026-10-27"


def test_replan_cannot_drop_sessions_that_ran() -> None:
    built = planned().run(start(5)).run(start(3))  # session 5 ran, then the mentor went back to 3
    with pytest.raises(Rejected) as caught:
        decide(built.state, plan("4"), MENTOR)
    assert caught.value.code == "out_of_range"
    assert caught.value.params == {"field": "trajectory_sessions", "min": 5, "max": trajectory.SESSIONS_MAX}
    assert decide(built.state, plan("5"), MENTOR)  # keeping all that ran is fine


@pytest.mark.parametrize(("command", "code", "field"), [
    (plan("0"), "out_of_range", "trajectory_sessions"),
    (plan("17"), "out_of_range", "trajectory_sessions"),
    (plan("six"), "out_of_range", "trajectory_sessions"),
    (plan("-3"), "out_of_range", "trajectory_sessions"),
    (plan(cadence="monthly"), "bad_choice", "trajectory_cadence"),
    (plan(first="2026-02-30"), "bad_date", "trajectory_first_date"),
    (plan(name="  "), "missing_field", "trajectory_name"),
    (plan(name="x" * 121), "too_long", "trajectory_name"),
    (plan(format="on the moon"), "bad_choice", "trajectory_format"),
    (plan(theme="t" * 201), "too_long", "trajectory_theme"),
])
def test_bad_plans_are_rejected_with_a_reason(command: Command, code: str, field: str) -> None:
    with pytest.raises(Rejected) as caught:
        decide(room().state, command, MENTOR)
    assert caught.value.code == code and caught.value.params["field"] == field


def test_plan_session_changes_date_and_title_and_checks_them() -> None:
    built = planned()
    built.run(trajectory.PlanSession("3", "2026-09-23", "Cases"))
    assert built.state.part(trajectory.PART).session(3) == trajectory.PlannedSession(
        3, "2026-09-23", "Cases", revision=1)  # one change: a calendar sees it (SEQUENCE)
    assert decide(built.state, trajectory.PlanSession("3", "2026-09-23", "Cases"), MENTOR) == []
    for number in ("0", "7", "x"):
        with pytest.raises(Rejected, match="out_of_range"):
            decide(built.state, trajectory.PlanSession(number, "", ""), MENTOR)
    with pytest.raises(Rejected, match="bad_date"):
        decide(built.state, trajectory.PlanSession("1", "2026-9-1", ""), MENTOR)
    with pytest.raises(Rejected, match="trajectory_not_planned"):
        decide(room().state, trajectory.PlanSession("1", "", "x"), MENTOR)


# ---------------------------------------------------------------- sessions


def test_start_and_end_a_session() -> None:
    built = planned("ann").run(start(1), at=2000.0)
    traj = built.state.part(trajectory.PART)
    assert traj.current == 1 and traj.running and traj.sessions[0].started_at == 2000.0
    built.run(trajectory.EndTrajectorySession(), at=5000.0)
    traj = built.state.part(trajectory.PART)
    assert not traj.running and traj.current == 1 and traj.sessions[0].ended_at == 5000.0
    assert not built.state.ended  # ending a session does not close the room
    assert decide(built.state, trajectory.EndTrajectorySession(), MENTOR) == []  # nothing runs


def test_starting_the_next_ends_the_running_one() -> None:
    built = planned().run(start(1))
    events = decide(built.state, start(2), MENTOR)
    assert events == [trajectory.TrajectorySessionEnded(1), trajectory.TrajectorySessionStarted(2)]
    built.run(start(2))
    assert built.state.part(trajectory.PART).sessions[0].ended_at is not None
    assert built.state.part(trajectory.PART).current == 2 and built.state.part(trajectory.PART).running
    assert decide(built.state, start(2), MENTOR) == []  # already running


def test_session_of_seq_places_things_in_their_session() -> None:
    built = planned()
    before = built.state.seq + 1
    built.run(wall.CreateWall("w0", "Before", ("c",), ("Ideas",)))
    built.run(start(1))
    built.run(wall.CreateWall("w1", "Week 1", ("c",), ("Ideas",)))
    built.run(trajectory.EndTrajectorySession())
    built.run(wall.CreateWall("wb", "Between", ("c",), ("Ideas",)))
    built.run(start(2))
    built.run(wall.CreateWall("w2", "Week 2", ("c",), ("Ideas",)))
    traj, walls = built.state.part(trajectory.PART), built.state.part(wall.PART).walls
    assert traj.session_of_seq(before) == 0
    assert traj.session_of_seq(walls["w0"].created_seq) == 0
    assert traj.session_of_seq(walls["w1"].created_seq) == 1
    assert traj.session_of_seq(walls["w2"].created_seq) == 2
    assert traj.session_of_seq(walls["wb"].created_seq) == 1  # after 1 ended, before 2: still 1's


def test_participants_and_projector_may_not_plan_or_run_sessions() -> None:
    built = planned("ann")
    for command in (plan(), trajectory.PlanSession("1", "", "x"), start(1), trajectory.EndTrajectorySession(),
                    carryover.SetCarryOver("1", "a", ""),
                    contacts.PlanReturnMeeting("m1", "2027-01-01", "")):
        for actor in (who("ann"), PROJECTOR):
            with pytest.raises(Forbidden):
                decide(built.state, command, actor)


def test_a_closed_room_cannot_be_planned_or_started() -> None:
    built = planned().run(EndSession())
    for command in (plan(), start(1)):
        with pytest.raises(Rejected, match="session_ended"):
            decide(built.state, command, MENTOR)


def test_start_before_planning_is_rejected() -> None:
    with pytest.raises(Rejected, match="trajectory_not_planned"):
        decide(room().state, start(1), MENTOR)
    with pytest.raises(Rejected, match="out_of_range"):
        decide(planned().state, start(7), MENTOR)


# ---------------------------------------------------------------- carry-over


def test_carry_over_is_shown_at_the_next_session() -> None:
    built = planned("ann").run(start(1))
    written = "- Try the 3-2-1 feedback\n\n* Read chapter 2\n"
    built.run(carryover.SetCarryOver("1", written, "How do we handle silence?"))
    note = built.state.part(carryover.PART).of(1)
    assert note is not None
    assert note.action_points == ("Try the 3-2-1 feedback", "Read chapter 2")
    assert note.open_questions == ("How do we handle silence?",)
    assert carryover.shown(built.state) is None  # during session 1 nothing carries into it
    built.run(trajectory.EndTrajectorySession())
    assert carryover.shown(built.state) == note  # between sessions: what to take to next time
    built.run(start(2))
    assert carryover.shown(built.state) == note  # the start of session 2
    assert decide(built.state, carryover.SetCarryOver("1", "Try the 3-2-1 feedback\nRead chapter 2",
                                                      "How do we handle silence?"), MENTOR) == []


def test_carry_over_checks_session_and_size() -> None:
    built = planned().run(start(1))
    with pytest.raises(Rejected, match="carry_not_started"):
        decide(built.state, carryover.SetCarryOver("2", "x", ""), MENTOR)
    with pytest.raises(Rejected, match="carry_too_many"):
        decide(built.state, carryover.SetCarryOver("1", "\n".join("x" * 13), ""), MENTOR)
    with pytest.raises(Rejected, match="too_long"):
        decide(built.state, carryover.SetCarryOver("1", "x" * 201, ""), MENTOR)
    with pytest.raises(Rejected, match="trajectory_not_planned"):
        decide(room().state, carryover.SetCarryOver("1", "x", ""), MENTOR)


# ---------------------------------------------------------------- after the trajectory


def test_contacts_only_by_consent_and_withdrawable_after_closing() -> None:
    built = planned("ann", "bo")
    assert contacts.visible(built.state) == []
    built.run(contacts.ShareContact("Ann J.", "ann@example.org"), who("ann"))
    built.run(EndSession())  # the trajectory is closed: consent still works
    assert [c.name for c in contacts.visible(built.state)] == ["Ann J."]
    built.run(contacts.WithdrawContact(), who("ann"))
    assert contacts.visible(built.state) == []
    assert decide(built.state, contacts.WithdrawContact(), who("ann")) == []
    with pytest.raises(Forbidden):
        decide(built.state, contacts.ShareContact("M", "m@x"), MENTOR)
    with pytest.raises(Rejected, match="missing_field"):
        decide(built.state, contacts.ShareContact("Ann", " "), who("ann"))
    with pytest.raises(Rejected, match="too_long"):
        decide(built.state, contacts.ShareContact("Ann", "x" * 161), who("ann"))


def test_return_meetings_sorted_by_date_and_cancelled() -> None:
    built = planned()
    built.run(contacts.PlanReturnMeeting("m2", "2027-06-01", "Half a year on"))
    built.run(contacts.PlanReturnMeeting("m1", "2027-03-01", "Three months on"))
    assert [m.mid for m in built.state.part(contacts.PART).meetings] == ["m1", "m2"]
    built.run(contacts.CancelReturnMeeting("m1"))
    assert [m.mid for m in built.state.part(contacts.PART).meetings] == ["m2"]
    with pytest.raises(Rejected, match="bad_date"):
        decide(built.state, contacts.PlanReturnMeeting("m3", "soon", ""), MENTOR)
    with pytest.raises(Rejected, match="bad_message"):
        decide(built.state, contacts.PlanReturnMeeting("m2", "2027-01-01", ""), MENTOR)  # id taken


# ---------------------------------------------------------------- personal links


def test_reissue_link_replaces_the_token_hash() -> None:
    built = planned("ann")
    built.run(ReissueLink("ann", "new-hash"))
    assert built.state.participant_by_token_hash("h-ann") is None
    found = built.state.participant_by_token_hash("new-hash")
    assert found is not None and found.pid == "ann"


def test_only_the_mentor_reissues_links_for_members() -> None:
    built = planned("ann", "bo")
    with pytest.raises(Forbidden):
        decide(built.state, ReissueLink("ann", "x"), who("ann"))
    with pytest.raises(Forbidden):
        decide(built.state, ReissueLink("bo", "x"), who("ann"))
    with pytest.raises(Rejected, match="not_a_member"):
        decide(built.state, ReissueLink("zed", "x"), MENTOR)
    with pytest.raises(Rejected, match="bad_message"):
        decide(built.state, ReissueLink("ann", ""), MENTOR)


# ---------------------------------------------------------------- erasure


def test_erase_me_redacts_my_events_and_the_log_still_folds() -> None:
    built = planned("ann", "bo").run(start(1))
    built.run(UpdateProfile("Ann Jansen", "remote"), who("ann"))
    built.run(queue.RaiseHand("question"), who("ann"))
    built.run(queue.RaiseHand(), who("bo"))
    built.run(queue.NextTurn("t1", ""))  # Ann gets the turn (the mentor's event names her)
    built.run(queue.EndTurn("t1"))  # no pid: only makes sense with Ann's turn
    built.run(wall.CreateWall("w1", "Ideas", ("c1",), ("Ideas",)))
    built.run(wall.AddNote("w1", "n1", "Ann's secret idea", "yellow", "c1"), who("ann"))
    built.run(wall.AddNote("w1", "n2", "Bo's idea", "yellow", "c1"), who("bo"))
    # A comment and a reaction of Ann's on Bo's post-it go; Bo's comment on Ann's goes with it.
    built.run(wall.CommentNote("w1", "n2", "k1", "Ann's secret comment"), who("ann"))
    built.run(wall.ReactNote("w1", "n2", "idea"), who("ann"))
    built.run(wall.CommentNote("w1", "n1", "k2", "Bo on Ann's"), who("bo"))
    built.run(wall.HideComment("w1", "n2", "k1", True))
    built.run(contacts.ShareContact("Ann J.", "ann@example.org"), who("ann"))
    built.run(EraseParticipant("ann"), who("ann"))
    assert "ann" not in built.state.participants
    seqs, state = redaction_plan(CORE, built.log, "ann")
    rewritten = [Stamped(s.seq, s.at, Redacted()) if s.seq in seqs else s for s in built.log]
    # The rewritten log folds to the planned state, without anything of Ann's.
    assert fold(rewritten) == state
    assert "ann" not in state.participants and "bo" in state.participants
    assert contacts.visible(state) == []
    notes = state.part(wall.PART).walls["w1"].notes
    assert set(notes) == {"n2"}
    assert notes["n2"].comments == () and not any(notes["n2"].reactions.values())
    kept = [s for s in rewritten if not isinstance(s.event, ParticipantErased)]
    dump = repr([encode_event(s.event) for s in kept]) + repr(export_session(state))
    for secret in ("Ann Jansen", "Ann's secret idea", "Ann's secret comment", "ann@example.org", "h-ann", '"ann"'):
        assert secret not in dump
    assert "Bo's idea" in dump
    # The erase event itself stays (it carries only a random id), so other processes know.
    assert any(isinstance(s.event, ParticipantErased) for s in rewritten)


def test_is_personal_looks_at_declared_person_fields() -> None:
    assert is_personal(CORE, contacts.ContactShared("ann", "A", "x"), "ann")
    assert not is_personal(CORE, contacts.ContactShared("bo", "A", "x"), "ann")
    assert not is_personal(CORE, ParticipantErased("ann"), "ann")
    assert not is_personal(CORE, trajectory.TrajectorySessionStarted(1), "ann")


def test_only_oneself_or_the_mentor_may_erase() -> None:
    built = planned("ann", "bo").run(EndSession())
    with pytest.raises(Forbidden):
        decide(built.state, EraseParticipant("bo"), who("ann"))
    with pytest.raises(Forbidden):
        decide(built.state, EraseParticipant("ann"), PROJECTOR)
    assert decide(built.state, EraseParticipant("ann"), who("ann")) == [ParticipantErased("ann")]
    assert decide(built.state, EraseParticipant("bo"), MENTOR) == [ParticipantErased("bo")]
    with pytest.raises(Rejected, match="not_a_member"):
        decide(built.state, EraseParticipant("zed"), MENTOR)


# ---------------------------------------------------------------- codec and export


def test_new_events_round_trip_the_codec() -> None:
    for event in (
        trajectory.TrajectoryPlanned("n", "t", "g", "weekly", "room", ("2026-01-01",)),
        carryover.CarryOverSet(1, ("a",), ("q",)),
        contacts.ContactShared("p", "n", "l"), contacts.ReturnMeetingPlanned("m", "2027-01-01", "x"),
        Redacted(), ParticipantErased("p"),
    ):
        assert CODEC.decode_event(encode_event(event)) == event


def test_logs_stored_before_datetime_fold_the_same() -> None:
    # Events as the log has stored them since the first trajectory release (dates as ISO text):
    # planning with datetime must not change what they fold into, nor what new events look like.
    stored = [
        b'{"type":"TrajectoryPlanned","name":"N","theme":"","target_group":"","cadence":"weekly",'
        b'"format":"room","dates":["2028-02-22","2028-02-29","2028-03-07"]}',
        b'{"type":"SessionPlanned","number":2,"date":"2028-03-01","title":""}',
        b'{"type":"ReturnMeetingPlanned","mid":"m","date":"2028-06-01","note":""}',
    ]
    state = RoomState()
    for seq, line in enumerate(stored, start=1):
        state = evolve(state, Stamped(seq, 0.0, CODEC.decode_event(line)))
    assert [s.date for s in state.part(trajectory.PART).sessions] == ["2028-02-22", "2028-03-01", "2028-03-07"]
    assert [m.date for m in state.part(contacts.PART).meetings] == ["2028-06-01"]
    planned_now = trajectory.TrajectoryPlanned("N", "", "", "weekly", "room",
                                               trajectory.planned_dates("2028-02-22", 3, "weekly"))
    assert encode_event(planned_now) == stored[0]


def test_export_carries_the_trajectory_and_no_secrets() -> None:
    built = planned("ann").run(start(1))
    built.run(carryover.SetCarryOver("1", "Read", ""))
    built.run(contacts.ShareContact("Ann", "ann@example.org"), who("ann"))
    data = export_session(built.state)
    assert data["trajectory"]["sessions"][0]["started_at"] == 1000.0
    assert data["carryover"] == [{"session": 1, "action_points": ["Read"], "open_questions": []}]
    assert data["after"]["shared_contacts"] == [{"name": "Ann", "contact": "ann@example.org"}]
    assert "h-ann" not in repr(data)


def test_erasure_takes_the_agenda_block_made_from_my_topic_and_its_edits() -> None:
    from realtime import agenda, topics

    built = planned("ann", "bo")
    built.run(topics.AddTopic("t-ann", "Ann's burn-out story", ""), who("ann"))
    built.run(topics.AddTopic("t-bo", "Bo's case", ""), who("bo"))
    built.run(topics.VoteTopic("t-bo"), who("ann"))  # Ann's vote on Bo's topic: hers, not Bo's topic
    built.run(agenda.AddTopicBlock("1", "b-ann", "t-ann"))
    built.run(agenda.AddTopicBlock("1", "b-bo", "t-bo"))
    built.run(agenda.EditBlock("1", "b-ann", "case", "Ann's burn-out story, part 1", "25"))
    built.run(EraseParticipant("ann"), who("ann"))
    seqs, state = redaction_plan(CORE, built.log, "ann")
    rewritten = [Stamped(s.seq, s.at, Redacted()) if s.seq in seqs else s for s in built.log]
    assert fold(rewritten) == state
    dump = repr([encode_event(s.event) for s in rewritten]) + repr(export_session(state))
    assert "burn-out" not in dump
    # Bo's topic and the block made from it stay, without Ann's vote.
    assert "Bo's case" in dump
    assert [b.bid for b in state.part(agenda.PART).of(1).blocks] == ["b-bo"]


def test_an_action_point_from_a_retro_joins_the_running_sessions_carry_over() -> None:
    built = planned().run(start(1))
    with pytest.raises(Rejected, match="carry_not_started"):
        decide(planned().state, carryover.AddActionPoint("Walk and talk"), MENTOR)
    built.run(carryover.SetCarryOver("1", "Read chapter 2", "Silence?"))
    built.run(carryover.AddActionPoint("  Walk and talk "))
    note = built.state.part(carryover.PART).of(1)
    assert note is not None
    assert (note.action_points, note.open_questions) == (("Read chapter 2", "Walk and talk"), ("Silence?",))
    assert decide(built.state, carryover.AddActionPoint("Walk and talk"), MENTOR) == []  # already there
    with pytest.raises(Forbidden):
        decide(built.state, carryover.AddActionPoint("x"), Actor(Role.PARTICIPANT, "ann"))
    for i in range(10):
        built.run(carryover.AddActionPoint(f"point {i}"))
    with pytest.raises(Rejected, match="carry_too_many"):
        decide(built.state, carryover.AddActionPoint("one more"), MENTOR)
# ---------------------------------------------------------------- times and the time zone (issue 18)


def test_plan_with_times_gives_every_session_its_times_in_the_default_zone() -> None:
    built = room().run(plan("3", start_time="19:00", end_time="21:00"))
    state = built.state.part(trajectory.PART)
    assert state.timezone == "Europe/Amsterdam" == trajectory.TIMEZONE_DEFAULT
    assert [(s.start, s.end) for s in state.sessions] == [("19:00", "21:00")] * 3
    assert [type(s.event).__name__ for s in built.log[-2:]] == ["TrajectoryPlanned", "TrajectoryTimesPlanned"]


def test_plan_without_times_stays_one_event_as_before() -> None:
    built = planned()
    assert type(built.log[-1].event) is trajectory.TrajectoryPlanned
    assert not any(isinstance(s.event, trajectory.TrajectoryTimesPlanned) for s in built.log)


def test_a_session_keeps_its_wall_clock_time_across_summer_time() -> None:
    # 2026-10-25: the Netherlands go from UTC+2 to UTC+1. 19:00 stays 19:00 on the clock.
    built = room().run(plan("2", "2026-10-19", start_time="19:00", end_time="21:00"))
    state = built.state.part(trajectory.PART)
    spans = [trajectory.session_span(state, s) for s in state.sessions]
    assert spans[0] is not None and spans[1] is not None
    assert [s[0].utcoffset().total_seconds() / 3600 for s in spans] == [2.0, 1.0]  # type: ignore[union-attr]
    assert [s[0].strftime("%H:%M") for s in spans] == ["19:00", "19:00"]
    # In UTC the second one is an hour later in the day: the week is 7 days and 1 hour long.
    assert spans[1][0].astimezone(UTC) - spans[0][0].astimezone(UTC) == timedelta(days=7, hours=1)


def test_another_zone_and_a_changed_session_time() -> None:
    built = room().run(plan("2", "2027-01-04", start_time="9:30", end_time="11:00", timezone="America/New_York"))
    built.run(trajectory.PlanSession("2", "2027-01-12", "", start_time="10:00", end_time="12:00"))
    state = built.state.part(trajectory.PART)
    assert state.timezone == "America/New_York"
    assert [(s.date, s.start, s.end) for s in state.sessions] == [
        ("2027-01-04", "09:30", "11:00"), ("2027-01-12", "10:00", "12:00")]
    span = trajectory.session_span(state, state.sessions[1])
    assert span is not None and span[0].utcoffset().total_seconds() == -5 * 3600  # type: ignore[union-attr]
    # Re-planning without a zone keeps the one chosen; the same times change nothing.
    assert decide(built.state, trajectory.PlanSession("2", "2027-01-12", "", "10:00", "12:00"), MENTOR) == []
    built.run(plan("2", "2027-01-04", start_time="09:30", end_time="11:00"))
    assert built.state.part(trajectory.PART).timezone == "America/New_York"


def test_a_session_without_times_has_no_span() -> None:
    state = planned().state.part(trajectory.PART)
    assert trajectory.session_span(state, state.sessions[0]) is None


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({"start_time": "25:00", "end_time": "26:00"}, "bad_time", "trajectory_start"),
    ({"start_time": "19:00", "end_time": "19:60"}, "bad_time", "trajectory_end"),
    ({"start_time": "7pm", "end_time": "9pm"}, "bad_time", "trajectory_start"),
    ({"start_time": "１９:００", "end_time": "21:00"}, "bad_time", "trajectory_start"),
    ({"start_time": "19:00"}, "missing_field", "trajectory_end"),
    ({"end_time": "21:00"}, "missing_field", "trajectory_start"),
    ({"start_time": "21:00", "end_time": "19:00"}, "time_order", None),
    ({"start_time": "19:00", "end_time": "19:00"}, "time_order", None),
    ({"timezone": "Mars/Olympus"}, "bad_timezone", "trajectory_timezone"),
    ({"timezone": "../../etc/passwd"}, "bad_timezone", "trajectory_timezone"),
    ({"timezone": "localtime"}, "bad_timezone", "trajectory_timezone"),
    ({"timezone": "Europe/" + "x" * 80}, "bad_timezone", "trajectory_timezone"),
])
def test_bad_times_and_zones_are_refused(kw: dict[str, str], code: str, field: str | None) -> None:
    with pytest.raises(Rejected) as caught:
        decide(room().state, plan(**kw), MENTOR)
    assert caught.value.code == code
    if field:
        assert caught.value.params["field"] == field


def test_session_time_refusals_name_the_session_fields() -> None:
    with pytest.raises(Rejected) as caught:
        decide(planned().state, trajectory.PlanSession("1", "2026-09-07", "", "19:00", ""), MENTOR)
    assert caught.value.params == {"field": "trajectory_session_end"}


def test_times_round_trip_the_codec_and_the_export() -> None:
    event = trajectory.TrajectoryTimesPlanned("Europe/Amsterdam", "19:00", "21:00")
    assert CODEC.decode_event(encode_event(event)) == event
    moved = trajectory.SessionPlanned(2, "2028-03-01", "", "18:00", "20:00")
    assert CODEC.decode_event(encode_event(moved)) == moved
    built = room().run(plan("1", start_time="19:00", end_time="21:00"))
    data = export_session(built.state)["trajectory"]
    assert data["timezone"] == "Europe/Amsterdam"
    assert (data["sessions"][0]["start"], data["sessions"][0]["end"]) == ("19:00", "21:00")


def test_old_session_planned_events_fold_without_times() -> None:
    # A SessionPlanned stored before times (no start/end) clears nothing it never had.
    line = b'{"type":"SessionPlanned","number":1,"date":"2028-03-01","title":"T"}'
    state = planned().state
    state = evolve(state, Stamped(state.seq + 1, 0.0, CODEC.decode_event(line)))
    first = state.part(trajectory.PART).sessions[0]
    assert (first.date, first.title, first.start, first.end) == ("2028-03-01", "T", "", "")


# ---------------------------------------------------------------- revisions and cancelling (calendar)


def test_every_change_of_a_session_raises_its_revision_and_nothing_else_does() -> None:
    built = planned()
    revisions = lambda: [s.revision for s in built.state.part(trajectory.PART).sessions]  # noqa: E731
    assert revisions() == [0] * 6
    built.run(trajectory.PlanSession("2", "2026-09-15", ""))  # moved
    built.run(plan(start_time="19:00", end_time="21:00"))  # every session gets times; 2 moves back
    assert revisions() == [1, 3, 1, 1, 1, 1]
    built.run(plan(start_time="19:00", end_time="21:00"))  # the same plan again: no change
    built.run(start(1)).run(trajectory.EndTrajectorySession())
    assert revisions() == [1, 3, 1, 1, 1, 1]
    built.run(trajectory.CancelTrajectorySession("4", "yes"))
    assert revisions()[3] == 2 and built.state.part(trajectory.PART).sessions[3].cancelled


def test_cancel_and_restore_a_session_but_not_one_that_was_held() -> None:
    built = planned().run(start(1))
    with pytest.raises(Rejected, match="trajectory_session_held"):
        decide(built.state, trajectory.CancelTrajectorySession("1", "yes"), MENTOR)
    built.run(trajectory.CancelTrajectorySession("2", "yes"))
    assert decide(built.state, trajectory.CancelTrajectorySession("2", "yes"), MENTOR) == []
    with pytest.raises(Rejected, match="trajectory_session_cancelled"):
        decide(built.state, start(2), MENTOR)
    with pytest.raises(Rejected, match="bad_choice"):
        decide(built.state, trajectory.CancelTrajectorySession("2", "maybe"), MENTOR)
    with pytest.raises(Forbidden):
        decide(built.state, trajectory.CancelTrajectorySession("3", "yes"), who("ann"))
    built.run(trajectory.CancelTrajectorySession("2", "no"))
    assert not built.state.part(trajectory.PART).sessions[1].cancelled
    assert export_session(built.state)["trajectory"]["sessions"][1]["cancelled"] is False
