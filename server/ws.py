"""The websocket of a live page: one per page, speaking the protocol of docs/protocol.md.

The socket's own task (the ASGI server's) reads commands and runs them through the hub. A
sender task renders and sends, and exists only while something waits to go out: an idle page
has no task of its own beside the socket's (issue 19: tasks, their coroutines and the futures
they wait on were a few kB of every open socket). Between its sends the connection only keeps a
set of dirty region names (plus a few one-off notices), so what waits for a slow client is
bounded by the number of regions, never by the number of events: a burst of 100 votes becomes
one render of the results. While no sender runs and the client keeps up, a change is written
from the room's fan-out itself (server/eager_send.py): starting a task per frame cost more than
the frame. A client that does not take a message within `ws_send_timeout_s` is cut off (1013)
and catches up when it reconnects.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Collection
from typing import Any

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from realtime import limits
from realtime.errors import BackendUnavailable, Rejected
from realtime.events import Actor, Role
from realtime.room import Change, Room
from server import errors, security
from server.budgets import Refusal
from server.eager_send import send_eagerly
from server.kring import Kring, kring
from server.pages import TooManyWrongCodes, base_url, browser_lang, client_key, find_room, projector_lang
from server.ws_protocol import prepared_writer
from web.viewer import Viewer

log = logging.getLogger("kring.ws")

# After this many refused or malformed messages in a row the connection counts as abuse.
MAX_BAD_MESSAGES = 50
# What a page may call its form (kring.js makes "f1", "f2", ...) and a field named in an error.
_FORM_ID = re.compile(r"[a-z][a-z0-9]{0,15}")
_FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")
# The page's heartbeat (kring.js, issue 15): a page that has heard nothing for a moment sends PING
# and takes a page that gets no frame back within seconds as offline, even when the TCP connection
# just stalls and never closes. The answer is a comment, which htmx would swap as nothing.
PING = '{"cmd":"ping"}'
PONG = "<!--pong-->"
# At most one answer per this many seconds and connection; more pings get none (and cost nothing).
PING_MIN_INTERVAL_S = 0.5
# One-off fragments (notices) a connection keeps while its sender is busy; older ones are superseded.
NOTICES_KEPT = 4
# A fresh socket whose every frame so far was refused gets its first render after at most this
# long (Connection._hold_first_render), checking every HOLD_POLL_S.
HOLD_FIRST_RENDER_S = 1.0
HOLD_POLL_S = 0.05


class Connection:
    # Slots, not a __dict__: a socket stays open for hours, and past 30 attributes CPython (3.11)
    # stops sharing an instance dict's keys, so each connection carried a table of its own
    # (+1.5 kB per socket in `typical` when the 30th came, docs/performance.md).
    __slots__ = ("ws", "_send", "_wire", "k", "layout", "room", "viewer", "dirty", "notices", "_unfinished",
                 "closing", "_draining", "sending_since", "too_slow", "_sender_task", "_live", "_first", "_main",
                 "_ended_by_sender", "_failure", "_eager", "allowance", "last_refill", "bad_in_a_row",
                 "last_pong", "flash_shown", "_flash_text", "_flash_html", "person", "address")

    def __init__(self, ws: WebSocket, k: Kring, room: Room, viewer: Viewer, send: Send | None = None) -> None:
        self.ws = ws
        # Frames go out through the ASGI `send` itself when the route gives it (Socket below):
        # Starlette's WebSocket.send checks the socket's state on every frame, a few percent of
        # the server's CPU at 10,000 frames a second (docs/performance.md).
        self._send: Send = send if send is not None else ws.send
        # Under Kring's own uvicorn protocol, a frame's bytes are made once for every page that
        # gets it (server/wire_frames.py) and written to the transport as they are.
        self._wire = prepared_writer(self._send)
        self.k = k
        self.layout = k.renderer.layout
        self.room = room
        self.viewer = viewer
        self.dirty: set[str] = set()
        # One-off fragments, at most NOTICES_KEPT (older ones are superseded): a list, as a deque
        # costs 760 bytes for every socket even when empty (issue 19).
        self.notices: list[str] = []
        # A send started in on_change that had to wait for the client; the sender awaits it first.
        self._unfinished: Awaitable[None] | None = None
        self.closing = False  # a close frame went out: nothing more may be sent
        self._draining = False  # a close is coming: the sender finishes what it has, nothing new
        # When the send in progress began (server/send_watch.py cuts off a client that stalls).
        self.sending_since: float | None = None
        self.too_slow = False
        # The sender task, while something waits to go out (started by _wake, gone when idle).
        self._sender_task: asyncio.Task[None] | None = None
        self._live = False  # run() began: a sender may start
        self._first = True  # the next sender is the page's first (_hold_first_render)
        # The socket's own task (run), which the sender cancels when it ended the connection
        # (`_ended_by_sender`): a client gone, a slow one cut off, or a failure (`_failure`).
        self._main: asyncio.Task[Any] | None = None
        self._ended_by_sender = False
        self._failure: BaseException | None = None
        self._eager = k.settings.eager_send  # read once: on_change runs for every page per change
        self.allowance = float(k.settings.ws_messages_per_10s)
        self.last_refill = time.monotonic()
        self.bad_in_a_row = 0
        self.last_pong = 0.0
        self.flash_shown = False  # a notice of a refusal is on the page (or on its way)
        self._flash_text: str | None = None
        self._flash_html = ""
        # Who pays for this socket's frames in the shared budgets (server/budgets.py): the person
        # over all their sockets, and their client address (an IPv6 /64 as one).
        self.person = person_key(room, viewer)
        self.address = client_key(ws)

    # -- outgoing

    def on_change(self, change: Change) -> None:
        names = self.layout.regions_for(change, self.viewer, self.room.state)
        if not names:
            return
        self.dirty |= names
        if self._live and self._sender_task is None and not self.notices and not self.closing \
                and not self._draining and self._eager:
            # No sender runs: write the frame from here rather than start one (see
            # server/eager_send.py). Anything unusual goes to a sender.
            self._send_now()
        else:
            self._wake()

    def _send_now(self) -> None:
        names, self.dirty = self.dirty, set()
        try:
            text = self.k.renderer.regions(self.room, self.viewer, names)
            wire = self._wire
            if wire is not None and wire.write_prepared(self.k.wire_frames.of(text)):
                return
            rest = send_eagerly(self._send, {"type": "websocket.send", "text": text})
        except OSError:  # the client is gone (uvicorn's ClientDisconnected); the receiver ends
            self.closing = True
            return
        except Exception:
            # Not here, in a fan-out over every page of the room: the sender renders again and
            # fails in its own task, which logs it and closes this one connection.
            log.debug("eager send failed; handing it to the sender", exc_info=True)
            self.dirty |= names
            self._wake()
            return
        if rest is not None:  # the client's buffer is full: the sender finishes this send first
            self._unfinished = rest
            self._wake()

    def notice(self, html: str) -> None:
        self.notices.append(html)
        if len(self.notices) > NOTICES_KEPT:
            del self.notices[0]
        self._wake()

    def _wake(self) -> None:
        """Something waits to go out: start a sender unless one runs (it sends all there is
        before it ends), or the connection is not live, closing, or about to close."""
        if self._sender_task is None and self._live and not self.closing and not self._draining:
            self._sender_task = asyncio.get_running_loop().create_task(self.sender())

    def go_live(self) -> None:
        """From now on what waits to go out is sent (run() calls this before the catch-up)."""
        self._live = True
        if self.dirty or self.notices:
            self._wake()

    @property
    def sending(self) -> asyncio.Task[None] | None:
        """The sender task, while one runs."""
        return self._sender_task

    def cut_off(self) -> None:
        """The client stopped taking frames (server/send_watch.py): end the stalled send."""
        self.too_slow = True
        if self._sender_task is not None:
            self._sender_task.cancel()

    def flash(self, text: str, once: bool = False) -> None:
        """Show `text` in the page's notice (or clear it with ""). `once`: a refusal by a budget,
        what a flood of frames gets over and over: while the same notice is still on the page
        (until a success clears it), it is not sent again, so a burst of such refusals costs one
        notice, not a frame out per refused frame (issue 14)."""
        if once and self.flash_shown and text == self._flash_text:
            return
        self.flash_shown = bool(text)
        if text != self._flash_text:
            self._flash_text = text
            self._flash_html = self.k.renderer.fragment("fragments/flash.html", self.viewer, message=text)
        self.notice(self._flash_html)

    def catch_up(self, since: int | None) -> None:
        missed = self.room.since(since) if since is not None else None
        names: Collection[str]
        if missed is None:
            names = self.layout.all_regions(self.viewer.role, self.viewer.page)
        else:
            names = self.layout.regions_for(Change(events=missed, presence=True), self.viewer)
        self.dirty |= names
        self.notice(self.k.renderer.fragment("fragments/conn.html", self.viewer, conn_state="live"))

    async def sender(self) -> None:
        """Send what waits, then end: started by _wake, gone once everything went out."""
        ended = False  # this sender ended the connection (not a close that cancelled it)
        try:
            if self._first:
                self._first = False
                await self._hold_first_render()
            while not self.closing:
                sending = self._next_send()
                if sending is None:
                    return  # all sent; no await between this check and the task's end
                self.sending_since = time.monotonic()
                try:
                    await sending
                except OSError:  # the client is gone (uvicorn's ClientDisconnected)
                    self.closing = ended = True
                except RuntimeError as exc:
                    if not closed_by_server(exc):
                        raise
                    # uvicorn closed the socket itself (its keepalive ping got no answer in time,
                    # or a frame over its limit): gone, like a client that left; not a traceback
                    # in the log (issue 14: under a flood the loop was slow enough for the pings
                    # to time out).
                    self.closing = ended = True
                except asyncio.CancelledError:
                    if not self.too_slow:
                        raise
                    log.info("slow client on %s cut off", self.room.code)
                    await self._close(errors.CLOSE_SLOW)
                    ended = True
                finally:
                    self.sending_since = None
                    # Not kept while this task waits for the client: the frame's text is the
                    # transport's now (the first frame of a page in a session of 1,000 is 280 kB).
                    sending = None
        except Exception as exc:  # rendering failed: the socket's task logs it and closes
            self._failure = exc
        finally:
            if self._sender_task is asyncio.current_task():
                self._sender_task = None
            if ended or self._failure is not None:
                self._end_from_sender()

    def _end_from_sender(self) -> None:
        """The sender ended the connection: stop the socket's task, which reads the client."""
        main = self._main
        if main is not None and not main.done() and main is not asyncio.current_task() \
                and not self._ended_by_sender:  # once: a second cancel would hit the close that follows
            self._ended_by_sender = True
            main.cancel()

    def _next_send(self) -> Awaitable[None] | None:
        """The send the sender task is to await next, if anything waits to go out. A method of
        its own so that the frame's parts die with its locals."""
        if self._unfinished is not None:
            # First the frame on_change started: what is dirty now renders after it, fresher.
            sending, self._unfinished = self._unfinished, None
            return sending
        parts = list(self.notices)
        self.notices.clear()
        if self.dirty:
            names, self.dirty = self.dirty, set()
            parts.append(self.k.renderer.regions(self.room, self.viewer, names))
        if not parts:
            return None
        return self._send({"type": "websocket.send", "text": "".join(parts)})

    async def _hold_first_render(self) -> None:
        """Hold the page's first render (its catch-up) while the socket sends only refused frames.

        The catch-up of a fresh socket renders every region of the page: for a room of 300 people,
        ~10 ms of the event loop. A script that opens sockets only to flood them made the server
        pay that for every socket: at each end of a back-off all of them reconnect at once, and the
        others' actions waited seconds behind those renders (issue 14; docs/performance.md,
        hostile participants). So the sender first lets the receiver take what came with the
        opening (one turn of the loop), and while everything this socket sent was refused it
        waits, for at most HOLD_FIRST_RENDER_S: a flooding socket is closed for abuse (50 refused
        frames) before it cost a render, and its close drops what was never sent (receiver). A
        page that sends nothing, or anything valid, is rendered at once."""
        await hold_while(lambda: self.bad_in_a_row > 0 and not self._draining and not self.closing,
                         HOLD_FIRST_RENDER_S, HOLD_POLL_S)

    # -- incoming

    def _spend(self) -> bool:
        now = time.monotonic()
        rate = self.k.settings.ws_messages_per_10s / 10.0
        self.allowance = min(float(self.k.settings.ws_messages_per_10s),
                             self.allowance + (now - self.last_refill) * rate)
        self.last_refill = now
        if self.allowance < 1.0:
            return False
        self.allowance -= 1.0
        return True

    def _refuse(self, code: str, **params: Any) -> None:
        self.bad_in_a_row += 1
        self.flash(self.k.translator.reason(self.viewer.lang, code, params))

    def _refuse_text(self, text: str, once: bool = False) -> bool:
        """Refuse a frame with a notice; False once that makes it abuse."""
        self.bad_in_a_row += 1
        self.flash(text, once)
        return self.bad_in_a_row < MAX_BAD_MESSAGES

    async def handle(self, text: str) -> bool:
        """One incoming frame. Returns False when the connection must be closed for abuse."""
        if text == PING:
            # Before the budgets and the projector's refusal: a heartbeat changes nothing, and
            # answering at most one per PING_MIN_INTERVAL_S bounds what it can cost.
            now = time.monotonic()
            if now - self.last_pong >= PING_MIN_INTERVAL_S:
                self.last_pong = now
                self.notice(PONG)
            return True
        if not self._spend():
            self._refuse_text(self.k.translator.reason(self.viewer.lang, "rate_limited", {}), once=True)
            return self.bad_in_a_row < MAX_BAD_MESSAGES
        t = self.k.translator.gettext(self.viewer.lang)
        if self.viewer.role is Role.PROJECTOR:
            # The projector only shows: its link is on the wall for all to see, so nothing it
            # sends is run, whatever the deciders would say (issue 14).
            return self._refuse_text(t("The projector only shows the session; it cannot change anything."))
        refusal = self.k.budgets.may_act(self.person, self.address, self.room.code)
        if refusal is Refusal.ROOM:
            # Not this person's doing: a notice, no abuse count.
            self.flash(t("This session is very busy right now. Please wait a moment and try again."), once=True)
            return True
        if refusal is not None:
            return self._refuse_text(t("You are doing a lot at once. Please wait a moment and try again."), once=True)
        if len(text.encode()) > limits.MESSAGE_MAX_BYTES:
            self._refuse("message_too_large")
            return self.bad_in_a_row < MAX_BAD_MESSAGES
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            self._refuse("bad_message")
            return self.bad_in_a_row < MAX_BAD_MESSAGES
        actor = Actor(self.viewer.role, self.viewer.pid)
        # A page form names itself (kring.js): its outcome goes back to it, so that an error shows
        # next to the form that caused it and a form keeps its text until the server has it.
        form = data.get("form")
        form = form if isinstance(form, str) and _FORM_ID.fullmatch(form) else None
        try:
            command = self.k.commands.parse(data)
            stored = await self.k.hub.execute(self.room.code, command, actor)
        except Rejected as exc:
            if form is None:
                self._refuse(exc.code, **exc.params)
            else:
                self.bad_in_a_row += 1
                self.outcome(form, self.k.translator.reason(self.viewer.lang, exc.code, exc.params),
                             str(exc.params.get("field", "")))
            return self.bad_in_a_row < MAX_BAD_MESSAGES
        except BackendUnavailable as exc:
            # The store (Redis) is away, the command failed on the server or took too long: say
            # which; it is not the user's fault, so no abuse count.
            message = self.k.translator.reason(self.viewer.lang, exc.reason, {})
            if form is None:
                self.flash(message)
            else:
                self.outcome(form, message, "")
            return True
        self.k.budgets.stored(self.person, self.room.code, len(stored))
        self.bad_in_a_row = 0
        if self.flash_shown:
            self.flash("")  # a success clears an earlier error notice
        if form is not None:
            self.outcome(form, "", "")
        return True

    def outcome(self, form: str, error: str, field: str) -> None:
        """What became of a form's message: stored (no error) or refused (the error, and the field
        it is about, to show and focus next to the form: fragments/outcome.html, kring.js)."""
        self.notice(self.k.renderer.fragment("fragments/outcome.html", self.viewer, form=form, error=error,
                                             field=field if _FIELD_NAME.fullmatch(field) else ""))

    async def receiver(self) -> None:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                raw = message.get("bytes") or b""
                text = raw.decode("utf-8", errors="replace")
            if not await self.handle(text):
                # Only the notice that says why goes out before the close, not the regions that
                # changed meanwhile (nor a catch-up that was held back, _hold_first_render).
                self.dirty.clear()
                strikes = self.k.budgets.abused(self.person)
                log.info("socket of %s in %s closed for abuse (%d; strike %d)", self.viewer.role.value,
                         self.room.code, errors.CLOSE_ABUSE, strikes)
                await self._close(errors.CLOSE_ABUSE)
                return

    async def _close(self, code: int) -> None:
        """Close once, cleanly: the sender first finishes what it has (the last notice says why)
        and stops, so that nothing is written after the close frame (uvicorn answers a send after
        the close with a traceback in the log, issue 14)."""
        if self.closing:
            return
        sender = self._sender_task
        if sender is not None and sender is not asyncio.current_task() and not sender.done():
            await self._drain(sender)
        self.closing = True
        try:
            await self.ws.close(code)
        except Exception:  # already closed from the other side
            pass

    async def _drain(self, sender: asyncio.Task[None]) -> None:
        """Let the sender send what is queued (within a send timeout): the last notice says why
        the socket closes. Nothing new is started meanwhile (`_draining`), and after it nothing
        more is sent (`closing`)."""
        self._draining = True
        await asyncio.wait([sender], timeout=self.k.settings.ws_send_timeout_s)
        self.closing = True
        if not sender.done():  # a client that does not read: stop the send that waits for it
            sender.cancel()

    async def run(self, since: int | None) -> None:
        """The socket's life, in the socket's own task: it reads (receiver), a sender task sends
        while there is something to send, and whichever ends the connection stops the other."""
        hub = self.k.hub
        self._main = asyncio.current_task()
        let_go_of_the_handshake(self.ws)
        self.k.budgets.opened(self.person)
        unwatch = hub.watch(self.room, self.on_change)
        if self.viewer.role is Role.PARTICIPANT:
            hub.connect(self.room, self.viewer.pid)
        self.go_live()
        self.catch_up(since)
        self.k.send_watch.register(self)
        try:
            await self.receiver()
        except asyncio.CancelledError:
            if not self._ended_by_sender:
                raise  # the server is stopping
            main = asyncio.current_task()
            if main is not None:
                main.uncancel()
            if self._failure is not None:
                log.error("connection task failed", exc_info=self._failure)
                await self._close(errors.CLOSE_INTERNAL)
        except WebSocketDisconnect:
            pass
        except Exception:
            log.error("connection task failed", exc_info=True)
            await self._close(errors.CLOSE_INTERNAL)
        finally:
            self._live = False
            sender = self._sender_task
            if sender is not None:
                # Retrieve whatever a cancelled task ends with, so that a burst of disconnects
                # does not log "Task exception was never retrieved" (not awaited: this may itself
                # be running under cancellation).
                sender.add_done_callback(lambda t: t.cancelled() or t.exception())
                sender.cancel()
            # A cancelled task keeps its exception, whose traceback holds the task's frame and so
            # this connection: without this a cycle that only a full collection frees (RawSend).
            self._sender_task = None
            self._failure = None
            self._main = None
            self.k.send_watch.unregister(self)
            self.k.budgets.closed(self.person)
            unwatch()
            if self.viewer.role is Role.PARTICIPANT:
                hub.disconnect(self.room, self.viewer.pid)


def closed_by_server(exc: RuntimeError) -> bool:
    """Whether a send failed because the ASGI server had already closed the socket itself."""
    return "after sending 'websocket.close'" in str(exc)


async def hold_while(holding: Callable[[], bool], limit_s: float, poll_s: float,
                     clock: Callable[[], float] = time.monotonic) -> None:
    """One turn of the loop (the receiver takes what has arrived), then wait while `holding()`
    says so, checking every `poll_s`, for at most `limit_s` (Connection._hold_first_render)."""
    await asyncio.sleep(0)
    until = clock() + limit_s
    while holding() and clock() < until:
        await asyncio.sleep(poll_s)


def person_key(room: Room, viewer: Viewer) -> str:
    """Whom a socket's frames are counted against, over all their sockets and reconnects."""
    return f"{room.code}:{viewer.role.value}:{viewer.pid}"


async def _admitted(ws: WebSocket, k: Kring, room: Room, viewer: Viewer) -> bool:
    """The shared budgets' say before a socket goes live: not while its person waits after a
    close for abuse, and not past the number of sockets one person may have open. An admitted
    socket is accepted here. A refusal says why on the page, then closes; but during a back-off
    only the first refusal does: the others are refused at the upgrade (HTTP 403, which a
    browser sees as 1006), before anything is accepted or rendered, so that a script that
    reconnects in a loop costs next to nothing (issue 14: a flood of reconnects cost memory
    and the other people's latency)."""
    person = person_key(room, viewer)
    refusal = k.budgets.may_open(person)
    wait = k.budgets.wait_before_refusing(refusal) if refusal is not None else 0.0
    if wait > 0:
        try:
            await asyncio.sleep(wait)
        finally:
            k.budgets.refusal_answered()
        # Asked again: meanwhile another of their sockets may have closed (a page reloaded when
        # all 8 were open: the new page's socket can come before the old one's close), or the
        # back-off may be over.
        refusal = k.budgets.may_open(person)
    if refusal is None:
        await ws.accept()
        return True
    if refusal is Refusal.BACKOFF_AGAIN:
        await _deny(ws)
        return False
    t = k.translator.gettext(viewer.lang)
    if refusal is Refusal.SOCKETS:
        text, code = t("You have this session open on too many pages. Close a few, then reload this page."), \
            errors.CLOSE_TOO_MANY_SOCKETS
    else:
        text, code = t("Too much at once from this device. Please wait a minute, then reload the page."), \
            errors.CLOSE_WAIT
    log.info("socket of %s in %s refused (%s, %d)", viewer.role.value, room.code, refusal.value, code)
    try:
        await ws.accept()
        await ws.send_text(k.renderer.fragment("fragments/flash.html", viewer, message=text))
        await ws.close(code)
    except Exception:  # the client is already gone
        pass
    return False


async def _deny(ws: WebSocket) -> None:
    """Refuse the upgrade itself: a close before the accept is answered with HTTP 403 by the ASGI
    server. Kring logs nothing for it (uvicorn's access log has its line): a loop of these must not
    add to the log more than that."""
    try:
        await ws.close(errors.CLOSE_WAIT)
    except Exception:  # the client is already gone
        pass


async def _closed(ws: WebSocket, code: int) -> None:
    """Accept, then close with `code`: a refused handshake reaches the browser as 1006, which htmx
    retries forever; a close code tells it why (and 1008, 4001 and 4008 to stop)."""
    try:
        await ws.accept()
        await ws.close(code)
    except Exception:  # the client is already gone
        pass


def _since(ws: WebSocket) -> int | None:
    raw = ws.query_params.get("since", "")
    # isascii: "²".isdigit() is True but int("²") fails.
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 16 else None


def _page(ws: WebSocket) -> str:
    """Which kind of page opened this socket: it gets only that page's regions."""
    return "trajectory" if ws.query_params.get("page") == "trajectory" else "live"


async def _open(ws: WebSocket, code: str) -> tuple[Kring, Room] | None:
    """The room of a socket, or None after closing it. Not accepted yet: _admitted accepts, or
    refuses the upgrade itself (a back-off)."""
    k = kring(ws)
    if not security.origin_ok(ws, k.settings.public_url, k.settings.allowed_origins):
        await _closed(ws, errors.CLOSE_ORIGIN)  # 1008 tells htmx to stop
        return None
    try:
        # Through find_room: a socket's probe of a code counts like any other (issue 14).
        room = await find_room(ws, code)
    except TooManyWrongCodes:
        # Decided before the code is looked at, so it tells nothing about the code.
        await _closed(ws, errors.CLOSE_WAIT)
        return None
    except BackendUnavailable:
        # The store is away (Redis down): try again later; htmx reconnects after 1013.
        await _closed(ws, errors.CLOSE_SLOW)
        return None
    if room is None:
        # The same close as for a wrong credential: a socket must not tell which codes exist.
        await _closed(ws, errors.CLOSE_NOT_ALLOWED)
        return None
    return k, room


async def participant_socket(ws: WebSocket, send: Send) -> None:
    opened = await _open(ws, ws.path_params["code"])
    if opened is None:
        return
    k, room = opened
    token = ws.cookies.get(security.participant_cookie(room.code), "")
    found = room.state.participant_by_token_hash(security.hash_secret(token)) if token else None
    if found is None:
        await _closed(ws, errors.CLOSE_NOT_ALLOWED)
        return
    viewer = Viewer(Role.PARTICIPANT, browser_lang(ws, room.state.language), found.pid, base_url(ws), _page(ws))
    if await _admitted(ws, k, room, viewer):
        await Connection(ws, k, room, viewer, send).run(_since(ws))


async def mentor_socket(ws: WebSocket, send: Send) -> None:
    opened = await _open(ws, ws.path_params["code"])
    if opened is None:
        return
    k, room = opened
    key = ws.cookies.get(security.mentor_cookie(room.code), "")
    if not key or not security.same_secret(security.hash_secret(key), room.state.mentor_key_hash):
        await _closed(ws, errors.CLOSE_NOT_ALLOWED)
        return
    viewer = Viewer(Role.MENTOR, browser_lang(ws, room.state.language), base_url=base_url(ws), page=_page(ws))
    if await _admitted(ws, k, room, viewer):
        await Connection(ws, k, room, viewer, send).run(_since(ws))


async def projector_socket(ws: WebSocket, send: Send) -> None:
    opened = await _open(ws, ws.path_params["code"])
    if opened is None:
        return
    k, room = opened
    if not security.same_secret(ws.path_params["token"], room.state.join_token):
        await _closed(ws, errors.CLOSE_NOT_ALLOWED)
        return
    viewer = Viewer(Role.PROJECTOR, projector_lang(ws, room), base_url=base_url(ws))
    if await _admitted(ws, k, room, viewer):
        await Connection(ws, k, room, viewer, send).run(_since(ws))


def let_go_of_the_handshake(ws: WebSocket) -> None:
    """Drop the opening request's headers, and what Starlette parsed of them, once the socket is
    admitted: the cookies, the language, the origin and the address were read before, nothing
    reads them again, and a socket stays open for hours. The headers are a list of byte strings
    in the ASGI scope (a browser sends a dozen, its cookies and user agent the largest), kept
    with the parsed cookies for as long as the socket is open: letting go took a socket from
    24.7 to 22.3 kB in `bench.socket_memory`, and a browser sends more than its client does
    (issue 19, docs/performance.md)."""
    ws.scope["headers"] = []
    # Starlette's lazily parsed copies on the WebSocket (HTTPConnection's own attribute names; the
    # version is pinned in requirements.lock, and tests/test_app_ws.py checks they are gone).
    for parsed in ("_headers", "_cookies", "_url", "_base_url", "_query_params"):
        ws.__dict__.pop(parsed, None)


# Where RawSend keeps the server's own `send` of a websocket in the ASGI scope.
RAW_SEND = "kring.raw_send"


class RawSend:
    """Middleware (the first of the app) that keeps the ASGI server's `send` of a websocket in the
    scope. Starlette's routing wraps `send` in an exception-handling coroutine meant for HTTP
    responses; at 10,000 frames a second that layer was a percent of the server's CPU. So the
    middleware after this one never sees a websocket's frames (see create_app in server/app.py)."""

    def __init__(self, app: ASGIApp, ended: Callable[[], None] | None = None) -> None:
        self.app = app
        self.ended = ended  # told when a websocket has ended (server/collector.py)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        scope[RAW_SEND] = send
        try:
            await self.app(scope, receive, send)
        finally:
            # The scope belongs to uvicorn's protocol object and `send` is a method of it: a cycle
            # that only a full collection frees, and the server runs those a hundred times less
            # often (server/__main__.py tune_gc). A flood of 175,000 refused frames left 10,000
            # closed connections' protocol objects (270 MiB) in memory until one (issue 14).
            del scope[RAW_SEND]
            if self.ended is not None:
                self.ended()


class Socket:
    """A websocket route's endpoint as a plain ASGI app: the handler gets the WebSocket and the
    ASGI server's own `send` (RawSend), which Connection uses for its frames (see
    Connection.__init__)."""

    def __init__(self, handler: Callable[[WebSocket, Send], Awaitable[None]]) -> None:
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.handler(WebSocket(scope, receive=receive, send=send), scope.get(RAW_SEND, send))
