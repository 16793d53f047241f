"""The mentor's own goals and reflections as a Markdown download (web/exports/mentor_notes.py):
the mentor's only, like the region that shows them; no other export carries them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from realtime.events import Role
from server.kring import kring
from server.pages import browser_lang, download, for_room
from web.exports.mentor_notes import mentor_notes_markdown


async def mentor_notes_md(request: Request) -> Response:
    got = await for_room(request, Role.MENTOR)
    if isinstance(got, Response):
        return got
    room = got.room
    # In the mentor's own language: these notes are for nobody else.
    language = kring(request).translator.language(browser_lang(request, room.state.language))
    body = mentor_notes_markdown(room.state, language.t, language.formats.date)
    return download(body, "text/markdown; charset=utf-8", f"kring-{room.code}-my-notes.md")


def routes() -> list[BaseRoute]:
    return [Route("/m/{code}/mentor-notes.md", mentor_notes_md, methods=["GET"])]
