"""HTML pages and form posts. Every state change goes through the hub as a command."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from realtime import codes
from realtime.errors import BackendUnavailable, Rejected, RoomNotFound
from realtime.events import Actor, CreateSession, EndSession, Join, Role
from realtime.room import Room
from server import security
from server.errors import http_status
from server.forms import FormTooLarge, FormTooManyFields, read_form
from server.kring import Kring, kring
from web.i18n import Translator
from web.render import qr_svg
from web.viewer import Viewer

COOKIE_MAX_AGE = 60 * 60 * 24 * 180  # half a year: a trajectory's length and some
# Set by joining a planned trajectory, spent by the page that shows the personal link once.
WELCOME_COOKIE = "kring_welcome"


# ------------------------------------------------------------------ helpers


def client_key(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else "unknown"


class TooManyWrongCodes(Exception):
    """This client guessed too many codes that do not exist; it must wait (HTTP 429)."""


async def find_room(conn: HTTPConnection, code: str) -> Room | None:
    """The room for a code in a URL, or None. Every way in by code (pages, links, API, sockets)
    goes through here, so that misses are rate-limited per client everywhere alike: otherwise
    any of them would be an unthrottled oracle for guessing codes."""
    k = kring(conn)
    who = client_key(conn)
    if not k.join_limiter.peek(who):
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
    return room


def base_url(conn: HTTPConnection) -> str:
    public = kring(conn).settings.public_url
    if public:
        return public
    # A websocket's own URL is ws(s)://; links shown to people are http(s)://.
    scheme = {"ws": "http", "wss": "https"}.get(conn.url.scheme, conn.url.scheme)
    return f"{scheme}://{conn.url.netloc}"


def browser_lang(request: HTTPConnection, session_lang: str | None = None) -> str:
    """Language: the browser's own choice first, then the session's, then Accept-Language."""
    accept = request.headers.get("accept-language", "")[:200].lower()
    guess = "nl" if accept.startswith("nl") else None
    return Translator.pick(request.cookies.get(security.LANG_COOKIE), session_lang, guess)


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
        _set_cookie(request, response, security.CSRF_COOKIE, cookie)
    response.headers["cache-control"] = "no-store"
    return response


def message(
    request: Request, lang: str, heading: str, text: str = "", status: int = 200, **extra: Any
) -> HTMLResponse:
    return page(request, "message.html", lang, status, heading=heading, text=text, **extra)


def _set_cookie(request: Request, response: Response, name: str, value: str) -> None:
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


# ------------------------------------------------------------------ pages


async def healthz(request: Request) -> JSONResponse:
    k = kring(request)
    ok = k.broker.healthy
    return JSONResponse({"status": "ok" if ok else "degraded", "broker": ok}, status_code=200 if ok else 503)


async def start(request: Request) -> HTMLResponse:
    lang = browser_lang(request)
    return page(request, "start.html", lang, code="", code_error="", title="", create_error="")


async def set_language(request: Request) -> Response:
    form = await guarded_form(request)
    lang = Translator.pick(form.get("lang"))
    target = form.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"  # only our own pages: no open redirect
    response = RedirectResponse(target, status_code=303)
    _set_cookie(request, response, security.LANG_COOKIE, lang)
    return response


async def create_session(request: Request) -> Response:
    k = kring(request)
    form = await guarded_form(request)
    lang = browser_lang(request)
    t = k.translator.gettext(lang)
    if not k.create_limiter.allow(client_key(request)):
        return page(request, "start.html", lang, 429, code="", code_error="", title=form.get("title", "")[:120],
                    create_error=t("Too many new sessions from here. Please wait a minute."))
    try:
        room, key = await new_session(k, form.get("title", ""), form.get("language", ""))
    except Rejected as exc:
        return page(request, "start.html", lang, 400, code="", code_error="", title=form.get("title", "")[:120],
                    create_error=k.translator.reason(lang, exc.code, exc.params))
    response = RedirectResponse(f"/m/{room.code}", status_code=303)
    _set_cookie(request, response, security.mentor_cookie(room.code), key)
    # The mentor chose the session's language; show them their console in it too.
    _set_cookie(request, response, security.LANG_COOKIE, room.state.language)
    return response


async def new_session(k: Kring, title: object, language: object) -> tuple[Room, str]:
    """Create a session; returns the room and the mentor key (only ever known to the creator)."""
    key = security.new_secret()
    for _ in range(5):  # a clash of random codes is astronomically rare; retry anyway
        command = CreateSession(
            title=title if isinstance(title, str) else "",
            language=language if isinstance(language, str) else "",
            code=security.new_code(),
            join_token=security.new_secret(),
            mentor_key_hash=security.hash_secret(key),
        )
        try:
            return await k.hub.create(command), key
        except Rejected as exc:
            if exc.code != "session_exists":
                raise
    raise Rejected("session_exists")


async def join_code(request: Request) -> Response:
    """The typed code: rate-limited, since a code is all one needs to join."""
    k = kring(request)
    lang = browser_lang(request)
    t = k.translator.gettext(lang)
    typed = request.query_params.get("code", "")[:40]
    if not typed:
        return page(request, "start.html", lang, code="", code_error="", title="", create_error="")
    try:
        room = await find_room(request, codes.normalize(typed) or typed)
    except TooManyWrongCodes:
        return page(request, "start.html", lang, 429, code=typed, title="", create_error="",
                    code_error=t("Too many wrong codes. Please wait a minute and try again."))
    if room is None:
        return page(request, "start.html", lang, 404, code=typed, title="", create_error="",
                    code_error=t("There is no session with this code. Check it and try again."))
    return RedirectResponse(f"/s/{room.code}/join", status_code=303)


async def join_link(request: Request) -> Response:
    code, token = request.path_params["code"], request.path_params["token"]
    room = await load_room(request, code)
    lang = browser_lang(request, room.state.language if room else None)
    if room is None or not security.same_secret(token, room.state.join_token):
        return not_found(request, lang)
    return RedirectResponse(f"/s/{room.code}/join", status_code=303)


async def join_form(request: Request) -> Response:
    k = kring(request)
    code = request.path_params["code"]
    room = await load_room(request, code)
    lang = browser_lang(request, room.state.language if room else None)
    if room is None:
        return not_found(request, lang)
    t = k.translator.gettext(lang)
    if participant_of(request, room):
        return RedirectResponse(f"/s/{room.code}", status_code=303)
    if room.state.ended:
        return message(request, lang, t("This session has ended"),
                       t("You can no longer join it. Thank you for being there!"), status=410)
    context: dict[str, Any] = {
        "code": room.code, "title": room.state.title, "name": "", "location": "room", "error": "",
    }
    if request.method == "GET":
        return page(request, "join.html", lang, **context)
    form = await guarded_form(request)
    context.update(name=form.get("name", "")[:200], location=form.get("location", "room")[:20])
    token = security.new_secret()
    pid = security.new_id()
    command = Join(pid=pid, name=form.get("name", ""), location=form.get("location", ""),
                   token_hash=security.hash_secret(token))
    try:
        await k.hub.execute(room.code, command, Actor(Role.PARTICIPANT, pid))
    except Rejected as exc:
        context["error"] = k.translator.reason(lang, exc.code, exc.params)
        return page(request, "join.html", lang, http_status(exc), **context)
    # In a trajectory, the personal link is shown once first (server/trajectory_exports.welcome).
    after = f"/s/{room.code}/welcome" if room.state.trajectory.planned else f"/s/{room.code}"
    response = RedirectResponse(after, status_code=303)
    _set_cookie(request, response, security.participant_cookie(room.code), token)
    if room.state.trajectory.planned:
        response.set_cookie(WELCOME_COOKIE, room.code, max_age=600, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https", path=f"/s/{room.code}/welcome")
    return response


def live_page(request: Request, room: Room, viewer: Viewer, template: str, **extra: Any) -> HTMLResponse:
    k = kring(request)
    cookie, token, fresh = _csrf(request)
    context = k.renderer.context(room, viewer, csrf=token, next_url=request.url.path, **extra)
    response = HTMLResponse(k.renderer.page(template, context))
    if fresh:
        _set_cookie(request, response, security.CSRF_COOKIE, cookie)
    response.headers["cache-control"] = "no-store"
    return response


async def participant_page(request: Request) -> Response:
    room = await load_room(request, request.path_params["code"])
    lang = browser_lang(request, room.state.language if room else None)
    if room is None:
        return not_found(request, lang)
    pid = participant_of(request, room)
    if pid is None:
        return RedirectResponse(f"/s/{room.code}/join", status_code=303)
    return live_page(request, room, Viewer(Role.PARTICIPANT, lang, pid, base_url(request)), "participant.html")


async def participant_trajectory_page(request: Request) -> Response:
    """The participant's side of the whole trajectory: their intake, goals, topics, assignments."""
    room = await load_room(request, request.path_params["code"])
    lang = browser_lang(request, room.state.language if room else None)
    if room is None:
        return not_found(request, lang)
    pid = participant_of(request, room)
    if pid is None:
        return RedirectResponse(f"/s/{room.code}/join", status_code=303)
    viewer = Viewer(Role.PARTICIPANT, lang, pid, base_url(request), page="trajectory")
    return live_page(request, room, viewer, "participant_trajectory.html")


async def mentor_link(request: Request) -> Response:
    code, key = request.path_params["code"], request.path_params["key"]
    room = await load_room(request, code)
    lang = browser_lang(request, room.state.language if room else None)
    if room is None or not security.same_secret(security.hash_secret(key), room.state.mentor_key_hash):
        return not_found(request, lang)
    response = RedirectResponse(f"/m/{room.code}", status_code=303)
    _set_cookie(request, response, security.mentor_cookie(room.code), key)
    return response


def forbidden_mentor(request: Request, lang: str) -> HTMLResponse:
    t = kring(request).translator.gettext(lang)
    return message(request, lang, t("This page is for the mentor"),
                   t("Open the mentor link on this device to get the console here."), status=403)


@dataclass(frozen=True, slots=True)
class ForMentor:
    """A request that passed a mentor-only route's checks: the room, the page's language, and the
    posted form (empty for a GET)."""

    room: Room
    lang: str
    form: dict[str, str]


async def for_mentor(request: Request, *, post: bool = False) -> ForMentor | Response:
    """The room of a mentor-only route, or the page to answer instead (no such session, or not the
    mentor). With `post` the form is read and its token checked first, as for any form post."""
    room = await load_room(request, request.path_params["code"])
    lang = browser_lang(request, room.state.language if room else None)
    if room is None:
        return not_found(request, lang)
    form = await guarded_form(request) if post else {}
    if not mentor_ok(request, room):
        return forbidden_mentor(request, lang)
    return ForMentor(room, lang, form)


async def mentor_page(request: Request) -> Response:
    k = kring(request)
    got = await for_mentor(request)
    if isinstance(got, Response):
        return got
    room, lang = got.room, got.lang
    t = k.translator.gettext(lang)
    key = request.cookies.get(security.mentor_cookie(room.code), "")
    mentor_url = f"{base_url(request)}/m/{room.code}/k/{key}"
    return live_page(
        request, room, Viewer(Role.MENTOR, lang, base_url=base_url(request)), "mentor.html",
        mentor_url=mentor_url,
        qr_mentor=qr_svg(mentor_url, t("QR code with the mentor link")),
    )


async def mentor_trajectory_page(request: Request) -> Response:
    """The mentor's side of the whole trajectory: plan, group profile, goals, evaluations."""
    got = await for_mentor(request)
    if isinstance(got, Response):
        return got
    room, lang = got.room, got.lang
    viewer = Viewer(Role.MENTOR, lang, base_url=base_url(request), page="trajectory")
    return live_page(request, room, viewer, "mentor_trajectory.html",
                     retention_days=kring(request).settings.retention_days)


async def end_session(request: Request) -> Response:
    k = kring(request)
    got = await for_mentor(request, post=True)
    if isinstance(got, Response):
        return got
    room, form = got.room, got.form
    if form.get("confirm") == "yes":
        await k.hub.execute(room.code, EndSession(), Actor(Role.MENTOR))
    return RedirectResponse(f"/m/{room.code}", status_code=303)


async def projector_page(request: Request) -> Response:
    code, token = request.path_params["code"], request.path_params["token"]
    room = await load_room(request, code)
    lang = browser_lang(request, room.state.language if room else None)
    if room is None or not security.same_secret(token, room.state.join_token):
        return not_found(request, lang)
    return live_page(request, room, Viewer(Role.PROJECTOR, lang, base_url=base_url(request)), "projector.html")


# ------------------------------------------------------------------ errors


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
        if isinstance(exc, BackendUnavailable):
            headings[503] = t("Kring cannot save anything right now. Nothing was lost; please try again in a moment.")
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
