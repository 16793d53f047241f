"""A real SMTP server for tests (aiosmtpd, in a thread of its own) on a free loopback port, with
an inbox that keeps every mail it took: the envelope and the parsed message."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return cast(str, cast(EmailMessage, part).get_content()).replace("\r\n", "\n")


class Inbox:
    """The handler: aiosmtpd calls handle_DATA for each mail."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mails: list[Received] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        raw = bytes(envelope.original_content or envelope.content)
        parsed = message_from_bytes(raw, policy=policy.default)
        with self._lock:
            self._mails.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), raw, parsed))
        return "250 OK"

    @property
    def mails(self) -> list[Received]:
        with self._lock:
            return list(self._mails)

    def wait(self, count: int, timeout_s: float = 15.0) -> list[Received]:
        """At least `count` mails, waiting for them up to `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while len(self.mails) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.mails)} mail(s) arrived, not {count}")
            time.sleep(0.05)
        return self.mails


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    def __init__(self, port: int = 0) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
