"""Successes in the pure core (realtime/successes.py): posting with the author's choice of who may
see it, editing and removing one's own only, the mentor's hiding, what the group and the export
get, the limits, and erasure of an author's wins with everything that refers to them."""

from __future__ import annotations

import pytest

from realtime import successes
from realtime.erasure import redaction_plan
from realtime.errors import Forbidden, Rejected
from realtime.events import Command, EndSession, EraseParticipant
from tests import corekit
from tests.corekit import CORE, MENTOR, decide, export_session, who

GROUP, MENTOR_ONLY = successes.GROUP, successes.MENTOR_ONLY



class Log(corekit.Log):

    @property
    def part(self) -> successes.SuccessesState:
        return self.state.part(successes.PART)


def test_post_share_edit_and_what_the_group_sees() -> None:
    built = Log("ann", "bo")
    built.run(successes.PostSuccess("s1", "My first client!\n\n\nSigned today", GROUP), who("ann"), at=2000.0)
    built.run(successes.PostSuccess("s2", "Only for the mentor", MENTOR_ONLY), who("bo"))
    # No choice sent (an unticked box) is "only the mentor", never the group.
    built.run(successes.PostSuccess("s3", "No choice made", ""), who("bo"))
    assert [(s.success, s.author, s.share) for s in built.part.successes.values()] == [
        ("s1", "ann", GROUP), ("s2", "bo", MENTOR_ONLY), ("s3", "bo", MENTOR_ONLY)]
    assert built.part.successes["s1"].text == "My first client!\n\nSigned today"
    assert built.part.successes["s1"].at == 2000.0
    assert [s.success for s in successes.for_group(built.state)] == ["s1"]
    # Bo shares one after all; the newest comes first.
    built.run(successes.EditSuccess("s3", "A choice made", GROUP), who("bo"))
    assert [s.success for s in successes.for_group(built.state)] == ["s3", "s1"]
    assert built.part.successes["s3"].text == "A choice made"
    assert decide(built.state, successes.EditSuccess("s3", "A choice made", GROUP), who("bo")) == []
    # Only what the authors shared goes into the export, with their names.
    assert export_session(built.state)["successes"] == [
        {"text": "My first client!\n\nSigned today", "author": "Ann", "posted_at": 2000.0},
        {"text": "A choice made", "author": "Bo", "posted_at": 1000.0},
    ]


def test_the_mentor_hides_and_shows_again_but_cannot_change_words() -> None:
    built = Log("ann").run(successes.PostSuccess("s1", "Presented to the board", GROUP), who("ann"))
    built.run(successes.HideSuccess("s1", "yes"))
    assert built.part.successes["s1"].hidden and successes.for_group(built.state) == ()
    assert export_session(built.state)["successes"] == []
    assert decide(built.state, successes.HideSuccess("s1", "yes"), MENTOR) == []
    # Editing does not undo the mentor's hiding.
    built.run(successes.EditSuccess("s1", "Presented to the whole board", GROUP), who("ann"))
    assert successes.for_group(built.state) == ()
    built.run(successes.HideSuccess("s1", "no"))
    assert [s.text for s in successes.for_group(built.state)] == ["Presented to the whole board"]
    with pytest.raises(Forbidden):
        decide(built.state, successes.EditSuccess("s1", "The mentor's words", GROUP), MENTOR)
    with pytest.raises(Forbidden):
        decide(built.state, successes.RemoveSuccess("s1"), MENTOR)


def test_who_may_do_what() -> None:
    built = Log("ann", "bo").run(successes.PostSuccess("s1", "Mine", GROUP), who("ann"))
    with pytest.raises(Forbidden):
        decide(built.state, successes.PostSuccess("s2", "x", GROUP), MENTOR)
    with pytest.raises(Forbidden):
        decide(built.state, successes.PostSuccess("s2", "x", GROUP), who("zed"))
    with pytest.raises(Forbidden):
        decide(built.state, successes.HideSuccess("s1", "yes"), who("ann"))
    with pytest.raises(Rejected, match="success_not_yours"):
        decide(built.state, successes.EditSuccess("s1", "Bo's now", GROUP), who("bo"))
    with pytest.raises(Rejected, match="success_not_yours"):
        decide(built.state, successes.RemoveSuccess("s1"), who("bo"))
    built.run(successes.RemoveSuccess("s1"), who("ann"))
    assert built.part.successes == {}
    # A closed room still takes wins: they are for the return meeting.
    built.run(EndSession()).run(successes.PostSuccess("s3", "After the last meeting", GROUP), who("bo"))
    assert len(built.part.successes) == 1


@pytest.mark.parametrize(("command", "code"), [
    (successes.PostSuccess("s", "  \n ", GROUP), "missing_field"),
    (successes.PostSuccess("s", "x" * (successes.TEXT_MAX + 1), GROUP), "too_long"),
    (successes.PostSuccess("s", "\n".join("l" for _ in range(successes.TEXT_LINES + 1)), GROUP), "too_many_lines"),
    (successes.PostSuccess("s", "x", "everyone"), "bad_choice"),
    (successes.EditSuccess("nope", "x", GROUP), "success_unknown"),
    (successes.RemoveSuccess("nope"), "success_unknown"),
])
def test_refusals(command: Command, code: str) -> None:
    with pytest.raises(Rejected) as caught:
        decide(Log("ann").state, command, who("ann"))
    assert caught.value.code == code


def test_hide_refusals() -> None:
    built = Log("ann").run(successes.PostSuccess("s1", "x", GROUP), who("ann"))
    with pytest.raises(Rejected, match="success_unknown"):
        decide(built.state, successes.HideSuccess("nope", "yes"), MENTOR)
    with pytest.raises(Rejected, match="bad_choice"):
        decide(built.state, successes.HideSuccess("s1", "maybe"), MENTOR)


def test_limit_per_person() -> None:
    built = Log("ann", "bo")
    for i in range(successes.PER_PERSON_MAX):
        built.run(successes.PostSuccess(f"s{i}", f"win {i}", GROUP), who("ann"))
    with pytest.raises(Rejected, match="successes_full"):
        decide(built.state, successes.PostSuccess("sx", "one more", GROUP), who("ann"))
    built.run(successes.PostSuccess("sb", "Bo still can", GROUP), who("bo"))  # the limit is per person


def test_erasure_takes_the_authors_wins_and_what_refers_to_them() -> None:
    built = Log("ann", "bo")
    built.run(successes.PostSuccess("s1", "Ann's win", GROUP), who("ann"))
    built.run(successes.EditSuccess("s1", "Ann's bigger win", GROUP), who("ann"))
    built.run(successes.HideSuccess("s1", "yes")).run(successes.HideSuccess("s1", "no"))
    built.run(successes.PostSuccess("s2", "Bo's win", GROUP), who("bo"))
    built.run(EraseParticipant("ann"), who("ann"))
    seqs, after = redaction_plan(CORE, built.log, "ann")
    assert [s.text for s in after.part(successes.PART).successes.values()] == ["Bo's win"]
    redacted = [item.event for item in built.log if item.seq in seqs]
    kinds = {type(event).__name__ for event in redacted}
    assert {"SuccessPosted", "SuccessEdited", "SuccessHidden"} <= kinds
    assert all(getattr(event, "success", "s1") == "s1" for event in redacted)
