"""The e-mails themselves: a mentor's message to the group, and the reminder of a meeting, as
plain-text messages in the recipient's language (server/mail_timer.py sends them).

Header safety: every header is built from checked parts. The recipient's address was checked by
the core (realtime/mail.py parse_address: no spaces, quotes, brackets, commas or control
characters), the sender's at start (server/mail_settings.py), and the subject, the one header
with user text in it (the trajectory's name, a session's title), goes through `one_line`, which
turns any line break or control character into a space: nobody's name or title can end the
Subject line and start a header of its own (a Bcc:). The `email` package encodes what is not
ASCII (RFC 2047) and folds long lines.

The Message-ID is made from what the mail is (room, person, kind, ref), not at random: a mail sent
again after a crash (at-least-once, realtime/mail.py) has the same Message-ID, so that mail
programs can tell it is the same one.
"""

from __future__ import annotations

import hashlib
import unicodedata
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate

from realtime import mail, messages, practical, trajectory
from realtime.state import RoomState
from web.i18n import Language

SUBJECT_MAX = 200


def one_line(text: str, limit: int = SUBJECT_MAX) -> str:
    """`text` as one line of a header: line breaks and other control characters (also Unicode's
    line and paragraph separators) become spaces, runs of spaces one, at most `limit` characters."""
    kept = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    return " ".join(kept.split())[:limit]


def compose(state: RoomState, item: mail.Outgoing, language: Language, sender: Address, base_url: str,
            now: float) -> EmailMessage | None:
    """The mail `item` stands for; None when what it is about is gone (a message removed, a meeting
    taken out of the plan) between finding it due and writing it."""
    t = language.t
    traj = state.part(trajectory.PART)
    name = one_line(traj.name or state.title, 120)
    if item.kind == mail.MESSAGE:
        message = next((m for m in state.part(messages.PART).messages if m.mid == item.ref), None)
        if message is None:
            return None
        subject = t("{name}: a message from your mentor", name=name)
        body = [message.text]
    else:
        session = next((s for s in traj.sessions if mail.reminder_ref(s) == item.ref), None)
        if session is None:
            return None
        subject, body = _reminder(state, session, language, name)
    page = f"{base_url}/s/{state.code}/trajectory" if base_url else ""
    footer = t("You get this e-mail because you asked for it on your page of {name} in Kring.", name=name)
    stop = t("To change your address or stop these e-mails, open your page:") + f"\n{page}" if page else \
        t("To change your address or stop these e-mails, open your page of the group in Kring.")
    letter = EmailMessage()
    letter["From"] = sender
    letter["To"] = Address(addr_spec=item.address)
    letter["Subject"] = one_line(subject)
    letter["Date"] = formatdate(now, usegmt=True)
    letter["Message-ID"] = message_id(state, item, sender.domain)
    letter["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    letter.set_content("\n".join([*body, "", "-- ", footer, stop]) + "\n")
    letter["Content-Language"] = language.code  # after set_content, which replaces every Content-*
    return letter


def _reminder(state: RoomState, session: trajectory.PlannedSession, language: Language,
              name: str) -> tuple[str, list[str]]:
    t, formats = language.t, language.formats
    traj = state.part(trajectory.PART)
    info = state.part(practical.PART).info
    day = formats.date(session.date, "full")
    when = t("{date}, {start} to {end}", date=day, start=formats.time(session.start),
             end=formats.time(session.end)) if session.start else day
    subject = t("{name}: session {n} is on {when}", name=name, n=session.number, when=when)
    body = [t("A reminder: session {n} of {name}.", n=session.number, name=name)]
    if session.title:
        body.append(session.title)
    body += ["", t("When: {when} ({zone})", when=when, zone=traj.timezone)]
    where = ", ".join(part for part in (info.address, info.room) if part)
    if where:
        body.append(t("Where: {place}", place=where))
    if info.online_link:
        body.append(t("Online: {link}", link=info.online_link))
    return subject, body


def message_id(state: RoomState, item: mail.Outgoing, domain: str) -> str:
    # The join token keeps two rooms that once had the same code apart; hashed, it gives nothing away.
    digest = hashlib.sha256(f"{state.code}:{state.join_token}:{item.pid}:{item.kind}:{item.ref}".encode())
    return f"<{item.kind}.{digest.hexdigest()[:32]}@{domain}>"
