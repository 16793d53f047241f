"""Transport-wide congestion control feedback (server/media/twcc.py), read back by a parser
written here from the draft (draft-holmer-rmcat-transport-wide-cc-extensions-01, 3.1), apart
from the builder: known arrival times in, the same arrival times out (to 250 us)."""

from __future__ import annotations

import struct
from itertools import pairwise
from typing import Any

import pytest
from aiortc import RTCPeerConnection
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters

from server.media import twcc
from server.media.sfu import Limits, MediaRoom, rtc_config
from tests import mediakit
from tests.mediakit import wait_for
from tests.test_media_sfu import Peer


def parse(packet: bytes) -> tuple[int, int, dict[int, int | None]]:
    """(sender SSRC, media SSRC, {sequence number: arrival in us or None}) of one feedback."""
    first, kind, words = struct.unpack("!BBH", packet[:4])
    assert first >> 6 == 2 and first & 0x1F == 15 and kind == 205
    assert len(packet) == 4 * (words + 1)
    end = len(packet) - (packet[-1] if first & 0x20 else 0)
    sender, media, base, count, word = struct.unpack("!IIHHI", packet[4:20])
    reference_us = (word >> 8) * 64_000
    symbols: list[int] = []
    at = 20
    while len(symbols) < count:
        (chunk,) = struct.unpack("!H", packet[at:at + 2])
        at += 2
        if not chunk & 0x8000:
            symbols += [(chunk >> 13) & 3] * (chunk & 0x1FFF)
        elif not chunk & 0x4000:
            symbols += [(chunk >> (13 - k)) & 1 for k in range(14)]
        else:
            symbols += [(chunk >> (12 - 2 * k)) & 3 for k in range(7)]
    symbols = symbols[:count]
    out: dict[int, int | None] = {}
    time_us = reference_us
    for k, symbol in enumerate(symbols):
        assert symbol != 3
        seq = (base + k) & 0xFFFF
        if symbol == 0:
            out[seq] = None
            continue
        if symbol == 1:
            (delta,) = struct.unpack("!B", packet[at:at + 1])
            at += 1
        else:
            (delta,) = struct.unpack("!h", packet[at:at + 2])
            at += 2
        time_us += delta * 250
        out[seq] = time_us
    assert at <= end and not any(packet[at:end]), "bytes left over"
    return sender, media, out


def test_known_arrivals_come_back_from_the_packet() -> None:
    log = twcc.ArrivalLog(sender_ssrc=0x1234)
    arrivals = {100: 1_000_000, 101: 1_000_500, 103: 1_001_000, 104: 1_090_000, 102: 1_000_750}
    for seq, at in arrivals.items():
        log.record(seq, at, ssrc=0xBEEF)
    (packet,) = log.feedback()
    sender, media, got = parse(packet)
    assert (sender, media) == (0x1234, 0xBEEF)
    assert got == arrivals  # in sequence order, reordering undone, 89 ms gap as a large delta
    assert log.feedback() == []  # reported once


def test_a_lost_packet_is_reported_not_received_also_across_reports() -> None:
    log = twcc.ArrivalLog(1)
    log.record(10, 2_000_000, 5)
    log.record(12, 2_010_000, 5)
    assert parse(log.feedback()[0])[2] == {10: 2_000_000, 11: None, 12: 2_010_000}
    log.record(14, 2_050_000, 5)  # 13 lost right at the boundary
    assert parse(log.feedback()[0])[2] == {13: None, 14: 2_050_000}
    log.record(13, 2_060_000, 5)  # too late: already reported lost
    assert log.feedback() == []


def test_sequence_numbers_wrap_and_negative_deltas_take_two_bytes() -> None:
    log = twcc.ArrivalLog(1)
    log.record(65534, 5_000_000, 7)
    log.record(65535, 4_999_000, 7)  # the clock order differs from sequence order
    log.record(0, 5_001_000, 7)
    log.record(1, 5_002_000, 7)
    (packet,) = log.feedback()
    assert parse(packet)[2] == {65534: 5_000_000, 65535: 4_999_000, 0: 5_001_000, 1: 5_002_000}
    log.record(2, 5_003_000, 7)
    assert parse(log.feedback()[0])[2] == {2: 5_003_000}


def test_long_spans_split_into_packets_that_fit_a_datagram() -> None:
    log = twcc.ArrivalLog(1)
    expected: dict[int, int | None] = {}
    for seq in range(1000):
        if seq % 3 == 1:
            expected[seq] = None
            continue
        at = 10_000_000 + seq * 40_000  # 40 ms apart: one-byte deltas do not hold them
        log.record(seq, at, 9)
        expected[seq] = at
    packets = log.feedback()
    assert len(packets) == 3 and all(len(p) <= 1200 for p in packets)
    got: dict[int, int | None] = {}
    for packet in packets:
        got.update(parse(packet)[2])
    assert got == expected
    counts = [struct.unpack("!I", p[16:20])[0] & 0xFF for p in packets]
    assert counts == [0, 1, 2]  # the feedback packet count goes up by one per packet


def test_arrivals_far_apart_start_a_new_packet() -> None:
    log = twcc.ArrivalLog(1)
    log.record(1, 1_000_000, 3)
    log.record(2, 1_000_000 + 9_000_000, 3)  # 9 s later: more than a two-byte delta holds
    packets = log.feedback()
    assert len(packets) == 2
    assert parse(packets[0])[2] == {1: 1_000_000} and parse(packets[1])[2] == {2: 10_000_000}


@pytest.mark.parametrize("symbols", [[1] * 20, [0, 1] * 10, [2] * 9 + [1, 0], [1, 2, 0, 0, 1, 1, 1, 1, 2]])
def test_status_chunks_cover_every_status(symbols: list[int]) -> None:
    decoded: list[int] = []
    for chunk in twcc._chunks(symbols):
        if not chunk & 0x8000:
            decoded += [(chunk >> 13) & 3] * (chunk & 0x1FFF)
        elif not chunk & 0x4000:
            decoded += [(chunk >> (13 - k)) & 1 for k in range(14)]
        else:
            decoded += [(chunk >> (12 - 2 * k)) & 3 for k in range(7)]
    assert decoded[:len(symbols)] == symbols


# ------------------------------------------------------------------ through a real relay


def _with_transport_cc(offer: str, ext_id: int) -> str:
    """What a browser's offer says and aiortc's does not: transport-wide sequence numbers on
    every line, and transport-cc feedback for every codec."""
    out = []
    for line in offer.split("\r\n"):
        out.append(line)
        if line.startswith("a=mid:"):
            out.append(f"a=extmap:{ext_id} {twcc.URI}")
        if line.startswith("a=rtpmap:"):
            out.append(f"a=rtcp-fb:{line[9:].split(' ')[0]} transport-cc")
    return "\r\n".join(out)


def _stamp_transport_sequence(pc: RTCPeerConnection, ext_id: int) -> list[int]:
    """Make an aiortc publisher number its packets transport-wide as a browser does (aiortc's
    sender does not); returns the list of numbers it sent, in order."""
    sent: list[int] = []
    for transceiver in pc.getTransceivers():
        extensions = transceiver.sender._RTCRtpSender__rtp_header_extensions_map  # type: ignore[attr-defined]
        ours = RTCRtpHeaderExtensionParameters(id=ext_id, uri=twcc.URI)
        extensions.configure(RTCRtpParameters(headerExtensions=[ours]))
        original = extensions.set

        def stamped(values: Any, original: Any = original) -> Any:
            values.transport_sequence_number = len(sent) & 0xFFFF
            sent.append(values.transport_sequence_number)
            return original(values)

        extensions.set = stamped
    return sent


def _tap_rtcp(pc: RTCPeerConnection) -> list[bytes]:
    """Every RTCP packet the publisher receives, after SRTP."""
    got: list[bytes] = []
    transport = pc.getTransceivers()[0].receiver.transport
    handle = transport._handle_rtcp_data

    async def tapped(data: bytes) -> None:
        got.append(data)
        await handle(data)

    transport._handle_rtcp_data = tapped  # type: ignore[method-assign]
    return got


def _feedback(compound: bytes) -> list[bytes]:
    out, at = [], 0
    while at + 4 <= len(compound):
        length = 4 * (struct.unpack("!H", compound[at + 2:at + 4])[0] + 1)
        if compound[at + 1] == 205 and compound[at] & 0x1F == 15:
            out.append(compound[at:at + length])
        at += length
    return out


async def test_the_relay_reports_each_packets_arrival_to_a_publisher_that_offers_it() -> None:
    room = MediaRoom("TWCC", rtc_config(()), Limits())
    peer = Peer(room, "p:1")
    pub = mediakit.Publisher(audio=True, video=True, fps=30.0)
    try:
        offer, labels = await pub.offer()
        answer = await room.publish(peer.member, _with_transport_cc(offer, 5), labels)
        for section in answer.split("m=")[1:]:
            assert f"a=extmap:5 {twcc.URI}" in section and " transport-cc" in section, section
            assert "goog-remb" not in section and "abs-send-time" not in section, section
        await pub.on_answer(answer)
        sent = _stamp_transport_sequence(pub.pc, 5)
        rtcp = _tap_rtcp(pub.pc)
        await wait_for(lambda: len(sent) > 300, what="300 packets sent")
        arrived: dict[int, int | None] = {}
        await wait_for(lambda: arrived.update(
            {seq: at for data in rtcp for packet in _feedback(data) for seq, at in parse(packet)[2].items()})
            or all(seq in arrived for seq in sent[:300]), what="feedback on the first 300 packets")
        received = [arrived[seq] for seq in sent[:300]]
        assert sum(at is not None for at in received) >= 295, received  # loopback: (nearly) no loss
        times = [at for at in received if at is not None]
        # Arrival times, in sending order, go forward and span the time it took to send them.
        assert sum(b < a for a, b in pairwise(times)) < 5, times
        assert 1_000_000 < times[-1] - times[0] < 20_000_000
        ssrcs = {transceiver.sender._ssrc for transceiver in pub.pc.getTransceivers()}
        assert {parse(packet)[1] for data in rtcp for packet in _feedback(data)} <= ssrcs
    finally:
        await peer.leave()
        await pub.close()
        await room.close()


async def test_a_publisher_that_offers_no_transport_cc_keeps_remb() -> None:
    room = MediaRoom("REMB", rtc_config(()), Limits())
    peer = Peer(room, "p:1")
    pub = mediakit.Publisher(audio=False, video=True)
    try:
        offer, labels = await pub.offer()
        answer = await room.publish(peer.member, offer, labels)
        assert "goog-remb" in answer and "abs-send-time" in answer and twcc.URI not in answer
        assert peer.member.publisher is not None and peer.member.publisher.arrivals is None
    finally:
        await peer.leave()
        await pub.close()
        await room.close()
