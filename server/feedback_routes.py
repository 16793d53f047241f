"""Peer feedback's download: a presenter's own feedback as Markdown, for that participant only."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from realtime.events import Role
from server.kring import kring
from server.pages import download, for_room
from web.exports.feedback import own_feedback_markdown
from web.exports.filename import readable_name
from web.feedback_view import view
from web.viewer import Viewer


async def my_feedback_md(request: Request) -> Response:
    got = await for_room(request, Role.PARTICIPANT)
    if isinstance(got, Response):
        return got
    room = got.room
    me = room.state.participants[got.pid]
    # The same view as their trajectory page: only their own closed rounds.
    own = view(room, Viewer(Role.PARTICIPANT, got.lang, pid=got.pid, page="trajectory")).own
    body = own_feedback_markdown(room.state.title, me.name, own, kring(request).translator.language(got.lang))
    return download(body, "text/markdown; charset=utf-8", readable_name(room.state.title, "", "-feedback.md"))


def routes() -> list[BaseRoute]:
    return [Route("/s/{code}/feedback.md", my_feedback_md, methods=["GET"])]
