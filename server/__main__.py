"""`python -m server`: run Kring under uvicorn with the settings from the environment."""

from __future__ import annotations

import logging
import os
import re

import uvicorn

from server.app import create_app
from server.settings import DataDirError, Settings

# Secrets travel in a few URL paths (the mentor link, the QR/projector links, a participant's
# personal link): keep them out of logs.
_SECRET_PATH = re.compile(r"(/m/[A-Z0-9]+/k/|/j/[A-Z0-9]+/|/p/[A-Z0-9]+/|/ws/p/[A-Z0-9]+/|/r/[A-Z0-9]+/)[^\s/?\"]+")


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_PATH.sub(r"\1…", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        record.msg = _SECRET_PATH.sub(r"\1…", str(record.msg))
        return True


def main() -> None:
    settings = Settings.from_env()
    try:
        settings.check_data_dir()
    except DataDirError as exc:
        raise SystemExit(str(exc)) from None
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addFilter(RedactSecrets())
    workers = int(os.environ.get("KRING_WORKERS", "1"))
    if workers > 1 and not settings.broker_url.startswith(("redis://", "rediss://", "unix://")):
        # Workers are separate processes: only a shared broker lets them see each other's events.
        raise SystemExit("KRING_WORKERS > 1 needs KRING_BROKER_URL=redis://... (and a Redis store)")
    local = settings.host in ("127.0.0.1", "0.0.0.0")
    shown = settings.public_url or f"http://{'localhost' if local else settings.host}:{settings.port}"
    print(f"\n  Kring is running. Open {shown}/ in your browser.\n", flush=True)
    common = dict(
        host=settings.host,
        port=settings.port,
        # Compression doubles CPU and memory per connection for small HTML fragments.
        ws_per_message_deflate=False,
        # A hard cap on one frame; the app answers anything over limits.MESSAGE_MAX_BYTES itself.
        ws_max_size=64 * 1024,
        proxy_headers=True,
        log_level="info",
        lifespan="on",
    )
    if workers > 1:
        uvicorn.run("server.app:create_app", factory=True, workers=workers, **common)  # type: ignore[arg-type]
    else:
        uvicorn.run(create_app(settings), **common)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
