"""What every page and form post of Kring shares: finding the room of a URL (rate-limited), the
viewer's language, cookies, the form checks, role checks, rendering a page, and downloads.

`for_room` is the one preamble of a handler that works on a room: load the room of the URL's code,
pick the language, answer 404 when there is no such room, read and check the posted form, and check
the role the route is for. A handler gets a `RoomRequest`, or the response to send instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from realtime import codes
from realtime.errors import BackendUnavailable, RoomNotFound
from realtime.events import Role
from realtime.room import Room
from server import reach, security
from server.errors import http_status
from server.forms import FormTooLarge, FormTooManyFields, read_form
from server.kring import kring
from web.exports.filename import content_disposition
from web.i18n import Translator, best_accepted
from web.viewer import Viewer

COOKIE_MAX_AGE = 60 * 60 * 24 * 180  # half a year: a trajectory's length and some
# Set by joining a planned trajectory, spent by the page that shows the personal link once.
WELCOME_COOKIE = "kring_welcome"


def client_key(conn: HTTPConnection) -> str:
    """The client's address as the budgets count it (an IPv6 /64 as one, security.address_key)."""
    return security.address_key(conn.client.host) if conn.client else "unknown"


class TooManyWrongCodes(Exception):
    """This client guessed too many codes that do not exist; it must wait (HTTP 429)."""


async def find_room(conn: HTTPConnection, code: str) -> Room | None:
    """The room for a code in a URL, or None. Every way in by code (pages, links, API, sockets)
    goes through here, so that misses are rate-limited per client everywhere alike: otherwise
    any of them would be an unthrottled oracle for guessing codes. Misses are also budgeted for
    the whole process (server/budgets.py CodeLookups): addresses by the thousand (an IPv6 /64
    counts as one already) then wait their turn, valid codes included."""
    k = kring(conn)
    who = client_key(conn)
    if not k.join_limiter.peek(who):
        raise TooManyWrongCodes()
    go_on, paid = await k.lookups.enter()
    if not go_on:
        raise TooManyWrongCodes()
    normalized = codes.normalize(code)
    room = None
    if normalized is not None and normalized == code:
        try:
            room = await k.hub.room(code)
        except RoomNotFound:
            room = None
    if room is None:
        k.join_limiter.allow(who)
        k.lookups.missed(paid)
    return room


def base_url(conn: HTTPConnection) -> str:
    """The start of the links and QR codes shown to people: KRING_PUBLIC_URL, or the address the
    browser used (its Host header). A browser on Kring's own machine that used a loopback name
    (localhost, 127.0.0.1) gets the machine's LAN address instead when Kring listens on it, so that
    the join link and QR code work on the phones in the room (issue 15, server/reach.py); not
    through a reverse proxy, whose job it is to pass the public Host on."""
    k = kring(conn)
    public = k.settings.public_url
    if public:
        return public
    # A websocket's own URL is ws(s)://; links shown to people are http(s)://.
    scheme = {"ws": "http", "wss": "https"}.get(conn.url.scheme, conn.url.scheme)
    if reach.is_local_only(conn.url.hostname or "") and not reach.proxied(conn.headers):
        lan = k.phones.host()
        if lan is not None:
            return reach.origin(scheme, lan, conn.url.port)
    return f"{scheme}://{conn.url.netloc}"

def browser_lang(request: HTTPConnection, session_lang: str | None = None) -> str:
    """A person's language: their own choice (the language switch's cookie), else the best match
    of what their browser asks for (Accept-Language), else the session's, else English."""
    accept = best_accepted(request.headers.get("accept-language", ""))
    return Translator.pick(request.cookies.get(security.LANG_COOKIE), accept, session_lang)

def projector_lang(conn: HTTPConnection, room: Room) -> str:
    """The projector's language: the one chosen on this session's projector, else the session's.
    A shared screen: neither the browser's languages nor the person's own choice (the projector
    is often a tab of the mentor's browser) count."""
    return Translator.pick(conn.cookies.get(security.projector_lang_cookie(room.code)), room.state.language)

def _csrf(request: Request) -> tuple[str, str, bool]:
    cookie = request.cookies.get(security.CSRF_COOKIE, "")
    fresh = not cookie or len(cookie) > 100
    if fresh:
        cookie = security.new_secret()
    return cookie, kring(request).tokens.for_cookie(cookie), fresh

def page(
    request: Request, template: str, lang: str, status: int = 200, **context: Any
) -> HTMLResponse:
    k = kring(request)
    cookie, token, fresh = _csrf(request)
    html = k.renderer.simple(template, lang, csrf=token, next_url=request.url.path, **context)
    response = HTMLResponse(html, status_code=status)
    if fresh:
        set_cookie(request, response, security.CSRF_COOKIE, cookie)
    response.headers["cache-control"] = "no-store"
    return response

def message(
    request: Request, lang: str, heading: str, text: str = "", status: int = 200, **extra: Any
) -> HTMLResponse:
    return page(request, "message.html", lang, status, heading=heading, text=text, **extra)

def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )

async def guarded_form(request: Request) -> dict[str, str]:
    """The posted form, after the same-origin and form-token checks (against cross-site posts)."""
    k = kring(request)
    if not security.origin_ok(request, k.settings.public_url, k.settings.allowed_origins):
        raise HTTPException(403, "cross-origin")
    try:
        form = await read_form(request)
    except FormTooLarge:
        raise HTTPException(413, "too large") from None
    if not k.tokens.valid(request.cookies.get(security.CSRF_COOKIE), form.get("csrf")):
        raise HTTPException(403, "form token")
    return form

async def load_room(request: Request, code: str) -> Room | None:
    return await find_room(request, code)

def mentor_ok(request: Request, room: Room) -> bool:
    key = request.cookies.get(security.mentor_cookie(room.code), "")
    return bool(key) and security.same_secret(security.hash_secret(key), room.state.mentor_key_hash)

def participant_of(request: Request, room: Room) -> str | None:
    token = request.cookies.get(security.participant_cookie(room.code), "")
    if not token or len(token) > 100:
        return None
    found = room.state.participant_by_token_hash(security.hash_secret(token))
    return found.pid if found else None

def not_found(request: Request, lang: str) -> HTMLResponse:
    t = kring(request).translator.gettext(lang)
    return message(
        request, lang, t("Session not found"), t("Check the code and try again."), status=404
    )

def forbidden_mentor(request: Request, lang: str) -> HTMLResponse:
    t = kring(request).translator.gettext(lang)
    return message(request, lang, t("This page is for the mentor"),
                   t("Open the mentor link on this device to get the console here."), status=403)

@dataclass(frozen=True, slots=True)
class RoomRequest:
    """A request that passed its route's checks: the room, the page's language, the posted form
    (empty for a GET), and the participant it comes from (for participant routes)."""

    room: Room
    lang: str
    form: dict[str, str]
    pid: str = ""


async def for_room(request: Request, role: Role | None = None, *, post: bool = False) -> RoomRequest | Response:
    """The room of the route's {code}, or the page to answer instead: no such session (404), not
    the mentor (403), not a participant (to the join form). With `post` the form is read and its
    origin and token checked first, as for any form post. Only who passes learns more: a route
    answers about what is in a room (a wall, a poll) after this."""
    room = await load_room(request, request.path_params["code"])
    lang = browser_lang(request, room.state.language if room else None)
    if room is None:
        return not_found(request, lang)
    form = await guarded_form(request) if post else {}
    if role is Role.MENTOR and not mentor_ok(request, room):
        return forbidden_mentor(request, lang)
    pid = ""
    if role is Role.PARTICIPANT:
        pid = participant_of(request, room) or ""
        if not pid:
            return RedirectResponse(f"/s/{room.code}/join", status_code=303)
    return RoomRequest(room, lang, form, pid)


def download(body: bytes | str, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "content-disposition": content_disposition(filename),
        "cache-control": "no-store",
    })


def gone(request: Request, lang: str, code: str, heading: str) -> HTMLResponse:
    """404 for something the (existing) session does not have (a wall, a poll): says so, rather
    than "Session not found", with the way back to the console."""
    t = kring(request).translator.gettext(lang)
    return message(request, lang, heading, status=404, back_url=f"/m/{code}", back_label=t("Mentor console"))


def live_page(request: Request, room: Room, viewer: Viewer, template: str, **extra: Any) -> HTMLResponse:
    k = kring(request)
    cookie, token, fresh = _csrf(request)
    context = k.renderer.context(room, viewer, csrf=token, next_url=request.url.path, **extra)
    response = HTMLResponse(k.renderer.page(template, context))
    if fresh:
        set_cookie(request, response, security.CSRF_COOKIE, cookie)
    response.headers["cache-control"] = "no-store"
    return response

def exception_handlers() -> Mapping[Any, Any]:
    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else http_status(exc)
        lang = browser_lang(request)
        t = kring(request).translator.gettext(lang)
        headings = {
            403: t("This request was refused"),
            404: t("Page not found"),
            405: t("This request was refused"),
            413: t("That message is too large."),
        }
        texts = {
            403: t("Please go back, reload the page and try again."),
        }
        if isinstance(exc, BackendUnavailable):  # the store is away, or a command failed or timed out
            headings[503] = kring(request).translator.reason(lang, exc.reason, {})
        if isinstance(exc, FormTooManyFields):  # parse_qs's limit (server/forms.py): not a form of ours
            status = 400
            headings[400] = t("That form has too many fields.")
            texts[400] = t("Please go back, reload the page and try again.")
        if isinstance(exc, TooManyWrongCodes):
            status = 429
            headings[429] = t("Too many wrong codes. Please wait a minute and try again.")
        return message(request, lang, headings.get(status, t("Something went wrong")),
                       texts.get(status, ""), status=status)

    return {HTTPException: http_error, TooManyWrongCodes: http_error, BackendUnavailable: http_error,
            FormTooManyFields: http_error, 404: http_error, 405: http_error}
