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
from server.send_watch import SendWatch
from server.ws import Connection
from tests.corekit import CORE, LAYOUT
from web.viewer import Viewer


class StuckSocket:
    """A fake websocket whose peer never reads: every send blocks forever."""

    def __init__(self) -> None:
        self.closed_with: int | None = None
        self.sends = 0
        self.client = None  # the peer's address: unknown

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

    watch = SendWatch(timeout_s=0.2, every_s=0.05)
    k: Any = SimpleNamespace(
        settings=SimpleNamespace(ws_send_timeout_s=0.2, ws_messages_per_10s=100, eager_send=True),
        renderer=SimpleNamespace(regions=regions, fragment=lambda *a, **kw: "", layout=LAYOUT),
        send_watch=watch,
    )
    ws = StuckSocket()
    room = Room("ACDEFGHJ", RoomState(seq=1, code="ACDEFGHJ"), CORE)
    conn = Connection(ws, k, room, Viewer(Role.MENTOR, "en"))  # type: ignore[arg-type]
    watch.register(conn)
    watch.start()
    conn.go_live()
    conn.on_change(Change(presence=True))
    sender = conn.sending  # the first send is stuck: a sender took it over from the fan-out
    assert sender is not None
    await asyncio.sleep(0.05)
    for seq in range(2, 1002):  # a thousand changes while the client does not read
        conn.on_change(Change(events=(Stamped(seq, 1.0, TitleChanged(f"t{seq}")),)))
    assert conn.dirty == {"session-head"}  # a set of region names, not a queue of messages
    await asyncio.wait_for(sender, 2.0)
    await watch.stop()
    assert ws.closed_with == errors.CLOSE_SLOW
    assert ws.sends == 1 and len(renders) == 1


class FakeConnection:
    def __init__(self) -> None:
        self.sending_since: float | None = None
        self.cut = False

    def cut_off(self) -> None:
        self.cut = True


def test_the_watch_cuts_off_only_sends_pending_longer_than_the_timeout() -> None:
    now = [100.0]
    watch = SendWatch(timeout_s=10.0, clock=lambda: now[0])
    idle, quick, stuck = FakeConnection(), FakeConnection(), FakeConnection()
    for connection in (idle, quick, stuck):
        watch.register(connection)
    quick.sending_since, stuck.sending_since = 99.0, 85.0
    watch.check()
    assert (idle.cut, quick.cut, stuck.cut) == (False, False, True)
    now[0] = 120.0  # the quick one's send is long stuck too by now
    watch.check()
    assert quick.cut and not idle.cut
