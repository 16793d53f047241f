"""The aiortc internals server.media.glue builds on, checked against the installed aiortc: an
upgrade that moves any of them must fail here, loudly, before anything else does."""

from __future__ import annotations

import inspect
import struct
from fractions import Fraction

import aiortc
import pytest
from aiortc.codecs import get_encoder
from aiortc.codecs.vpx import vp8_depayload
from aiortc.rtcdtlstransport import RTCCertificate, RTCDtlsTransport
from aiortc.rtcicetransport import RTCIceGatherer, RTCIceTransport
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtcrtpreceiver import RTCRtpReceiver
from aiortc.rtcrtpsender import RTCRtpSender
from aiortc.rtp import RtpPacket

from server.media import glue
from server.media.forward import ForwardTrack, Source

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
OPUS = RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48000, channels=2, payloadType=111)


def test_the_installed_aiortc_has_every_seam() -> None:
    assert glue.missing_seams() == []
    assert glue.AIORTC_RANGE[0] <= glue._version(aiortc.__version__) < glue.AIORTC_RANGE[1]


def test_an_untested_version_is_a_warning_and_only_a_moved_seam_refuses() -> None:
    # The version alone never refuses (an aiortc security release must not stop media): outside
    # the tested range it is a warning, and what refuses is a seam that is gone (below).
    assert glue.untested("1.16.1") == glue.untested("1.23.0rc1") == ""
    for version in ("2.0.0", "1.15.9"):
        warning = glue.untested(version)
        assert f"aiortc {version} is outside the versions" in warning and "[1.16, 2.0)" in warning
    assert glue.missing_seams() == []  # whatever the version, these seams decide

    class Receiver(RTCRtpReceiver):  # a release that renamed the jitter buffer and the PLI call
        def __init__(self) -> None:
            self.buffer = None

        async def _handle_rtp_packet(self, packet: RtpPacket, arrival_time_ms: int) -> None:
            self.buffer = packet

    Receiver._send_rtcp_pli = None  # type: ignore[assignment,method-assign]

    class Sender(RTCRtpSender):
        async def _next_encoded_frame(self, codec: RTCRtpCodecParameters) -> None:
            return None

    missing = glue.missing_seams(Receiver, Sender)
    assert missing == [
        "RTCRtpReceiver's private jitter buffer (__jitter_buffer)",
        "RTCRtpReceiver._handle_rtp_packet feeding the jitter buffer's add()",
        "RTCRtpReceiver._send_rtcp_pli",
        "RTCRtpSender._next_encoded_frame packing what is not an av.Frame",
    ]


def test_the_transport_wide_feedback_seams_are_checked_too() -> None:
    class Transport(RTCDtlsTransport):  # a release that renamed the router and the RTCP send
        def __init__(self) -> None:
            self.router = None

    Transport._send_rtp = None  # type: ignore[assignment,method-assign]

    class Ice(RTCIceTransport):
        def __init__(self) -> None:
            self.connection = None

    assert glue.missing_seams(transport=Transport, ice=Ice) == [
        "RTCDtlsTransport._rtp_router.route_rtp (every RTP packet, parsed)",
        "RTCDtlsTransport._send_rtp",
        "RTCIceTransport._connection.data_received (aioice's datagrams as they come)",
    ]


def _transport() -> RTCDtlsTransport:
    return RTCDtlsTransport(RTCIceTransport(RTCIceGatherer()), [RTCCertificate.generateCertificate()])


async def test_the_receiver_has_a_jitter_buffer_we_can_replace_and_sends_pli() -> None:
    receiver = RTCRtpReceiver("video", _transport())
    assert hasattr(receiver, "_RTCRtpReceiver__jitter_buffer")
    assembler = glue.FrameAssembler("video", lambda *a: None)
    glue.forward_receiver(receiver, assembler)
    assert receiver._RTCRtpReceiver__jitter_buffer is assembler  # type: ignore[attr-defined]
    assert inspect.iscoroutinefunction(receiver._send_rtcp_pli)
    assert list(inspect.signature(receiver._send_rtcp_pli).parameters) == ["media_ssrc"]
    # _handle_rtp_packet calls the buffer's add(packet) and unpacks (pli_flag, frame).
    source = inspect.getsource(RTCRtpReceiver._handle_rtp_packet)
    assert "pli_flag, encoded_frame = self.__jitter_buffer.add(packet)" in source
    assert "packet._data = depayload(codec, packet.payload)" in source


async def test_the_sender_packs_what_is_not_a_frame_and_has_a_keyframe_hook() -> None:
    source = inspect.getsource(RTCRtpSender._next_encoded_frame)
    assert "self.__encoder.pack(data)" in source
    assert "isinstance(data, Frame)" in source
    assert "self._send_keyframe()" in inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    sender = RTCRtpSender("video", _transport())
    called: list[bool] = []
    glue.on_keyframe_request(sender, lambda: called.append(True))
    sender._send_keyframe()
    assert called == [True]


async def test_a_held_track_does_not_answer_nacks() -> None:
    """The NACK handler calls _retransmit per lost packet; gated, a held track resends nothing."""
    assert "self._retransmit(" in inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    sender = RTCRtpSender("video", _transport())
    resent: list[int] = []

    async def retransmit(sequence_number: int) -> None:
        resent.append(sequence_number)

    sender._retransmit = retransmit  # type: ignore[method-assign]
    track = ForwardTrack("video")
    glue.gate_retransmissions(sender, track.resends)
    await sender._retransmit(7)
    track.hold(True)
    await sender._retransmit(8)
    track.hold(False)
    await sender._retransmit(9)
    assert resent == [7, 9]


def test_encoders_pack_an_encoded_packet_unchanged() -> None:
    frame = bytes([0x10]) + bytes(range(256)) * 10
    payloads, timestamp = get_encoder(VP8).pack(glue.EncodedPacket(frame, 3000, glue.VIDEO_TIME_BASE))
    assert timestamp == 3000 and len(payloads) > 1
    assert b"".join(vp8_depayload(p) for p in payloads) == frame
    payloads, timestamp = get_encoder(OPUS).pack(glue.EncodedPacket(b"\xf8abc", 960, Fraction(1, 48000)))
    assert payloads == [b"\xf8abc"] and timestamp == 960


def _vp8_packets(frame: bytes, seq: int, ts: int) -> list[RtpPacket]:
    payloads = get_encoder(VP8)._packetize(frame, 1)  # type: ignore[attr-defined]
    packets = []
    for i, payload in enumerate(payloads):
        packet = RtpPacket(payload_type=96, sequence_number=(seq + i) & 0xFFFF, timestamp=ts)
        packet.payload = payload
        packet.marker = int(i == len(payloads) - 1)
        packet._data = vp8_depayload(payload)  # type: ignore[attr-defined]
        packets.append(packet)
    return packets


def test_the_assembler_hands_on_complete_frames_in_order_and_drops_broken_ones() -> None:
    got: list[int] = []
    lost: list[int] = []
    assembler = glue.FrameAssembler("video", lambda data, ts, level: got.append(struct.unpack(">I", data[1:5])[0]),
                                    lambda: lost.append(len(got)))
    frames = [_vp8_packets(bytes([0x11]) + struct.pack(">I", n) + bytes(2500), 65530 + 3 * n, 3000 * n)
              for n in range(5)]
    for packet in frames[0]:
        assert assembler.add(packet) == (False, None)
    assert got == [0]  # at once: no waiting for the next frame
    # frame 1 arrives reordered
    for packet in reversed(frames[1]):
        assembler.add(packet)
    assert got == [0, 1]
    # frame 2 loses a packet; frame 3 completes: 2 is dropped and a keyframe asked for
    for packet in frames[2][:1] + frames[2][2:]:
        assembler.add(packet)
    pli = [assembler.add(p)[0] for p in frames[3]]
    # The loss is reported once, to the relay's coalescing, not as aiortc's own PLI.
    assert got == [0, 1, 3] and lost == [3] and not any(pli)
    # the missing packet of 2 comes too late: ignored
    assembler.add(frames[2][1])
    for packet in frames[4]:
        assembler.add(packet)
    assert got == [0, 1, 3, 4]


def test_a_forward_track_outlives_its_source_and_keeps_time_running_forward() -> None:
    track = ForwardTrack("video")
    first = Source("a/1", "a", "video", "camera")
    track.attach(first)
    first.push(bytes([0x11]), 1000, None)  # not a keyframe: skipped
    first.push(bytes([0x10]), 4000, None)
    first.push(bytes([0x11]), 7000, None)
    times = [p.pts for p in track._queue]
    keys = [p.keyframe for p in track._queue]
    first.end()
    assert track.readyState == "live" and track.source is None
    second = Source("b/1", "b", "video", "camera")
    track.attach(second)
    second.push(bytes([0x10]), 5, None)  # a new run of timestamps, from far back
    times += [p.pts for p in track._queue]
    keys += [p.keyframe for p in track._queue]
    assert times == [0, 3000, 6000]
    assert keys == [True, False, True]


@pytest.mark.parametrize("address,expected", [("127.0.0.1", "127.0.0.1"), ("192.168.1.20", "192.168.1.20"),
                                               ("93.184.216.34", None)])
def test_mdns_candidates_are_resolved_to_a_private_peer_address_or_dropped(address: str, expected: str | None) -> None:
    from server.media.mdns import resolve_mdns

    sdp = ("v=0\r\na=candidate:1 1 udp 2122260223 0b4c0e3a-1111-2222-3333-444455556666.local 54321 typ host\r\n"
           "a=candidate:2 1 udp 1686052607 198.51.100.4 54321 typ srflx raddr 0.0.0.0 rport 0\r\n")
    out = resolve_mdns(sdp, address)
    assert ".local" not in out and "198.51.100.4" in out
    assert (f" {expected} 54321 typ host" in out) if expected else ("typ host" not in out)
