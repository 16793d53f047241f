"""The operator's SMTP server, from the environment (docs/deployment.md, "E-mail"). Without
KRING_SMTP_HOST and KRING_MAIL_FROM there is no e-mail at all: no page offers it (server/feature.py
`Feature.enabled`) and nothing is sent.

| variable                  | default | meaning                                                    |
|---------------------------|---------|------------------------------------------------------------|
| KRING_SMTP_HOST           | (none)  | the SMTP server that takes Kring's mail                    |
| KRING_SMTP_PORT           | 587     | its port (465: TLS from the first byte)                    |
| KRING_SMTP_USER           | (none)  | user name to log in with (none: no login)                  |
| KRING_SMTP_PASSWORD       | (none)  | its password                                               |
| KRING_SMTP_STARTTLS       | on      | on: STARTTLS before logging in and sending; off: plain     |
| KRING_MAIL_FROM           | (none)  | the sender: "Kring <kring@example.org>" or an address      |
| KRING_MAIL_REMINDER_HOURS | 24      | how long before a meeting its reminder goes out            |
| KRING_MAIL_RETRY_S        | 300     | how long a mail that could not be sent waits for a retry   |
| KRING_MAIL_SWEEP_S        | 60      | how often Kring looks for mail to send                     |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from typing import TYPE_CHECKING

from realtime import mail
from realtime.errors import Rejected

if TYPE_CHECKING:
    from server.settings import Settings


@dataclass(frozen=True, slots=True)
class MailSettings:
    host: str = ""
    port: int = 587
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = True
    sender: str = ""  # KRING_MAIL_FROM as given; checked by `from_env`
    reminder_hours: float = 24.0
    retry_s: float = 300.0
    sweep_s: float = 60.0
    # One SMTP conversation may take this long before it counts as failed (and is retried).
    timeout_s: float = 30.0

    @property
    def enabled(self) -> bool:
        return bool(self.host and self.sender)

    @property
    def implicit_tls(self) -> bool:
        return self.port == 465

    def from_address(self) -> Address:
        """The sender as a header value (its name and address)."""
        return sender_address(self.sender)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MailSettings:
        host = env.get("KRING_SMTP_HOST", "").strip()
        sender = env.get("KRING_MAIL_FROM", "").strip()
        if host and not sender:
            raise ValueError("KRING_SMTP_HOST is set but KRING_MAIL_FROM is not: say which address Kring's "
                             "e-mail comes from, e.g. KRING_MAIL_FROM='Kring <kring@example.org>'")
        if sender:
            sender_address(sender)  # a bad one stops the start, with a sentence
        settings = cls(
            host=host,
            port=int(env.get("KRING_SMTP_PORT", "587")),
            user=env.get("KRING_SMTP_USER", ""),
            password=env.get("KRING_SMTP_PASSWORD", ""),
            starttls=env.get("KRING_SMTP_STARTTLS", "on").strip().lower() not in ("off", "0", "no", "false"),
            sender=sender,
            reminder_hours=float(env.get("KRING_MAIL_REMINDER_HOURS", "24")),
            retry_s=float(env.get("KRING_MAIL_RETRY_S", "300")),
            sweep_s=float(env.get("KRING_MAIL_SWEEP_S", "60")),
        )
        if not 0 < settings.reminder_hours <= 24 * 14 or settings.retry_s <= 0 or settings.sweep_s <= 0:
            raise ValueError("KRING_MAIL_REMINDER_HOURS must be above 0 and at most 336 (two weeks); "
                             "KRING_MAIL_RETRY_S and KRING_MAIL_SWEEP_S above 0")
        return settings


def sender_address(text: str) -> Address:
    """KRING_MAIL_FROM as an Address; the same checks as a participant's address, and a name of
    one line (it goes into every From header)."""
    # One address only (parseaddr alone would take the first of "a@x.org, b@y.org"), on one line.
    if "," in text or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValueError(f"KRING_MAIL_FROM must be one address on one line: {text!r}")
    name, address = parseaddr(text)
    try:
        checked = mail.parse_address(address, "KRING_MAIL_FROM")
    except Rejected:
        raise ValueError(f"KRING_MAIL_FROM is not an e-mail address Kring can send from: {text!r}") from None
    local, _, domain = checked.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def mail_on(settings: Settings) -> bool:
    """Whether e-mail is on (server/manifest.py: the mail feature's `enabled`)."""
    return settings.mail.enabled
