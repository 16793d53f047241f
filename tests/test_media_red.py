"""Redundant audio (RED, RFC 2198) between the browsers and the relay (server/media/red.py,
issue 16): payloads taken apart and put together, a lost packet repaired from the next one,
the SDP that asks for it, and when the relay spends the extra bytes on a receiver."""

from __future__ import annotations

from fractions import Fraction

import pytest
from aiortc.rtp import RtpPacket

from server.media import budget, glue, red, sdp
from server.media.budget import Budget

OPUS = 111


def _frame(i: int) -> bytes:
    return bytes([i % 256]) * (20 + i % 7)


def test_a_payload_with_earlier_frames_comes_apart_as_it_was_put_together() -> None:
    payload = red.pack(b"now", OPUS, [(1920, b"two ago"), (960, b"one ago")])
    # RFC 2198: F=1 | PT | 14-bit offset | 10-bit length, per earlier block; then F=0 | PT.
    assert payload[:4] == (0x80000000 | OPUS << 24 | 1920 << 10 | 7).to_bytes(4, "big")
    assert payload[8] == OPUS
    assert red.unpack(payload) == [red.Block(1920, OPUS, b"two ago"), red.Block(960, OPUS, b"one ago"),
                                   red.Block(0, OPUS, b"now")]
    assert red.unpack(red.pack(b"alone", OPUS, [])) == [red.Block(0, OPUS, b"alone")]


def test_frames_red_cannot_carry_are_left_out() -> None:
    too_old, too_big = (red.MAX_OFFSET + 1, b"x"), (960, b"y" * (red.MAX_BLOCK + 1))
    assert red.unpack(red.pack(b"p", OPUS, [too_old, too_big, (960, b"")])) == [red.Block(0, OPUS, b"p")]


@pytest.mark.parametrize("payload", [b"", b"\x80\x00", b"\xef\x00\x0f\x05" + b"\x6f" + b"abc",
                                     b"\xef\x00\x0f\x05\xef\x00"])
def test_a_malformed_payload_is_refused_whole(payload: bytes) -> None:
    assert red.unpack(payload) is None
    recovery = red.Recovery(63, OPUS)
    assert recovery.frames(1, 960, payload) == [] and recovery.malformed == 1


def test_a_lost_packet_is_repaired_from_the_next_and_nothing_comes_twice() -> None:
    packer, recovery = red.Packer(OPUS, distance=2), red.Recovery(63, OPUS)
    out: list[tuple[int, bytes]] = []
    for i in range(12):
        [payload], timestamp = packer.pack(glue.EncodedPacket(_frame(i), i * 960, glue.AUDIO_TIME_BASE))
        if i in (3, 7, 8):  # one loss, then two in a row
            continue
        out += recovery.frames(1000 + i, timestamp, payload)
    assert out == [(i * 960, _frame(i)) for i in range(12)]
    assert recovery.recovered == 3


def test_with_one_earlier_frame_two_losses_in_a_row_lose_one() -> None:
    packer, recovery = red.Packer(OPUS, distance=1), red.Recovery(63, OPUS)
    got = []
    for i in range(8):
        [payload], timestamp = packer.pack(glue.EncodedPacket(_frame(i), i * 960, Fraction(1, 48000)))
        if i not in (4, 5):
            got += [t // 960 for t, _ in recovery.frames(i, timestamp, payload)]
    assert got == [0, 1, 2, 3, 5, 6, 7]


def test_without_distance_a_packet_costs_one_byte_more() -> None:
    [payload], _ = red.Packer(OPUS).pack(glue.EncodedPacket(b"opus", 0, glue.AUDIO_TIME_BASE))
    assert payload == bytes([OPUS]) + b"opus"


def test_the_assembler_hands_on_plain_opus_repaired_in_order() -> None:
    delivered: list[tuple[bytes, int, int | None]] = []
    assembler = glue.FrameAssembler("audio", lambda d, t, level: delivered.append((d, t, level)),
                                    recovery=red.Recovery(63, OPUS))
    packer = red.Packer(OPUS, distance=1)
    for i in range(5):
        [payload], timestamp = packer.pack(glue.EncodedPacket(_frame(i), i * 960, glue.AUDIO_TIME_BASE))
        packet = RtpPacket(payload_type=63, sequence_number=10 + i, timestamp=timestamp, payload=payload)
        packet.extensions.audio_level = (False, 30)
        packet._data = payload  # type: ignore[attr-defined]  # what aiortc's depayload leaves
        if i != 2:
            assembler.add(packet)
    assert [(d, t) for d, t, _ in delivered] == [(_frame(i), i * 960) for i in range(5)]
    assert [level for *_, level in delivered] == [30, 30, None, 30, 30]  # a repaired frame has none


OFFER = "\r\n".join([
    "v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 0", "a=mid:0", "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111",
    "a=rtpmap:0 PCMU/8000",
    "m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:1", "a=rtpmap:96 VP8/90000",
]) + "\r\n"


def test_a_browsers_red_is_found_and_only_over_its_own_opus() -> None:
    assert sdp.red_lines(OFFER) == {"0": (63, 111)}
    assert sdp.red_lines(OFFER.replace("a=fmtp:63 111/111", "a=fmtp:63 111/0")) == {}
    assert sdp.red_lines(OFFER.replace("111 63 0", "111 0")) == {}  # not on the m= line
    assert sdp.red_lines(OFFER.replace("a=fmtp:63 111/111", "a=fmtp:63 9/9")) == {}
    # Not numbers (a hostile description): no RED, and no error either.
    assert sdp.red_lines(OFFER.replace("111", "x1")) == {}
    assert sdp.red_lines(OFFER.replace(" 63", " r3").replace(":63", ":r3")) == {}


def test_the_relays_offer_asks_for_red_first_on_audio_lines_only() -> None:
    plain = OFFER.replace(" 63 0", " 0").replace("a=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\n", "")
    offered = sdp.with_red(plain)
    assert "m=audio 9 UDP/TLS/RTP/SAVPF 63 111 0" in offered
    assert sdp.red_lines(offered) == {"0": (63, 111)}
    assert "m=video 9 UDP/TLS/RTP/SAVPF 96" in offered
    assert sdp.with_red(offered) == offered  # once
    with_63 = plain.replace("111 0", "111 0 63").replace("a=rtpmap:0", "a=rtpmap:63 G722/8000\r\na=rtpmap:0")
    taken = sdp.with_red(with_63)
    assert sdp.red_lines(taken) == {"0": (96, 111)}  # 63 in use: the first free dynamic type


def test_redundancy_goes_to_a_lossy_link_with_room_not_to_a_full_one() -> None:
    wifi = Budget(estimate=2_000_000)
    wifi.layers(["v"], {"v": 500_000}, {}, 2, now=0.0)
    assert wifi.redundancy(2, now=0.0) == 0
    wifi.report(fraction_lost=0.05, stream="a")
    wifi.report(fraction_lost=0.05, stream="a")
    wifi.layers(["v"], {"v": 500_000}, {}, 2, now=1.0)
    assert wifi.redundancy(2, now=1.0) == 1
    wifi.layers(["v"], {"v": 500_000}, {}, 2, now=1.5)
    assert wifi.needed == 2 * (budget.AUDIO_BPS + budget.RED_BPS) + 500_000  # its cost counts
    for _ in range(4):
        wifi.report(fraction_lost=0.2, stream="a")
    assert wifi.redundancy(2, now=2.0) == 2
    full = Budget(estimate=340_000)  # about what it is sent, losing: a full link
    full.layers(["v"], {"v": 150_000}, {}, 2, now=0.0)
    for _ in range(3):
        full.report(fraction_lost=0.05, stream="a")
    assert full.redundancy(2, now=1.0) == 0


def test_redundancy_goes_off_only_after_a_quiet_while() -> None:
    link = Budget(estimate=2_000_000)
    for _ in range(3):
        link.report(fraction_lost=0.05, stream="a")
    link.layers([], {}, {}, 1, now=0.0)
    assert link.redundancy(1, now=0.0) == 1
    link.losses["a"] = 0.0
    assert link.redundancy(1, now=1.0) == 1
    assert link.redundancy(1, now=1.0 + budget.RED_OFF_AFTER_S - 0.1) == 1
    assert link.redundancy(1, now=1.0 + budget.RED_OFF_AFTER_S) == 0
