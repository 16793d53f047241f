"""The ASGI application: routes, middleware and the lifespan that owns the Kring object."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from server import api, exports, polls_commands, trajectory_exports, views, ws
from server.headers import SecurityHeaders
from server.kring import Kring, build
from server.media import signalling
from server.settings import Settings
from web.render import STATIC


class State(TypedDict):
    kring: Kring


def create_app(settings: Settings | None = None, on_started: Callable[[], None] | None = None) -> Starlette:
    """The app; `on_started` runs once its lifespan has built everything (the server process's
    entry point passes its garbage-collector settings, server/__main__.py; tests pass nothing, so
    the apps they start leave their own process alone)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        k = build(settings)
        if on_started is not None:
            on_started()
        try:
            yield {"kring": k}
        finally:
            await k.close()

    routes = [
        Route("/", views.start, methods=["GET"]),
        Route("/healthz", views.healthz, methods=["GET"]),
        Route("/sessions", views.create_session, methods=["POST"]),
        Route("/lang", views.set_language, methods=["POST"]),
        Route("/join", views.join_code, methods=["GET"]),
        Route("/j/{code}/{token}", views.join_link, methods=["GET"]),
        Route("/s/{code}/join", views.join_form, methods=["GET", "POST"]),
        Route("/s/{code}", views.participant_page, methods=["GET"]),
        Route("/s/{code}/trajectory", views.participant_trajectory_page, methods=["GET"]),
        Route("/m/{code}/k/{key}", views.mentor_link, methods=["GET"]),
        Route("/m/{code}", views.mentor_page, methods=["GET"]),
        Route("/m/{code}/trajectory", views.mentor_trajectory_page, methods=["GET"]),
        Route("/m/{code}/end", views.end_session, methods=["POST"]),
        Route("/m/{code}/export.json", exports.session_json, methods=["GET"]),
        Route("/m/{code}/walls/{wid}.md", exports.wall_markdown, methods=["GET"]),
        Route("/m/{code}/walls/{wid}.csv", exports.wall_csv, methods=["GET"]),
        Route("/m/{code}/polls/{poll}.csv", polls_commands.poll_csv, methods=["GET"]),
        Route("/p/{code}/{token}", views.projector_page, methods=["GET"]),
        # -- trajectory (T1): personal links, downloads, deleting --
        Route("/r/{code}/{token}", trajectory_exports.personal_link, methods=["GET"]),
        Route("/s/{code}/welcome", trajectory_exports.welcome, methods=["GET"]),
        Route("/s/{code}/erase", trajectory_exports.erase_me, methods=["POST"]),
        Route("/m/{code}/people/{pid}/link", trajectory_exports.reissue_link, methods=["POST"]),
        Route("/m/{code}/people/{pid}/erase", trajectory_exports.erase_person, methods=["POST"]),
        Route("/m/{code}/delete", trajectory_exports.delete_trajectory, methods=["POST"]),
        Route("/m/{code}/trajectory.md", trajectory_exports.trajectory_markdown, methods=["GET"]),
        Route("/m/{code}/trajectory.csv", trajectory_exports.trajectory_csv, methods=["GET"]),
        Mount("/api/v1", routes=api.routes()),
        WebSocketRoute("/ws/s/{code}", ws.Socket(ws.participant_socket)),
        WebSocketRoute("/ws/m/{code}", ws.Socket(ws.mentor_socket)),
        WebSocketRoute("/ws/p/{code}/{token}", ws.Socket(ws.projector_socket)),
        WebSocketRoute("/media/s/{code}", signalling.participant_media),
        WebSocketRoute("/media/m/{code}", signalling.mentor_media),
        WebSocketRoute("/media/p/{code}/{token}", signalling.projector_media),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    # RawSend must stay first, and it decides what a middleware sees of a websocket: it keeps the
    # ASGI server's own `send` for the socket endpoints (server/ws.py), so every middleware listed
    # after it sees a socket's accept and close but never its frames. A middleware that must see
    # frames goes before RawSend (`app.add_middleware` puts it there), at the cost of one more
    # await per frame. tests/test_app_middleware.py shows both.
    middleware = [Middleware(ws.RawSend), Middleware(SecurityHeaders, connect_extra=settings.media_connect_sources)]
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers=views.exception_handlers(),
    )
