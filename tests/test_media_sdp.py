"""The relay's SDP edits (server/media/sdp.py) on their own, and what reaches real aiortc peers
through a MediaRoom: Opus in-band FEC asked for on both connections, RTX and NACK for video, and
a stream id and CNAME per person on the receive connection (issue 16)."""

from __future__ import annotations

import re

import pytest

from server.media import sdp
from server.media.sfu import Limits, MediaRoom, rtc_config
from tests.mediakit import wait_for
from tests.test_media_sfu import Peer, counting

OFFER = (
    "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n"
    "a=rtpmap:0 PCMU/8000\r\na=ssrc:11 cname:conn\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=mid:1\r\na=rtpmap:96 VP8/90000\r\n"
    "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=ssrc:12 cname:conn\r\na=ssrc:13 cname:conn\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 109\r\na=mid:2\r\na=rtpmap:109 OPUS/48000/2\r\n"
    "a=fmtp:109 minptime=10\r\na=ssrc:14 cname:conn\r\n"
)


def test_opus_fec_is_asked_for_on_every_opus_line_once() -> None:
    out = sdp.with_opus_fec(OFFER)
    assert "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\n" in out
    assert "a=fmtp:109 minptime=10;useinbandfec=1\r\n" in out
    assert "a=fmtp:0" not in out and "a=fmtp:96" not in out
    assert sdp.with_opus_fec(out) == out  # idempotent
    assert out.count("\r\n") == OFFER.count("\r\n") + 1


def test_cnames_change_only_the_named_sections() -> None:
    out = sdp.with_cnames(OFFER, {"1": "kring-p-7", "9": "nobody"})
    assert "a=ssrc:12 cname:kring-p-7\r\na=ssrc:13 cname:kring-p-7\r\n" in out
    assert "a=ssrc:11 cname:conn\r\n" in out and "a=ssrc:14 cname:conn\r\n" in out


@pytest.mark.parametrize("member,expected", [("p:12", "kring-p-12"), ("room", "kring-room"),
                                             ("p:a b/c", "kring-p-a-b-c")])
def test_stream_ids_are_sdp_tokens(member: str, expected: str) -> None:
    assert sdp.stream_id(member) == expected


def _section(text: str, mid: str) -> str:
    return next(s for s in re.split(r"\r\n(?=m=)", text) if f"a=mid:{mid}\r\n" in s + "\r\n")


@pytest.mark.timeout(90)
async def test_a_person_is_one_stream_with_fec_rtx_and_nack() -> None:
    room = MediaRoom("ROOM", rtc_config(()), Limits())
    projector, anna, bert = Peer(room, "room", "room"), Peer(room, "p:anna"), Peer(room, "p:bert")
    answers: list[str] = []
    try:
        for peer in (projector, anna):
            pub = await peer.publish()
            answers.append(pub.pc.remoteDescription.sdp)
        await bert.subscribe()
        await wait_for(counting(bert, "room", "video", 10), what="Bert sees the room")
        await wait_for(counting(bert, "p:anna", "audio", 10), what="Bert hears Anna")
        # The publish answers ask the browser for Opus FEC and keep RTX and NACK for video.
        for answer in answers:
            assert "useinbandfec=1" in answer
            assert re.search(r"a=rtpmap:\d+ rtx/90000", answer) and "nack" in answer
        offer = [m for m in bert.messages if m["type"] == "offer"][-1]
        text = offer["sdp"]
        assert "useinbandfec=1" in text and re.search(r"a=rtpmap:\d+ rtx/90000", text)
        streams: dict[str, set[str]] = {}
        for mid, info in offer["tracks"].items():
            section = _section(text, mid)
            stream = re.search(r"a=msid:(\S+) ", section)
            cnames = set(re.findall(r"cname:(\S+)", section))
            assert stream is not None
            assert cnames == {sdp.stream_id(info["member"])}, (mid, info, cnames)
            streams.setdefault(info["member"], set()).add(stream.group(1))
        # Each person's microphone and camera are one stream; two people are two.
        assert streams == {"room": {"kring-room"}, "p:anna": {"kring-p-anna"}}
        # RTCP SDES carries the same CNAME as the SDP (what the sender puts in its reports).
        assert bert.member.subscriber is not None
        carrying = [slot for slot in bert.member.subscriber.slots if slot.key]  # not the idle spares
        assert len(carrying) == 4
        for slot in carrying:
            source = room.sources[slot.key]
            assert slot.transceiver.sender._RTCRtpSender__cname == sdp.stream_id(source.member)  # type: ignore[attr-defined]
    finally:
        for peer in (bert, anna, projector):
            await peer.leave()
        await room.close()
