"""A screen share starts and stops on the running publish connection (a renegotiation that adds
or re-uses a media line), so the sharer's microphone and camera never stop (issue 16). Real aiortc
peers through a MediaRoom; the browser side is in tests/browser/test_media.py."""

from __future__ import annotations

import pytest
from aiortc import RTCSessionDescription

from server.media.sfu import Limits, MediaRoom, rtc_config
from tests.mediakit import CounterTrack, delivered, wait_for
from tests.test_media_sfu import Peer, counting, dropped

pytestmark = pytest.mark.timeout(90)


async def test_sharing_adds_a_line_without_touching_the_microphone() -> None:
    room = MediaRoom("ROOM", rtc_config(()), Limits())
    rik, projector = Peer(room, "p:rik"), Peer(room, "room", "room")
    try:
        pub = await rik.publish(video=False)  # the microphone: the only video will be the screen
        await projector.subscribe()
        await wait_for(counting(projector, "p:rik", "audio", 25), what="the room hears Rik")
        publisher = rik.member.publisher
        mic = next(s for s in room.sources.values() if s.label == "mic")

        async def reoffer() -> None:
            await pub.pc.setLocalDescription(await pub.pc.createOffer())
            labels = {str(t.mid): pub.labels.get(str(t.mid), "screen") for t in pub.pc.getTransceivers()}
            answer = await room.publish(rik.member, pub.pc.localDescription.sdp, labels, again=True)
            await pub.pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))

        screen = CounterTrack("video", 5.0)
        transceiver = pub.pc.addTransceiver(screen, direction="sendonly")
        await reoffer()
        await wait_for(lambda: any(s.label == "screen" for s in room.sources.values()), what="a screen source")
        await wait_for(lambda: any(i["label"] == "screen" for i in projector.sub.tracks.values()),
                       what="the room's line")
        screen_mid = next(m for m, i in projector.sub.tracks.items() if i["label"] == "screen")
        await wait_for(lambda: len(projector.sub.frames_from("p:rik", "video")) >= 3, what="the room sees the screen")
        assert projector.sub.tracks[screen_mid]["member"] == "p:rik"
        heard = len(projector.sub.frames_from("p:rik", "audio"))

        # The share stops: the line goes inactive on the same connection.
        transceiver.direction = "inactive"
        await reoffer()
        await wait_for(lambda: not any(s.label == "screen" for s in room.sources.values()), what="the share gone")
        await wait_for(counting(projector, "p:rik", "audio", heard + 25), what="Rik still heard")

        # The same connection and the same microphone source all along; every audio frame came.
        assert rik.member.publisher is publisher and room.sources.get(mic.key) is mic
        audio = projector.sub.frames_from("p:rik", "audio")
        # In order, and nothing missing but what the relay's queue dropped for waiting too long on
        # a busy machine (framequeue.py): no rebuild's hole of half a second or more.
        assert delivered(audio, dropped(projector, "audio")), audio
        assert len(projector.sub.received[screen_mid].frames) >= 3  # what the screen's line carried

        # And again, on the line the first share used.
        transceiver.direction = "sendonly"
        await reoffer()
        await wait_for(lambda: any(s.label == "screen" for s in room.sources.values()), what="a second share")
        assert len(pub.pc.getTransceivers()) == 2 and rik.member.publisher is publisher
    finally:
        await projector.leave()
        await rik.leave()
        await room.close()
