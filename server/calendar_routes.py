"""The calendar feeds over HTTP: `GET /cal/{code}/{key}.ics` for calendar apps (no cookie: the
key in the address is the only way in, realtime/calendar.py), and the participant's form post that
makes their own feed's address and shows it.

A wrong key counts against the client's wrong-code limit, like a wrong personal link, so the
feed address is no oracle for guessing. The group's feed address is shown to the mentor only
(web/practical_view.py): it is made from the join token, which participants are not shown.
"""

from __future__ import annotations

import datetime
import hmac

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from realtime import calendar
from realtime.events import Actor, Role
from server import security
from server.kring import kring
from server.pages import base_url, browser_lang, client_key, for_room, load_room, message, page
from web.calendar_feed import feed

KEY_CHARS = 32


async def calendar_feed(request: Request) -> Response:
    k = kring(request)
    code, key = request.path_params["code"], request.path_params["key"]
    room = await load_room(request, code)
    lang = browser_lang(request, room.state.language if room else None)
    known = False
    owner = ""  # whose own feed it is: "" for the group's
    if room is not None and len(key) == KEY_CHARS:
        state = room.state
        if hmac.compare_digest(key, calendar.feed_key(state.join_token)):
            known = True
        else:
            owner = state.part(calendar.PART).owner(calendar.key_hash(key))
            known = bool(owner) and owner in state.participants
    if room is None or not known:
        k.join_limiter.allow(client_key(request))
        t = k.translator.gettext(lang)
        return message(request, lang, t("This calendar link does not work (any more)"), status=404)
    # A feed speaks the trajectory's language (a calendar app sends no useful Accept-Language).
    t = k.translator.gettext(room.state.language)
    # The clock is read here, in the shell: DTSTAMP is when the feed was made.
    body = feed(room.state, datetime.datetime.now(datetime.UTC), t, owner, base_url(request))
    return Response(body, media_type="text/calendar; charset=utf-8", headers={
        "content-disposition": f'inline; filename="kring-{room.code}.ics"',
        "cache-control": "no-store",
    })


async def my_calendar(request: Request) -> Response:
    """A participant's own feed address: made from their personal-link token (which only their
    browser holds), its hash stored so that the feed opens; shown on a page to copy."""
    k = kring(request)
    got = await for_room(request, Role.PARTICIPANT, post=True)
    if isinstance(got, Response):
        return got
    room, lang, pid = got.room, got.lang, got.pid
    token = request.cookies.get(security.participant_cookie(room.code), "")
    key = calendar.feed_key(token)
    await k.hub.execute(room.code, calendar.SetCalendarKey(calendar.key_hash(key)), Actor(Role.PARTICIPANT, pid))
    url = f"{base_url(request)}/cal/{room.code}/{key}.ics"
    t = k.translator.gettext(lang)
    return page(request, "calendar_link.html", lang, heading=t("Your calendar"), feed_url=url,
                webcal_url="webcal://" + url.split("://", 1)[1], back_url=f"/s/{room.code}/trajectory")


def routes() -> list[BaseRoute]:
    return [
        Route("/cal/{code}/{key}.ics", calendar_feed, methods=["GET"]),
        Route("/s/{code}/calendar", my_calendar, methods=["POST"]),
    ]
