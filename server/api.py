"""The JSON API under /api/v1: create a session, read its whole state with the mentor secret."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from realtime.errors import BackendUnavailable, Rejected
from server import security
from server.forms import FORM_MAX_BYTES
from server.kring import kring
from server.pages import TooManyWrongCodes, base_url, browser_lang, client_key, find_room
from server.session_routes import new_session
from web.i18n import Translator


def error(request: Request, status: int, code: str, lang: str | None = None, **params: Any) -> JSONResponse:
    lang = lang or browser_lang(request)
    return JSONResponse(
        {"error": code, "message": kring(request).translator.reason(lang, code, params)},
        status_code=status,
    )


async def _json_body(request: Request) -> Any:
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > FORM_MAX_BYTES:
            raise ValueError("too large")
    return orjson.loads(bytes(body))


async def create(request: Request) -> Response:
    k = kring(request)
    if not k.create_limiter.allow(client_key(request)):
        return error(request, 429, "rate_limited")
    try:
        data = await _json_body(request)
    except ValueError:
        return error(request, 400, "bad_message")
    if not isinstance(data, dict):
        return error(request, 400, "bad_message")
    lang = Translator.pick(data.get("language") if isinstance(data.get("language"), str) else None,
                           browser_lang(request))
    try:
        room, key = await new_session(k, data.get("title"), data.get("language"))
    except Rejected as exc:
        return error(request, 400, exc.code, lang, **exc.params)
    except BackendUnavailable:
        return error(request, 503, "unavailable", lang)
    base = base_url(request)
    state = room.state
    return JSONResponse(
        {
            "code": state.code,
            "code_display": f"{state.code[:4]}-{state.code[4:]}",
            "title": state.title,
            "language": state.language,
            "mentor_secret": key,
            "links": {
                "join": f"{base}/j/{state.code}/{state.join_token}",
                "mentor": f"{base}/m/{state.code}/k/{key}",
                "projector": f"{base}/p/{state.code}/{state.join_token}",
            },
        },
        status_code=201,
    )


async def read(request: Request) -> Response:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return JSONResponse({"error": "unauthorized", "message": "Authorization: Bearer <mentor secret> required"},
                            status_code=401, headers={"www-authenticate": "Bearer"})
    code = request.path_params["code"]
    forbidden = JSONResponse({"error": "forbidden", "message": "Wrong mentor secret for this code."},
                             status_code=403)
    # An unknown code and a wrong secret answer the same, so the API tells nothing about codes.
    try:
        room = await find_room(request, code)
    except TooManyWrongCodes:
        return error(request, 429, "rate_limited")
    except BackendUnavailable:
        return error(request, 503, "unavailable")
    if room is None or not security.same_secret(security.hash_secret(secret.strip()), room.state.mentor_key_hash):
        return forbidden
    return Response(orjson.dumps(kring(request).core.export(room.state)), media_type="application/json",
                    headers={"cache-control": "no-store"})


def routes() -> list[Route]:
    return [
        Route("/sessions", create, methods=["POST"]),
        Route("/sessions/{code}", read, methods=["GET"]),
    ]
