"""E-mail between meetings (issue 18): a participant may give an e-mail address and agree to get
the mentor's messages to the group, and a reminder before each meeting, by e-mail.

Theory of operation
-------------------
The core keeps who opted in (`subscribers`: their address, their language, since when) and what
was sent to whom, and says what is due (`due`); it never sends. The shell (server/mail_timer.py)
sends, one mail at a time, in three steps:

1. `ClaimMail` -> `MailClaimed`: the mail (person, kind, ref) is this sender's for `retry_s`.
   Decided under the room's turn to write like any command, so two processes that both see a mail
   due cannot both claim it; a claim younger than `retry_s` makes the second claim a no-op.
2. the SMTP server takes the mail;
3. `RecordMailSent` -> `MailSent`: it is never due again.

A send that fails records nothing: the claim runs out and a later sweep tries again. A process that
dies after the SMTP server took a mail and before MailSent was stored sends it again once the claim
ran out. So delivery is at-least-once, with the markers making it once in every other case.

What is due to a subscriber:
- each message of the mentor (realtime/messages.py) posted after they opted in, while it is at
  most MESSAGE_AGE_MAX_S old (a mail server that was away for weeks does not flood them) and not
  removed;
- one reminder per planned meeting, from `remind_s` before it starts until it starts (not for a
  cancelled one, nor one that already began). A meeting moved to another day or time is another
  meeting: its reminder ref names its date and time, so the new time gets a reminder of its own.

Privacy: the address names its owner (`pid`), so "delete my data" takes it, and so do the markers.
Nobody else's page shows it; the mentor sees only who opted in (web/mail_view.py). An address that
was changed or stopped must not stay in the log either: `stale` lists the seqs of the events that
held such an address, and the shell rewrites them into `Redacted` markers as erasure does
(server/mail_timer.py). So that the rewrite changes nothing else, each MailAddressSet carries the
moment the person's e-mail began (`since`) instead of relying on the first event of the run.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from realtime import limits, messages, trajectory
from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor

if TYPE_CHECKING:
    from realtime.state import RoomState

# RFC 5321: a path of at most 256 octets, with its angle brackets: 254 for the address itself;
# a local part of at most 64.
ADDRESS_MAX = 254
LOCAL_MAX = 64
MESSAGE_AGE_MAX_S = 7 * 86400.0
MESSAGE = "message"
REMINDER = "reminder"

REASONS: Mapping[str, str] = {
    "mail_bad_address": "{field} must be an e-mail address such as name@example.org.",
    "mail_consent": "Tick the box to agree to get these e-mails.",
}

# The dot-atom of RFC 5322 (no quoted local parts, no comments): what people type, and nothing
# that could end a header line or open a second address.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def parse_address(value: object, field: str) -> str:
    """An e-mail address someone typed: trimmed, its domain in lower case. Refused: anything with
    spaces, quotes, angle brackets, commas or control characters, more or less than one @, a
    domain that is not a host name of at least two labels, and the lengths RFC 5321 forbids."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise Rejected("missing_field", field=field)
    if len(text) > ADDRESS_MAX:
        raise Rejected("too_long", field=field, max=ADDRESS_MAX)
    local, at, domain = text.rpartition("@")
    if not at or len(local) > LOCAL_MAX or not _LOCAL.fullmatch(local):
        raise Rejected("mail_bad_address", field=field)
    domain = domain.lower()
    try:
        # A domain in another script ("münchen.de") is checked as the mail server will see it.
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise Rejected("mail_bad_address", field=field) from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        raise Rejected("mail_bad_address", field=field)
    return f"{local}@{domain}"


@dataclass(frozen=True, slots=True)
class Subscription:
    address: str
    language: str  # the language of the page they opted in on; "" = the trajectory's
    since: float  # when they opted in: messages posted before are not mailed to them
    seq: int = 0  # the event that holds the address


Key = tuple[str, str, str]  # (pid, kind, ref)


@dataclass(frozen=True, slots=True)
class MailState:
    subscribers: Mapping[str, Subscription] = field(default_factory=lambda: MappingProxyType({}))
    sent: frozenset[Key] = frozenset()
    claimed: Mapping[Key, float] = field(default_factory=lambda: MappingProxyType({}))  # key -> when
    # Seqs of MailAddressSet events whose address was changed or stopped since: to be forgotten.
    stale: tuple[int, ...] = ()


PART: Part[MailState] = Part("mail", MailState())


@dataclass(frozen=True, slots=True)
class SetMailAddress(Command):
    address: str
    consent: bool
    language: str


@dataclass(frozen=True, slots=True)
class StopMail(Command):
    pass


@dataclass(frozen=True, slots=True)
class ClaimMail(Command):
    """The shell's, never a socket's (no parser): this mail is about to be sent."""

    pid: str
    kind: str
    ref: str
    now: float
    retry_s: float


@dataclass(frozen=True, slots=True)
class RecordMailSent(Command):
    """The shell's, never a socket's: the SMTP server took this mail."""

    pid: str
    kind: str
    ref: str


@dataclass(frozen=True, slots=True)
class MailAddressSet(Event):
    pid: str
    address: str
    language: str
    # When their e-mail began, for a change of address (0: now, a first opt-in): the event of the
    # first address may be forgotten (redacted) without moving the start.
    since: float = 0.0


@dataclass(frozen=True, slots=True)
class MailStopped(Event):
    pid: str


@dataclass(frozen=True, slots=True)
class MailClaimed(Event):
    pid: str
    kind: str
    ref: str


@dataclass(frozen=True, slots=True)
class MailSent(Event):
    pid: str
    kind: str
    ref: str


COMMANDS: tuple[type[Command], ...] = (SetMailAddress, StopMail, ClaimMail, RecordMailSent)
EVENTS: tuple[type[Event], ...] = (MailAddressSet, MailStopped, MailClaimed, MailSent)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One mail that is due: to whom, what (MESSAGE with a message's id, REMINDER with
    `reminder_ref`), in which language."""

    pid: str
    address: str
    language: str
    kind: str
    ref: str

    @property
    def key(self) -> Key:
        return (self.pid, self.kind, self.ref)


def reminder_ref(session: trajectory.PlannedSession) -> str:
    return f"{session.number}@{session.date}T{session.start}"


def session_start(traj: trajectory.TrajectoryState, session: trajectory.PlannedSession) -> float | None:
    """When a planned meeting starts (a timestamp); a meeting with a date and no time starts at
    the beginning of its day in the trajectory's zone. None without a date."""
    if not session.date:
        return None
    span = trajectory.session_span(traj, session)
    if span is not None:
        return span[0].timestamp()
    day = datetime.date.fromisoformat(session.date)
    return datetime.datetime.combine(day, datetime.time(), ZoneInfo(traj.timezone)).timestamp()


def due(state: RoomState, now: float, remind_s: float, retry_s: float) -> list[Outgoing]:
    """The mails due at `now`: not sent, and not claimed less than `retry_s` ago."""
    part = state.part(PART)
    if not part.subscribers:
        return []
    posted = state.part(messages.PART).messages
    traj = state.part(trajectory.PART)
    upcoming: list[str] = []
    for session in traj.sessions:
        start = session_start(traj, session)
        if start is not None and not session.cancelled and not session.started and start - remind_s <= now < start:
            upcoming.append(reminder_ref(session))
    out: list[Outgoing] = []
    for pid, sub in part.subscribers.items():
        if pid not in state.participants:  # erased a moment ago: the reload takes the rest
            continue
        wanted = [(MESSAGE, m.mid) for m in posted if m.at >= sub.since and now - m.at <= MESSAGE_AGE_MAX_S]
        wanted += [(REMINDER, ref) for ref in upcoming]
        for kind, ref in wanted:
            key = (pid, kind, ref)
            claimed = part.claimed.get(key)
            if key not in part.sent and (claimed is None or now >= claimed + retry_s):
                out.append(Outgoing(pid, sub.address, sub.language, kind, ref))
    return out


def next_due(state: RoomState, now: float, remind_s: float, retry_s: float) -> float | None:
    """The earliest moment after `now` at which something may become due without a new event:
    a reminder's window opening or a claim running out. None: only a new event can."""
    part = state.part(PART)
    if not part.subscribers:
        return None
    moments = [at + retry_s for key, at in part.claimed.items() if key not in part.sent and at + retry_s > now]
    traj = state.part(trajectory.PART)
    for session in traj.sessions:
        start = session_start(traj, session)
        if start is not None and not session.cancelled and start - remind_s > now:
            moments.append(start - remind_s)
    return min(moments, default=None)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    part = state.part(PART)
    # Also in a closed room: between meetings and after the last one is when e-mail matters.
    if isinstance(command, SetMailAddress):
        me = require_member(state, actor)
        address = parse_address(command.address, "mail_address")
        if command.consent is not True:
            raise Rejected("mail_consent")
        language = command.language if command.language in limits.LANGUAGES else ""
        current = part.subscribers.get(me.pid)
        if current is not None and (current.address, current.language) == (address, language):
            return []
        return [MailAddressSet(me.pid, address, language, current.since if current is not None else 0.0)]
    if isinstance(command, StopMail):
        me = require_member(state, actor)
        return [MailStopped(me.pid)] if me.pid in part.subscribers else []
    if isinstance(command, ClaimMail):
        require_mentor(actor)
        key = (command.pid, command.kind, command.ref)
        if command.pid not in part.subscribers or key in part.sent:
            return []
        claimed = part.claimed.get(key)
        if claimed is not None and command.now < claimed + command.retry_s:
            return []  # another sender holds it
        return [MailClaimed(*key)]
    if isinstance(command, RecordMailSent):
        require_mentor(actor)
        key = (command.pid, command.kind, command.ref)
        return [] if key in part.sent else [MailSent(*key)]
    raise Rejected("unknown_command")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    part = state.part(PART)
    if isinstance(event, MailAddressSet):
        subscribers = dict(part.subscribers)
        before = subscribers.get(event.pid)
        # Changing the address or language keeps "since": no message is mailed twice or skipped.
        subscribers[event.pid] = Subscription(event.address, event.language, event.since or stamped.at, stamped.seq)
        stale = part.stale if before is None else (*part.stale, before.seq)
        part = dataclasses.replace(part, subscribers=MappingProxyType(subscribers), stale=stale)
    elif isinstance(event, MailStopped):
        subscribers = dict(part.subscribers)
        before = subscribers.pop(event.pid, None)
        stale = part.stale if before is None else (*part.stale, before.seq)
        part = dataclasses.replace(part, subscribers=MappingProxyType(subscribers), stale=stale)
    elif isinstance(event, MailClaimed):
        claimed = dict(part.claimed)
        claimed[(event.pid, event.kind, event.ref)] = stamped.at
        part = dataclasses.replace(part, claimed=MappingProxyType(claimed))
    elif isinstance(event, MailSent):
        key = (event.pid, event.kind, event.ref)
        claimed = dict(part.claimed)
        claimed.pop(key, None)
        part = dataclasses.replace(part, sent=part.sent | {key}, claimed=MappingProxyType(claimed))
    else:
        raise TypeError(f"mail.evolve: unknown event {event!r}")
    return state.with_part(PART, part)


FEATURE = CoreFeature(
    name="mail",
    commands=COMMANDS,
    mentor_only=(ClaimMail, RecordMailSent),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    # Every event names its person: "delete my data" takes the address and what was sent to it.
    personal={MailAddressSet: ("pid",), MailStopped: ("pid",), MailClaimed: ("pid",), MailSent: ("pid",)},
    part=PART,
    # No export: addresses are nobody else's business, not even in the mentor's export.
    reasons=REASONS,
)
