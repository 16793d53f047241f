"""The relay's own STUN/TURN servers (server/media/ice.py): each is checked in the background and
new connections use only those that answered, so a dead server costs no join (issue 16). A real
UDP socket that never answers stands for the dead server; a minimal STUN responder on loopback
for a live one."""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from server.media.ice import Endpoint, IceServers, answers, endpoint
from server.media.sfu import MediaRooms
from tests.test_media_sfu import Peer

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("url,expected", [
    ("stun:127.0.0.1", Endpoint("127.0.0.1", 3478, "udp")),
    ("stun:stun.example.org:19302", Endpoint("stun.example.org", 19302, "udp")),
    ("turn:127.0.0.1:3479?transport=tcp", Endpoint("127.0.0.1", 3479, "tcp")),
    ("turns:turn.example.org", Endpoint("turn.example.org", 5349, "tcp")),
    ("turn:[::1]:3478?transport=udp", Endpoint("::1", 3478, "udp")),
    ("http://example.org", None), ("stun:", None), ("stun:host:port", None),
])
def test_urls_name_an_endpoint(url: str, expected: Endpoint | None) -> None:
    assert endpoint(url) == expected


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A UDP port that takes datagrams and never answers: a STUN server that is down or cut off."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


class _Stun(asyncio.DatagramProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if len(data) >= 20 and data[:2] == b"\x00\x01":  # a Binding request: a success, no attributes
            self.transport.sendto(struct.pack("!HH", 0x0101, 0) + data[4:20], addr)  # type: ignore[attr-defined]


@pytest.fixture
async def stun_server() -> AsyncIterator[int]:
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(_Stun, local_addr=("127.0.0.1", 0))
    yield int(transport.get_extra_info("sockname")[1])
    transport.close()


async def test_a_live_server_answers_and_a_dead_one_does_not(stun_server: int, black_hole: int) -> None:
    assert await answers(f"stun:127.0.0.1:{stun_server}", 1.0) is True
    assert await answers(f"stun:127.0.0.1:{black_hole}", 0.4) is False
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert await answers(f"turn:127.0.0.1:{port}?transport=tcp", 1.0) is True
    assert await answers(f"turns:127.0.0.1:{port}", 0.5) is False  # closed now


async def test_only_servers_that_answered_are_used_and_a_change_is_told(stun_server: int, black_hole: int) -> None:
    servers = ({"urls": [f"stun:127.0.0.1:{black_hole}", f"stun:127.0.0.1:{stun_server}"]},
               {"urls": f"turn:127.0.0.1:{black_hole}", "username": "u", "credential": "c"})
    ice = IceServers(servers, timeout=0.4)
    changes: list[int] = []
    ice.on_change(lambda: changes.append(len(ice.usable)))
    assert ice.usable == ()  # nothing is used before a check says it answers
    assert await ice.check() == ({"urls": [f"stun:127.0.0.1:{stun_server}"]},)
    assert changes == [1]
    await ice.check()
    assert changes == [1]  # no change, no news


async def test_a_join_does_not_wait_for_a_dead_stun_server(black_hole: int) -> None:
    """With the dead server left out the answer comes at once; the same join with the dead server
    in the relay's configuration (as before issue 16) waits for aioice's 5 s gathering time-out."""
    rooms = MediaRooms(({"urls": f"stun:127.0.0.1:{black_hole}"},), ice=None)
    rooms.ice.timeout = 0.4
    rooms.start()
    try:
        for _ in range(100):
            if rooms.ice.checks:
                break
            await asyncio.sleep(0.05)
        assert rooms.ice.checks == 1 and rooms.ice.usable == ()
        room = rooms.room("ROOM")
        assert room.config.iceServers == []
        anna = Peer(room, "p:anna")
        start = time.monotonic()
        await anna.publish()
        fast = time.monotonic() - start
        await anna.leave()
        # Without the check: the relay's connection gathers from the dead server.
        from server.media.sfu import rtc_config

        room.config = rtc_config(({"urls": f"stun:127.0.0.1:{black_hole}"},))
        bert = Peer(room, "p:bert")
        start = time.monotonic()
        await bert.publish()
        slow = time.monotonic() - start
        await bert.leave()
        print(f"publish answered in {fast:.3f} s with the check, {slow:.3f} s without")
        assert slow >= 4.5 and fast < 2.0, (fast, slow)
    finally:
        await rooms.close()
