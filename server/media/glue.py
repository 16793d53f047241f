"""Every use of aiortc internals, in one place, checked against the installed aiortc.

aiortc has no public API for forwarding encoded media: RTCRtpReceiver always decodes and
RTCRtpSender always encodes raw frames. Three seams make it forward instead:

1. the receiver's jitter buffer (`_RTCRtpReceiver__jitter_buffer`) is swapped for a
   `FrameAssembler` that hands each complete encoded frame to the relay at once and returns
   nothing to decode (the decoder thread idles);
2. the sender packs pre-encoded data itself when its track returns something that is not an
   `av.Frame` (`RTCRtpSender._next_encoded_frame` -> `Encoder.pack(packet)`); that is public-ish
   but undocumented, so `EncodedPacket` imitates the `av.Packet` attributes that `pack` reads;
3. keyframe requests (PLI/FIR) from a subscriber reach `RTCRtpSender._send_keyframe`, which we
   replace per sender, and go back to the publisher with `RTCRtpReceiver._send_rtcp_pli`;
4. what a subscriber reports (REMB, receiver reports) reaches `RTCRtpSender._handle_rtcp_packet`,
   which we wrap per sender to read it (budget.py), and a sender's stream id and CNAME
   (`_stream_id`, `__cname`) are set per person;
5. a publisher's connection answers with transport-wide congestion control (twcc.py) by editing
   what aiortc negotiated for each transceiver (`_headerExtensions`, `_codecs`) between
   setRemoteDescription and createAnswer, and reads every RTP packet's transport-wide sequence
   number where its DTLS transport routes it (`_rtp_router.route_rtp`), sending the feedback
   with `_send_rtp`; the arrival time is taken earlier, when aioice hands the datagram over
   (`RTCIceTransport._connection.data_received`), not after the relay's own queue.

What decides whether the glue works is whether these seams are there, not the version number:
`missing_seams()` looks for each one in the installed aiortc's classes and compiled code, and
importing this module fails with the list of what is missing. Only then is refusing right: with a
seam gone, forwarding would break mid-call (an AttributeError in a packet handler, or a receiver
that quietly decodes again). A version outside the tested range (`AIORTC_RANGE`) whose seams are
all there only logs a warning (`untested()`): an aiortc security release must not stop media, and
the seam check is what catches a release that moved something. The web workers never import this
(KRING_MEDIA=0: server/media/loading.py), so no aiortc can stop them; a media process that cannot
load it keeps serving pages and says so (server/media/loading.py).
tests/test_media_glue.py checks the seams' behaviour in depth.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import aiortc
from aioice import Connection
from aiortc.rtcdtlstransport import RTCDtlsTransport, RtpRouter
from aiortc.rtcicetransport import RTCIceTransport
from aiortc.rtcpeerconnection import RTCPeerConnection
from aiortc.rtcrtpparameters import RTCRtcpFeedback, RTCRtpCodecParameters
from aiortc.rtcrtpreceiver import RTCRtpReceiver
from aiortc.rtcrtpsender import RTCRtpSender
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RtcpPsfbPacket,
    RtcpRrPacket,
    RtcpSrPacket,
    RtpPacket,
    unpack_remb_fci,
)
from aiortc.sdp import SessionDescription

from server.media import red, twcc

AIORTC_RANGE = ((1, 16), (2, 0))  # tested from, and the first major that may break anything
_JITTER_ATTR = "_RTCRtpReceiver__jitter_buffer"
_ENCODER_ATTR = "_RTCRtpSender__encoder"
_CNAME_ATTR = "_RTCRtpSender__cname"
_CNAME_HOLDER = "_kring_cname"


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split(".")[:3]:
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def _names(function: Any) -> set[str]:
    code = getattr(function, "__code__", None)
    return set(code.co_names) if code is not None else set()


def untested(version: str = aiortc.__version__) -> str:
    """A warning when `version` is outside the range the glue was tested with; "" inside it."""
    low, high = AIORTC_RANGE
    if low <= _version(version) < high:
        return ""
    shown = f"[{'.'.join(map(str, low))}, {'.'.join(map(str, high))})"
    return (f"aiortc {version} is outside the versions Kring's media was tested with {shown}; every private "
            "API it patches is there, so media runs, but check calls with it (server/media/glue.py)")


def missing_seams(receiver: type = RTCRtpReceiver, sender: type = RTCRtpSender,
                  connection: type = RTCPeerConnection,
                  transport: type = RTCDtlsTransport, router: type = RtpRouter,
                  ice: type = RTCIceTransport, connection_type: type = Connection) -> list[str]:
    """What the glue needs and this aiortc lacks; empty when forwarding will work."""
    missing = []
    if _JITTER_ATTR not in _names(getattr(receiver, "__init__", None)):
        missing.append("RTCRtpReceiver's private jitter buffer (__jitter_buffer)")
    if not {_JITTER_ATTR, "add"} <= _names(getattr(receiver, "_handle_rtp_packet", None)):
        missing.append("RTCRtpReceiver._handle_rtp_packet feeding the jitter buffer's add()")
    if not callable(getattr(receiver, "_send_rtcp_pli", None)):
        missing.append("RTCRtpReceiver._send_rtcp_pli")
    if not {"pack", "Frame"} <= _names(getattr(sender, "_next_encoded_frame", None)):
        missing.append("RTCRtpSender._next_encoded_frame packing what is not an av.Frame")
    if _ENCODER_ATTR not in _names(getattr(sender, "__init__", None)):
        missing.append("RTCRtpSender's private encoder (__encoder), set before the first frame for RED")
    if not callable(getattr(sender, "_send_keyframe", None)):
        missing.append("RTCRtpSender._send_keyframe")
    if not callable(getattr(sender, "_handle_rtcp_packet", None)):
        missing.append("RTCRtpSender._handle_rtcp_packet (receiver reports and REMB)")
    if not callable(getattr(sender, "_retransmit", None)):
        missing.append("RTCRtpSender._retransmit (answers to NACKs)")
    if "_stream_id" not in _names(getattr(sender, "__init__", None)):
        missing.append("RTCRtpSender._stream_id (the msid's stream)")
    if _CNAME_ATTR not in _names(getattr(sender, "send", None)):
        missing.append("RTCRtpSender.send taking the CNAME from its parameters (__cname)")
    if not {"_headerExtensions", "_codecs"} <= _names(getattr(connection, "setRemoteDescription", None)):
        missing.append("RTCPeerConnection.setRemoteDescription setting a transceiver's _codecs and _headerExtensions")
    if "_rtp_router" not in _names(getattr(transport, "__init__", None)) or \
            not callable(getattr(router, "route_rtp", None)):
        missing.append("RTCDtlsTransport._rtp_router.route_rtp (every RTP packet, parsed)")
    if not callable(getattr(transport, "_send_rtp", None)):
        missing.append("RTCDtlsTransport._send_rtp")
    if "_connection" not in _names(getattr(ice, "__init__", None)) or \
            not callable(getattr(connection_type, "data_received", None)):
        missing.append("RTCIceTransport._connection.data_received (aioice's datagrams as they come)")
    return missing


_MISSING = missing_seams()
if _MISSING:  # pragma: no cover - only on an aiortc that moved a seam
    raise ImportError(
        f"server.media cannot forward with aiortc {aiortc.__version__}: it lacks "
        + "; ".join(_MISSING) + " (see server/media/glue.py)"
    )
if untested():  # pragma: no cover - only on an aiortc outside the tested range
    logging.getLogger("kring.media").warning(untested())

VIDEO_TIME_BASE = Fraction(1, 90_000)
AUDIO_TIME_BASE = Fraction(1, 48_000)

class EncodedPacket:
    """What RTCRtpSender's encoder.pack() reads of an av.Packet: bytes(), pts and time_base."""

    __slots__ = ("data", "pts", "time_base", "keyframe")

    def __init__(self, data: bytes, pts: int, time_base: Fraction, keyframe: bool = False) -> None:
        self.data = data
        self.pts = pts
        self.time_base = time_base
        self.keyframe = keyframe

    def __bytes__(self) -> bytes:
        return self.data


def vp8_keyframe(frame: bytes) -> bool:
    """RFC 6386 9.1: bit 0 of the first byte of a VP8 frame is 0 for a key frame."""
    return bool(frame) and not frame[0] & 0x01


def _vp8_starts_frame(payload: bytes) -> bool:
    """RFC 7741 4.2: the first packet of a VP8 frame has S=1 and partition index 0."""
    return bool(payload) and bool(payload[0] & 0x10) and not payload[0] & 0x07


def _seq_after(a: int, b: int) -> bool:
    """a comes after b in 16-bit sequence space."""
    return a != b and ((a - b) & 0xFFFF) < 0x8000


# A complete frame: its depayloaded bytes, RTP timestamp, audio level (-dBov, or None).
Deliver = Callable[[bytes, int, int | None], None]


class FrameAssembler:
    """Stands in for aiortc's JitterBuffer on a forwarding receiver (same `add` signature).

    aiortc's buffer gives a frame out only when the next frame's first packet arrives (and audio
    waits for 4 more): a frame of delay per hop. Forwarding needs none of that: audio packets are
    whole Opus frames, and a VP8 frame is complete when its packets from the start (S bit) to the
    marker are all here. Frames are handed on in order; an incomplete frame that a newer complete
    one overtakes is dropped, and `lost` is called so a keyframe is asked for. The PLI goes through
    the source's coalescing (forward.py), never straight from aiortc (pli_flag stays False): with
    many receivers and a lossy link the publisher would otherwise be asked again and again.
    """

    MAX_PENDING = 512

    def __init__(self, kind: str, deliver: Deliver, lost: Callable[[], None] = lambda: None,
                 recovery: red.Recovery | None = None) -> None:
        self.kind = kind
        self.deliver = deliver
        self.lost = lost
        # Audio in RED (red.py): its packets are taken apart, and what a gap lost is repaired
        # from the next packet's earlier frames; the rest of the relay sees plain Opus.
        self.recovery = recovery
        self.ssrc: int | None = None
        self._pending: dict[int, RtpPacket] = {}
        self._last_seq: int | None = None  # last sequence number handed on (or dropped)

    @property
    def capacity(self) -> int:  # read by nothing we know of; kept for JitterBuffer's shape
        return self.MAX_PENDING

    def add(self, packet: RtpPacket) -> tuple[bool, None]:
        self.ssrc = packet.ssrc
        data: bytes = getattr(packet, "_data", b"")
        if self.kind == "audio":
            if self._last_seq is not None and not _seq_after(packet.sequence_number, self._last_seq):
                return False, None  # late or repeated
            self._last_seq = packet.sequence_number
            level = packet.extensions.audio_level
            dbov = level[1] if level is not None else None
            recovery = self.recovery
            if recovery is not None and packet.payload_type == recovery.red_type:
                for timestamp, frame in recovery.frames(packet.sequence_number, packet.timestamp, data):
                    self.deliver(frame, timestamp, dbov if timestamp == packet.timestamp else None)
                return False, None
            if recovery is not None:
                recovery.saw(packet.sequence_number, packet.timestamp)
            self.deliver(data, packet.timestamp, dbov)
            return False, None
        if self._last_seq is not None and not _seq_after(packet.sequence_number, self._last_seq):
            return False, None
        self._pending[packet.sequence_number] = packet
        lost = False
        if len(self._pending) > self.MAX_PENDING:
            self._pending.clear()
            lost = True
        if self._drain() or lost:
            self.lost()
        return False, None

    def _drain(self) -> bool:
        """Hand on every complete frame, oldest first. True when something had to be dropped."""
        dropped = False
        while True:
            frame = self._complete_frame()
            if frame is None:
                return dropped
            start, end = frame
            # Anything older than this frame can no longer be used.
            for seq in [s for s in self._pending if not _seq_after(s, (start - 1) & 0xFFFF) and s != start]:
                del self._pending[seq]
                dropped = True
            packets = []
            seq = start
            while True:
                packets.append(self._pending.pop(seq))
                if seq == end:
                    break
                seq = (seq + 1) & 0xFFFF
            self._last_seq = end
            self.deliver(b"".join(getattr(p, "_data", b"") for p in packets), packets[0].timestamp, None)

    def _complete_frame(self) -> tuple[int, int] | None:
        """(first seq, last seq) of the oldest complete frame pending, if any."""
        if not self._pending:
            return None
        ref = self._last_seq if self._last_seq is not None else (next(iter(self._pending)) - 1024) & 0xFFFF
        markers = sorted((s for s, p in self._pending.items() if p.marker), key=lambda s: (s - ref) & 0xFFFF)
        for end in markers:
            timestamp = self._pending[end].timestamp
            seq = end
            while True:
                packet = self._pending.get(seq)
                if packet is None or packet.timestamp != timestamp:
                    break
                if _vp8_starts_frame(packet.payload):
                    return seq, end
                seq = (seq - 1) & 0xFFFF
        return None


def forward_receiver(receiver: RTCRtpReceiver, assembler: FrameAssembler) -> None:
    """Make `receiver` hand encoded frames to `assembler` instead of decoding them."""
    if not hasattr(receiver, _JITTER_ATTR):
        raise RuntimeError("aiortc changed: RTCRtpReceiver has no jitter buffer attribute")
    setattr(receiver, _JITTER_ATTR, assembler)


async def request_keyframe(receiver: RTCRtpReceiver, ssrc: int) -> None:
    """Send a PLI for `ssrc` to the publisher behind `receiver`."""
    await receiver._send_rtcp_pli(ssrc)


def on_keyframe_request(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Call `callback` when the subscriber behind `sender` asks for a keyframe (PLI or FIR)."""
    if not callable(getattr(sender, "_send_keyframe", None)):
        raise RuntimeError("aiortc changed: RTCRtpSender has no _send_keyframe")
    sender._send_keyframe = callback  # type: ignore[method-assign]


def gate_retransmissions(sender: RTCRtpSender, allowed: Callable[[int], bool]) -> None:
    """Answer the subscriber's NACK for a packet only where `allowed(sequence_number)` says so.

    A stream held back for a weak receiver (budget.py) stops mid-frame; the receiver then keeps
    asking for the missing packets, and aiortc kept resending them from its history for 8-10 s:
    measured on a 350 kbit/s link, that resent video took the room's audio loss from under 1 % to
    8 % right after the cut that was meant to save it (tests/browser/test_media_netns.py). And on a
    thin link Chromium asks again for what is still missing every round trip: answered each time,
    the resent video was 100-200 packets a second, several times the link (pacer.py)."""
    if not callable(getattr(sender, "_retransmit", None)):
        raise RuntimeError("aiortc changed: RTCRtpSender has no _retransmit")
    retransmit = sender._retransmit

    async def gated(sequence_number: int) -> None:
        if allowed(sequence_number):
            await retransmit(sequence_number)

    sender._retransmit = gated  # type: ignore[method-assign]


class _PacedTransport:
    """The sender's DTLS transport, with every RTP packet waiting its turn at a pacer first."""

    def __init__(self, transport: Any, wait: Callable[[int], Any]) -> None:
        self._kring_transport = transport
        self._kring_wait = wait

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kring_transport, name)

    async def _send_rtp(self, data: bytes) -> None:
        await self._kring_wait(len(data))
        await self._kring_transport._send_rtp(data)


def pace_sender(sender: RTCRtpSender, wait: Callable[[int], Any]) -> None:
    """Make `sender`'s RTP packets (and its retransmissions) await `wait(size)` before they go out
    (pacer.py). aiortc sets a sender's transport again when a description bundles its lines, so
    the wrapper is put back each time."""
    if not callable(getattr(sender, "setTransport", None)) or not hasattr(sender, "transport"):
        raise RuntimeError("aiortc changed: RTCRtpSender has no setTransport")
    set_transport = sender.setTransport

    def paced(transport: Any) -> None:
        inner = transport._kring_transport if isinstance(transport, _PacedTransport) else transport
        set_transport(_PacedTransport(inner, wait))  # type: ignore[arg-type]

    sender.setTransport = paced  # type: ignore[method-assign]
    paced(sender.transport)


def sender_packs(sender: RTCRtpSender) -> Any:
    """The sender's encoder (None until the first frame): for tests only."""
    return getattr(sender, _ENCODER_ATTR, None)


def set_identity(sender: RTCRtpSender, stream: str, cname: str) -> None:
    """Send `sender`'s track as part of `stream` (the msid of the next offer) under `cname`.

    aiortc gives every sender of a connection the connection's stream id and CNAME; the relay's
    receive connection carries many people, so each slot says whose media it carries now. The
    CNAME goes into RTCP SDES: aiortc copies it from the send parameters when the sender starts,
    so the parameters are corrected on the way in, and the running value is replaced too.
    """
    sender._stream_id = stream
    setattr(sender, _CNAME_HOLDER, cname)
    if getattr(sender, _CNAME_ATTR, None) is not None:
        setattr(sender, _CNAME_ATTR, cname)
    if not getattr(sender, "_kring_send_wrapped", False):
        start = sender.send

        async def send(parameters: Any) -> None:
            parameters.rtcp.cname = getattr(sender, _CNAME_HOLDER)
            await start(parameters)

        sender.send = send  # type: ignore[method-assign]
        sender._kring_send_wrapped = True  # type: ignore[attr-defined]


Report = Callable[[float | None, float | None], None]  # (REMB bits per second, fraction lost 0..1)


def on_receiver_report(sender: RTCRtpSender, callback: Report) -> None:
    """Call `callback` with what the receiver behind `sender` reports: its REMB estimate (goog-remb,
    which browsers send when no transport-wide feedback is negotiated, and aiortc offers none)
    and the fraction of this stream it lost (RTCP receiver reports). aiortc itself only hands a
    REMB to an encoder, and the relay has none (issue 16: "receivers' bandwidth reports are
    dropped")."""
    handle = sender._handle_rtcp_packet

    async def observed(packet: Any) -> None:
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            try:
                bitrate, _ = unpack_remb_fci(packet.fci)
            except ValueError:
                pass
            else:
                callback(float(bitrate), None)
        elif isinstance(packet, RtcpRrPacket | RtcpSrPacket):
            for report in packet.reports:
                if report.ssrc == sender._ssrc:
                    callback(None, report.fraction_lost / 256)
        await handle(packet)

    sender._handle_rtcp_packet = observed  # type: ignore[method-assign]


def red_codec(red_type: int, opus_type: int) -> RTCRtpCodecParameters:
    """RED over Opus as aiortc describes a codec (`a=fmtp:R O/O`)."""
    return RTCRtpCodecParameters(mimeType=red.MIME, clockRate=48000, channels=2, payloadType=red_type,
                                 parameters={f"{opus_type}/{opus_type}": None})


def answer_with_red(pc: RTCPeerConnection, offered: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Between setRemoteDescription(offer) and createAnswer: accept RED (red.py) on each audio
    line where the browser offers it over an Opus that aiortc accepted, listed first, which is
    what makes Chromium send it. `offered`: sdp.red_lines of the offer. Returns what was
    accepted, by mid: (RED's payload type, Opus's)."""
    done: dict[str, tuple[int, int]] = {}
    for transceiver in pc.getTransceivers():
        mid = str(transceiver.mid)
        if transceiver.kind != "audio" or mid not in offered:
            continue
        red_type, opus_type = offered[mid]
        codecs = [c for c in transceiver._codecs if c.payloadType != red_type]
        if not any(c.payloadType == opus_type and c.mimeType.lower() == "audio/opus" for c in codecs):
            continue
        transceiver._codecs = [red_codec(red_type, opus_type), *codecs]
        done[mid] = (red_type, opus_type)
    return done


def send_red(sender: RTCRtpSender, red_type: int, opus_type: int, packer: red.Packer) -> None:
    """Send RED (red.py) on `sender`, whose receiver accepted it: aiortc drops RED from the
    negotiated codecs (it knows none), so when it starts the sender, RED goes first again and
    `packer` stands in for its encoder. Call it before the answer is applied; a sender that has
    started already keeps what it started with (aiortc starts a sender once)."""
    sender._kring_red = (red_type, opus_type, packer)  # type: ignore[attr-defined]
    if getattr(sender, "_kring_red_wrapped", False):
        return
    start = sender.send

    async def send(parameters: Any) -> None:
        chosen = getattr(sender, "_kring_red", None)
        if chosen is not None and getattr(sender, _ENCODER_ATTR, None) is None:
            red_type, opus_type, packer = chosen
            if any(c.payloadType == opus_type for c in parameters.codecs):
                parameters.codecs = [red_codec(red_type, opus_type),
                                     *(c for c in parameters.codecs if c.payloadType != red_type)]
                setattr(sender, _ENCODER_ATTR, packer)
        await start(parameters)

    sender.send = send  # type: ignore[method-assign]
    sender._kring_red_wrapped = True  # type: ignore[attr-defined]


ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"


def answer_with_transport_cc(pc: RTCPeerConnection, offer: str) -> list[str]:
    """Between setRemoteDescription(offer) and createAnswer: accept transport-wide congestion
    control on each line where the browser offers it (its header extension with the browser's
    id, and `transport-cc` feedback on the codecs it offers it for), and drop goog-remb and
    abs-send-time there. aiortc accepts neither by itself. Without abs-send-time aiortc's
    receive-side estimator stays quiet: its REMB would cap the browser at about what it already
    sends (growing by ~8 % a second), which is the slow ramp of issue 16. Returns the mids."""
    media = {m.rtp.muxId: m for m in SessionDescription.parse(offer).media}
    done: list[str] = []
    for transceiver in pc.getTransceivers():
        line = media.get(str(transceiver.mid))
        if line is None:
            continue
        extension = next((e for e in line.rtp.headerExtensions if e.uri == twcc.URI), None)
        offered = {c.payloadType for c in line.rtp.codecs
                   if any(f.type == "transport-cc" for f in c.rtcpFeedback)}
        if extension is None or not offered:
            continue
        transceiver._headerExtensions = [
            e for e in transceiver._headerExtensions if e.uri not in (ABS_SEND_TIME, twcc.URI)] + [extension]
        for codec in transceiver._codecs:  # aiortc's own copies for this transceiver
            feedback = [f for f in codec.rtcpFeedback if f.type not in ("goog-remb", "transport-cc")]
            if codec.payloadType in offered:
                feedback.append(RTCRtcpFeedback(type="transport-cc"))
            codec.rtcpFeedback = feedback
        done.append(str(transceiver.mid))
    return done


Arrival = Callable[[int, int, int], None]  # (transport-wide sequence number, SSRC, arrival in us)
Clock = Callable[[], int]  # microseconds, monotonic
_STAMPS_MAX = 4096


def on_transport_sequence(transport: RTCDtlsTransport, arrival: Arrival, clock: Clock) -> bool:
    """Call `arrival` for every RTP packet `transport` receives that carries a transport-wide
    sequence number (media, retransmissions and the browser's padding probes alike), with the
    time aioice handed its datagram over. Once per transport; False if it was already watched.

    Why not the time the packet is routed: between the two, datagrams wait in aioice's queue for
    the DTLS transport's task, and on a relay forwarding to a few receivers that wait was measured
    at 5-35 ms median and up to 180 ms (0.1-0.4 ms with one receiver). The browser's delay-based
    estimator reads such a varying wait as a congested path and backs off, though the path is
    fine and a slower publisher would not make the relay's queue any shorter. The SRTP header is
    clear text, so the datagram is matched to its packet by sequence number and SSRC."""
    router = transport._rtp_router
    if getattr(router, "_kring_watched", False):
        return False
    stamps: dict[tuple[int, int], int] = {}
    connection = transport.transport._connection
    received = connection.data_received

    def stamped(data: bytes, component: int) -> None:
        # RTP (RFC 5761: version 2, payload type outside the RTCP range 64-95 after the marker bit)
        if len(data) >= 12 and data[0] >> 6 == 2 and not 64 <= data[1] & 0x7F <= 95:
            if len(stamps) >= _STAMPS_MAX:  # never routed (unparsable): forget the oldest
                del stamps[next(iter(stamps))]
            stamps[(data[2] << 8 | data[3], int.from_bytes(data[8:12], "big"))] = clock()
        received(data, component)

    connection.data_received = stamped  # type: ignore[method-assign]
    route = router.route_rtp

    def routed(packet: RtpPacket) -> Any:
        at = stamps.pop((packet.sequence_number, packet.ssrc), None)
        seq = packet.extensions.transport_sequence_number
        if seq is not None:
            arrival(seq, packet.ssrc, clock() if at is None else at)
        return route(packet)

    router.route_rtp = routed  # type: ignore[method-assign]
    router._kring_watched = True  # type: ignore[attr-defined]
    return True


async def send_rtcp(transport: RTCDtlsTransport, data: bytes) -> bool:
    """Send one RTCP packet on `transport`; False when it is not connected (yet, or any more)."""
    try:
        await transport._send_rtp(data)
    except ConnectionError:
        return False
    return True
