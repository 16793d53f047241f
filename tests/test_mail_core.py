"""E-mail between meetings in the pure core (realtime/mail.py): opting in with a checked address
and consent, what is due (messages after opting in, a reminder in its window), claims that hold for
`retry_s`, sent markers that end it, moved and cancelled meetings, and erasure of the address."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from realtime import mail, messages, trajectory
from realtime.codec import encode_event
from realtime.erasure import redaction_plan
from realtime.errors import Forbidden, Rejected
from realtime.events import (
    EndSession,
    EraseParticipant,
    Redacted,
    Stamped,
)
from tests import corekit
from tests.corekit import CORE, MENTOR, decide, export_session, fold, who

HOUR = 3600.0
REMIND = 24 * HOUR
RETRY = 300.0
ZONE = ZoneInfo("Europe/Amsterdam")
# Session 1 of the plan below: 2026-09-07 19:00 in Amsterdam (summer time, UTC+2).
START_1 = datetime.datetime(2026, 9, 7, 19, 0, tzinfo=ZONE).timestamp()



class Log(corekit.Log):
    def __init__(self, *pids: str, at: float = 1000.0) -> None:
        super().__init__(*pids, language="nl", at=at)

    def opt_in(self, pid: str, address: str = "", at: float = 1000.0, language: str = "en") -> Log:
        return self.run(mail.SetMailAddress(address or f"{pid}@example.org", True, language), who(pid), at=at)

    def plan(self) -> Log:
        return self.run(trajectory.PlanTrajectory("Starters", "", "", "3", "weekly", "hybrid", "2026-09-07",
                                                  "19:00", "21:00", "Europe/Amsterdam"))

    @property
    def part(self) -> mail.MailState:
        return self.state.part(mail.PART)

    def due(self, now: float) -> list[tuple[str, str, str]]:
        return [(o.pid, o.kind, o.ref) for o in mail.due(self.state, now, REMIND, RETRY)]


@pytest.mark.parametrize("typed, kept", [
    ("ann@example.org", "ann@example.org"),
    ("  Ann.de.Vries+kring@Example.ORG ", "Ann.de.Vries+kring@example.org"),
    ("o'brien@mail.example.co.uk", "o'brien@mail.example.co.uk"),
    ("jan@münchen.de", "jan@münchen.de"),
])
def test_addresses_people_type_are_taken(typed: str, kept: str) -> None:
    assert mail.parse_address(typed, "f") == kept


@pytest.mark.parametrize("typed", [
    "ann", "ann@", "@example.org", "ann@example", "ann@@example.org", "ann@exa mple.org", "an n@example.org",
    "ann@example.org\r\nBcc: eve@evil.org", "ann@example.org\nX: y", "ann@example.org,eve@evil.org",
    "<ann@example.org>", '"ann"@example.org', "ann..b@example.org", ".ann@example.org", "ann.@example.org",
    "ann@-example.org", "ann@example-.org", "ann@example..org", "ann@1.2.3.4", "ann@[127.0.0.1]",
    "ann@example.org\x00", "ann\u2028@example.org", "a" * 65 + "@example.org",
])
def test_what_is_not_an_address_is_refused(typed: str) -> None:
    with pytest.raises(Rejected) as refused:
        mail.parse_address(typed, "f")
    assert refused.value.code == "mail_bad_address"


def test_length_and_empty_are_refused_with_their_own_reasons() -> None:
    long = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"
    with pytest.raises(Rejected, match="too_long"):
        mail.parse_address(long, "f")
    with pytest.raises(Rejected, match="missing_field"):
        mail.parse_address("   ", "f")


def test_opt_in_needs_consent_and_a_member_and_can_change_and_stop() -> None:
    built = Log("ann", "bo")
    with pytest.raises(Rejected, match="mail_consent"):
        decide(built.state, mail.SetMailAddress("ann@example.org", False, "nl"), who("ann"))
    with pytest.raises(Forbidden):
        decide(built.state, mail.SetMailAddress("m@example.org", True, "nl"), MENTOR)
    with pytest.raises(Forbidden):
        decide(built.state, mail.SetMailAddress("x@example.org", True, "nl"), who("stranger"))
    built.opt_in("ann", at=2000.0, language="nl")
    assert built.part.subscribers["ann"] == mail.Subscription("ann@example.org", "nl", 2000.0, built.state.seq)
    assert decide(built.state, mail.SetMailAddress("ann@example.org", True, "nl"), who("ann")) == []
    built.opt_in("ann", "ann@work.example.org", at=3000.0, language="xx")  # an unknown language: none
    assert built.part.subscribers["ann"] == mail.Subscription("ann@work.example.org", "", 2000.0, built.state.seq)
    built.run(mail.StopMail(), who("ann"))
    assert "ann" not in built.part.subscribers
    assert decide(built.state, mail.StopMail(), who("ann")) == []
    # After the room closed too: between and after meetings is when e-mail is for.
    built.run(EndSession())
    built.opt_in("bo")
    assert "bo" in built.part.subscribers


def test_changed_and_stopped_addresses_are_stale_and_forgetting_them_keeps_the_start() -> None:
    built = Log("ann", "bo").opt_in("ann", "first@example.org", at=2000.0)
    first = built.state.seq
    built.opt_in("bo", at=2100.0).opt_in("ann", "second@example.org", at=3000.0)
    second = built.state.seq
    assert built.part.stale == (first,)
    assert built.part.subscribers["ann"] == mail.Subscription("second@example.org", "en", 2000.0, second)
    # The shell rewrites the stale events as erasure does: the rest folds the same.
    forgotten = [Stamped(s.seq, s.at, Redacted()) if s.seq in built.part.stale else s for s in built.log]
    after = fold(forgotten).part(mail.PART)
    assert after.stale == () and after.subscribers["ann"].since == 2000.0 and set(after.subscribers) == {"ann", "bo"}
    built.run(mail.StopMail(), who("ann"))
    assert built.part.stale == (first, second)
    forgotten = [Stamped(s.seq, s.at, Redacted()) if s.seq in built.part.stale else s for s in built.log]
    assert not any(b"first@" in encode_event(s.event) or b"second@" in encode_event(s.event) for s in forgotten)
    assert set(fold(forgotten).part(mail.PART).subscribers) == {"bo"}


def test_only_the_shell_claims_and_records() -> None:
    built = Log("ann").opt_in("ann")
    for command in (mail.ClaimMail("ann", "message", "m1", 0.0, RETRY), mail.RecordMailSent("ann", "message", "m1")):
        with pytest.raises(Forbidden):
            decide(built.state, command, who("ann"))


def test_messages_after_opting_in_are_due_once_claimed_for_a_while_and_sent_for_good() -> None:
    built = Log("ann", "bo")
    built.run(messages.PostMessage("m0", "Before anyone opted in"), at=1500.0)
    built.opt_in("ann", at=2000.0)
    built.run(messages.PostMessage("m1", "Bring a case"), at=2500.0)
    assert built.due(3000.0) == [("ann", "message", "m1")]  # not m0, and not to Bo
    built.run(mail.ClaimMail("ann", "message", "m1", 3000.0, RETRY), at=3000.0)
    assert built.due(3000.0 + RETRY - 1) == []
    # A second sender's claim meanwhile is a no-op.
    assert decide(built.state, mail.ClaimMail("ann", "message", "m1", 3100.0, RETRY), MENTOR) == []
    # The send failed and nothing was recorded: due again once the claim ran out.
    assert built.due(3000.0 + RETRY) == [("ann", "message", "m1")]
    built.run(mail.RecordMailSent("ann", "message", "m1"), at=3400.0)
    assert built.due(3000.0 + 10 * RETRY) == []
    assert decide(built.state, mail.ClaimMail("ann", "message", "m1", 9e9, RETRY), MENTOR) == []
    assert decide(built.state, mail.RecordMailSent("ann", "message", "m1"), MENTOR) == []
    # A removed message is not mailed; a week-old one no more.
    built.run(messages.PostMessage("m2", "Oops"), at=4000.0).run(messages.RemoveMessage("m2"))
    built.run(messages.PostMessage("m3", "Old news"), at=5000.0)
    assert built.due(5000.0 + mail.MESSAGE_AGE_MAX_S) == [("ann", "message", "m3")]
    assert built.due(5001.0 + mail.MESSAGE_AGE_MAX_S) == []


def test_a_reminder_in_its_window_not_for_cancelled_held_or_past_meetings_and_again_when_moved() -> None:
    built = Log("ann").plan().opt_in("ann", at=1000.0)
    ref1 = "1@2026-09-07T19:00"
    assert built.due(START_1 - REMIND - 1) == []
    assert built.due(START_1 - REMIND) == [("ann", "reminder", ref1)]
    assert built.due(START_1 - 1) == [("ann", "reminder", ref1)]
    assert built.due(START_1) == []  # it began: too late
    assert mail.next_due(built.state, START_1 - REMIND - 100, REMIND, RETRY) == START_1 - REMIND
    built.run(mail.RecordMailSent("ann", "reminder", ref1))
    assert built.due(START_1 - 60) == []
    # Moved to 20:00: another meeting, so another reminder.
    built.run(trajectory.PlanSession("1", "2026-09-07", "", "20:00", "22:00"))
    assert built.due(START_1 - 60) == [("ann", "reminder", "1@2026-09-07T20:00")]
    built.run(trajectory.CancelTrajectorySession("1", "yes"))
    assert built.due(START_1 - 60) == []
    built.run(trajectory.CancelTrajectorySession("1", "no")).run(trajectory.StartTrajectorySession("1"))
    assert built.due(START_1 - 60) == []  # it is being held
    # Session 2, a week later; a date without times starts at midnight in the trajectory's zone.
    built.run(trajectory.PlanSession("2", "2026-09-14", "", "", ""))
    midnight = datetime.datetime(2026, 9, 14, tzinfo=ZONE).timestamp()
    assert built.due(midnight - 1) == [("ann", "reminder", "2@2026-09-14T")]


def test_erasure_takes_the_address_and_the_markers_not_the_others() -> None:
    built = Log("ann", "bo").opt_in("ann", "ann.secret@example.org").opt_in("bo")
    built.run(messages.PostMessage("m1", "Hi"), at=1500.0)
    built.run(mail.ClaimMail("ann", "message", "m1", 1500.0, RETRY)).run(mail.RecordMailSent("ann", "message", "m1"))
    built.run(EraseParticipant("ann"), who("ann"))
    assert built.due(1600.0) == [("bo", "message", "m1")]  # erased: never due to them again
    seqs, after = redaction_plan(CORE, built.log, "ann")
    part = after.part(mail.PART)
    assert set(part.subscribers) == {"bo"} and part.sent == frozenset()
    kept = [s for s in built.log if s.seq not in seqs]
    assert not any(b"ann.secret" in encode_event(s.event) for s in kept)


def test_no_address_in_the_export() -> None:
    built = Log("ann").opt_in("ann", "ann.secret@example.org")
    assert "ann.secret" not in repr(export_session(built.state))
