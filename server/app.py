"""The ASGI application: routes, middleware and the lifespan that owns the Kring object."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from server import api, exports, polls_commands, views, ws
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
        k = build(settings)
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
        Mount("/api/v1", routes=api.routes()),
        WebSocketRoute("/ws/s/{code}", ws.participant_socket),
        WebSocketRoute("/ws/m/{code}", ws.mentor_socket),
        WebSocketRoute("/ws/p/{code}/{token}", ws.projector_socket),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        lifespan=lifespan,
        exception_handlers=views.exception_handlers(),
    )
