"""`python -m server`: run Kring under uvicorn with the settings from the environment."""

from __future__ import annotations

import logging

import uvicorn

from server.app import create_app
from server.settings import Settings


def main() -> None:
    settings = Settings.from_env()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    shown = settings.public_url or f"http://{'localhost' if settings.host in ('127.0.0.1', '0.0.0.0') else settings.host}:{settings.port}"
    print(f"\n  Kring is running. Open {shown}/ in your browser.\n", flush=True)
    uvicorn.run(
        create_app(settings),
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


if __name__ == "__main__":
    main()
