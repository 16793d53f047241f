"""12-factor configuration: everything from the environment, with defaults that just work.

| variable                | default                           | meaning                                        |
|-------------------------|-----------------------------------|------------------------------------------------|
| PORT / KRING_PORT       | 8000                              | port to listen on                              |
| KRING_HOST              | 127.0.0.1                         | interface to listen on (0.0.0.0 for a LAN)     |
| KRING_DATA_DIR          | ./data                            | where the SQLite file and the secret key live  |
| KRING_STORE_URL         | sqlite:///$KRING_DATA_DIR/kring.db| event store: sqlite:///path or redis://...     |
| KRING_BROKER_URL        | memory://                         | broker: memory:// or redis://...               |
| KRING_SECRET_KEY        | generated into $DATA_DIR/secret.key| keys the HMAC of the form tokens              |
| KRING_PUBLIC_URL        | (from the request)                | base URL for links and QR codes behind a proxy |
| KRING_ALLOWED_ORIGINS   | (same origin only)                | extra origins allowed to open the websocket    |
| KRING_SQLITE_SYNC       | NORMAL                            | NORMAL or FULL (see realtime/store/sqlite.py)  |
| KRING_QUEUE_GRACE_S     | 120                               | seconds a dropped person keeps a raised hand   |
| KRING_COMMAND_TIMEOUT_S | 10                                | seconds before a command's sender is told it   |
|                         |                                   | took too long (a store that hangs)             |
| KRING_REDIS_TICK_MS     | 10                                | Redis store: least time between two append     |
|                         |                                   | calls of a process under load (0: no pacing)   |
| KRING_RETENTION_DAYS    | 180                               | days after the last activity / the last planned|
|                         |                                   | session that a room is deleted (0 = never)     |
| KRING_MEDIA_URL         | (same origin, in this process)    | the media process(es): URL or :PORT, comma-    |
|                         |                                   | separated for several (sessions spread by code)|
| KRING_MEDIA             | 1 if one process, no MEDIA_URL    | whether this process serves audio/video        |
| KRING_PERSON_ACTIONS_PER_S | 10                            | actions one person may send a second, over all |
|                         |                                   | their sockets (a burst of twice that)          |
| KRING_ADDRESS_ACTIONS_PER_S | 50                            | the same for one client address (IPv6: a /64)  |
| KRING_ROOM_EVENTS_PER_MIN | 3000                            | events one room may store a minute             |
| KRING_SOCKETS_PER_PERSON | 8                                | live pages one person may have open at once    |
| KRING_FAILED_LOOKUPS_PER_S | 20                            | wrong codes answered a second, from everyone   |
|                         |                                   | together (then lookups wait their turn)        |
| KRING_WEB_PORTS         | (none)                            | the media process: ports of the web workers    |
|                         |                                   | whose pages (this host) may open media sockets |
| KRING_ICE_SERVERS       | (none: LAN and localhost)         | STUN/TURN, JSON: [{"urls": ..., "username"...}]|
| KRING_MEDIA_PORTS       | (any: the OS picks)               | UDP ports for media, LOW-HIGH (firewalls)      |
| KRING_TLS_CERT          | (none: plain http)                | PEM certificate (chain): serve https and wss   |
| KRING_TLS_KEY           | (none)                            | its PEM private key                            |
| KRING_SMTP_HOST, ...    | (none: no e-mail)                 | e-mail between meetings: server/mail_settings.py|
| KRING_FILES_DIR         | $KRING_DATA_DIR/files             | the materials' files (shared by all hosts)     |
| KRING_FILE_MAX_MB       | 20                                | largest file a mentor may add (MB)             |
| KRING_FILES_TOTAL_MB    | 200                               | all files of one trajectory together (MB)      |
| KRING_MALLOC_TRIM       | on                                | off: keep freed memory after a flood of sockets|
|                         |                                   | (server/collector.py; glibc only)              |
| KRING_MEMTRACE_DIR      | (none: off)                       | SIGUSR2 writes memory snapshots there          |
|                         |                                   | (server/memtrace.py, bench/memdiff.py)         |
| KRING_MEMTRACE_FRAMES   | 6                                 | tracemalloc frames; 0: allocator stats only    |
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from server.budgets import BudgetSettings
from server.mail_settings import MailSettings
from server.media.ports import parse_range

MB = 1_000_000  # the sizes of files are said and configured in MB


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("data")
    store_url: str = ""
    broker_url: str = "memory://"
    secret_key: str = ""
    public_url: str = ""
    allowed_origins: tuple[str, ...] = ()
    sqlite_sync: str = "NORMAL"
    # Wrong join codes allowed per client address per minute before it must wait.
    join_attempts_per_minute: int = 20
    # Websocket messages a connection may send per 10 seconds; more are refused with a notice.
    ws_messages_per_10s: int = 100
    # Every so many events a room's state is stored as a snapshot, so that opening it folds only
    # the events after it (realtime/snapshot.py); 0: never.
    snapshot_every: int = 500
    # Budgets shared by all sockets of a person, an address, a room (server/budgets.py).
    person_actions_per_s: float = 10.0
    address_actions_per_s: float = 50.0
    room_events_per_min: float = 3000.0
    sockets_per_person: int = 8
    # A repeated refusal of a socket is answered after this wait (server/budgets.py); 0: at once.
    refusal_wait_s: float = 1.0
    # Failed code lookups a second for the whole process (server/budgets.py CodeLookups).
    failed_lookups_per_s: float = 20.0
    # A client that does not take a message within this many seconds is cut off and resyncs.
    ws_send_timeout_s: float = 10.0
    # A command that has no answer after this many seconds fails with a notice (realtime/hub.py).
    command_timeout_s: float = 10.0
    # The Redis store sends its appends (of all rooms) as one call per tick while they keep
    # coming: Redis's CPU per event is mostly the cost of a call (realtime/store/redis.py).
    redis_tick_s: float = 0.01
    # How long a raised hand waits for someone whose connection dropped (issue 4).
    queue_grace_s: float = 120.0
    # Rooms are deleted this many days after their last activity or last planned session,
    # whichever is later (server/retention.py, docs/privacy.md); 0 keeps them forever.
    retention_days: int = 180
    # Hybrid media (server/media): where pages find it, whether this process serves it, ICE servers.
    media_url: str = ""
    media_serve: bool = True
    # The media process: the web workers' ports on the same host whose pages may use it.
    web_ports: tuple[int, ...] = ()
    ice_servers: tuple[Mapping[str, Any], ...] = ()
    media_ports: tuple[int, int] | None = None  # UDP port range for media (server/media/ports.py)
    # HTTPS in the embedded default (issue 16): browsers give no camera or microphone to a plain
    # http origin other than localhost, so a LAN or internet server without a proxy needs this.
    tls_cert: str = ""
    tls_key: str = ""
    # For measuring what they are worth (docs/performance.md, "on Python 3.13"): the server
    # process's collector settings (server/__main__.py tune_gc) and the eager send (server/ws.py).
    gc_tuning: bool = True
    eager_send: bool = True
    # After a flood of ended websockets, hand freed memory back to the system with glibc's
    # malloc_trim (server/collector.py); a no-op where the C library is not glibc.
    malloc_trim: bool = True
    # Where tracemalloc snapshots go on SIGUSR2 (server/memtrace.py); "": tracing off.
    memtrace_dir: str = ""
    memtrace_frames: int = 6  # tracemalloc's frames per allocation; 0: allocator statistics only
    # E-mail between meetings (issue 18): off unless an SMTP server is configured.
    mail: MailSettings = field(default_factory=MailSettings)
    # The materials' files (server/files.py): where they are kept ("": the data directory's
    # files/), the largest one, and all of one trajectory's together, in bytes.
    files_dir: Path | None = None
    file_max_bytes: int = 20 * MB
    files_total_bytes: int = 200 * MB
    node: str = field(default_factory=lambda: secrets.token_hex(4))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("KRING_DATA_DIR", "data"))
        return cls(
            host=env.get("KRING_HOST", "127.0.0.1"),
            port=int(env.get("KRING_PORT", env.get("PORT", "8000"))),
            data_dir=data_dir,
            store_url=env.get("KRING_STORE_URL", f"sqlite:///{data_dir / 'kring.db'}"),
            broker_url=env.get("KRING_BROKER_URL", "memory://"),
            secret_key=env.get("KRING_SECRET_KEY", ""),
            public_url=env.get("KRING_PUBLIC_URL", "").rstrip("/"),
            allowed_origins=tuple(
                o.strip().rstrip("/") for o in env.get("KRING_ALLOWED_ORIGINS", "").split(",") if o.strip()
            ),
            sqlite_sync=env.get("KRING_SQLITE_SYNC", "NORMAL").upper(),
            queue_grace_s=float(env.get("KRING_QUEUE_GRACE_S", "120")),
            ws_messages_per_10s=int(env.get("KRING_WS_MESSAGES_PER_10S", "100")),
            snapshot_every=int(env.get("KRING_SNAPSHOT_EVERY", "500")),
            person_actions_per_s=positive(env.get("KRING_PERSON_ACTIONS_PER_S", "10"), "KRING_PERSON_ACTIONS_PER_S"),
            address_actions_per_s=positive(env.get("KRING_ADDRESS_ACTIONS_PER_S", "50"),
                                           "KRING_ADDRESS_ACTIONS_PER_S"),
            room_events_per_min=positive(env.get("KRING_ROOM_EVENTS_PER_MIN", "3000"), "KRING_ROOM_EVENTS_PER_MIN"),
            sockets_per_person=int(positive(env.get("KRING_SOCKETS_PER_PERSON", "8"), "KRING_SOCKETS_PER_PERSON")),
            failed_lookups_per_s=positive(env.get("KRING_FAILED_LOOKUPS_PER_S", "20"), "KRING_FAILED_LOOKUPS_PER_S"),
            refusal_wait_s=not_negative(env.get("KRING_REFUSAL_WAIT_S", "1"), "KRING_REFUSAL_WAIT_S"),
            command_timeout_s=positive(env.get("KRING_COMMAND_TIMEOUT_S", "10"), "KRING_COMMAND_TIMEOUT_S"),
            redis_tick_s=not_negative(env.get("KRING_REDIS_TICK_MS", "10"), "KRING_REDIS_TICK_MS") / 1000.0,
            retention_days=int(env.get("KRING_RETENTION_DAYS", "180")),
            media_url=",".join(u.strip().rstrip("/") for u in env.get("KRING_MEDIA_URL", "").split(",") if u.strip()),
            # One process per session's media: with several workers, only a media process serves it.
            media_serve=env.get("KRING_MEDIA", "0" if env.get("KRING_MEDIA_URL")
                                or int(env.get("KRING_WORKERS", "1")) > 1 else "1") == "1",
            web_ports=tuple(int(p) for p in env.get("KRING_WEB_PORTS", "").split(",") if p.strip()),
            ice_servers=parse_ice_servers(env.get("KRING_ICE_SERVERS", "")),
            media_ports=parse_range(env.get("KRING_MEDIA_PORTS", "")),
            tls_cert=env.get("KRING_TLS_CERT", ""),
            tls_key=env.get("KRING_TLS_KEY", ""),
            gc_tuning=env.get("KRING_GC_TUNING", "on") != "off",
            eager_send=env.get("KRING_EAGER_SEND", "on") != "off",
            malloc_trim=env.get("KRING_MALLOC_TRIM", "on") != "off",
            memtrace_dir=env.get("KRING_MEMTRACE_DIR", ""),
            memtrace_frames=int(env.get("KRING_MEMTRACE_FRAMES", "6")),
            mail=MailSettings.from_env(env),
            files_dir=Path(env["KRING_FILES_DIR"]) if env.get("KRING_FILES_DIR") else None,
            file_max_bytes=int(positive(env.get("KRING_FILE_MAX_MB", "20"), "KRING_FILE_MAX_MB") * MB),
            files_total_bytes=int(positive(env.get("KRING_FILES_TOTAL_MB", "200"), "KRING_FILES_TOTAL_MB") * MB),
        )

    @property
    def files_root(self) -> Path:
        """Where the materials' files are kept (KRING_FILES_DIR, else the data directory's files/)."""
        return self.files_dir if self.files_dir is not None else self.data_dir / "files"

    def budgets(self) -> BudgetSettings:
        """The shared socket budgets (server/budgets.py); a burst is five seconds' worth."""
        return BudgetSettings(
            person_per_s=self.person_actions_per_s, person_burst=5 * self.person_actions_per_s,
            address_per_s=self.address_actions_per_s, address_burst=5 * self.address_actions_per_s,
            room_events_per_min=self.room_events_per_min, sockets_per_person=self.sockets_per_person,
            refusal_wait_s=self.refusal_wait_s,
        )

    @property
    def media_urls(self) -> tuple[str, ...]:
        """The media processes (KRING_MEDIA_URL, comma-separated), in the order given."""
        return tuple(u.strip().rstrip("/") for u in self.media_url.split(",") if u.strip())

    def media_url_for(self, code: str) -> str:
        """The media process that serves session `code`: the same for every process that has the
        same list, so everyone in a session meets on one relay (a hash of the code, not Python's
        per-process salted hash)."""
        urls = self.media_urls
        if not urls:
            return ""
        return urls[int.from_bytes(hashlib.sha256(code.encode()).digest()[:4], "big") % len(urls)]

    @property
    def media_connect_sources(self) -> tuple[str, ...]:
        """CSP connect-src sources for KRING_MEDIA_URL (their websockets), or () when same-origin."""
        sources: list[str] = []
        for url in self.media_urls:
            if url.startswith(":"):  # ":8001": the page's own host, another port
                port = url[1:]
                sources += [f"ws://*:{port}", f"wss://*:{port}"]
            else:
                parts = urlsplit(url)
                ws = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
                sources.append(f"{ws}://{parts.netloc}")
        return tuple(dict.fromkeys(sources))

    def check_data_dir(self) -> None:
        """Fail at start, with a sentence instead of a traceback, when the data directory cannot
        be written (read-only, full, not ours): Kring would otherwise start and then fail on the
        first write. A probe of 64 KiB is written, synced and removed."""
        if self.secret_key and not self.store_url.startswith("sqlite:///"):
            return  # nothing of ours is written there
        probe = self.data_dir / f".kring-probe-{os.getpid()}"
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, b"\0" * 65536)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise DataDirError(
                f"Kring cannot write to its data directory {self.data_dir} ({exc.strerror}). "
                "Make it writable and free some space, or set KRING_DATA_DIR to another directory."
            ) from None
        finally:
            try:
                probe.unlink(missing_ok=True)
            except OSError:  # read-only: it was never made
                pass

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated on first run and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret.key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        # Write a private temp file, then link it into place: link fails if another worker won the
        # race, and nobody ever reads a half-written key.
        tmp = self.data_dir / f".secret.key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        try:
            os.link(tmp, path)
        except FileExistsError:
            key = path.read_text().strip()
        finally:
            tmp.unlink()
        return key


class DataDirError(Exception):
    """The data directory cannot be written; the message says what to do."""


def positive(raw: str, name: str) -> float:
    """A number that must be above 0 (a timeout or a budget of 0 would fail every command)."""
    value = float(raw)
    if not value > 0:
        raise ValueError(f"{name} must be a number above 0, not {raw!r}")
    return value


def not_negative(raw: str, name: str) -> float:
    value = float(raw)
    if not value >= 0:
        raise ValueError(f"{name} must be a number of at least 0, not {raw!r}")
    return value


def parse_ice_servers(raw: str) -> tuple[Mapping[str, Any], ...]:
    """KRING_ICE_SERVERS: a JSON list in the browser's RTCIceServer shape, e.g.
    [{"urls": "stun:stun.example.org:3478"},
     {"urls": "turn:turn.example.org:3478", "username": "kring", "credential": "secret"}]."""
    if not raw.strip():
        return ()
    servers = json.loads(raw)
    if not isinstance(servers, list) or not all(isinstance(s, dict) and "urls" in s for s in servers):
        raise ValueError("KRING_ICE_SERVERS must be a JSON list of objects with \"urls\"")
    return tuple(
        {k: v for k, v in s.items() if k in ("urls", "username", "credential")} for s in servers
    )
