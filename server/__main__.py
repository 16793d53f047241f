"""`python -m server` (or `kring serve`): run Kring under uvicorn with the settings from the
environment. What is set for the whole process (logging, the garbage collector) is set here, not
in the app, so apps that tests start in their own process change nothing global."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import sys

import uvicorn
from starlette.applications import Starlette

from server import allocator, reach
from server.app import create_app
from server.settings import DataDirError, Settings
from server.ws_protocol import LeanWebSocketProtocol

# See tune_gc; section 0b of docs/performance.md measured these on Python 3.11.
GC_THRESHOLDS = (700, 10, 1000)

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


def tune_gc() -> None:
    """The collector settings of a server process, once its app has loaded everything."""
    # Everything loaded so far (modules, templates, catalogs) lives as long as the process: moved
    # out of the collector's sight, a full collection under load has less to walk (the pauses
    # showed as latency spikes, docs/performance.md).
    gc.collect()
    gc.freeze()
    # A full collection walks every object of every open connection: with 1,000 of them that
    # stalled the loop for tens of milliseconds every few seconds (the p95-p99 of the benchmark).
    # A hundred times fewer full collections (young ones as usual) keep the tail near the median;
    # cyclic garbage that survives two young collections waits a little longer.
    gc.set_threshold(*GC_THRESHOLDS)


def process_app(settings: Settings) -> Starlette:
    """The app as a server process runs it: with the process's collector settings."""
    return create_app(settings, on_started=tune_gc if settings.gc_tuning else None)


def worker_app() -> Starlette:
    """uvicorn's factory for each worker process (KRING_WORKERS > 1): each is a process of its own."""
    return process_app(Settings.from_env())


def main(argv: list[str] | None = None, prog: str = "python -m server") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run Kring. Settings come from the environment: KRING_PORT (or PORT), KRING_HOST, "
        "KRING_DATA_DIR, KRING_PUBLIC_URL, KRING_STORE_URL, KRING_BROKER_URL, KRING_WORKERS, ... "
        "(server/settings.py and docs/deployment.md).",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--lan", dest="host", action="store_const", const="0.0.0.0",
                       help="listen on every network of this computer, so that phones can join "
                       "(KRING_HOST=0.0.0.0; README.md, 'Letting phones in')")
    where.add_argument("--local", dest="host", action="store_const", const="127.0.0.1",
                       help="listen on this computer only (KRING_HOST=127.0.0.1, the default of `kring serve`)")
    host: str | None = parser.parse_args(argv).host
    allocator.reexecute(sys.argv[1:] if argv is None else argv)  # may replace this process, once
    if host is not None:
        # In the environment, not only in these settings: workers (KRING_WORKERS > 1) read theirs
        # from it, and each builds the address its pages offer to phones from KRING_HOST.
        os.environ["KRING_HOST"] = host
    settings = Settings.from_env()
    try:
        settings.check_data_dir()
    except DataDirError as exc:
        raise SystemExit(str(exc)) from None
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("kring").info("memory: allocated with %s's malloc (KRING_MALLOC; server/allocator.py)",
                                    allocator.running())
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addFilter(RedactSecrets())
    workers = int(os.environ.get("KRING_WORKERS", "1"))
    if workers > 1 and not settings.broker_url.startswith(("redis://", "rediss://", "unix://")):
        # Workers are separate processes: only a shared broker lets them see each other's events.
        raise SystemExit("KRING_WORKERS > 1 needs KRING_BROKER_URL=redis://... (and a Redis store)")
    if bool(settings.tls_cert) != bool(settings.tls_key):
        raise SystemExit("KRING_TLS_CERT and KRING_TLS_KEY go together: set both (PEM files) or neither")
    if settings.web_ports:  # the media process (Procfile.redis): pages reach it, people never open it
        ports = ", ".join(str(p) for p in settings.web_ports)
        print(f"\n  Kring's media process is running on port {settings.port}, for the pages of port {ports}.\n",
              flush=True)
    else:
        lan = reach.lan_address() if reach.all_interfaces(settings.host) and not settings.public_url else None
        print(reach.banner(
            scheme="https" if settings.tls_cert else "http", bind=settings.host, port=settings.port,
            public_url=settings.public_url, lan=lan,
            # Colours only for a terminal, and not when NO_COLOR asks for none (no-color.org).
            qr=lambda url: reach.terminal_qr(url, getattr(sys.stdout, "encoding", None),
                                             colour=sys.stdout.isatty() and not os.environ.get("NO_COLOR")),
        ), flush=True)
    common = dict(
        host=settings.host,
        port=settings.port,
        # Compression doubles CPU and memory per connection for small HTML fragments.
        ws_per_message_deflate=False,
        # uvicorn's own websocket protocol, keeping less per open socket (server/ws_protocol.py).
        ws=LeanWebSocketProtocol,
        # A hard cap on one frame; the app answers anything over limits.MESSAGE_MAX_BYTES itself.
        ws_max_size=64 * 1024,
        proxy_headers=True,
        log_level="info",
        lifespan="on",
    )
    if settings.tls_cert:
        common.update(ssl_certfile=settings.tls_cert, ssl_keyfile=settings.tls_key)
    if workers > 1:
        uvicorn.run("server.__main__:worker_app", factory=True, workers=workers, **common)  # type: ignore[arg-type]
    else:
        uvicorn.run(process_app(settings), **common)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
