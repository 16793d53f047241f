"""The ASGI application: routes, middleware and the lifespan that owns the Kring object."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from server import api, manifest, pages, session_routes, ws
from server.collector import EndedSockets, glibc_trim
from server.feature import configured
from server.feature import routes as feature_routes
from server.headers import SecurityHeaders
from server.kring import Kring, build
from server.memtrace import MemTrace
from server.settings import Settings
from server.warmup import WarmUp
from web.render import STATIC


class State(TypedDict):
    kring: Kring


def create_app(settings: Settings | None = None, on_started: Callable[[], None] | None = None) -> Starlette:
    """The app; `on_started` runs once its lifespan has built and loaded everything, after the
    warm-up (server/warmup.py; the server process's entry point passes its garbage-collector
    settings, server/__main__.py; tests pass nothing, so the apps they start leave their own
    process alone)."""
    settings = settings or Settings.from_env()
    ended_sockets = EndedSockets(trim=glibc_trim() if settings.malloc_trim else None)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        k = build(settings, manifest.FEATURES)
        # Languages, hyphenation and the media relay load in the background from here on, so the
        # server listens and answers at once (issue 19); `on_started` comes after them.
        warm_up = WarmUp([k.translator.load_all, k.renderer.learn_templates], k.media, then=on_started)
        warm_up.start()
        ended_sockets.start()
        memtrace = MemTrace(Path(settings.memtrace_dir), settings.memtrace_frames) if settings.memtrace_dir else None
        if memtrace is not None:
            memtrace.start()
        try:
            yield {"kring": k}
        finally:
            await warm_up.stop()
            if memtrace is not None:
                memtrace.stop()
            await ended_sockets.stop()
            await k.close()

    routes = [
        Route("/", session_routes.start, methods=["GET"]),
        Route("/healthz", session_routes.healthz, methods=["GET"]),
        Route("/lang", session_routes.set_language, methods=["POST"]),
        *feature_routes(configured(manifest.FEATURES, settings)),
        Mount("/api/v1", routes=api.routes()),
        WebSocketRoute("/ws/s/{code}", ws.Socket(ws.participant_socket)),
        WebSocketRoute("/ws/m/{code}", ws.Socket(ws.mentor_socket)),
        WebSocketRoute("/ws/p/{code}/{token}", ws.Socket(ws.projector_socket)),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    # RawSend must stay first, and it decides what a middleware sees of a websocket: it keeps the
    # ASGI server's own `send` for the socket endpoints (server/ws.py), so every middleware listed
    # after it sees a socket's accept and close but never its frames. A middleware that must see
    # frames goes before RawSend (`app.add_middleware` puts it there), at the cost of one more
    # await per frame. tests/test_app_middleware.py shows both.
    middleware = [Middleware(ws.RawSend, ended=ended_sockets.ended),
                  Middleware(SecurityHeaders, connect_extra=settings.media_connect_sources)]
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers=pages.exception_handlers(),
    )
