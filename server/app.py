"""The ASGI application: routes, middleware and the lifespan that owns the Kring object."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from server import api, manifest, pages, session_routes, ws
from server.feature import routes as feature_routes
from server.headers import SecurityHeaders
from server.kring import Kring, build
from server.settings import Settings
from web.render import STATIC


class State(TypedDict):
    kring: Kring


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        k = build(settings, manifest.FEATURES)
        # Everything loaded so far (modules, templates, catalogs) lives as long as the process:
        # moved out of the collector's sight, a full collection under load has less to walk
        # (the pauses showed as latency spikes, docs/performance.md).
        gc.collect()
        gc.freeze()
        # A full collection walks every object of every open connection: with 1,000 of them that
        # stalled the loop for tens of milliseconds every few seconds (the p95-p99 of the
        # benchmark). A hundred times fewer full collections (young ones as usual) keep the tail near
        # the median; cyclic garbage that survives two young collections waits a little longer.
        gc.set_threshold(700, 10, 1000)
        try:
            yield {"kring": k}
        finally:
            await k.close()

    routes = [
        Route("/", session_routes.start, methods=["GET"]),
        Route("/healthz", session_routes.healthz, methods=["GET"]),
        Route("/lang", session_routes.set_language, methods=["POST"]),
        *feature_routes(manifest.FEATURES),
        Mount("/api/v1", routes=api.routes()),
        WebSocketRoute("/ws/s/{code}", ws.Socket(ws.participant_socket)),
        WebSocketRoute("/ws/m/{code}", ws.Socket(ws.mentor_socket)),
        WebSocketRoute("/ws/p/{code}/{token}", ws.Socket(ws.projector_socket)),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(ws.RawSend), Middleware(SecurityHeaders, connect_extra=settings.media_connect_sources)],
        lifespan=lifespan,
        exception_handlers=pages.exception_handlers(),
    )
