"""Messages between meetings in the pure core (realtime/messages.py): posting, removing, unread per
person, reading as one number, after the room closed, limits, and erasure of a person's reading."""

from __future__ import annotations

import pytest

from realtime import messages
from realtime.erasure import redaction_plan
from realtime.errors import Forbidden, Rejected
from realtime.events import Command, EndSession, EraseParticipant
from tests import corekit
from tests.corekit import CORE, MENTOR, decide, export_session, who


class Log(corekit.Log):

    @property
    def part(self) -> messages.MessagesState:
        return self.state.part(messages.PART)


def test_post_read_and_unread_per_person() -> None:
    built = Log("ann", "bo")
    built.run(messages.PostMessage("m1", "Bring a case\n\n\nnext week"), at=2000.0)
    built.run(messages.PostMessage("m2", "Link: https://example.org"))
    assert [(m.number, m.text) for m in built.part.messages] == [(1, "Bring a case\n\nnext week"),
                                                                 (2, "Link: https://example.org")]
    assert built.part.messages[0].at == 2000.0
    assert len(built.part.unread("ann")) == 2
    built.run(messages.MarkMessagesRead("2"), who("ann"))
    assert built.part.unread("ann") == () and len(built.part.unread("bo")) == 2
    assert decide(built.state, messages.MarkMessagesRead("1"), who("ann")) == []  # never backwards
    built.run(messages.MarkMessagesRead("99"), who("bo"))  # capped at what was posted
    assert built.part.read["bo"] == 2
    built.run(messages.PostMessage("m3", "One more"))
    assert [m.number for m in built.part.unread("ann")] == [3]
    built.run(messages.RemoveMessage("m1"))
    assert [m.mid for m in built.part.messages] == ["m2", "m3"]
    built.run(messages.PostMessage("m4", "After a removal the numbers go on"))
    assert built.part.messages[-1].number == 4
    assert export_session(built.state)["messages"][0] == {"text": "Link: https://example.org", "posted_at": 1000.0}


def test_who_may_do_what_and_closed_rooms_still_take_messages() -> None:
    built = Log("ann")
    with pytest.raises(Forbidden):
        decide(built.state, messages.PostMessage("m", "x"), who("ann"))
    with pytest.raises(Forbidden):
        decide(built.state, messages.MarkMessagesRead("0"), MENTOR)
    with pytest.raises(Forbidden):
        decide(built.state, messages.MarkMessagesRead("0"), who("zed"))
    built.run(EndSession())
    built.run(messages.PostMessage("m", "After the last session: see you at the return meeting"))
    assert len(built.part.messages) == 1


@pytest.mark.parametrize(("command", "code"), [
    (messages.PostMessage("m", "   \n "), "missing_field"),
    (messages.PostMessage("m", "x" * 2001), "too_long"),
    (messages.PostMessage("m", "\n".join("l" for _ in range(31))), "too_many_lines"),
    (messages.RemoveMessage("nope"), "message_unknown"),
])
def test_refusals(command: Command, code: str) -> None:
    with pytest.raises(Rejected) as caught:
        decide(Log().state, command, MENTOR)
    assert caught.value.code == code


@pytest.mark.parametrize("upto", ["-1", "x", "1.5", "１", "9999999"])
def test_reading_takes_a_small_whole_number(upto: str) -> None:
    with pytest.raises(Rejected, match="bad_message"):
        decide(Log("ann").state, messages.MarkMessagesRead(upto), who("ann"))


def test_full() -> None:
    built = Log()
    for i in range(messages.MESSAGES_MAX):
        built.run(messages.PostMessage(f"m{i}", f"message {i}"))
    with pytest.raises(Rejected, match="messages_full"):
        decide(built.state, messages.PostMessage("mx", "x"), MENTOR)


def test_erasure_takes_my_reading_not_the_messages() -> None:
    built = Log("ann", "bo").run(messages.PostMessage("m1", "Hello"))
    built.run(messages.MarkMessagesRead("1"), who("ann")).run(messages.MarkMessagesRead("1"), who("bo"))
    built.run(EraseParticipant("ann"), who("ann"))
    seqs, after = redaction_plan(CORE, built.log, "ann")
    part = after.part(messages.PART)
    assert dict(part.read) == {"bo": 1} and [m.text for m in part.messages] == ["Hello"]
