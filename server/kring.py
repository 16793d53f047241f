"""The composition root: builds the adapters from settings and wires them into one object that
every route reaches through `kring(conn)`; there are no module globals."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import cast

from starlette.requests import HTTPConnection

from realtime.broker import Broker, open_broker
from realtime.core import Core
from realtime.hub import Hub, announcement
from realtime.mail import Outgoing
from realtime.snapshot import Snapshots
from realtime.state import RoomState
from realtime.store import REDIS_SCHEMES, EventStore, open_store
from realtime.store.sqlite import SqliteStore
from server import security
from server.away import AwayTimer
from server.budgets import CodeLookups, SocketBudgets
from server.feature import Feature, build_core, configured, web_features
from server.files import FileStore
from server.mail_sender import SmtpSender
from server.mail_timer import Compose, MailTimer
from server.media.loading import MediaLoader
from server.poll_timer import PollTimer
from server.reach import PhoneAddress, lan_address
from server.retention import RetentionTimer
from server.security import FormTokens, RateLimiter
from server.send_watch import SendWatch
from server.settings import Settings
from server.wire_frames import WireFrames
from web.commands import Commands
from web.i18n import Translator
from web.layout import Layout
from web.mail_compose import compose
from web.render import STATIC, Renderer


@dataclass
class Kring:
    settings: Settings
    core: Core
    commands: Commands
    store: EventStore
    broker: Broker
    hub: Hub
    translator: Translator
    renderer: Renderer
    tokens: FormTokens
    join_limiter: RateLimiter
    create_limiter: RateLimiter
    away: AwayTimer
    poll_timer: PollTimer
    send_watch: SendWatch
    budgets: SocketBudgets
    lookups: CodeLookups
    # The host phones can use when a browser on this machine opened Kring as localhost (issue 15).
    phones: PhoneAddress
    # This process's media relay, loaded on first use (server/media/loading.py); None where another
    # process serves media (KRING_MEDIA=0, KRING_MEDIA_URL).
    media: MediaLoader | None = None
    retention: RetentionTimer | None = None  # deletes old rooms (server/retention.py)
    mail: MailTimer | None = None  # sends e-mail when an SMTP server is configured (server/mail_timer.py)
    # The wire bytes of the frames just sent, shared by the pages that get the same frame.
    wire_frames: WireFrames = field(default_factory=WireFrames)

    async def close(self) -> None:
        if self.media is not None:
            await self.media.close()
        if self.retention is not None:
            await self.retention.stop()
        if self.mail is not None:
            await self.mail.stop()
        await self.away.stop()
        await self.poll_timer.stop()
        await self.send_watch.stop()
        await self.hub.close()
        await self.broker.close()
        await self.store.close()


def core_version() -> str:
    """A hash of the core's source: a snapshot of a room's state (realtime/snapshot.py) is used
    only by the very code that made it; any change to the core folds the log again."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent / "realtime"
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def static_version() -> str:
    """A short hash of the static files, for cache-busting URLs."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def build(settings: Settings, features: Sequence[Feature]) -> Kring:
    """Everything Kring is made of, for these features (server/manifest.py lists them)."""
    features = configured(features, settings)
    core = build_core(features)
    layout = Layout(web_features(features))
    if settings.store_url.startswith("sqlite:///"):
        store: EventStore = SqliteStore(settings.store_url.removeprefix("sqlite:///"), core.codec, settings.sqlite_sync)
    elif settings.store_url == settings.broker_url and settings.store_url.startswith(REDIS_SCHEMES):
        # One Redis for both: the append script publishes the events itself (one round trip).
        from realtime.store.redis import RedisStore

        store = RedisStore(settings.store_url, core.codec, announce=announcement, tick_s=settings.redis_tick_s,
                           origin=settings.node)
    elif settings.store_url.startswith(REDIS_SCHEMES):
        from realtime.store.redis import RedisStore

        store = RedisStore(settings.store_url, core.codec, tick_s=settings.redis_tick_s)
    else:
        store = open_store(settings.store_url, core.codec)
    broker = open_broker(settings.broker_url)
    translator = Translator(core.reasons, layout.field_labels)
    hub = Hub(store, broker, clock=time.time, node=settings.node, core=core,
              command_timeout_s=settings.command_timeout_s,
              snapshots=Snapshots(core_version(), settings.snapshot_every))
    # build() runs inside the lifespan, so there is a loop to start the away timer on.
    away = AwayTimer(hub, time.time, grace_s=settings.queue_grace_s)
    away.start()
    poll_timer = PollTimer(hub, time.time)  # closes polls whose answer time is up
    poll_timer.start()
    send_watch = SendWatch(settings.ws_send_timeout_s)
    send_watch.start()
    retention = RetentionTimer(store, hub, time.time, settings.retention_days,
                               on_delete=FileStore(settings.files_root).delete_room)
    retention.start()
    mail_timer: MailTimer | None = None
    if settings.mail.enabled:
        mail_timer = MailTimer(store, hub, SmtpSender(settings.mail), mail_letters(settings, translator),
                               time.time, settings.mail)
        mail_timer.start()
    # Not loaded here: aiortc is imported after the server answers, or by the first media socket
    # (server/media/loading.py), and never where media is not served (KRING_MEDIA=0, issue 16).
    media = MediaLoader(settings.ice_servers, ports=settings.media_ports) if settings.media_serve else None
    return Kring(
        settings=settings,
        core=core,
        commands=Commands(layout.features, security.new_id, security.new_secret, clock=time.time),
        store=store,
        broker=broker,
        hub=hub,
        translator=translator,
        renderer=Renderer(translator, static_version(), layout),
        tokens=FormTokens(settings.resolved_secret_key()),
        join_limiter=RateLimiter(settings.join_attempts_per_minute),
        create_limiter=RateLimiter(30),
        away=away,
        poll_timer=poll_timer,
        send_watch=send_watch,
        budgets=SocketBudgets(settings.budgets(), time.monotonic),
        lookups=CodeLookups(settings.failed_lookups_per_s, 5 * settings.failed_lookups_per_s, time.monotonic),
        phones=PhoneAddress(settings.host, lan_address, time.monotonic),
        retention=retention,
        mail=mail_timer,
        media=media,
    )


def mail_letters(settings: Settings, translator: Translator) -> Compose:
    """How the mail timer writes a mail: in the recipient's language where they gave one (the page
    they opted in on), else the trajectory's; links to KRING_PUBLIC_URL (none without it)."""
    sender = settings.mail.from_address()

    def letter(state: RoomState, item: Outgoing, now: float) -> EmailMessage | None:
        language = translator.language(item.language or state.language)
        return compose(state, item, language, sender, settings.public_url, now)

    return letter


def kring(conn: HTTPConnection) -> Kring:
    return cast(Kring, conn.state.kring)
