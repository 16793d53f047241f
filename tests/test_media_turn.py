"""TURN against a real coturn (Debian's `coturn` package; scripts/test installs it): a remote whose
connection may only use relayed candidates (iceTransportPolicy "relay", as behind a firewall that
lets nothing but the TURN server through) publishes to the relay and receives from it through
turnserver on loopback, and the relay's check finds the TURN server alive (issue 16)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiortc import RTCConfiguration, RTCIceServer
from aiortc.rtcconfiguration import RTCIceTransportPolicy

from bench.serverproc import free_port
from server.media.ice import answers
from server.media.sfu import Limits, MediaRoom, rtc_config
from tests.mediakit import wait_for
from tests.test_media_sfu import Peer, counting

pytestmark = [pytest.mark.timeout(90), pytest.mark.skipif(shutil.which("turnserver") is None,
                                                           reason="coturn is not installed (scripts/test installs it)")]
USER, PASSWORD = "kring", "turn-test-secret"


@pytest.fixture
def turn(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = (tmp_path / "turn.log").open("wb")
    proc = subprocess.Popen(
        ["turnserver", "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", f"--listening-port={port}",
         "--min-port=49160", "--max-port=49260", "--lt-cred-mech", f"--user={USER}:{PASSWORD}",
         "--realm=kring.test", "--allow-loopback-peers", "--no-tls", "--no-dtls", "--no-cli",
         f"--pidfile={tmp_path / 'turn.pid'}", "--log-file=stdout", "--simple-log"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.settimeout(0.2)
                probe.sendto(bytes.fromhex("000100002112a442") + bytes(12), ("127.0.0.1", port))
                try:
                    probe.recv(100)
                    break
                except OSError:
                    pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "turn.log").read_text()
        yield f"turn:127.0.0.1:{port}?transport=udp"
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def relay_only(url: str) -> RTCConfiguration:
    return RTCConfiguration(iceServers=[RTCIceServer(urls=url, username=USER, credential=PASSWORD)],
                            iceTransportPolicy=RTCIceTransportPolicy.RELAY)


async def test_a_remote_that_can_only_use_turn_gets_through(turn: str) -> None:
    assert await answers(turn, 1.0)  # the relay's own check sees coturn
    room = MediaRoom("ROOM", rtc_config(()), Limits())
    projector = Peer(room, "room", "room")
    # Rik's peer connections may use relayed candidates only: all his media goes through coturn.
    rik = Peer(room, "p:rik", config=relay_only(turn))
    try:
        pub = await rik.publish()
        offer = pub.pc.localDescription.sdp
        assert "typ relay" in offer and "typ host" not in offer and "typ srflx" not in offer
        await projector.publish()
        await rik.subscribe()
        await projector.subscribe()
        await wait_for(counting(projector, "p:rik", "video", 20), what="the room sees Rik through TURN")
        await wait_for(counting(rik, "room", "audio", 50), what="Rik hears the room through TURN")
        for pc in (rik.sub.pc, pub.pc):
            ice = pc.getTransceivers()[0].receiver.transport.transport
            pairs = ice._connection._nominated  # aioice: the pair in use, per component
            assert pairs and all(pair.local_candidate.type == "relay" for pair in pairs.values())
    finally:
        await rik.leave()
        await projector.leave()
        await room.close()

