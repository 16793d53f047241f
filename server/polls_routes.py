"""The polls' downloads: one poll's results as CSV, for the mentor."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from realtime import polls, trajectory
from realtime.events import Role
from server.kring import kring
from server.pages import download, for_room, gone
from web.exports.filename import local_day, readable_name
from web.exports.polls import poll_csv


async def poll_results_csv(request: Request) -> Response:
    got = await for_room(request, Role.MENTOR)
    if isinstance(got, Response):
        return got
    room = got.room
    poll = room.state.part(polls.PART).polls.get(request.path_params["poll"])
    if poll is None:
        t = kring(request).translator.gettext(got.lang)
        return gone(request, got.lang, room.code, t("That poll does not exist."))
    # Named by its question and the day it was made, not its id (issue 15).
    day = local_day(poll.created_at, room.state.part(trajectory.PART).timezone)
    return download(poll_csv(poll), "text/csv; charset=utf-8", readable_name(poll.question, day, ".csv"))


def routes() -> list[BaseRoute]:
    return [Route("/m/{code}/polls/{poll}.csv", poll_results_csv, methods=["GET"])]
