"""Where a middleware sits decides whether it sees websocket frames (server/app.py, RawSend).

RawSend keeps the ASGI server's own `send` of a websocket for the socket endpoints, so a middleware
listed after it sees a socket's accept and close but none of its frames; one listed before it (or
added with `app.add_middleware`, which puts it outermost) sees everything. These tests show both,
so that nobody adds a middleware that must see frames in the wrong place without a test failing.
"""

from __future__ import annotations

from pathlib import Path

from starlette.middleware import Middleware
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import ws
from server.app import create_app
from tests.appkit import new_session, receive_until, send
from tests.conftest import make_settings


class Recorder:
    """A middleware that notes the type of every websocket message sent through it."""

    def __init__(self, app: ASGIApp, seen: list[str]) -> None:
        self.app = app
        self.seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return

        async def recording(message: Message) -> None:
            self.seen.append(message["type"])
            await send(message)

        await self.app(scope, receive, recording)


def messages_seen(tmp_path: Path, *, outermost: bool) -> list[str]:
    """The websocket messages a Recorder saw while a participant connected, caught up, renamed
    themself and left: added with `add_middleware` (outermost), or listed right after RawSend."""
    app = create_app(make_settings(tmp_path))
    assert app.user_middleware[0].cls is ws.RawSend  # the order this file is about
    seen: list[str] = []
    if outermost:
        app.add_middleware(Recorder, seen=seen)
    else:
        app.user_middleware.insert(1, Middleware(Recorder, seen=seen))
    with TestClient(app, base_url="http://testserver") as client:
        browsers, code = new_session(client, "Middleware", [("anna", "Anna", "room")])
        with browsers.as_("anna").websocket_connect(f"/ws/s/{code}?since=0") as socket:
            receive_until(socket, 'data-state="live"')
            send(socket, cmd="profile", name="Anna B", location="room")
            receive_until(socket, "Anna B")
    return seen


def test_a_middleware_after_raw_send_never_sees_websocket_frames(tmp_path: Path) -> None:
    seen = messages_seen(tmp_path, outermost=False)
    assert "websocket.accept" in seen  # it is on the socket's path...
    assert "websocket.send" not in seen  # ...but the frames go past it


def test_a_middleware_added_with_add_middleware_comes_before_raw_send_and_sees_every_frame(
    tmp_path: Path,
) -> None:
    seen = messages_seen(tmp_path, outermost=True)
    assert seen[0] == "websocket.accept"
    assert seen.count("websocket.send") >= 2  # the catch-up and the rename at least
