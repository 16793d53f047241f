"""The summaries (issue 15): one meeting, or a whole trajectory, as the mentor would send it to the
group, as a Markdown download and as a page to print (or print to PDF). The mentor's only, like
every export: they name the group. Written in the session's language, whatever the mentor's
browser prefers.

`?session=N` picks a held session of a trajectory; without it, the running or last one. The
summary is as large as the room's own limits allow (walls, post-its, polls: realtime/*/model.py),
like the other exports, and is built anew on every request: nothing of it is stored.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from realtime import trajectory
from realtime.events import Role
from server.kring import kring
from server.pages import RoomRequest, download, for_room, gone, page
from web.exports import summary, trajectory_summary
from web.exports.filename import readable_name
from web.exports.summary_markdown import summary_markdown, trajectory_markdown


async def _summary(request: Request) -> tuple[RoomRequest, summary.Summary] | Response:
    got = await for_room(request, Role.MENTOR)  # anyone else is refused before learning more
    if isinstance(got, Response):
        return got
    state = got.room.state
    held = summary.sessions_to_summarize(state)
    asked = request.query_params.get("session", "")
    number = int(asked) if asked.isdecimal() and len(asked) < 4 else summary.default_session(state)
    if number not in held:
        t = kring(request).translator.gettext(got.lang)
        return gone(request, got.lang, got.room.code, t("There is no summary of that session (yet)."))
    language = kring(request).translator.language(state.language)
    return got, summary.build(state, number, language)


async def summary_md(request: Request) -> Response:
    got = await _summary(request)
    if isinstance(got, Response):
        return got
    _, made = got
    language = kring(request).translator.language(made.lang)
    return download(summary_markdown(made, language), "text/markdown; charset=utf-8",
                    readable_name(made.title, made.iso_date, ".md"))


async def summary_page(request: Request) -> Response:
    got = await _summary(request)
    if isinstance(got, Response):
        return got
    room_request, made = got
    state = room_request.room.state
    return page(request, "summary.html", made.lang, summary=made, code=state.code,
                sessions=summary.sessions_to_summarize(state) if made.trajectory else (),
                md_name=readable_name(made.title, made.iso_date, ".md"))


async def _trajectory(request: Request) -> tuple[RoomRequest, trajectory_summary.TrajectorySummary] | Response:
    got = await for_room(request, Role.MENTOR)
    if isinstance(got, Response):
        return got
    state = got.room.state
    if not state.part(trajectory.PART).planned:
        t = kring(request).translator.gettext(got.lang)
        return gone(request, got.lang, got.room.code, t("Plan the trajectory first."))
    return got, trajectory_summary.build(state, kring(request).translator.language(state.language))


async def trajectory_summary_md(request: Request) -> Response:
    got = await _trajectory(request)
    if isinstance(got, Response):
        return got
    _, made = got
    language = kring(request).translator.language(made.lang)
    return download(trajectory_markdown(made, language), "text/markdown; charset=utf-8",
                    readable_name(made.name, made.iso_date, ".md"))


async def trajectory_summary_page(request: Request) -> Response:
    got = await _trajectory(request)
    if isinstance(got, Response):
        return got
    room_request, made = got
    return page(request, "trajectory_summary.html", made.lang, made=made, code=room_request.room.code,
                md_name=readable_name(made.name, made.iso_date, ".md"))


def routes() -> list[BaseRoute]:
    return [
        Route("/m/{code}/summary", summary_page, methods=["GET"]),
        Route("/m/{code}/summary.md", summary_md, methods=["GET"]),
        Route("/m/{code}/trajectory/summary", trajectory_summary_page, methods=["GET"]),
        Route("/m/{code}/trajectory/summary.md", trajectory_summary_md, methods=["GET"]),
    ]
