"""Sending what e-mail is due: a background task (server/periodic.py) that looks every
KRING_MAIL_SWEEP_S seconds at every room in the store for mails due (realtime/mail.py `due`), and
sends each one as claim -> send -> record (at-least-once; the theory is in realtime/mail.py).

Every room, not only the ones this process holds: a reminder is due while nobody has the group's
pages open. A room that is not in memory is read from the store only when it may have something
due: after a new event (its last event's time changed) or once the moment `next_due` named came;
otherwise the sweep skips it without reading it.

A mail server that is away fails the send: nothing is recorded, one log line says so, the sweep
stops there (the other mails would fail alike) and the claim runs out after KRING_MAIL_RETRY_S, so
a later sweep tries again. Log lines name the room and the kind of mail, never an address.

The same sweep forgets addresses that were changed or stopped (realtime/mail.py `stale`): it
rewrites the events that held them into `Redacted` markers, as "delete my data" does
(server/trajectory_routes.py erase), so an old address leaves the log within one sweep.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from email.message import EmailMessage

from realtime import mail
from realtime.errors import KringError
from realtime.events import Actor, Role
from realtime.hub import Hub
from realtime.state import RoomState
from realtime.store.base import EventStore
from server.mail_sender import SEND_ERRORS, Sender
from server.mail_settings import MailSettings
from server.periodic import Periodic

log = logging.getLogger("kring.mail")

# The shell acts for the mentor here: ClaimMail and RecordMailSent have no socket parser.
SYSTEM = Actor(Role.MENTOR)
# How long a stop waits for a mail under way to be sent and recorded (one SMTP exchange on a
# working server takes well under a second; a hung one is cut off).
STOP_GRACE_S = 5.0
# Rooms whose next moment is remembered at most: a bounded memory (dropped ones are read again).
WAKE_MAX = 10_000

Compose = Callable[[RoomState, mail.Outgoing, float], EmailMessage | None]


class MailTimer:
    def __init__(self, store: EventStore, hub: Hub, sender: Sender, compose: Compose,
                 clock: Callable[[], float], settings: MailSettings) -> None:
        self.store = store
        self.hub = hub
        self.sender = sender
        self.compose = compose
        self.clock = clock
        self.remind_s = settings.reminder_hours * 3600.0
        self.retry_s = settings.retry_s
        # room -> (the time of its last event when it was read, the moment to read it again or None)
        self._wake: dict[str, tuple[float, float | None]] = {}
        # A sweep may send many mails, each bounded by the SMTP timeout; cut off only a hung one.
        self._timer = Periodic("mail sweep", settings.sweep_s, self._sweep, at_start=True,
                               timeout_s=max(600.0, settings.sweep_s))

    async def sweep(self) -> int:
        """Send what is due now; returns how many mails the SMTP server took."""
        now = self.clock()
        sent = 0
        activity = await self.store.activity()
        known = {code for code, _ in activity}
        for code in [c for c in self._wake if c not in known]:
            del self._wake[code]
        for code, last_at in activity:
            state = await self._state(code, last_at, now)
            if state is None:
                continue
            stale = bool(state.part(mail.PART).stale)
            if stale:
                await self._forget(code)
            outgoing = mail.due(state, now, self.remind_s, self.retry_s)
            if not outgoing:
                # Not remembered while an old address waits to be forgotten: the next sweep tries
                # again if this one could not.
                if stale:
                    self._wake.pop(code, None)
                elif len(self._wake) < WAKE_MAX or code in self._wake:
                    self._wake[code] = (last_at, mail.next_due(state, now, self.remind_s, self.retry_s))
                continue
            self._wake.pop(code, None)
            for item in outgoing:
                if self._timer.stopping:  # shutting down: the rest goes with the next process
                    return sent
                outcome = await self._send(code, state, item, now)
                if outcome is None:  # the mail server is away: the rest would fail too
                    return sent
                sent += outcome
        return sent

    async def _sweep(self) -> None:
        await self.sweep()

    async def _state(self, code: str, last_at: float, now: float) -> RoomState | None:
        room = self.hub.loaded(code)
        if room is not None:
            return room.state
        wake = self._wake.get(code)
        if wake is not None and wake[0] == last_at and (wake[1] is None or now < wake[1]):
            return None  # nothing new, and nothing comes due yet
        try:
            return self.hub.core.fold(await self.store.read(code))
        except KringError:
            log.warning("mail: could not read %s; tried again next sweep", code)
        except Exception:
            log.exception("mail: could not check %s", code)
        return None

    async def _forget(self, code: str) -> None:
        """Rewrite the events that held changed or stopped addresses into Redacted markers."""
        try:
            room = await self.hub.room(code)
            async with room.lock:  # no command of this room is being committed while we rewrite
                stale = room.state.part(mail.PART).stale
                if not stale:
                    return
                self.hub.rewriting(room)
                await self.store.redact(code, stale)
            await self.hub.reload(code)
        except KringError:
            log.warning("mail: could not forget an old address in %s; tried again next sweep", code)

    async def _send(self, code: str, state: RoomState, item: mail.Outgoing, now: float) -> int | None:
        """1 when sent, 0 when not this time (someone else has it, it is gone), None when the mail
        server is away."""
        letter = self.compose(state, item, now)
        if letter is None:
            return 0
        try:
            claimed = await self.hub.execute(
                code, mail.ClaimMail(item.pid, item.kind, item.ref, now, self.retry_s), SYSTEM)
        except KringError:
            log.warning("mail: could not claim a %s in %s; tried again next sweep", item.kind, code)
            return 0
        if not claimed:
            return 0
        try:
            await self.sender.send(letter, item.address)
        except SEND_ERRORS as exc:
            log.warning("mail: the mail server did not take a %s in %s (%s: %s); tried again in %.0f s",
                        item.kind, code, type(exc).__name__, _first_line(exc), self.retry_s)
            return None
        try:
            await self.hub.execute(code, mail.RecordMailSent(item.pid, item.kind, item.ref), SYSTEM)
        except KringError:
            # Sent but not recorded: once the claim runs out it goes again (at-least-once).
            log.warning("mail: a %s in %s was sent but could not be recorded", item.kind, code)
        return 1

    def start(self) -> None:
        self._timer.start()

    async def stop(self) -> None:
        # A mail being sent is let finish and recorded: cut off between the two, the next process
        # would send it again once its claim ran out.
        await self._timer.stop(grace_s=STOP_GRACE_S)


def _first_line(exc: Exception) -> str:
    # An SMTP refusal can quote the recipient ("<ann@example.org>: unknown user", or a dict of
    # refused addresses): the kind and code of the error are enough for the log, the rest stays
    # out of it. A network error ("Connection refused") names no one.
    if isinstance(exc, smtplib.SMTPResponseException):
        return str(exc.smtp_code)
    if isinstance(exc, smtplib.SMTPException):
        return ""
    return str(exc).splitlines()[0][:120] if str(exc) else ""
