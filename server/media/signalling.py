"""The media signalling socket: one per page that uses audio/video (web/static/media.js).

    /media/s/{code}          a remote attendee (participant cookie, location "remote")
    /media/m/{code}          the mentor (mentor cookie): controls, screen share
    /media/p/{code}/{token}  the room's projector laptop (projector token AND the mentor cookie:
                             the projector link is the join link, so it alone grants no media)
    /media/o/{code}/{bid}    an online one-to-one (realtime/onetoone.py): a media room of its own,
                             for the booking's participant and the mentor only, while it stands

Messages are JSON objects with a "type" (docs/protocol.md, "Media"). The browser publishes on
its own connection ("publish" with an SDP offer -> "answer") and receives on a second one that the
server offers on ("offer" -> "answer"). Nothing reaches the server's media relay before a member
asked to publish; in-room participants are refused (their phones must never echo the room), except
while breakout groups run and they are in one: then a laptop at their group's table joins the
group's audio room (realtime/breakouts.py), and is ended as soon as they are in no running group.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from realtime import breakouts, codes, feedback, onetoone, queue
from realtime.errors import BackendUnavailable, RoomNotFound
from realtime.room import Change, Room
from server import errors, security
from server.kring import Kring, kring
from server.media import labels
from server.media.loading import MediaUnavailable

if TYPE_CHECKING:  # the app routes here in every process; only a media process loads aiortc
    from server.media.sfu import MediaRoom, MediaRooms, Member

log = logging.getLogger("kring.media")

CLOSE_NO_MEDIA = 4003  # media not for this member (in the room), or not served by this process
MESSAGE_MAX_BYTES = 64_000  # an SDP with a few media lines is 5-10 KB
MESSAGES_PER_10S = 100  # offers, answers and their trickled candidates (2-10 per connection)
OUTBOX_MAX = 64
CANDIDATE_MAX = 512  # one ICE candidate line is 100-200 characters


def _flag(data: Mapping[str, Any], name: str) -> bool:
    return data.get(name) is True


def _labels(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or len(raw) > 8:
        return {}
    return {str(k)[:8]: str(v) for k, v in raw.items() if v in labels.ALL}


class MediaSession:
    def __init__(self, ws: WebSocket, k: Kring, media: MediaRooms, room: Room, member: Member,
                 call: str = "", group_only: str = "") -> None:
        self.ws = ws
        self.k = k
        self.media = media
        self.room = room
        self.member = member
        # A one-to-one's call (`call` is its booking id) has a media room of its own, apart from
        # the session's: nobody in the session sees or hears it.
        self.call = call
        self.mroom: MediaRoom = media.room(f"{room.code}/o/{call}" if call else room.code)
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue(OUTBOX_MAX)
        member.post = self.post
        self.allowance = float(MESSAGES_PER_10S)
        self.last = time.monotonic()
        # An in-room participant's pid: admitted only while in a running breakout group.
        self.group_only = group_only
        self.ending: asyncio.Task[None] | None = None

    def post(self, message: dict[str, Any]) -> None:
        try:
            self.outbox.put_nowait(message)
        except asyncio.QueueFull:
            # A page that does not read its socket: drop the oldest notice (rosters supersede).
            self.outbox.get_nowait()
            self.outbox.put_nowait(message)

    def on_change(self, change: Change) -> None:
        state = self.room.state
        if self.call:
            # A cancelled (or erased) booking ends its call; the session's queue is not its business.
            if state.part(onetoone.PART).call(self.call) is None:
                self.post({"type": "ended"})
            return
        if state.ended:
            self.post({"type": "ended"})
        if self.group_only and not breakouts.group_of_running(state, self.group_only) and self.ending is None:
            # Back in the room (bring-back, or moved out of every group): this laptop would echo the
            # plenary. Its peers go at once, whatever the page does with "ended".
            self.post({"type": "ended"})
            self.ending = asyncio.ensure_future(self.mroom.leave(self.member))
        current = state.part(queue.PART).current
        # Whoever has the turn in the queue, or else whoever presents (peer feedback): their camera
        # and screen are always forwarded and their tile comes first for remote attendees.
        pinned = current.pid if current is not None else feedback.presenting(state)
        why = "turn" if current is not None else "presenting"
        self.mroom.pin(f"p:{pinned}" if pinned else "", why)
        # Breakout groups: forward within a group only while they run (realtime/breakouts.py).
        self.mroom.group(breakouts.media_spaces(state))

    async def sender(self) -> None:
        while True:
            message = await self.outbox.get()
            await self.ws.send_text(orjson.dumps(message).decode())

    def _spend(self) -> bool:
        now = time.monotonic()
        self.allowance = min(float(MESSAGES_PER_10S), self.allowance + (now - self.last) * MESSAGES_PER_10S / 10)
        self.last = now
        if self.allowance < 1:
            return False
        self.allowance -= 1
        return True

    async def receiver(self) -> None:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text") or ""
            if len(text) > MESSAGE_MAX_BYTES or not self._spend():
                self.post({"type": "error", "code": "media_refused"})
                continue
            try:
                data = orjson.loads(text)
            except orjson.JSONDecodeError:
                data = None
            if not isinstance(data, dict):
                continue
            try:
                await self.handle(data)
            except (ValueError, KeyError, TypeError, AssertionError) as exc:
                log.info("media: bad %s from %s: %s", data.get("type"), self.member.id, exc)
                self.post({"type": "error", "code": "media_failed"})

    async def handle(self, data: dict[str, Any]) -> None:
        kind = data.get("type")
        member, mroom = self.member, self.mroom
        if kind == "publish":
            sdp = data.get("sdp")
            if not isinstance(sdp, str):
                raise ValueError("no sdp")
            self._set_state(data)
            answer = await mroom.publish(member, sdp, _labels(data.get("tracks")), _flag(data, "again"))
            self.post({"type": "answer", "sdp": answer})
            mroom.roster()
        elif kind == "state":
            self._set_state(data)
            mroom.select()  # a camera turned off (its track swapped out) yields its video slot
            mroom.roster()
        elif kind == "unpublish":
            await mroom.unpublish(member.id)
        elif kind == "subscribe":
            member.listening = True
            await mroom.subscribe(member)
            mroom.roster()  # listeners are listed too: people see who is there
        elif kind == "unsubscribe":
            member.listening = False
            await mroom.unsubscribe(member.id)
            mroom.roster()
        elif kind == "candidate":
            which, candidate, mid = data.get("pc"), data.get("candidate"), data.get("mid")
            if which not in ("pub", "sub") or not isinstance(candidate, str) or not isinstance(mid, str):
                raise ValueError("bad candidate")
            if len(candidate) > CANDIDATE_MAX or len(mid) > 16:
                raise ValueError("candidate too long")
            await mroom.candidate(member, which, candidate, mid)
        elif kind == "answer":
            sdp = data.get("sdp")
            if not isinstance(sdp, str):
                raise ValueError("no sdp")
            await mroom.answer(member, sdp)
        elif kind in ("ask-mute", "stop-video", "allow-video") and member.role == "mentor":
            target = mroom.members.get(str(data.get("id", "")))
            if target is None:
                return
            if kind == "ask-mute":
                target.post({"type": "mute-request"})
            elif kind == "stop-video":
                mroom.video_stopped.add(target.id)
                target.camera = False
                target.post({"type": "video-stopped"})
            else:
                mroom.video_stopped.discard(target.id)
                target.post({"type": "video-allowed"})
            mroom.select()
            mroom.roster()

    def _set_state(self, data: Mapping[str, Any]) -> None:
        member = self.member
        member.mic = _flag(data, "mic")
        member.camera = _flag(data, "camera") and member.id not in self.mroom.video_stopped
        member.screen = _flag(data, "screen")

    async def run(self) -> None:
        self.post({"type": "welcome", "id": self.member.id, "role": self.member.role,
                   "ice": list(self.k.settings.ice_servers)})
        old = self.mroom.join(self.member)
        if old is not None:
            old.post({"type": "replaced"})
            await self.mroom.leave(old)  # drops the old tab's peers; the new member stays
        unwatch = self.k.hub.watch(self.room, self.on_change)
        self.on_change(Change())
        self.mroom.roster()
        tasks = [asyncio.create_task(self.sender()), asyncio.create_task(self.receiver())]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                exc = task.exception()
                if exc is not None and not isinstance(exc, WebSocketDisconnect):
                    log.error("media socket failed", exc_info=exc)
        finally:
            for task in tasks:
                task.add_done_callback(lambda t: t.cancelled() or t.exception())
                task.cancel()
            unwatch()
            await self.mroom.leave(self.member)
            await self.media.release(self.mroom)


async def _open(ws: WebSocket, *, after_end: bool = False) -> tuple[Kring, MediaRooms, Room] | None:
    k = kring(ws)
    await ws.accept()
    if not (security.origin_ok(ws, k.settings.public_url, k.settings.allowed_origins)
            or security.origin_on_ports(ws, k.settings.web_ports)):
        await ws.close(errors.CLOSE_ORIGIN)
        return None
    code = ws.path_params["code"]
    if k.media is None:
        # This process does not serve media: tell the page where it is (KRING_MEDIA_URL; with
        # several media processes, the one this session's code goes to).
        url = k.settings.media_url_for(code)
        if url:
            await ws.send_text(orjson.dumps({"type": "elsewhere", "url": url}).decode())
        await ws.close(CLOSE_NO_MEDIA)
        return None
    try:
        room = await k.hub.room(code) if codes.normalize(code) == code else None
    except RoomNotFound:
        room = None
    except BackendUnavailable:
        await ws.close(errors.CLOSE_SLOW)
        return None
    # One-to-ones go on after the last session (`after_end`); the session's media do not.
    if room is None or (room.state.ended and not after_end):
        await ws.close(errors.CLOSE_NOT_ALLOWED)
        return None
    try:
        # Loaded once the server is up, or here by the first socket (server/media/loading.py).
        media = await k.media.rooms()
    except MediaUnavailable:  # logged once where it failed; the pages go on without media
        await ws.close(CLOSE_NO_MEDIA)
        return None
    return k, media, room


def _is_mentor(ws: WebSocket, room: Room) -> bool:
    key = ws.cookies.get(security.mentor_cookie(room.code), "")
    return bool(key) and security.same_secret(security.hash_secret(key), room.state.mentor_key_hash)


def _peer(ws: WebSocket) -> str | None:
    return ws.client.host if ws.client else None


async def participant_media(ws: WebSocket) -> None:
    opened = await _open(ws)
    if opened is None:
        return
    k, media, room = opened
    token = ws.cookies.get(security.participant_cookie(room.code), "")
    found = room.state.participant_by_token_hash(security.hash_secret(token)) if token else None
    if found is None:
        await ws.close(errors.CLOSE_NOT_ALLOWED)
        return
    in_room = found.location != "remote"
    if in_room and not breakouts.group_of_running(room.state, found.pid):
        await ws.close(CLOSE_NO_MEDIA)
        return
    member = media.member(f"p:{found.pid}", found.name, "remote", _peer(ws))
    await _serve(ws, k, media, room, member, group_only=found.pid if in_room else "")


async def mentor_media(ws: WebSocket) -> None:
    opened = await _open(ws)
    if opened is None:
        return
    k, media, room = opened
    if not _is_mentor(ws, room):
        await ws.close(errors.CLOSE_NOT_ALLOWED)
        return
    await _serve(ws, k, media, room, media.member("mentor", "", "mentor", _peer(ws)))


async def projector_media(ws: WebSocket) -> None:
    opened = await _open(ws)
    if opened is None:
        return
    k, media, room = opened
    if not security.same_secret(ws.path_params["token"], room.state.join_token) or not _is_mentor(ws, room):
        await ws.close(errors.CLOSE_NOT_ALLOWED)
        return
    await _serve(ws, k, media, room, media.member("room", "", "room", _peer(ws)))


async def onetoone_media(ws: WebSocket) -> None:
    """An online one-to-one's call: the mentor, or the participant whose booking it is; anyone
    else (another participant, a stranger, a projector) is refused like a wrong cookie."""
    opened = await _open(ws, after_end=True)
    if opened is None:
        return
    k, media, room = opened
    bid = ws.path_params["bid"]
    booking = room.state.part(onetoone.PART).call(bid)
    if booking is None:
        await ws.close(errors.CLOSE_NOT_ALLOWED)
        return
    if _is_mentor(ws, room):
        member = media.member("mentor", "", "mentor", _peer(ws))
    else:
        token = ws.cookies.get(security.participant_cookie(room.code), "")
        found = room.state.participant_by_token_hash(security.hash_secret(token)) if token else None
        if found is None or found.pid != booking.pid:
            await ws.close(errors.CLOSE_NOT_ALLOWED)
            return
        # "remote": in a call both are away from each other, whatever the session says.
        member = media.member(f"p:{found.pid}", found.name, "remote", _peer(ws))
    await _serve(ws, k, media, room, member, call=bid)


async def _serve(ws: WebSocket, k: Kring, media: MediaRooms, room: Room, member: Member, call: str = "",
                 group_only: str = "") -> None:
    try:
        session = MediaSession(ws, k, media, room, member, call, group_only)
        await session.run()
    except PermissionError:
        await ws.close(CLOSE_NO_MEDIA)


def routes() -> list[BaseRoute]:
    return [
        WebSocketRoute("/media/s/{code}", participant_media),
        WebSocketRoute("/media/m/{code}", mentor_media),
        WebSocketRoute("/media/p/{code}/{token}", projector_media),
        WebSocketRoute("/media/o/{code}/{bid}", onetoone_media),
    ]
