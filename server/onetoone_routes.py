"""An online one-to-one's call page: the media panel (web/static/media.js) on a page of its own,
connected to the booking's own media room (/media/o/{code}/{bid}, server/media/signalling.py).

The participant opens it from their trajectory page (their personal link's cookie, no account),
the mentor from theirs. Anyone else gets "not available", as for a booking that was cancelled: the
page says nothing about whose booking it is; the media socket checks the same again.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from realtime import onetoone
from realtime.events import Role
from server.kring import kring
from server.pages import for_room, message, page
from web.onetoone_view import slot_view


async def _call(request: Request, role: Role) -> Response:
    got = await for_room(request, role)
    if isinstance(got, Response):
        return got
    room, lang = got.room, got.lang
    bid = request.path_params["bid"]
    booking = room.state.part(onetoone.PART).call(bid)
    t = kring(request).translator.gettext(lang)
    if booking is None or (role is Role.PARTICIPANT and booking.pid != got.pid):
        return message(request, lang, t("This call is not available (any more)."), status=404)
    back = f"/{'m' if role is Role.MENTOR else 's'}/{room.code}/trajectory"
    with_whom = room.state.participants[booking.pid].name if role is Role.MENTOR \
        and booking.pid in room.state.participants else ""
    return page(request, "call.html", lang, heading=t("One-to-one call"), slot=slot_view(booking.slot, "mine", ""),
                media_path=f"/media/o/{room.code}/{bid}", with_whom=with_whom, back_url=back)


async def participant_call(request: Request) -> Response:
    return await _call(request, Role.PARTICIPANT)


async def mentor_call(request: Request) -> Response:
    return await _call(request, Role.MENTOR)


def routes() -> list[BaseRoute]:
    return [
        Route("/s/{code}/call/{bid}", participant_call, methods=["GET"]),
        Route("/m/{code}/call/{bid}", mentor_call, methods=["GET"]),
    ]
