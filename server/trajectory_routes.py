"""The trajectory's form posts and downloads: personal links, deleting data, deleting the whole
trajectory, and the Markdown report and CSV of everything in it (written by web/exports/).

Why form posts and not socket messages: each of these shows something once (a new personal link
is only ever known to the shell, never stored) or leaves the room for good, so it gets a page of
its own. Every post checks the form token and the origin (views.guarded_form) and the role.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from realtime import codes, erasure, trajectory
from realtime.errors import Rejected
from realtime.events import Actor, EraseParticipant, ReissueLink, Role, UseLink
from realtime.room import Room
from server import security
from server.files import FileStore
from server.kring import Kring, kring
from server.pages import (
    WELCOME_COOKIE,
    base_url,
    browser_lang,
    client_key,
    download,
    for_room,
    guarded_form,
    load_room,
    message,
    not_found,
    page,
    participant_of,
    set_cookie,
)
from web import practical_view, trajectory_view
from web.exports.trajectory import trajectory_csv as csv_report
from web.exports.trajectory import trajectory_markdown as markdown_report
from web.render import qr_svg
from web.viewer import Viewer


async def trajectory_markdown(request: Request) -> Response:
    got = await for_room(request, Role.MENTOR)
    if isinstance(got, Response):
        return got
    room, k = got.room, kring(request)
    language = k.translator.language(room.state.language)
    report = markdown_report(k.core.export(room.state), language.t, language.formats.date)
    return download(report, "text/markdown; charset=utf-8", f"kring-{room.code}-trajectory.md")


async def trajectory_csv(request: Request) -> Response:
    got = await for_room(request, Role.MENTOR)
    if isinstance(got, Response):
        return got
    room = got.room
    return download(csv_report(kring(request).core.export(room.state)), "text/csv; charset=utf-8",
                    f"kring-{room.code}-trajectory.csv")


# ------------------------------------------------------------------ helpers


def personal_url(request: Request, code: str, token: str) -> str:
    return f"{base_url(request)}/r/{code}/{token}"


async def erase(k: Kring, room: Room, pid: str, actor: Actor) -> None:
    """Delete someone's data: the erase event, then the store rewrites their events, then every
    process folds the room again from the rewritten log (realtime/erasure.py)."""
    await k.hub.execute(room.code, EraseParticipant(pid), actor)
    async with room.lock:  # no command of this room is being committed while we rewrite
        log = await k.store.read(room.code)
        seqs, _ = erasure.redaction_plan(k.core, log, pid)
        k.hub.rewriting(room)
        await k.store.redact(room.code, seqs)
    await k.hub.reload(room.code)


# ------------------------------------------------------------------ personal links


async def personal_link(request: Request) -> Response:
    """/r/{code}/{token}: a participant's own way back in, on any device.

    A browser that already is someone else in this room is asked first (issue 14, login CSRF: a
    page that opens someone's link must not swap who the visitor is without them noticing). The
    switch itself is a POST to the same URL with the form token and the origin check; the owner of
    the link is then told on their page (LinkUsed)."""
    k = kring(request)
    code, token = request.path_params["code"], request.path_params["token"]
    room = await load_room(request, code)
    lang = browser_lang(request, room.state.language if room else None)
    found = None
    if room is not None and 0 < len(token) <= 100:
        found = room.state.participant_by_token_hash(security.hash_secret(token))
    if room is None or found is None:
        k.join_limiter.allow(client_key(request))  # a wrong link counts like a wrong code
        t = k.translator.gettext(lang)
        return message(request, lang, t("This personal link does not work (any more)"),
                       t("Ask your mentor for a new one: a new link replaces the old one."), status=404)
    current = participant_of(request, room)
    if request.method == "POST":
        form = await guarded_form(request)
        if form.get("confirm") != "yes":
            return RedirectResponse(f"/s/{room.code}", status_code=303)
    elif current is not None and current != found.pid:
        t = k.translator.gettext(lang)
        return page(request, "link_switch.html", lang, heading=t("Continue as {name}?", name=found.name),
                    current=room.state.participants[current].name, other=found.name,
                    switch_url=request.url.path, stay_url=f"/s/{room.code}")
    response = RedirectResponse(f"/s/{room.code}", status_code=303)
    if current == found.pid:
        return response
    set_cookie(request, response, security.participant_cookie(room.code), token)
    if current is not None:
        # A confirmed switch from another member: tell the link's owner (a notice on their page).
        try:
            await k.hub.execute(room.code, UseLink(found.pid), Actor(Role.PARTICIPANT, found.pid))
        except Rejected:  # they were erased in the meantime: nobody left to tell
            pass
    return response


async def welcome(request: Request) -> Response:
    """Right after joining a trajectory: the personal link, shown once, to keep."""
    k = kring(request)
    got = await for_room(request, Role.PARTICIPANT)
    if isinstance(got, Response):
        return got
    room, lang, pid = got.room, got.lang, got.pid
    # Shown once: only right after joining (the welcome cookie), never again on this device.
    if not room.state.part(trajectory.PART).planned or request.cookies.get(WELCOME_COOKIE) != room.code:
        return RedirectResponse(f"/s/{room.code}", status_code=303)
    t = k.translator.gettext(lang)
    token = request.cookies.get(security.participant_cookie(room.code), "")
    url = personal_url(request, room.code, token)
    name = room.state.participants[pid].name
    # The practical information right on joining: where, when and what to expect (issue 18).
    viewer = Viewer(Role.PARTICIPANT, lang, pid, base_url(request), page="trajectory")
    response = page(request, "trajectory_link.html", lang, heading=t("Welcome, {name}", name=name),
                    link_url=url, for_mentor=False, person="", continue_url=f"/s/{room.code}",
                    trajectory_name=room.state.part(trajectory.PART).name,
                    traj=trajectory_view.context(room, viewer)["traj"],
                    practical=practical_view.context(room, viewer)["practical"])
    response.delete_cookie(WELCOME_COOKIE, path=f"/s/{room.code}/welcome")
    return response


async def reissue_link(request: Request) -> Response:
    """The mentor makes someone a new personal link; the old one stops working at once."""
    k = kring(request)
    got = await for_room(request, Role.MENTOR, post=True)
    if isinstance(got, Response):
        return got
    room, lang = got.room, got.lang
    pid = request.path_params["pid"]
    person = room.state.participants.get(pid)
    if person is None:
        return not_found(request, lang)
    token = security.new_secret()
    try:
        await k.hub.execute(room.code, ReissueLink(pid, security.hash_secret(token)), Actor(Role.MENTOR))
    except Rejected:
        return not_found(request, lang)
    t = k.translator.gettext(lang)
    url = personal_url(request, room.code, token)
    return page(request, "trajectory_link.html", lang, heading=t("A new personal link for {name}", name=person.name),
                link_url=url, for_mentor=True, person=person.name,
                qr_link=qr_svg(url, t("QR code with the personal link of {name}", name=person.name)),  # not cached
                continue_url=f"/m/{room.code}/trajectory", trajectory_name=room.state.part(trajectory.PART).name)


# ------------------------------------------------------------------ deleting


async def erase_me(request: Request) -> Response:
    k = kring(request)
    got = await for_room(request, Role.PARTICIPANT, post=True)
    if isinstance(got, Response):
        return got
    room, lang, form, pid = got.room, got.lang, got.form, got.pid
    if form.get("confirm") != "yes":
        return RedirectResponse(f"/s/{room.code}/trajectory", status_code=303)
    await erase(k, room, pid, Actor(Role.PARTICIPANT, pid))
    t = k.translator.gettext(lang)
    response = message(request, lang, t("Your data has been deleted"),
                       t("Your name and everything you added in this group are gone. Thank you for taking part."))
    response.delete_cookie(security.participant_cookie(room.code), path="/")
    return response


async def erase_person(request: Request) -> Response:
    k = kring(request)
    got = await for_room(request, Role.MENTOR, post=True)
    if isinstance(got, Response):
        return got
    room, form = got.room, got.form
    pid = request.path_params["pid"]
    if form.get("confirm") == "yes" and pid in room.state.participants:
        await erase(k, room, pid, Actor(Role.MENTOR))
    return RedirectResponse(f"/m/{room.code}/trajectory", status_code=303)


async def delete_trajectory(request: Request) -> Response:
    """The mentor deletes the whole room, after typing its code: gone from the store and memory."""
    k = kring(request)
    got = await for_room(request, Role.MENTOR, post=True)
    if isinstance(got, Response):
        return got
    room, lang, form = got.room, got.lang, got.form
    t = k.translator.gettext(lang)
    typed = codes.normalize(form.get("confirm_code", "")[:40])
    if typed != room.code:
        return message(request, lang, t("Nothing was deleted"),
                       t("The code you typed does not match. Type the code shown on the page to delete."),
                       status=400, back_url=f"/m/{room.code}/trajectory", back_label=t("Back"))
    await delete_room(k, room.code)
    response = message(request, lang, t("The trajectory has been deleted"),
                       t("Everything in it is gone: the sessions, the people and all they added."))
    response.delete_cookie(security.mentor_cookie(room.code), path="/")
    return response


async def delete_room(k: Kring, code: str) -> None:
    await k.store.delete(code)
    await k.hub.forget(code)
    await asyncio.to_thread(FileStore(k.settings.files_root).delete_room, code)  # the materials' files


def routes() -> list[BaseRoute]:
    return [
        Route("/r/{code}/{token}", personal_link, methods=["GET", "POST"]),
        Route("/s/{code}/welcome", welcome, methods=["GET"]),
        Route("/s/{code}/erase", erase_me, methods=["POST"]),
        Route("/m/{code}/people/{pid}/link", reissue_link, methods=["POST"]),
        Route("/m/{code}/people/{pid}/erase", erase_person, methods=["POST"]),
        Route("/m/{code}/delete", delete_trajectory, methods=["POST"]),
        Route("/m/{code}/trajectory.md", trajectory_markdown, methods=["GET"]),
        Route("/m/{code}/trajectory.csv", trajectory_csv, methods=["GET"]),
    ]
