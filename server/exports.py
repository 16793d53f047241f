"""Mentor-only downloads: the session's JSON export and per-feature files (a wall as Markdown/CSV)."""

from __future__ import annotations

from collections.abc import Callable

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from realtime import wall
from realtime.export import export_session
from realtime.state import RoomState
from server.kring import kring
from server.views import for_mentor, message

Missing = Callable[[Request, str, str], HTMLResponse]


def _download(body: bytes | str, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "content-disposition": f'attachment; filename="{filename}"',
        "cache-control": "no-store",
    })


def _gone(request: Request, lang: str, code: str, heading: str) -> HTMLResponse:
    t = kring(request).translator.gettext(lang)
    return message(request, lang, heading, status=404, back_url=f"/m/{code}", back_label=t("Mentor console"))


def wall_missing(request: Request, lang: str, code: str) -> HTMLResponse:
    """404 for a download of a wall the (existing) session does not have: says so, not "Session not found"."""
    t = kring(request).translator.gettext(lang)
    return _gone(request, lang, code, t("That wall does not exist."))


def poll_missing(request: Request, lang: str, code: str) -> HTMLResponse:
    """404 for a download of a poll the (existing) session does not have (server/polls_commands.py)."""
    t = kring(request).translator.gettext(lang)
    return _gone(request, lang, code, t("That poll does not exist."))


async def _mentor_file(
    request: Request,
    make: Callable[[RoomState], tuple[bytes | str, str, str]],
    exists: Callable[[RoomState], bool] = lambda state: True,
    missing: Missing = wall_missing,
) -> Response:
    # Only the mentor learns whether a wall exists: anyone else is refused first.
    got = await for_mentor(request)
    if isinstance(got, Response):
        return got
    if not exists(got.room.state):
        return missing(request, got.lang, got.room.code)
    room = got.room
    body, media_type, filename = make(room.state)
    return _download(body, media_type, filename)


async def session_json(request: Request) -> Response:
    return await _mentor_file(request, lambda state: (
        orjson.dumps(export_session(state), option=orjson.OPT_INDENT_2),
        "application/json", f"kring-{state.code}.json"))


async def wall_markdown(request: Request) -> Response:
    wid = request.path_params["wid"]
    return await _mentor_file(request, lambda state: (
        wall.to_markdown(state, wid), "text/markdown; charset=utf-8", f"kring-{state.code}-{wid}.md"),
        lambda state: wid in state.wall.walls)


async def wall_csv(request: Request) -> Response:
    wid = request.path_params["wid"]
    return await _mentor_file(request, lambda state: (
        wall.to_csv(state, wid), "text/csv; charset=utf-8", f"kring-{state.code}-{wid}.csv"),
        lambda state: wid in state.wall.walls)
