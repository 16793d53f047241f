"""The SMTP settings from the environment (server/mail_settings.py): off without a host and a
sender, a sentence instead of a start for what cannot work, and the password never in a repr."""

from __future__ import annotations

import pytest

from server.mail_settings import MailSettings
from server.settings import Settings


def test_off_unless_host_and_sender_are_set() -> None:
    assert not Settings.from_env({}).mail.enabled
    on = MailSettings.from_env({"KRING_SMTP_HOST": "smtp.example.org", "KRING_MAIL_FROM": "Kring <k@example.org>",
                                "KRING_SMTP_PASSWORD": "hunter2", "KRING_SMTP_USER": "kring"})
    assert on.enabled and on.port == 587 and on.starttls and not on.implicit_tls and on.reminder_hours == 24
    assert "hunter2" not in repr(on) and "hunter2" not in repr(Settings(mail=on))
    assert str(on.from_address()) == "Kring <k@example.org>"
    tls = MailSettings.from_env({"KRING_SMTP_HOST": "h.example.org", "KRING_SMTP_PORT": "465",
                                 "KRING_MAIL_FROM": "k@example.org", "KRING_SMTP_STARTTLS": "off",
                                 "KRING_MAIL_REMINDER_HOURS": "2.5"})
    assert tls.implicit_tls and not tls.starttls and tls.reminder_hours == 2.5


@pytest.mark.parametrize("env", [
    {"KRING_SMTP_HOST": "smtp.example.org"},
    {"KRING_SMTP_HOST": "smtp.example.org", "KRING_MAIL_FROM": "not an address"},
    {"KRING_SMTP_HOST": "smtp.example.org", "KRING_MAIL_FROM": "k@example.org", "KRING_MAIL_REMINDER_HOURS": "0"},
    {"KRING_SMTP_HOST": "smtp.example.org", "KRING_MAIL_FROM": "k@example.org", "KRING_MAIL_REMINDER_HOURS": "400"},
    {"KRING_SMTP_HOST": "smtp.example.org", "KRING_MAIL_FROM": "k@example.org", "KRING_MAIL_RETRY_S": "0"},
])
def test_what_cannot_work_stops_the_start(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        MailSettings.from_env(env)
