"""A client that stops reading is cut off with 1013 (try again later), and never piles up memory:
between sends the connection only keeps the names of dirty regions."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from realtime.events import Role, Stamped, TitleChanged
from realtime.room import Change, Room
from realtime.state import RoomState
from server import errors
from server.ws import Connection
from web.viewer import Viewer


class StuckSocket:
    """A fake websocket whose peer never reads: every send blocks forever."""

    def __init__(self) -> None:
        self.closed_with: int | None = None
        self.sends = 0

    async def send(self, message: dict[str, Any]) -> None:
        assert message["type"] == "websocket.send" and isinstance(message["text"], str)
        self.sends += 1
        await asyncio.Event().wait()

    async def close(self, code: int) -> None:
        self.closed_with = code


async def test_a_stuck_client_is_cut_off_with_1013_and_its_backlog_stays_bounded() -> None:
    renders: list[set[str]] = []

    def regions(room: Room, viewer: Viewer, names: set[str]) -> str:
        renders.append(set(names))
        return "<div></div>"

    k: Any = SimpleNamespace(
        settings=SimpleNamespace(ws_send_timeout_s=0.2, ws_messages_per_10s=100),
        renderer=SimpleNamespace(regions=regions, fragment=lambda *a, **kw: ""),
    )
    ws = StuckSocket()
    room = Room("ACDEFGHJ", RoomState(seq=1, code="ACDEFGHJ"))
    conn = Connection(ws, k, room, Viewer(Role.MENTOR, "en"))  # type: ignore[arg-type]
    sender = asyncio.get_running_loop().create_task(conn.sender())
    conn.on_change(Change(presence=True))
    await asyncio.sleep(0.05)  # the first send is now stuck
    for seq in range(2, 1002):  # a thousand changes while the client does not read
        conn.on_change(Change(events=(Stamped(seq, 1.0, TitleChanged(f"t{seq}")),)))
    assert conn.dirty == {"session-head"}  # a set of region names, not a queue of messages
    await asyncio.wait_for(sender, 2.0)
    assert ws.closed_with == errors.CLOSE_SLOW
    assert ws.sends == 1 and len(renders) == 1
