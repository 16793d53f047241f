"""The e-mails themselves (web/mail_compose.py): headers that no name or title can break open (the
state is built from events directly, past the core's cleaning, with CR/LF where a header would
end), the recipient alone in To, the language, and a Message-ID that is the same when a mail is
sent again."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.headerregistry import Address

import pytest

from realtime import mail, messages, practical, trajectory
from realtime.events import Event, ParticipantJoined, SessionCreated, Stamped
from realtime.state import RoomState
from server.mail_settings import sender_address
from tests.corekit import evolve
from web.i18n import Translator
from web.mail_compose import compose, one_line

TRANSLATOR = Translator()
SENDER = Address("Kring", "kring", "example.org")
EVIL = "Starters\r\nBcc: eve@evil.example\r\n\r\nInjected body"


def room(*extra: Event, title: str = "Group") -> RoomState:
    state = RoomState()
    for event in (SessionCreated(title, "en", "ACDEFGHJ", "jt", "mk"),
                  ParticipantJoined("ann", "Ann\r\nBcc: eve@evil.example", "room", "h"), *extra):
        state = evolve(state, Stamped(state.seq + 1, 1000.0, event))
    return state


def item(kind: str, ref: str, language: str = "en") -> mail.Outgoing:
    return mail.Outgoing("ann", "ann@example.org", language, kind, ref)


def headers_of(raw: bytes) -> list[str]:
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    return [line.split(b":", 1)[0].decode() for line in head.splitlines() if line and not line[:1].isspace()]


def test_one_line_takes_every_line_break_and_control_character() -> None:
    assert one_line("a\r\nb\nc\rd\x00e\u2028f\u2029g\x85h\tx  y") == "a b c d e f g h x y"
    assert len(one_line("x" * 500)) == 200


@pytest.mark.parametrize("language, subject", [("en", "a message from your mentor"),
                                               ("nl", "een bericht van je mentor")])
def test_no_header_injection_through_a_title_or_name(language: str, subject: str) -> None:
    state = room(trajectory.TrajectoryPlanned(EVIL, "", "", "weekly", "hybrid", ("2026-09-07",)),
                 messages.MessagePosted("m1", "Line one\r\nBcc: not@a.header"), title=EVIL)
    letter = compose(state, item(mail.MESSAGE, "m1"), TRANSLATOR.language(language), SENDER, "https://k.example",
                     2000.0)
    assert letter is not None
    raw = letter.as_bytes(policy=policy.SMTP)
    assert sorted(headers_of(raw)) == sorted(["From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted",
                                              "Content-Language", "Content-Type", "Content-Transfer-Encoding",
                                              "MIME-Version"])
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None and parsed["To"] == "ann@example.org" and parsed["From"] == "Kring <kring@example.org>"
    assert parsed["Subject"].strip() == f"Starters Bcc: eve@evil.example Injected body: {subject}"
    assert parsed["Content-Language"] == language


def test_a_reminder_in_dutch_with_place_and_link() -> None:
    state = room(
        trajectory.TrajectoryPlanned("Starters", "", "", "weekly", "hybrid", ("2026-12-10",)),
        trajectory.TrajectoryTimesPlanned("Europe/Amsterdam", "19:00", "21:00"),
        practical.PracticalSet("Dorpsstraat 1", "Zaal 2", "", "https://meet.example.org/x", "", "", "", ""),
    )
    letter = compose(state, item(mail.REMINDER, "1@2026-12-10T19:00"), TRANSLATOR.language("nl"), SENDER, "", 0.0)
    assert letter is not None
    assert letter["Subject"] == "Starters: bijeenkomst 1 is op donderdag 10 december 2026, 19:00 tot 21:00"
    body = letter.get_content()
    assert "Wanneer: donderdag 10 december 2026, 19:00 tot 21:00 (Europe/Amsterdam)" in body
    assert "Waar: Dorpsstraat 1, Zaal 2" in body and "Online: https://meet.example.org/x" in body
    assert "Open je pagina van de groep in Kring" in body  # no public URL: no link


def test_gone_things_make_no_mail_and_a_resend_keeps_its_message_id() -> None:
    state = room(messages.MessagePosted("m1", "Hi"))
    english = TRANSLATOR.language("en")
    assert compose(state, item(mail.MESSAGE, "gone"), english, SENDER, "", 0.0) is None
    assert compose(state, item(mail.REMINDER, "1@2026-12-10T19:00"), english, SENDER, "", 0.0) is None
    first = compose(state, item(mail.MESSAGE, "m1"), english, SENDER, "", 1.0)
    again = compose(state, item(mail.MESSAGE, "m1"), english, SENDER, "", 500.0)
    assert first is not None and again is not None and first["Message-ID"] == again["Message-ID"]


@pytest.mark.parametrize("text", ["kring@example.org\r\nBcc: eve@evil.example", "a@example.org, b@example.org",
                                  "Kring\n <kring@example.org>", "not an address", ""])
def test_a_bad_sender_stops_the_start(text: str) -> None:
    with pytest.raises(ValueError):
        sender_address(text)


def test_a_good_sender() -> None:
    assert str(sender_address("Kring <kring@Example.org>")) == "Kring <kring@example.org>"
