"""Mentor-only downloads: the session's JSON export and per-feature files (a wall as Markdown/CSV)."""

from __future__ import annotations

from collections.abc import Callable

import orjson
from starlette.requests import Request
from starlette.responses import Response

from realtime import wall
from realtime.errors import Rejected
from realtime.export import export_session
from realtime.state import RoomState
from server.views import browser_lang, forbidden_mentor, load_room, mentor_ok, not_found


def _download(body: bytes | str, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "content-disposition": f'attachment; filename="{filename}"',
        "cache-control": "no-store",
    })


async def _mentor_file(request: Request, make: Callable[[RoomState], tuple[bytes | str, str, str]]) -> Response:
    room = await load_room(request, request.path_params["code"])
    lang = browser_lang(request, room.state.language if room else None)
    if room is None:
        return not_found(request, lang)
    if not mentor_ok(request, room):
        return forbidden_mentor(request, lang)
    try:
        body, media_type, filename = make(room.state)
    except Rejected:
        return not_found(request, lang)
    return _download(body, media_type, filename)


async def session_json(request: Request) -> Response:
    return await _mentor_file(request, lambda state: (
        orjson.dumps(export_session(state), option=orjson.OPT_INDENT_2),
        "application/json", f"kring-{state.code}.json"))


async def wall_markdown(request: Request) -> Response:
    wid = request.path_params["wid"]
    return await _mentor_file(request, lambda state: (
        wall.to_markdown(state, wid), "text/markdown; charset=utf-8", f"kring-{state.code}-{wid}.md"))


async def wall_csv(request: Request) -> Response:
    wid = request.path_params["wid"]
    return await _mentor_file(request, lambda state: (
        wall.to_csv(state, wid), "text/csv; charset=utf-8", f"kring-{state.code}-{wid}.csv"))
