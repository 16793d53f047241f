"""The session's pages and form posts: start a session, join it (by code, link or form), the
participant's pages, the mentor's console, the projector, ending the session, and the mentor's
JSON export. Every state change goes through the hub as a command."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from realtime import codes, trajectory
from realtime.errors import Rejected
from realtime.events import Actor, CreateSession, EndSession, Join, Role
from realtime.room import Room
from server import reach, security, summary_routes
from server.errors import http_status
from server.kring import Kring, kring
from server.pages import (
    WELCOME_COOKIE,
    TooManyWrongCodes,
    base_url,
    browser_lang,
    client_key,
    download,
    find_room,
    for_room,
    guarded_form,
    live_page,
    load_room,
    message,
    not_found,
    page,
    participant_of,
    projector_lang,
    set_cookie,
)
from web.i18n import Translator
from web.render import qr_svg
from web.viewer import Viewer


async def healthz(request: Request) -> JSONResponse:
    k = kring(request)
    ok = k.broker.healthy
    body: dict[str, object] = {"status": "ok" if ok else "degraded", "broker": ok}
    if k.media is not None and k.media.failed:  # this process should serve media and cannot
        ok = False
        body.update(status="degraded", media=False)
    return JSONResponse(body, status_code=200 if ok else 503)

async def start(request: Request) -> HTMLResponse:
    lang = browser_lang(request)
    return page(request, "start.html", lang, code="", code_error="", title="", create_error="")

def own_page(target: str) -> str:
    """`target` when it is a path on this site, else "/": the language switch must not redirect
    anywhere else (an open redirect). Not "//host" nor "/\\host" (browsers read a backslash as a
    slash), nor anything with a scheme, a host, or control characters and spaces."""
    if not target.startswith("/") or target.startswith("//") or len(target) > 2000:
        return "/"
    if "\\" in target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"

async def set_language(request: Request) -> Response:
    """The language switch: a person's own language (every page's switch), or with `projector`
    (a session code) the language of that session's projector only (projector.html)."""
    form = await guarded_form(request)
    lang = Translator.pick(form.get("lang"))
    response = RedirectResponse(own_page(form.get("next", "/")), status_code=303)
    projector = form.get("projector", "")
    if projector:
        if codes.normalize(projector) != projector:  # a cookie name is made of it: codes only
            return RedirectResponse("/", status_code=303)
        set_cookie(request, response, security.projector_lang_cookie(projector), lang)
    else:
        set_cookie(request, response, security.LANG_COOKIE, lang)
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
    set_cookie(request, response, security.mentor_cookie(room.code), key)
    # The mentor chose the session's language; show them their console in it too.
    set_cookie(request, response, security.LANG_COOKIE, room.state.language)
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
    # In a trajectory, the personal link is shown once first (server/trajectory_routes.welcome).
    after = f"/s/{room.code}/welcome" if room.state.part(trajectory.PART).planned else f"/s/{room.code}"
    response = RedirectResponse(after, status_code=303)
    set_cookie(request, response, security.participant_cookie(room.code), token)
    if room.state.part(trajectory.PART).planned:
        response.set_cookie(WELCOME_COOKIE, room.code, max_age=600, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https", path=f"/s/{room.code}/welcome")
    return response

async def participant_page(request: Request) -> Response:
    got = await for_room(request, Role.PARTICIPANT)
    if isinstance(got, Response):
        return got
    viewer = Viewer(Role.PARTICIPANT, got.lang, got.pid, base_url(request))
    return live_page(request, got.room, viewer, "participant.html")

async def participant_trajectory_page(request: Request) -> Response:
    """The participant's side of the whole trajectory: their intake, goals, topics, assignments."""
    got = await for_room(request, Role.PARTICIPANT)
    if isinstance(got, Response):
        return got
    viewer = Viewer(Role.PARTICIPANT, got.lang, got.pid, base_url(request), page="trajectory")
    return live_page(request, got.room, viewer, "participant_trajectory.html")

async def mentor_link(request: Request) -> Response:
    code, key = request.path_params["code"], request.path_params["key"]
    room = await load_room(request, code)
    lang = browser_lang(request, room.state.language if room else None)
    if room is None or not security.same_secret(security.hash_secret(key), room.state.mentor_key_hash):
        return not_found(request, lang)
    response = RedirectResponse(f"/m/{room.code}", status_code=303)
    set_cookie(request, response, security.mentor_cookie(room.code), key)
    return response

async def mentor_page(request: Request) -> Response:
    k = kring(request)
    got = await for_room(request, Role.MENTOR)
    if isinstance(got, Response):
        return got
    room, lang = got.room, got.lang
    t = k.translator.gettext(lang)
    key = request.cookies.get(security.mentor_cookie(room.code), "")
    base = base_url(request)
    mentor_url = f"{base}/m/{room.code}/k/{key}"
    return live_page(
        request, room, Viewer(Role.MENTOR, lang, base_url=base), "mentor.html",
        mentor_url=mentor_url,
        qr_mentor=qr_svg(mentor_url, t("QR code with the mentor link")),
        # Phones cannot open a join link to localhost: the console says why and what to do.
        phones_unreachable=reach.unreachable(base, k.settings.public_url, k.settings.host,
                                             reach.proxied(request.headers)),
    )

async def mentor_trajectory_page(request: Request) -> Response:
    """The mentor's side of the whole trajectory: plan, group profile, goals, evaluations."""
    got = await for_room(request, Role.MENTOR)
    if isinstance(got, Response):
        return got
    room, lang = got.room, got.lang
    viewer = Viewer(Role.MENTOR, lang, base_url=base_url(request), page="trajectory")
    return live_page(request, room, viewer, "mentor_trajectory.html",
                     retention_days=kring(request).settings.retention_days)

async def end_session(request: Request) -> Response:
    k = kring(request)
    got = await for_room(request, Role.MENTOR, post=True)
    if isinstance(got, Response):
        return got
    room, form = got.room, got.form
    if form.get("confirm") == "yes":
        await k.hub.execute(room.code, EndSession(), Actor(Role.MENTOR))
    return RedirectResponse(f"/m/{room.code}", status_code=303)

async def projector_page(request: Request) -> Response:
    code, token = request.path_params["code"], request.path_params["token"]
    room = await load_room(request, code)
    if room is None or not security.same_secret(token, room.state.join_token):
        return not_found(request, browser_lang(request, room.state.language if room else None))
    viewer = Viewer(Role.PROJECTOR, projector_lang(request, room), base_url=base_url(request))
    return live_page(request, room, viewer, "projector.html")


async def session_json(request: Request) -> Response:
    """The mentor's JSON export of the whole room (Core.export)."""
    got = await for_room(request, Role.MENTOR)
    if isinstance(got, Response):
        return got
    room = got.room
    body = orjson.dumps(kring(request).core.export(room.state), option=orjson.OPT_INDENT_2)
    return download(body, "application/json", f"kring-{room.code}.json")


def routes() -> list[BaseRoute]:
    return [
        Route("/sessions", create_session, methods=["POST"]),
        Route("/join", join_code, methods=["GET"]),
        Route("/j/{code}/{token}", join_link, methods=["GET"]),
        Route("/s/{code}/join", join_form, methods=["GET", "POST"]),
        Route("/s/{code}", participant_page, methods=["GET"]),
        Route("/s/{code}/trajectory", participant_trajectory_page, methods=["GET"]),
        Route("/m/{code}/k/{key}", mentor_link, methods=["GET"]),
        Route("/m/{code}", mentor_page, methods=["GET"]),
        Route("/m/{code}/trajectory", mentor_trajectory_page, methods=["GET"]),
        Route("/m/{code}/end", end_session, methods=["POST"]),
        Route("/m/{code}/export.json", session_json, methods=["GET"]),
        Route("/p/{code}/{token}", projector_page, methods=["GET"]),
        # The session's summary beside its JSON export: every room has one, planned or not.
        *summary_routes.routes(),
    ]
