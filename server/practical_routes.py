"""The printable practical information (web/templates/practical_print.html): a page of its own,
not a live region, with the QR code of the join link. The mentor's only, as it carries the join
link; participants read the same text on their trajectory page and right after joining."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from realtime.events import Role
from server.pages import base_url, for_room, live_page
from web.viewer import Viewer


async def practical_print(request: Request) -> Response:
    got = await for_room(request, Role.MENTOR)
    if isinstance(got, Response):
        return got
    viewer = Viewer(Role.MENTOR, got.lang, base_url=base_url(request), page="trajectory")
    return live_page(request, got.room, viewer, "practical_print.html")


def routes() -> list[BaseRoute]:
    return [Route("/m/{code}/practical/print", practical_print, methods=["GET"])]
