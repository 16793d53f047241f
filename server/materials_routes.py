"""The materials' HTTP side: the mentor uploads a file (a multipart post, streamed to disk and
stopped at the size limit), removes a material (a post: the file's bytes go with it), and members
of the trajectory download a file.

A download is for the trajectory's members only (the mentor's cookie or a participant's of this
room, which the personal link sets); anyone else gets the very 404 an unknown file gets, so a
file's address tells an outsider nothing. It is served as an attachment (RFC 6266 `filename*`),
with nosniff and a sandboxing CSP, as the allowed type found from its content (server/filetypes.py).

The disk is touched in a worker thread (`to_thread`): the files directory may be a network share
(docs/deployment.md), and a slow write must not hold up every live page of this process.
"""

from __future__ import annotations

import secrets
import unicodedata
from asyncio import to_thread
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from realtime import materials
from realtime.errors import Rejected
from realtime.events import Actor, Role
from server import security
from server.files import FileStore, TooLarge, Upload
from server.kring import Kring, kring
from server.multipart import Field, FileData, FileEnd, FileStart, MultipartError, MultipartReader, boundary_of
from server.pages import browser_lang, for_room, forbidden_mentor, load_room, mentor_ok, message, participant_of
from server.settings import MB

# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD = 64 * 1024


def _store(k: Kring) -> FileStore:
    return FileStore(k.settings.files_root)


def _back(code: str) -> str:
    return f"/m/{code}/trajectory#materials"


def _refuse(request: Request, lang: str, code: str, text: str, status: int) -> Response:
    t = kring(request).translator.gettext(lang)
    return message(request, lang, t("The file was not added"), text, status=status,
                   back_url=_back(code), back_label=t("Back"))


async def upload(request: Request) -> Response:
    k = kring(request)
    room = await load_room(request, request.path_params["code"])
    lang = browser_lang(request, room.state.language if room else None)
    if room is None:
        return _not_found()
    # Everything that needs no byte of the body first: the origin, the role, the declared size.
    if not security.origin_ok(request, k.settings.public_url, k.settings.allowed_origins):
        return PlainTextResponse("cross-origin", status_code=403)
    if not mentor_ok(request, room):
        return forbidden_mentor(request, lang)
    t = k.translator.gettext(lang)
    decimal = k.translator.language(lang).formats.decimal

    def mb(size: int) -> str:  # "20", or "0,5" in Dutch
        return decimal(size / MB, 0 if size % MB == 0 else 1)

    part = room.state.part(materials.PART)
    room_left = k.settings.files_total_bytes - part.total_bytes
    limit = min(k.settings.file_max_bytes, room_left)
    too_large = (t("A file can be at most {max} MB.", max=mb(k.settings.file_max_bytes))
                 if limit == k.settings.file_max_bytes else
                 t("This trajectory has no room for this file: at most {max} MB of files in all.",
                   max=mb(k.settings.files_total_bytes)))
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit + FORM_OVERHEAD):
        return _unread(_refuse(request, lang, room.code, too_large, 413))
    boundary = boundary_of(request.headers.get("content-type", ""))
    if boundary is None:
        return _refuse(request, lang, room.code, t("Choose a file to add."), 400)
    got = await _receive(request, k, room.code, boundary, limit)
    if isinstance(got, str):
        texts = {"too_large": (too_large, 413), "token": (t("Please go back, reload the page and try again."), 403),
                 "form": (t("Choose a file to add."), 400)}
        text, status = texts[got]
        return _unread(_refuse(request, lang, room.code, text, status))
    fields, sink, filename = got
    kind = await to_thread(sink.kind, filename)
    if kind is None:
        sink.discard()
        return _refuse(request, lang, room.code, t(
            "Only PDF, PNG, JPEG, Word, PowerPoint, Excel, OpenDocument, text and Markdown files can be added, "
            "and the file's content must match its name."), 415)
    await to_thread(sink.keep)
    command = materials.AddFile(mid=security.new_id(), session=fields.get("session", ""),
                                title=fields.get("title", ""), file_id=sink.final.name, filename=filename,
                                kind=kind, size=sink.size, budget=k.settings.files_total_bytes)
    try:
        await k.hub.execute(room.code, command, Actor(Role.MENTOR))
    except Rejected as refused:
        sink.discard()
        return _refuse(request, lang, room.code, k.translator.reason(lang, refused.code, refused.params), 400)
    except BaseException:
        sink.discard()
        raise
    return RedirectResponse(_back(room.code), status_code=303)


def _unread(response: Response) -> Response:
    # The rest of the body is not read: closing the connection after the answer tells the client
    # to stop sending (uvicorn would otherwise take in the rest to keep the connection alive).
    response.headers["connection"] = "close"
    return response


async def _receive(request: Request, k: Kring, code: str, boundary: bytes,
                   limit: int) -> tuple[dict[str, str], Upload, str] | str:
    """Read the form, writing its file to disk as it comes: the fields, the upload and the file's
    name, or why not ("too_large", "token", "form"); a refused upload is deleted before this returns."""
    try:
        reader = MultipartReader(boundary)
    except MultipartError:
        return "form"
    fields: dict[str, str] = {}
    sink: Upload | None = None
    filename = ""
    try:
        read = 0
        async for chunk in request.stream():
            read += len(chunk)
            if read > limit + FORM_OVERHEAD:
                return "too_large"
            for piece in reader.feed(chunk):
                if isinstance(piece, Field):
                    fields.setdefault(piece.name, piece.value)
                elif isinstance(piece, FileStart):
                    # The form token comes before the file (the form's order): nothing is kept
                    # from a post that is not the mentor's own form.
                    if not k.tokens.valid(request.cookies.get(security.CSRF_COOKIE), fields.get("csrf")):
                        return "token"
                    if sink is not None or piece.name != "file":
                        return "form"
                    filename = _clean_name(piece.filename)
                    sink = await to_thread(_store(k).upload, code, secrets.token_hex(16), limit)
                elif isinstance(piece, FileData) and sink is not None:
                    await to_thread(sink.write, piece.data)
                elif isinstance(piece, FileEnd) and sink is not None:
                    sink.close()
            if reader.ended:
                break
        reader.finish()
    except TooLarge:
        return "too_large"
    except MultipartError:
        return "form"
    finally:
        if sink is not None and not reader.ended:
            sink.discard()
    if sink is None or not filename:
        if sink is not None:
            sink.discard()
        return "form"
    return fields, sink, filename


def _clean_name(raw: str) -> str:
    """The name to show and to download the file as: its last path part, without control
    characters, at most materials.FILENAME_MAX characters (keeping the extension)."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > materials.FILENAME_MAX:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:10]
        name = stem[: materials.FILENAME_MAX - len(ext) - 1] + dot + ext if dot else name[: materials.FILENAME_MAX]
    return name


async def remove(request: Request) -> Response:
    k = kring(request)
    got = await for_room(request, Role.MENTOR, post=True)
    if isinstance(got, Response):
        return got
    room = got.room
    item = room.state.part(materials.PART).get(request.path_params["mid"])
    if item is not None:
        try:
            await k.hub.execute(room.code, materials.RemoveMaterial(item.mid), Actor(Role.MENTOR))
        except Rejected:  # removed meanwhile (another tab): nothing left to do but the file
            pass
        if item.is_file:
            await to_thread(_store(k).delete, room.code, item.file_id)
    return RedirectResponse(_back(room.code), status_code=303)


def _not_found() -> Response:
    # The same for an unknown room, an unknown file and someone who is not a member.
    return PlainTextResponse("Not found", status_code=404, headers={"cache-control": "no-store"})


async def download(request: Request) -> Response:
    k = kring(request)
    room = await load_room(request, request.path_params["code"])
    if room is None or not (mentor_ok(request, room) or participant_of(request, room)):
        return _not_found()
    item = room.state.part(materials.PART).get(request.path_params["mid"])
    path = _store(k).path(room.code, item.file_id) if item is not None and item.is_file else None
    if item is None or path is None:
        return _not_found()
    return FileResponse(path, media_type=materials.KINDS[item.kind], headers={
        "content-disposition": attachment(item.filename),
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
        # Should a browser ever show it inline after all: no script, no plugins, no same origin.
        "content-security-policy": "default-src 'none'; sandbox",
    })


def attachment(filename: str) -> str:
    """Content-Disposition for a download: an ASCII fallback name and the real one as RFC 6266
    `filename*` (percent-encoded UTF-8, so no quote or line break of a name reaches the header)."""
    folded = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    plain = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in folded).strip("-") or "file"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def routes() -> list[BaseRoute]:
    return [
        Route("/m/{code}/materials/file", upload, methods=["POST"]),
        Route("/m/{code}/materials/{mid}/remove", remove, methods=["POST"]),
        Route("/s/{code}/materials/{mid}", download, methods=["GET"]),
    ]
