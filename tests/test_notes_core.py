"""The mentor's private notes in the pure core (realtime/notes.py): only the mentor writes them,
about a member of the group, cleaned and limited; an empty note clears it; never in an export;
erasure takes every version of a note about the erased person."""

from __future__ import annotations

import pytest

from realtime import notes
from realtime.erasure import redaction_plan
from realtime.errors import Forbidden, Rejected
from realtime.events import EndSession, EraseParticipant
from tests.corekit import CORE, decide, export_session
from tests.test_onetoone_core import MENTOR, Log, who


def test_write_change_and_clear_a_note() -> None:
    built = Log("ann", "bo")
    built.run(notes.WriteNote("ann", "Ask about\n\n\nthe new team"))
    assert dict(built.state.part(notes.PART).notes) == {"ann": "Ask about\n\nthe new team"}
    assert decide(built.state, notes.WriteNote("ann", "Ask about\n\nthe new team"), MENTOR) == []
    built.run(EndSession())  # a follow-up after the last session still gets its note
    built.run(notes.WriteNote("bo", "Bo: wants a one-to-one"))
    built.run(notes.WriteNote("ann", "  "))
    assert dict(built.state.part(notes.PART).notes) == {"bo": "Bo: wants a one-to-one"}
    assert "notes" not in export_session(built.state)
    assert "one-to-one" not in str(export_session(built.state))


def test_only_the_mentor_about_a_member_within_limits() -> None:
    built = Log("ann")
    with pytest.raises(Forbidden):
        decide(built.state, notes.WriteNote("ann", "x"), who("ann"))
    for command, code in ((notes.WriteNote("zed", "x"), "notes_no_such_person"),
                          (notes.WriteNote("ann", "x" * (notes.NOTE_MAX + 1)), "too_long"),
                          (notes.WriteNote("ann", "\n".join("l" for _ in range(notes.NOTE_LINES + 1))),
                           "too_many_lines")):
        with pytest.raises(Rejected) as caught:
            decide(built.state, command, MENTOR)
        assert caught.value.code == code


def test_erasure_takes_every_version_of_the_note() -> None:
    built = Log("ann", "bo").run(notes.WriteNote("ann", "first")).run(notes.WriteNote("ann", "second"))
    built.run(notes.WriteNote("bo", "about Bo"))
    built.run(EraseParticipant("ann"), who("ann"))
    seqs, after = redaction_plan(CORE, built.log, "ann")
    texts = [getattr(built.log[seq - 1].event, "text", None) for seq in seqs]
    assert "first" in texts and "second" in texts
    assert dict(after.part(notes.PART).notes) == {"bo": "about Bo"}
