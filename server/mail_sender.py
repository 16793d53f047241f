"""Handing one e-mail to the operator's SMTP server (server/mail_settings.py), with the standard
library's smtplib in a thread (asyncio.to_thread): it blocks, and a mail a few seconds slow must
not hold up the pages. One connection per mail: a group gets a few dozen mails a week, and a fresh
connection has no state to go stale between sweeps."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from server.mail_settings import MailSettings

# What a failed send raises: the server is away or said no (smtplib's errors), or the network is.
SEND_ERRORS: tuple[type[Exception], ...] = (OSError, smtplib.SMTPException)


class Sender(Protocol):
    async def send(self, letter: EmailMessage, to: str) -> None:
        """Hand `letter` to the mail server for `to`; raises one of SEND_ERRORS when it did not take it."""


class SmtpSender:
    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    async def send(self, letter: EmailMessage, to: str) -> None:
        await asyncio.to_thread(self._send, letter, to)

    def _send(self, letter: EmailMessage, to: str) -> None:
        s = self.settings
        context = ssl.create_default_context()
        smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=context) if s.implicit_tls \
            else smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        with smtp:
            if s.starttls and not s.implicit_tls:
                smtp.starttls(context=context)
            if s.user:
                smtp.login(s.user, s.password)
            # The envelope names this one recipient: never anyone else's address.
            smtp.send_message(letter, from_addr=s.from_address().addr_spec, to_addrs=[to])
