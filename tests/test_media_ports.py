"""A fixed UDP port range for the relay's media (KRING_MEDIA_PORTS, server/media/ports.py, issue
16): the relay's candidates are all in the range, each connection gets its own ports, a port in
use is skipped, and media flows; other UDP sockets of the process are not touched."""

from __future__ import annotations

import asyncio
import os
import re
import socket
from pathlib import Path

import pytest

from server.media.ports import parse_range
from server.media.sfu import MediaRooms
from server.settings import Settings
from tests.mediakit import wait_for
from tests.test_media_sfu import Peer, counting

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("text,expected", [("", None), ("50000-50199", (50000, 50199)),
                                           (" 6000 - 6000 ", (6000, 6000))])
def test_ranges_parse(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_range(text) == expected


@pytest.mark.parametrize("text", ["50000", "a-b", "60000-50000", "80-90", "65000-70000"])
def test_bad_ranges_are_refused_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match="KRING_MEDIA_PORTS"):
        Settings.from_env({"KRING_MEDIA_PORTS": text})


def _hosts(sdp: str) -> set[tuple[str, int]]:
    return {(m.group(1), int(m.group(2)))
            for m in re.finditer(r"a=candidate:\S+ 1 udp \d+ (\S+) (\d+) typ host", sdp)}


def _ports(sdp: str) -> set[int]:
    return {port for _, port in _hosts(sdp)}


def _outside_the_ephemeral_ports(size: int) -> int:
    """A first port for a range of `size` that the kernel never picks for a bind to port 0, so
    that a socket the relay did not place cannot land in it by chance (the kernel's ephemeral
    range is 32768-60999 by default; the test once drew 41000-51000 and lost to that chance)."""
    low_eph, high_eph = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    offset = os.getpid() % 200 * 50  # parallel test processes get different ranges
    for start in (10000, high_eph + 1):
        low = start + offset
        if low + size <= 65535 and (low + size < low_eph or low > high_eph):
            return low
    pytest.skip(f"no range outside the ephemeral ports {low_eph}-{high_eph}")


async def test_the_relay_binds_its_media_inside_the_range() -> None:
    low = _outside_the_ephemeral_ports(40)  # ports in use by anyone else are skipped anyway
    high = low + 40
    busy = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    busy.bind(("127.0.0.1", low))  # someone else has the first port
    rooms = MediaRooms(ports=(low, high))
    rooms.start()
    other: asyncio.DatagramTransport | None = None
    room = rooms.room("PORTS")
    anna, bert = Peer(room, "p:anna"), Peer(room, "p:bert")
    try:
        pub = await anna.publish()
        await bert.subscribe()
        await wait_for(counting(bert, "p:anna", "video", 10), what="Bert sees Anna")
        answer = pub.pc.remoteDescription.sdp
        offer = [m for m in bert.messages if m["type"] == "offer"][-1]["sdp"]
        used = _ports(answer) | _ports(offer)
        assert used and all(low <= p <= high for p in used), (low, high, used)
        assert _ports(answer).isdisjoint(_ports(offer))  # each connection its own ports
        assert ("127.0.0.1", low) not in _hosts(answer) | _hosts(offer)  # taken: skipped
        # Only aioice's host sockets are bound in the range (in this test the test peers' too:
        # they share the process); any other UDP socket of the process is not.
        loop = asyncio.get_running_loop()
        other, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0))
        assert not low <= other.get_extra_info("sockname")[1] <= high
    finally:
        if other is not None:
            other.close()
        await anna.leave()
        await bert.leave()
        busy.close()
        await rooms.close()
    assert asyncio.get_running_loop().create_datagram_endpoint.__qualname__.startswith("BaseEventLoop")
