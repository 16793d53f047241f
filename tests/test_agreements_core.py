"""Group agreements in the pure core (realtime/agreements.py): proposals, fixing the list, rounds
of acceptance, revisiting, and erasure of a person's proposals and acceptances."""

from __future__ import annotations

import pytest

from realtime import agreements
from realtime.erasure import redaction_plan
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, EndSession, EraseParticipant, Role
from tests import corekit
from tests.corekit import CORE, MENTOR, decide, export_session, who


class Log(corekit.Log):
    def __init__(self, *pids: str) -> None:
        super().__init__(*pids, at=1.0)

    @property
    def part(self) -> agreements.AgreementsState:
        return self.state.part(agreements.PART)


def test_propose_fix_accept_and_revisit() -> None:
    built = Log("ann", "bo")
    built.run(agreements.ProposeAgreement("p1", "Phones away"), who("ann"))
    built.run(agreements.ProposeAgreement("p2", "  Start   on time "), who("bo"))
    built.run(agreements.ProposeAgreement("p3", "What is said here stays here"))
    assert [(p.text, p.author) for p in built.part.proposals.values()] == [
        ("Phones away", "ann"), ("Start on time", "bo"), ("What is said here stays here", "")]
    built.run(agreements.FixAgreements("Phones away\n\nStart on time\r\nConfidential"))
    assert built.part.items == ("Phones away", "Start on time", "Confidential") and built.part.round == 1
    built.run(agreements.AcceptAgreements("1"), who("ann"))
    assert agreements.accepted_by(built.state) == {"ann"}
    assert decide(built.state, agreements.AcceptAgreements("1"), who("ann")) == []
    # Revisit: a new list is a new round; earlier acceptances do not count for it.
    built.run(agreements.FixAgreements("Phones away\nStart on time"))
    assert built.part.round == 2 and agreements.accepted_by(built.state) == frozenset()
    with pytest.raises(Rejected, match="agreements_old_round"):
        decide(built.state, agreements.AcceptAgreements("1"), who("bo"))
    built.run(agreements.AcceptAgreements("2"), who("bo"))
    assert agreements.accepted_by(built.state) == {"bo"}
    assert decide(built.state, agreements.FixAgreements("Phones away\nStart on time"), MENTOR) == []
    data = export_session(built.state)["agreements"]
    assert data["round"] == 2 and data["accepted_by"] == ["Bo"] and len(data["proposals"]) == 3


def test_who_may_do_what() -> None:
    built = Log("ann", "bo")
    built.run(agreements.ProposeAgreement("p1", "Phones away"), who("ann"))
    with pytest.raises(Rejected, match="agreement_not_yours"):
        decide(built.state, agreements.RemoveProposal("p1"), who("bo"))
    assert decide(built.state, agreements.RemoveProposal("p1"), MENTOR)  # the mentor may
    with pytest.raises(Forbidden):
        decide(built.state, agreements.FixAgreements("x"), who("ann"))
    with pytest.raises(Rejected, match="agreements_not_fixed"):
        decide(built.state, agreements.AcceptAgreements("0"), who("ann"))
    built.run(agreements.FixAgreements("x"))
    with pytest.raises(Forbidden):
        decide(built.state, agreements.AcceptAgreements("1"), MENTOR)
    with pytest.raises(Forbidden):
        decide(built.state, agreements.ProposeAgreement("p9", "x"), Actor(Role.PROJECTOR))
    with pytest.raises(Forbidden):
        decide(built.state, agreements.ProposeAgreement("p9", "x"), who("zed"))
    built.run(EndSession())
    with pytest.raises(Rejected, match="session_ended"):
        decide(built.state, agreements.AcceptAgreements("1"), who("ann"))


def test_limits() -> None:
    built = Log("ann")
    with pytest.raises(Rejected, match="too_long"):
        decide(built.state, agreements.ProposeAgreement("p", "x" * 201), who("ann"))
    with pytest.raises(Rejected, match="missing_field"):
        decide(built.state, agreements.ProposeAgreement("p", "   "), who("ann"))
    with pytest.raises(Rejected, match="agreements_too_many"):
        decide(built.state, agreements.FixAgreements("\n".join(f"a{i}" for i in range(16))), MENTOR)
    with pytest.raises(Rejected, match="missing_field"):
        decide(built.state, agreements.FixAgreements("\n \n"), MENTOR)
    for i in range(agreements.PROPOSALS_MAX):
        built.run(agreements.ProposeAgreement(f"p{i}", f"idea {i}"), who("ann"))
    with pytest.raises(Rejected, match="agreements_full"):
        decide(built.state, agreements.ProposeAgreement("px", "one more"), who("ann"))
    with pytest.raises(Rejected, match="agreement_unknown"):
        decide(built.state, agreements.RemoveProposal("nope"), MENTOR)


def test_erasure_takes_proposals_their_removal_and_acceptances_but_not_the_list() -> None:
    built = Log("ann", "bo")
    built.run(agreements.ProposeAgreement("p-ann", "Ann's idea"), who("ann"))
    built.run(agreements.ProposeAgreement("p-bo", "Bo's idea"), who("bo"))
    built.run(agreements.RemoveProposal("p-ann"))  # the mentor removed Ann's: that event names no one
    built.run(agreements.ProposeAgreement("p-ann2", "Ann again"), who("ann"))
    built.run(agreements.FixAgreements("Bo's idea\nAnn again"))
    built.run(agreements.AcceptAgreements("1"), who("ann"))
    built.run(agreements.AcceptAgreements("1"), who("bo"))
    built.run(EraseParticipant("ann"), who("ann"))
    seqs, after = redaction_plan(CORE, built.log, "ann")
    kinds = [type(s.event).__name__ for s in built.log if s.seq in seqs]
    assert kinds.count("AgreementProposed") == 2 and "ProposalRemoved" in kinds
    assert kinds.count("AgreementsAccepted") == 1
    part = after.part(agreements.PART)
    assert [p.text for p in part.proposals.values()] == ["Bo's idea"]
    assert part.items == ("Bo's idea", "Ann again") and part.accepted == {"bo"}
