"""The trajectory's form posts and downloads: personal links, deleting data, deleting the whole
trajectory, and the Markdown report and CSV of everything in it.

Why form posts and not socket messages: each of these shows something once (a new personal link
is only ever known to the shell, never stored) or leaves the room for good, so it gets a page of
its own. Every post checks the form token and the origin (views.guarded_form) and the role.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from realtime import codes, erasure
from realtime.errors import Rejected
from realtime.events import Actor, EraseParticipant, ReissueLink, Role
from realtime.export import export_session
from realtime.room import Room
from realtime.state import RoomState
from server import security
from server.exports import _download
from server.kring import Kring, kring
from server.views import (
    WELCOME_COOKIE,
    base_url,
    browser_lang,
    client_key,
    for_mentor,
    guarded_form,
    load_room,
    message,
    not_found,
    page,
    participant_of,
)
from web.i18n import Gettext
from web.render import qr_svg

# ------------------------------------------------------------------ report and CSV


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A leading = + - @ makes spreadsheets run the cell as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _md(text: object) -> str:
    """One line of user text, safe inside Markdown (no headings, lists or HTML by accident)."""
    line = " ".join(str(text).split())
    for ch in ("\\", "`", "*", "_", "[", "]", "<", ">", "#", "|"):
        line = line.replace(ch, "\\" + ch)
    return line


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested export data as (path, value) pairs: "sessions.2.title" -> "Cases"."""
    if isinstance(value, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, item in value.items():
            pairs += _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return pairs
    if isinstance(value, (list, tuple)):
        pairs = []
        for index, item in enumerate(value, start=1):
            pairs += _flatten(item, f"{prefix}.{index}" if prefix else str(index))
        return pairs
    return [(prefix, "" if value is None else str(value))]


# Sections of the export the report writes out by hand; every other section (intake, goals,
# evaluations, ... as features add them) is written generically, so nothing is left out.
_BY_HAND = ("export_version", "code", "code_display", "title", "language", "created_at", "ended_at", "seq",
            "participants", "trajectory", "carryover", "after")


def to_csv(state: RoomState) -> str:
    """Everything in the room, one value per row: section, record, field, value. Long, but it
    opens in any spreadsheet and pivots into whatever table the mentor needs."""
    data = export_session(state)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "record", "field", "value"])
    for section, content in data.items():
        for path, value in _flatten(content):
            record, _, field = path.partition(".") if isinstance(content, list) else ("", "", path)
            writer.writerow([_cell(section), _cell(record), _cell(field), _cell(value)])
    return out.getvalue()


def _generic(lines: list[str], value: Any, depth: int = 0) -> None:
    pad = "  " * depth
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(item, (Mapping, list, tuple)):
                if item:
                    lines.append(f"{pad}- {_md(key)}:")
                    _generic(lines, item, depth + 1)
            elif item not in (None, ""):
                lines.append(f"{pad}- {_md(key)}: {_md(item)}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, (Mapping, list, tuple)):
                lines.append(f"{pad}-")
                _generic(lines, item, depth + 1)
            else:
                lines.append(f"{pad}- {_md(item)}")


def to_markdown(state: RoomState, t: Gettext, format_date: Callable[[str, str], str]) -> str:
    data = export_session(state)
    traj = data["trajectory"]
    lines = [f"# {_md(traj['name'] or state.title)}", ""]
    facts = [
        (t("Theme"), traj["theme"]), (t("Target group"), traj["target_group"]),
        (t("Format"), {"room": t("In the room"), "online": t("Online"), "hybrid": t("Hybrid")}.get(traj["format"], "")),
        (t("How often"), t("Every week") if traj["cadence"] == "weekly" else t("Every two weeks")),
        (t("Join code"), data["code_display"]),
    ]
    lines += [f"- **{_md(k)}:** {_md(v)}" for k, v in facts if v and traj["planned"]] + [""]
    if traj["sessions"]:
        lines += ["## " + t("Sessions"), ""]
        lines += ["| # | " + " | ".join((t("Date"), t("Title of the session"), t("Held"))) + " |", "|---|---|---|---|"]
        for s in traj["sessions"]:
            held = "✓" if s["started_at"] else ""
            when = _md(format_date(s["date"], "yMMMEd"))
            lines.append(f"| {s['number']} | {when} | {_md(s['title'])} | {held} |")
        lines.append("")
    lines += ["## " + t("People in this group"), ""]
    lines += [f"- {_md(p['name'])}" for p in data["participants"]] or ["-"]
    lines.append("")
    if data["carryover"]:
        lines += ["## " + t("Carry-over"), ""]
        for note in data["carryover"]:
            lines += ["### " + t("From session {n}", n=note["session"]), ""]
            lines += [f"- {_md(item)}" for item in note["action_points"]]
            lines += [f"- ? {_md(item)}" for item in note["open_questions"]]
            lines.append("")
    walls = data.get("walls") or []
    if walls:
        lines += ["## " + t("Post-it walls"), ""]
        for w in walls:
            count = sum(len(c.get("notes", [])) for c in w.get("columns", []))
            lines.append(f"- {_md(w.get('title', ''))} ({count})")
        lines.append("")
    after = data["after"]
    if after["return_meetings"] or after["shared_contacts"]:
        lines += ["## " + t("After the trajectory"), ""]
        lines += [f"- {_md(format_date(m['date'], 'yMMMEd'))}: {_md(m['note'])}"
                  for m in after["return_meetings"]]
        lines += [f"- {_md(c['name'])}: {_md(c['contact'])}" for c in after["shared_contacts"]]
        lines.append("")
    for section, content in data.items():
        if section in _BY_HAND or section == "walls" or not content:
            continue
        lines += [f"## {_md(section.replace('_', ' ').capitalize())}", ""]
        _generic(lines, content)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


async def trajectory_markdown(request: Request) -> Response:
    got = await for_mentor(request)
    if isinstance(got, Response):
        return got
    room = got.room
    language = kring(request).translator.language(room.state.language)
    return _download(to_markdown(room.state, language.t, language.formats.date), "text/markdown; charset=utf-8",
                     f"kring-{room.code}-trajectory.md")


async def trajectory_csv(request: Request) -> Response:
    got = await for_mentor(request)
    if isinstance(got, Response):
        return got
    room = got.room
    return _download(to_csv(room.state), "text/csv; charset=utf-8", f"kring-{room.code}-trajectory.csv")


# ------------------------------------------------------------------ helpers


def personal_url(request: Request, code: str, token: str) -> str:
    return f"{base_url(request)}/r/{code}/{token}"


async def erase(k: Kring, room: Room, pid: str, actor: Actor) -> None:
    """Delete someone's data: the erase event, then the store rewrites their events, then every
    process folds the room again from the rewritten log (realtime/erasure.py)."""
    await k.hub.execute(room.code, EraseParticipant(pid), actor)
    async with room.lock:  # no command of this room is being committed while we rewrite
        log = await k.store.read(room.code)
        seqs, _ = erasure.redaction_plan(log, pid)
        await k.store.redact(room.code, seqs)
    await k.hub.reload(room.code)


# ------------------------------------------------------------------ personal links


async def personal_link(request: Request) -> Response:
    """/r/{code}/{token}: a participant's own way back in, on any device."""
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
    response = RedirectResponse(f"/s/{room.code}", status_code=303)
    from server.views import _set_cookie

    _set_cookie(request, response, security.participant_cookie(room.code), token)
    return response


async def welcome(request: Request) -> Response:
    """Right after joining a trajectory: the personal link, shown once, to keep."""
    k = kring(request)
    room = await load_room(request, request.path_params["code"])
    lang = browser_lang(request, room.state.language if room else None)
    if room is None:
        return not_found(request, lang)
    pid = participant_of(request, room)
    if pid is None:
        return RedirectResponse(f"/s/{room.code}/join", status_code=303)
    # Shown once: only right after joining (the welcome cookie), never again on this device.
    if not room.state.trajectory.planned or request.cookies.get(WELCOME_COOKIE) != room.code:
        return RedirectResponse(f"/s/{room.code}", status_code=303)
    t = k.translator.gettext(lang)
    token = request.cookies.get(security.participant_cookie(room.code), "")
    url = personal_url(request, room.code, token)
    name = room.state.participants[pid].name
    response = page(request, "trajectory_link.html", lang, heading=t("Welcome, {name}", name=name),
                    link_url=url, for_mentor=False, person="", continue_url=f"/s/{room.code}",
                    trajectory_name=room.state.trajectory.name)
    response.delete_cookie(WELCOME_COOKIE, path=f"/s/{room.code}/welcome")
    return response


async def reissue_link(request: Request) -> Response:
    """The mentor makes someone a new personal link; the old one stops working at once."""
    k = kring(request)
    got = await for_mentor(request, post=True)
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
                continue_url=f"/m/{room.code}/trajectory", trajectory_name=room.state.trajectory.name)


# ------------------------------------------------------------------ deleting


async def erase_me(request: Request) -> Response:
    k = kring(request)
    room = await load_room(request, request.path_params["code"])
    lang = browser_lang(request, room.state.language if room else None)
    if room is None:
        return not_found(request, lang)
    form = await guarded_form(request)
    pid = participant_of(request, room)
    if pid is None:
        return RedirectResponse(f"/s/{room.code}/join", status_code=303)
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
    got = await for_mentor(request, post=True)
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
    got = await for_mentor(request, post=True)
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


__all__: Sequence[str] = (
    "delete_room", "delete_trajectory", "erase", "erase_me", "erase_person", "personal_link", "reissue_link",
    "to_csv", "to_markdown", "trajectory_csv", "trajectory_markdown", "welcome",
)
