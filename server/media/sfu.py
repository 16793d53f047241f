"""The media of one session: who is connected, what they publish, who receives what.

Each member (a remote attendee, the room's projector laptop, the mentor) talks to the server over
one signalling socket (signalling.py) and may hold two peer connections: a publish connection
(the browser offers, the server answers) and a subscribe connection (the server offers when it
needs another media line, the browser answers; see Subscriber). Separate connections keep
renegotiation one-way on each (a server re-offer on a connection the browser opened fails in
current Chromium).

Scaling rules (docs/performance.md, "Media"): audio is forwarded from the room and the
`audio_max` loudest others; video from the room, screen shares, the person who has the turn in the
hand-raise queue, and the most recent speakers up to `video_max` sources in all. The others' frames
are dropped at the source, once, for every subscriber.

While breakout groups run (realtime/breakouts.py) a member receives only the members of its own
space: its group, or the plenary of those in no group. The rule is the core's pure `hears`; here
a subscriber simply does not want the others' sources (their lines go idle or carry others), and its
roster, speaking and video notices name only its own space. Groups are small (at most five), so
then every source is forwarded to its space, with no loudest-speaker selection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiortc import (
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.exceptions import InvalidStateError
from aiortc.rtcrtptransceiver import RTCRtpTransceiver
from aiortc.sdp import candidate_from_sdp

from realtime import breakouts
from server.media import glue, red, sdp, twcc
from server.media import labels as track_labels
from server.media.budget import HELD, HIGH, LOW, MID, Budget
from server.media.forward import ForwardTrack, Source
from server.media.ice import IceServers
from server.media.mdns import resolve_candidate, resolve_mdns
from server.media.pacer import PACE_FACTOR, Pacer, Resends
from server.media.ports import PortRange
from server.media.speakers import Slots

log = logging.getLogger("kring.media")

SELECT_INTERVAL_S = 0.5
MEMBERS_MAX = 60  # members (publishers and listeners) of one session's media
SOURCES_PER_MEMBER = len(track_labels.ALL)  # one of each: mic, camera, its layers, screen
FEEDBACK_INTERVAL_S = 0.05  # transport-wide feedback to a publisher (libwebrtc: 50-250 ms)


Post = Callable[[dict[str, Any]], None]


def rtc_config(ice_servers: tuple[Mapping[str, Any], ...]) -> RTCConfiguration:
    """An explicit (possibly empty) list: aiortc's default would ask a public STUN server.

    max-bundle: every media line shares one transport from the start. With aiortc's default
    (balanced), a line added by a re-offer gets a transport of its own that is never started.
    """
    return RTCConfiguration(
        iceServers=[
            RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential"))
            for s in ice_servers
        ],
        bundlePolicy=RTCBundlePolicy.MAX_BUNDLE,
    )


@dataclass
class Member:
    id: str  # "p:<pid>", "room" or "mentor"
    name: str
    role: str  # "remote", "room" or "mentor"
    post: Post
    peer_address: str | None = None
    mic: bool = False
    camera: bool = False
    screen: bool = False
    publisher: Publisher | None = None
    subscriber: Subscriber | None = None
    listening: bool = False

    def card(self, speaking: bool, video_stopped: bool) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role, "mic": self.mic,
                "camera": self.camera, "screen": self.screen, "speaking": speaking,
                "publishing": self.publisher is not None, "listening": self.listening,
                "videoStopped": video_stopped}


class Publisher:
    """The peer connection a member sends their microphone, camera and screen on."""

    def __init__(self, room: MediaRoom, member: Member) -> None:
        self.room = room
        self.member = member
        self.pc = RTCPeerConnection(room.config)
        self.labels: dict[str, str] = {}
        self.sources: dict[str, Source] = {}  # by mid
        self.red: dict[str, tuple[int, int]] = {}  # audio lines sent in RED: mid -> (RED, Opus) types
        self.arrivals: twcc.ArrivalLog | None = None  # when the browser takes transport-wide feedback
        self._feedback: asyncio.Task[None] | None = None
        self.pc.on("connectionstatechange", self._on_state)

    async def offer(self, text: str, labels: Mapping[str, str]) -> str:
        self.labels.update({str(k)[:8]: str(v) for k, v in labels.items()})
        remote = RTCSessionDescription(resolve_mdns(text, self.member.peer_address), "offer")
        await self.pc.setRemoteDescription(remote)
        sending = sdp.directions(text)
        for transceiver in self.pc.getTransceivers():
            # Receive only: the server never sends anything back on a publish connection. A line
            # the browser stopped sending on (a screen share that ended) goes inactive, and comes
            # back when it sends again (a new share on the same line).
            on = sending.get(str(transceiver.mid), "inactive") in ("sendonly", "sendrecv")
            transceiver.direction = "recvonly" if on else "inactive"
        congestion_control = glue.answer_with_transport_cc(self.pc, remote.sdp)
        self.red.update(glue.answer_with_red(self.pc, sdp.red_lines(remote.sdp)))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        if congestion_control:
            self._watch_arrivals()
        self._reconcile()
        return sdp.with_opus_fec(str(self.pc.localDescription.sdp))

    def _watch_arrivals(self) -> None:
        """Note when each packet arrives and tell the browser every FEEDBACK_INTERVAL_S (twcc.py):
        its congestion control then ramps through the relay as it does towards another browser."""
        first = self.pc.getTransceivers()[0]
        transport = first.receiver.transport  # max-bundle: one transport for every line
        if self.arrivals is None:
            self.arrivals = twcc.ArrivalLog(first.sender._ssrc)
        log = self.arrivals
        glue.on_transport_sequence(
            transport, lambda seq, ssrc, at: log.record(seq, at, ssrc), lambda: time.monotonic_ns() // 1000)
        if self._feedback is None:
            self._feedback = asyncio.create_task(self._send_feedback(transport, log))

    async def _send_feedback(self, transport: Any, log: twcc.ArrivalLog) -> None:
        while True:
            await asyncio.sleep(FEEDBACK_INTERVAL_S)
            for packet in log.feedback():
                if not await glue.send_rtcp(transport, packet):
                    break

    def _reconcile(self) -> None:
        live: set[str] = set()
        for transceiver in self.pc.getTransceivers():
            mid = transceiver.mid
            if mid is None or transceiver.stopped:
                continue
            if transceiver.currentDirection not in ("recvonly", "sendrecv"):
                continue
            if mid in self.sources:
                live.add(mid)
                continue
            kind = transceiver.kind
            label = self.labels.get(mid, track_labels.BY_KIND[kind][0])
            if label not in track_labels.BY_KIND[kind] or len(self.sources) >= SOURCES_PER_MEMBER:
                continue
            self.sources[mid] = self._source(transceiver, mid, label)
            live.add(mid)
        for mid in [m for m in self.sources if m not in live]:
            self.room.remove_source(self.sources.pop(mid))
        self._link_layers()
        self.room.changed()

    def _link_layers(self) -> None:
        """The camera's low and middle layers (issue 16): Sources beside the camera's, never
        offered to receivers as sources of their own; each receiver's budget picks one."""
        by_label = {source.label: source for source in self.sources.values()}
        camera = by_label.get("camera")
        if camera is not None:
            camera.low, camera.mid = by_label.get("camera-low"), by_label.get("camera-mid")
            for layer in (camera.low, camera.mid):
                if layer is not None:
                    layer.forwarding = camera.forwarding

    def _source(self, transceiver: RTCRtpTransceiver, mid: str, label: str) -> Source:
        receiver = transceiver.receiver
        key = f"{self.member.id}/{mid}"

        def request() -> None:
            if assembler.ssrc is not None:
                task = asyncio.ensure_future(glue.request_keyframe(receiver, assembler.ssrc))
                task.add_done_callback(lambda t: t.cancelled() or t.exception())

        source = Source(key, self.member.id, transceiver.kind, label, request)
        types = self.red.get(mid)
        assembler = glue.FrameAssembler(transceiver.kind, source.push, source.ask_keyframe,
                                        red.Recovery(*types) if types is not None else None)
        glue.forward_receiver(receiver, assembler)
        if label not in track_labels.LAYERS:  # a layer is reached through its camera's Source
            self.room.add_source(source)
        return source

    async def _on_state(self) -> None:
        if self.pc.connectionState in ("failed", "closed"):
            await self.room.unpublish(self.member.id, self)

    async def close(self) -> None:
        if self._feedback is not None:
            self._feedback.cancel()
            self._feedback = None
        for source in self.sources.values():
            self.room.remove_source(source)
        self.sources.clear()
        await self.pc.close()


@dataclass
class Slot:
    transceiver: RTCRtpTransceiver
    track: ForwardTrack
    key: str = ""  # the source it carries; "" when idle
    last: str = ""  # the source it carried last (that source, sent again, comes back to it)
    packer: red.Packer | None = None  # audio in RED, when the receiver's browser accepted it


class Subscriber:
    """The peer connection a member receives everyone else on; the server offers.

    Its media lines are fixed slots (issue 16): a line carries whichever source the room sends
    this receiver now, and is re-pointed by the relay (aiortc's sender keeps its SSRC and sequence
    numbers, the ForwardTrack keeps the timestamps running) when the selection changes, with a
    "tracks" message telling the page whose media each line carries. A source no longer sent
    leaves its line idle (silent, still negotiated) for the next one. A line is added, which
    takes a new offer, only when no idle line of that kind is left, and then with a spare beside
    it, up to the number of slots the selection can fill: a new speaker, a screen share or a
    breakout group then needs no renegotiation, and a session at full size never renegotiates.
    """

    def __init__(self, room: MediaRoom, member: Member) -> None:
        self.room = room
        self.member = member
        self.pc = RTCPeerConnection(room.config)
        self.slots: list[Slot] = []
        self.budget = Budget()  # what this receiver's link takes (budget.py)
        self.pacer = Pacer(self._pace_rate)  # its video, spread out over time (pacer.py)
        self.resends = Resends(lambda: self.budget.estimate)  # and what it lost, resent in measure
        self.held: frozenset[str] = frozenset()  # members whose video it does not get now
        self.layers: dict[str, str] = {}  # what the budget gave it last, per video key (for the log)
        self._told: dict[str, dict[str, str]] = {}  # the page's map of lines, as last sent
        self._lock = asyncio.Lock()
        self._waiting_answer = False
        self._again = False
        self.pc.on("connectionstatechange", self._on_state)

    def hearable(self) -> list[Source]:
        """The sources of the members in this receiver's own space (breakout groups), but its own."""
        me = self.member.id
        return [s for s in self.room.sources.values() if s.member != me and self.room.hears(me, s.member)]

    def wanted(self) -> list[Source]:
        """What it is sent now: the hearable sources the room's selection forwards."""
        return [s for s in self.hearable() if s.forwarding]

    def capacity(self) -> dict[str, int]:
        """Lines of each kind worth having: as many as the selection can forward at once (the room
        and the loudest others; video_max), or what there is to hear plus one spare (a new
        person, a screen share) where that is fewer."""
        there = Counter(s.kind for s in self.hearable())
        limits = {"audio": self.room.limits.audio_max + 1, "video": self.room.limits.video_max}
        return {kind: min(limit, there[kind] + 1) for kind, limit in limits.items()}

    async def sync(self) -> None:
        """Point the lines at the wanted sources; re-offer only when a line must be added."""
        async with self._lock:
            if self._waiting_answer:
                self._again = True
                return
            wanted = {s.key: s for s in self.wanted()}
            for slot in self.slots:
                if slot.key and slot.key not in wanted:
                    slot.track.detach()  # idle: it sends nothing until it carries another source
                    self.budget.forget(slot.key)
                    slot.key = ""
            for slot in self.slots:
                source = wanted.get(slot.key)
                current = slot.track.source
                if source is not None and slot.track.pending is None \
                        and (current is None or current not in (source, source.low, source.mid)):
                    # The same line, a new source (its publisher connected again): no new offer.
                    slot.track.attach(source)
            following = {slot.key for slot in self.slots if slot.key}
            added = False
            for key, source in wanted.items():
                if key in following:
                    continue
                # Its own old line first; then a spare or a line whose source is gone; a line kept
                # for a source that is only paused (a quiet speaker) last.
                idle = sorted((s for s in self.slots if not s.key and s.track.kind == source.kind),
                              key=lambda s: (s.last != key, s.last in self.room.sources))
                reuse = idle[0] if idle else None
                if reuse is None:
                    added = True
                slot = reuse or self._add_line(source.kind)
                slot.track.attach(source)
                slot.key = slot.last = key
                glue.set_identity(slot.transceiver.sender, sdp.stream_id(source.member), self.room.cname(source.member))
            if self.pc.signalingState == "closed":
                return  # this subscriber left meanwhile (several people leaving at once)
            if added:
                have = Counter(s.track.kind for s in self.slots)
                for kind, lines in self.capacity().items():
                    for _ in range(lines - have[kind]):
                        self._add_line(kind)  # spare: the next source of this kind needs no offer
                await self.pc.setLocalDescription(await self.pc.createOffer())
                self._waiting_answer = True
                offer = sdp.with_cnames(sdp.with_red(sdp.with_opus_fec(str(self.pc.localDescription.sdp))),
                                        self.cnames())
                self._told = self.track_map()
                self.member.post({"type": "offer", "sdp": offer, "tracks": self._told})
                return
            tracks = self.track_map()
            if tracks != self._told and self.pc.remoteDescription is not None:
                self._told = tracks
                self.member.post({"type": "tracks", "tracks": tracks})

    def _add_line(self, kind: str) -> Slot:
        track = ForwardTrack(kind)
        transceiver = self.pc.addTransceiver(track, direction="sendonly")
        glue.on_keyframe_request(transceiver.sender, track.keyframe_wanted)
        track.allow_resend = self.resends.allow
        glue.gate_retransmissions(transceiver.sender, track.resends)
        if kind == "video":
            glue.pace_sender(transceiver.sender, self.pacer.wait)
        slot = Slot(transceiver, track)
        glue.on_receiver_report(transceiver.sender, self._reporter(slot))
        self.slots.append(slot)
        return slot

    def track_map(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for slot in self.slots:
            source = self.room.sources.get(slot.key) if slot.key else None
            if source is not None and slot.transceiver.mid is not None:
                out[slot.transceiver.mid] = {"member": source.member, "kind": source.kind, "label": source.label}
        return out

    def _pace_rate(self) -> float | None:
        """PACE_FACTOR times the receiver's estimate, and never below what it is sent: an
        estimate can lag far behind a good link (an aiortc receiver said 384 kbit/s of 1 Mbit/s
        it got whole on loopback)."""
        estimate = self.budget.estimate
        return None if estimate is None else max(PACE_FACTOR * estimate, 1.5 * self.budget.needed)

    def _reporter(self, slot: Slot) -> glue.Report:
        """What the receiver reports about `slot`'s stream goes to the budget under the key of
        the source it carries at that moment."""
        return lambda bitrate, lost: self.budget.report(bitrate, lost, stream=slot.key, now=time.monotonic())

    def adapt(self, priority: list[str], now: float) -> None:
        """Give this receiver the forwarded video its link takes, in the room's priority order:
        each camera's full or low layer, or nothing (budget.py); tell its page whose video is held
        back (it shows their name card instead). A change of layer re-points the line's track at
        the other layer's Source: no new offer."""
        slots = {slot.key: slot for slot in self.slots if slot.key}
        video = [key for key in priority if key in slots]
        sources = {key: self.room.sources[key] for key in video if key in self.room.sources}
        rates = {key: source.rate_bps for key, source in sources.items()}
        low_rates = {key: source.low.rate_bps for key, source in sources.items() if source.low is not None}
        mid_rates = {key: source.mid.rate_bps for key, source in sources.items() if source.mid is not None}
        audio = sum(1 for slot in self.slots if slot.key and slot.track.kind == "audio"
                    and slot.track.source is not None and slot.track.source.forwarding)
        before = dict(self.layers)
        layers = self.budget.layers(video, rates, low_rates, audio, now, mid_rates)
        packers = [slot.packer for slot in self.slots if slot.packer is not None]
        if packers:
            distance = self.budget.redundancy(audio, now)
            if distance != packers[0].distance:
                log.info("media: %s gets audio with %d earlier frame(s) (loss %.3f, estimate %s)",
                         self.member.id, distance, self.budget.loss, self.budget.estimate)
            for packer in packers:
                packer.distance = distance
        if layers != before:
            self.layers = layers
            log.info("media: %s gets %s (estimate %s, loss %.3f; rates %s, mid %s, low %s; resent %d, refused %d)",
                     self.member.id, layers, self.budget.estimate, self.budget.loss,
                     {k: round(v) for k, v in rates.items()}, {k: round(v) for k, v in mid_rates.items()},
                     {k: round(v) for k, v in low_rates.items()},
                     sum(slot.track.resent for slot in self.slots), self.resends.refused)
        held: set[str] = set()
        for key, slot in slots.items():
            if slot.track.kind != "video":
                continue
            layer = layers.get(key, HIGH)
            source = sources.get(key)
            if source is not None and layer != HELD:
                chosen = {LOW: source.low, MID: source.mid}.get(layer)
                slot.track.follow(chosen if chosen is not None else source)
            hold = layer == HELD
            slot.track.hold(hold)
            if hold and slot.track.source is not None:
                held.add(slot.track.source.member)
        if frozenset(held) != self.held:
            self.held = frozenset(held)
            self.member.post({"type": "held", "ids": sorted(held)})

    def cnames(self) -> dict[str, str]:
        return {mid: self.room.cname(info["member"]) for mid, info in self.track_map().items()}

    async def answer(self, text: str) -> None:
        async with self._lock:
            if not self._waiting_answer:
                return
            answer = RTCSessionDescription(resolve_mdns(text, self.member.peer_address), "answer")
            self._accept_red(sdp.red_lines(text))
            await self.pc.setRemoteDescription(answer)
            self._waiting_answer = False
            again, self._again = self._again, False
        if again:
            await self.sync()

    def _accept_red(self, lines: Mapping[str, tuple[int, int]]) -> None:
        """The audio lines whose browser accepted RED send it (red.py) from their first packet;
        how many earlier frames each packet carries follows the receiver's losses (adapt)."""
        for slot in self.slots:
            chosen = lines.get(str(slot.transceiver.mid))
            if chosen is None or slot.packer is not None or slot.track.kind != "audio":
                continue
            slot.packer = red.Packer(chosen[1], self.budget.red_distance)
            glue.send_red(slot.transceiver.sender, chosen[0], chosen[1], slot.packer)

    async def _on_state(self) -> None:
        if self.pc.connectionState in ("failed", "closed"):
            await self.room.unsubscribe(self.member.id, self)

    async def close(self) -> None:
        for slot in self.slots:
            slot.track.stop()
        await self.pc.close()


@dataclass
class Limits:
    audio_max: int = 4  # loudest others whose audio is forwarded (the room always is)
    video_max: int = 5  # video sources forwarded: the room, screens, the turn, recent speakers


@dataclass
class MediaRoom:
    code: str
    config: RTCConfiguration
    limits: Limits = field(default_factory=Limits)
    members: dict[str, Member] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    pinned: str = ""  # member id of whoever has the turn in the hand-raise queue, or presents
    pinned_as: str = ""  # why: "turn" or "presenting" (the pages label the tile by it)
    video_stopped: set[str] = field(default_factory=set)  # members whose video the mentor stopped
    # Who hears whom while breakout groups run (breakouts.media_spaces); None: everyone everyone.
    spaces: Mapping[str, str] | None = None
    _speaking: frozenset[str] = frozenset()
    _audio_slots: Slots = field(default_factory=lambda: Slots(0))
    _video_slots: Slots = field(default_factory=lambda: Slots(0))
    _seen: frozenset[str] = frozenset()  # members whose camera is forwarded now
    _forwarded: frozenset[str] = frozenset()  # keys of the sources the selection forwards now
    _sync_task: asyncio.Task[None] | None = None
    _resync: bool = False  # a change came while the sync task was running: it goes round again
    _select_task: asyncio.Task[None] | None = None

    # -- members

    def cname(self, member_id: str) -> str:
        """One RTCP CNAME per person in this session (the same on every receiver's connection)."""
        return sdp.stream_id(member_id)

    def join(self, member: Member) -> Member | None:
        """Add a member; returns the one it replaces (the same person in another tab)."""
        old = self.members.pop(member.id, None)
        if old is None and len(self.members) >= MEMBERS_MAX:
            raise PermissionError("media_full")
        self.members[member.id] = member
        if self._select_task is None:
            self._select_task = asyncio.create_task(self._select_loop())
        self.roster()
        return old

    async def leave(self, member: Member) -> None:
        if self.members.get(member.id) is member:
            del self.members[member.id]
        await self._drop_peers(member)
        self.roster()

    async def _drop_peers(self, member: Member) -> None:
        publisher, subscriber = member.publisher, member.subscriber
        member.publisher = member.subscriber = None
        if publisher is not None:
            await publisher.close()
        if subscriber is not None:
            await subscriber.close()
        self.changed()

    @property
    def empty(self) -> bool:
        return not self.members

    async def close(self) -> None:
        for task in (self._select_task, self._sync_task):
            if task is not None:
                task.cancel()
        for member in list(self.members.values()):
            await self._drop_peers(member)
        self.members.clear()

    # -- signalling

    async def publish(self, member: Member, text: str, labels: Mapping[str, str], again: bool = False) -> str:
        """A publish is a fresh connection (the browser's first, or after a drop: the old one and
        its sources go first), or with `again` a new offer on the running one (a screen share
        starting or stopping beside the microphone and camera, which keep flowing)."""
        running = member.publisher
        if again and running is not None and running.pc.signalingState == "stable" \
                and running.pc.connectionState not in ("failed", "closed"):
            return await running.offer(text, labels)
        old, member.publisher = member.publisher, None
        if old is not None:
            await old.close()
        publisher = member.publisher = Publisher(self, member)
        return await publisher.offer(text, labels)

    async def unpublish(self, member_id: str, publisher: Publisher | None = None) -> None:
        member = self.members.get(member_id)
        if member is None or member.publisher is None:
            return
        if publisher is not None and member.publisher is not publisher:
            return
        old, member.publisher = member.publisher, None
        member.mic = member.camera = member.screen = False
        await old.close()
        self.roster()

    async def subscribe(self, member: Member) -> None:
        if member.subscriber is None:
            member.subscriber = Subscriber(self, member)
        await member.subscriber.sync()

    async def unsubscribe(self, member_id: str, subscriber: Subscriber | None = None) -> None:
        member = self.members.get(member_id)
        if member is None or member.subscriber is None:
            return
        if subscriber is not None and member.subscriber is not subscriber:
            return
        old, member.subscriber = member.subscriber, None
        await old.close()

    async def candidate(self, member: Member, which: str, candidate: str, mid: str) -> None:
        """A candidate the browser found after its offer or answer went out (trickle ICE): its
        gathering never holds a join, even with a STUN or TURN server that does not answer."""
        peer = member.publisher if which == "pub" else member.subscriber if which == "sub" else None
        if peer is None or peer.pc.signalingState == "closed" or peer.pc.remoteDescription is None:
            return
        if not candidate:  # the browser's end of candidates
            await peer.pc.addIceCandidate(None)
            return
        resolved = resolve_candidate(candidate, member.peer_address)
        if resolved is None:
            return
        parsed = candidate_from_sdp(resolved.removeprefix("a=").removeprefix("candidate:"))
        parsed.sdpMid = mid
        await peer.pc.addIceCandidate(parsed)

    async def answer(self, member: Member, text: str) -> None:
        if member.subscriber is not None:
            await member.subscriber.answer(text)

    # -- sources

    def add_source(self, source: Source) -> None:
        self.sources[source.key] = source

    def remove_source(self, source: Source) -> None:
        if self.sources.get(source.key) is source:
            del self.sources[source.key]
        source.end()
        self.changed()

    def changed(self) -> None:
        """The set of sources changed: let every subscriber catch up (once, soon)."""
        self._sync_soon()
        self.select()

    def _sync_soon(self) -> None:
        self._resync = True
        if self._sync_task is None or self._sync_task.done():
            self._sync_task = asyncio.ensure_future(self._sync_all())

    async def _sync_all(self) -> None:
        while self._resync:
            self._resync = False
            await asyncio.sleep(0)  # several changes in one go become one re-offer
            for member in list(self.members.values()):
                if member.subscriber is not None:
                    try:
                        await member.subscriber.sync()
                    except InvalidStateError:  # closed while the offer was being made: it left
                        log.info("media: %s left during a re-offer", member.id)
                    except Exception:
                        log.exception("media: re-offer to %s failed", member.id)

    # -- selection and speaking

    def select(self) -> None:
        """Which sources are forwarded: the room, screens and whoever has the turn always; the
        other slots go to speakers, kept stable by speakers.Slots (no flapping, issue 16). A
        change pauses or resumes sources at the relay and re-points the receivers' lines (fixed
        slots): no receiver is renegotiated."""
        now = time.monotonic()
        audio = [s for s in self.sources.values() if s.kind == "audio"]
        voices = {s.member: s.voice for s in audio}
        speaking = frozenset(m for m, v in voices.items() if v.speaking(now))
        always = {"room", self.pinned} - {""}
        if self.spaces is not None:
            # Breakout groups: everyone's audio and camera to their own small group.
            always |= {s.member for s in self.sources.values()}
        others = [s.member for s in audio if s.member not in always]
        self._audio_slots.size = max(0, self.limits.audio_max - sum(1 for s in audio if s.member == self.pinned))
        held = set(self._audio_slots.update(voices, others, now))
        for source in audio:
            source.set_forwarding(source.member in always or source.member in held)
        video = [s for s in self.sources.values() if s.kind == "video"]
        first = [s for s in video if s.member in always or s.label == "screen"]
        # A camera that is off still has its media line (the browser swaps tracks, it does not
        # renegotiate): only cameras that are on compete for the slots.
        cameras = [s for s in video if s not in first]
        self._video_slots.size = max(0, self.limits.video_max - len(first))
        held = set(self._video_slots.update(
            voices, [s.member for s in cameras if self._camera_on(s.member)], now))
        keep = {s.key for s in first} | {s.key for s in cameras if s.member in held}
        # The order in which a thin link loses video (budget.py): the room, screens, the turn,
        # then speakers in the order they got their slots.
        order = {m: i for i, m in enumerate(self._video_slots.holders)}
        priority = [s.key for s in sorted(first, key=lambda s: (s.member != "room", s.label != "screen"))]
        priority += [s.key for s in sorted((s for s in cameras if s.member in held), key=lambda s: order[s.member])]
        # Places left over go to cameras reported off (a page that has not said yet, a test peer):
        # forwarding a line that carries nothing costs nothing, and it shows as soon as it does.
        spare = [s for s in cameras if s.key not in keep][: max(0, self._video_slots.size - len(held))]
        keep |= {s.key for s in spare}
        for source in video:
            stopped = source.label == "camera" and source.member in self.video_stopped
            source.set_forwarding(source.key in keep and not stopped)
        forwarded = frozenset(s.key for s in self.sources.values() if s.forwarding)
        if forwarded != self._forwarded:
            self._forwarded = forwarded
            self._sync_soon()  # the receivers' lines follow the selection (fixed slots)
        if speaking != self._speaking:
            self._speaking = speaking
            self.tell({"type": "speaking"}, speaking)
        # Pages show a name card, not a black tile, for a camera the selection leaves out.
        seen = frozenset(s.member for s in video if s.label == "camera" and s.forwarding)
        if seen != self._seen:
            self._seen = seen
            self.tell({"type": "video"}, seen)
        for member in list(self.members.values()):
            if member.subscriber is not None:
                member.subscriber.adapt(priority + [s.key for s in spare], now)

    # -- breakout groups

    def hears(self, listener: str, speaker: str) -> bool:
        return breakouts.hears(self.spaces, listener, speaker)

    def group(self, spaces: Mapping[str, str] | None) -> None:
        """Breakout groups started, changed or ended: every subscriber re-syncs to its space."""
        if (None if spaces is None else dict(spaces)) == (None if self.spaces is None else dict(self.spaces)):
            return
        self.spaces = spaces
        self.changed()
        self.roster()

    def _camera_on(self, member_id: str) -> bool:
        member = self.members.get(member_id)
        return member is None or member.camera

    async def _select_loop(self) -> None:
        while True:
            await asyncio.sleep(SELECT_INTERVAL_S)
            self.select()

    def roster(self) -> None:
        cards = {m.id: m.card(m.id in self._speaking, m.id in self.video_stopped) for m in self.members.values()}
        for member in list(self.members.values()):
            # While breakout groups run, each page lists only the members of its own space.
            mine = [card for mid, card in cards.items() if mid == member.id or self.hears(member.id, mid)]
            pinned = self.pinned if self.hears(member.id, self.pinned) else ""
            member.post({"type": "roster", "members": mine, "pinned": pinned,
                         "pinned_as": self.pinned_as if pinned else "",
                         "video": sorted(m for m in self._seen if self.hears(member.id, m))})

    def tell(self, message: dict[str, Any], ids: frozenset[str]) -> None:
        """A notice about members ("ids"): each member hears only of those in its own space."""
        for member in list(self.members.values()):
            member.post({**message, "ids": sorted(m for m in ids if self.hears(member.id, m))})

    def pin(self, member_id: str, why: str = "turn") -> None:
        why = why if member_id else ""
        if member_id != self.pinned or why != self.pinned_as:
            moved = member_id != self.pinned
            self.pinned, self.pinned_as = member_id, why
            if moved:
                self.select()
            self.roster()


class MediaRooms:
    """Every session's media in this process (one process per session: docs/deployment.md)."""

    def __init__(self, ice_servers: tuple[Mapping[str, Any], ...] = (), limits: Limits | None = None,
                 ice: IceServers | None = None, ports: tuple[int, int] | None = None) -> None:
        self.ice = ice or IceServers(ice_servers)
        self.ports = PortRange(*ports) if ports else None
        self.limits = limits or Limits()
        self.rooms: dict[str, MediaRoom] = {}
        self.ice.on_change(self._ice_changed)

    def start(self) -> None:
        """Start checking the ICE servers (in the background: joins never wait for it), and bind
        media to KRING_MEDIA_PORTS if set."""
        self.ice.start()
        if self.ports is not None:
            self.ports.install(asyncio.get_running_loop())

    def _ice_changed(self) -> None:
        for room in self.rooms.values():
            room.config = rtc_config(self.ice.usable)

    def member(self, member_id: str, name: str, role: str, peer_address: str | None) -> Member:
        """A new member; its `post` is set by whoever carries its messages (signalling.py)."""
        return Member(member_id, name, role, lambda m: None, peer_address)

    def room(self, code: str) -> MediaRoom:
        room = self.rooms.get(code)
        if room is None:
            room = self.rooms[code] = MediaRoom(code, rtc_config(self.ice.usable), self.limits)
        return room

    async def release(self, room: MediaRoom) -> None:
        if room.empty and self.rooms.get(room.code) is room:
            del self.rooms[room.code]
            await room.close()

    async def close(self) -> None:
        await self.ice.stop()
        if self.ports is not None:
            self.ports.uninstall()
        for room in list(self.rooms.values()):
            await room.close()
        self.rooms.clear()
