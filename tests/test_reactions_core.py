"""Unit tests of reactions in the pure core: exact counts, once per two seconds per person (the
shell's time in the command against the stamped time of their last reaction), the hybrid alarm
(remote "can't hear you": who, in order, until the mentor clears it), erasure, and roles."""

from __future__ import annotations

import pytest

from realtime import erasure, reactions
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, EndSession, Role
from realtime.reactions import ClearAlarm, React
from tests.corekit import CORE, MENTOR, Log, decide, export_session, who

ANN, BO, CY = (who(pid) for pid in ("ann", "bo", "cy"))


def room() -> Log:
    """Ann in the room, Bo and Cy at home (the alarm is theirs), joined in that order. Events are
    stamped 0.0 unless a step gives its own time, so each reaction's time is the one its test names."""
    return Log("ann", remote=("bo", "cy"), at=0.0)


def test_counts_are_exact_and_a_person_reacts_once_per_two_seconds() -> None:
    log = room()
    log.run(React("r1", "applause", 100.0), ANN, at=100.0)
    log.run(React("r2", "applause", 100.1), BO, at=100.1)
    with pytest.raises(Rejected) as refused:
        decide(log.state, React("r3", "laugh", 101.9), ANN)  # 1.9 s after her last one
    assert refused.value.code == "rate_limited"
    log.run(React("r3", "laugh", 102.0), ANN, at=103.5)  # committed late: the tap times count
    with pytest.raises(Rejected):
        decide(log.state, React("r4", "laugh", 103.9), ANN)
    log.run(React("r4", "laugh", 104.0), ANN, at=104.1)
    part = log.state.part(reactions.PART)
    assert dict(part.counts) == {"applause": 2, "laugh": 2} and part.total == 4
    assert part.kind_of("r2") == "applause" and part.kind_of("nope") == ""
    assert export_session(log.state)["reactions"] == {
        "counts": {"applause": 2, "plus_one": 0, "laugh": 2, "slower": 0, "cant_hear": 0, "cant_see": 0},
        "total": 4,
    }


def test_only_the_last_few_are_kept_for_the_projector() -> None:
    log = room()
    for i in range(reactions.RECENT_MAX + 5):
        log.run(React(f"r{i}", "plus_one", i * 3.0), ANN, at=i * 3.0)
    part = log.state.part(reactions.PART)
    assert len(part.recent) == reactions.RECENT_MAX and part.recent[-1] == (f"r{reactions.RECENT_MAX + 4}", "plus_one")
    assert part.counts["plus_one"] == reactions.RECENT_MAX + 5


def test_remote_cant_hear_is_the_alarm_with_who_until_the_mentor_clears_it() -> None:
    log = room()
    log.run(React("a", "cant_hear", 10.0), ANN, at=10.0)  # in the room: counted, no alarm
    assert log.state.part(reactions.PART).alarm.pids == ()
    log.run(React("b", "cant_hear", 11.0), CY, at=11.0)
    log.run(React("c", "cant_hear", 12.0), BO, at=12.0)
    log.run(React("d", "cant_hear", 15.0), CY, at=15.0)  # again: still once
    alarm = log.state.part(reactions.PART).alarm
    assert (alarm.pids, alarm.since) == (("cy", "bo"), 11.0)
    with pytest.raises(Forbidden):
        decide(log.state, ClearAlarm(), BO)
    log.run(ClearAlarm())
    assert log.state.part(reactions.PART).alarm == reactions.Alarm()
    assert decide(log.state, ClearAlarm(), MENTOR) == []
    assert log.state.part(reactions.PART).counts["cant_hear"] == 4


def test_bad_kinds_roles_and_an_ended_session_are_refused() -> None:
    log = room()
    with pytest.raises(Rejected) as refused:
        decide(log.state, React("r", "boo", 1.0), ANN)
    assert refused.value.code == "bad_choice"
    for bad_id in ("", "x" * 40):
        with pytest.raises(Rejected) as refused:
            decide(log.state, React(bad_id, "laugh", 1.0), ANN)
        assert refused.value.code == "bad_message"
    for actor in (MENTOR, Actor(Role.PROJECTOR)):
        with pytest.raises(Forbidden):
            decide(log.state, React("r", "laugh", 1.0), actor)
    log.run(EndSession())
    with pytest.raises(Rejected) as refused:
        decide(log.state, React("r", "laugh", 1.0), ANN)
    assert refused.value.code == "session_ended"


def test_erasure_takes_a_persons_reactions_and_their_place_in_the_alarm() -> None:
    log = room()
    log.run(React("a", "cant_hear", 10.0), BO, at=10.0)
    log.run(React("b", "cant_hear", 11.0), CY, at=11.0)
    log.run(React("c", "applause", 13.0), BO, at=13.0)
    redact, after = erasure.redaction_plan(CORE, log.log, "bo")
    part = after.part(reactions.PART)
    assert part.alarm.pids == ("cy",) and dict(part.counts) == {"cant_hear": 1}
    assert len(redact) == 3  # joined, and two reactions
