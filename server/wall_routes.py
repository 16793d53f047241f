"""The wall's downloads: one wall as Markdown or CSV, for the mentor."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from realtime import trajectory, wall
from realtime.events import Role
from server.kring import kring
from server.pages import download, for_room, gone
from web.exports.filename import local_day, readable_name
from web.exports.walls import wall_csv, wall_markdown


async def _wall_file(request: Request, suffix: str) -> Response:
    # Only the mentor learns whether a wall exists: anyone else is refused first (for_room).
    got = await for_room(request, Role.MENTOR)
    if isinstance(got, Response):
        return got
    room, wid = got.room, request.path_params["wid"]
    if wid not in room.state.part(wall.PART).walls:
        t = kring(request).translator.gettext(got.lang)
        return gone(request, got.lang, room.code, t("That wall does not exist."))
    the_wall = room.state.part(wall.PART).walls[wid]
    data = wall.export_wall(room.state, the_wall)
    # Named by its title and the day it was made, not its id (issue 15).
    name = readable_name(the_wall.title, local_day(the_wall.created_at, room.state.part(trajectory.PART).timezone),
                         f".{suffix}")
    if suffix == "md":
        return download(wall_markdown(data), "text/markdown; charset=utf-8", name)
    return download(wall_csv(data), "text/csv; charset=utf-8", name)


async def wall_md(request: Request) -> Response:
    return await _wall_file(request, "md")


async def wall_csv_file(request: Request) -> Response:
    return await _wall_file(request, "csv")


def routes() -> list[BaseRoute]:
    return [
        Route("/m/{code}/walls/{wid}.md", wall_md, methods=["GET"]),
        Route("/m/{code}/walls/{wid}.csv", wall_csv_file, methods=["GET"]),
    ]
