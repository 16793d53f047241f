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
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


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
    # A client that does not take a message within this many seconds is cut off and resyncs.
    ws_send_timeout_s: float = 10.0
    # How long a raised hand waits for someone whose connection dropped (issue 4).
    queue_grace_s: float = 120.0
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
        )

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
