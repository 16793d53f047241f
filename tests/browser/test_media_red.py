"""Redundant audio (RED, RFC 2198; server/media/red.py, issue 16) between Chromium and the relay:
Chromium sends its microphone in RED (the relay's answer lists RED first), the relay takes it
apart and the room hears it; the relay's offer asks for RED, Chromium accepts it, and the
remote attendee hears the room through it. Heard means decoded: audio energy that grows and
next to nothing concealed (an Opus decoder given RED's bytes conceals everything).

What RED repairs on a lossy link is tested with real aiortc peers (tests/test_media_red_loss.py):
this machine's kernel has no netem, classifier or iptables to lose packets at random for a
browser, and Chromium's fake network pipe (WebRTC-FakeNetworkReceiveConfig) lost nothing when
tried (2026-12-05)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page

from bench.serverproc import ServerProcess
from tests.browser.conftest import NewContext, join, wait_for_async
from tests.browser.roommode import in_room_mode

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.asyncio(loop_scope="session"),
              pytest.mark.timeout(180)]

# A remote source's audio as a page receives it: packets, concealment, energy, the codec first
# negotiated for it (Chromium's stats name the Opus inside RED, not RED).
HEARD = """async ([panel, who]) => {
    const m = document.querySelector(panel).kringMedia;
    if (!m || !m.sub) return null;
    const mid = (Object.entries(m.tracks).find(([, i]) => i.member.startsWith(who) && i.kind === "audio") || [])[0];
    const t = m.sub.getTransceivers().find((x) => x.mid === mid);
    const stats = [...(await m.sub.getStats()).values()];
    const a = stats.find((s) => s.type === "inbound-rtp" && s.kind === "audio" && s.mid === mid);
    if (!a || !t) return null;
    return {received: a.packetsReceived, concealed: a.concealedSamples, samples: a.totalSamplesReceived,
            energy: a.totalAudioEnergy, codec: t.receiver.getParameters().codecs[0].mimeType};
}"""
# What a page sends its microphone in: the first of its negotiated codecs.
SENT_CODEC = """async (panel) => {
    const m = document.querySelector(panel).kringMedia;
    const sender = m && m.pub && m.pub.getSenders().find((s) => s.track && s.track.kind === "audio");
    const codecs = sender ? sender.getParameters().codecs : [];
    return codecs.length ? codecs[0].mimeType : "";
}"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "red").start(timeout=60)
    try:
        yield proc
    finally:
        proc.stop()


async def _heard(page: Page, panel: str, who: str, seconds: float) -> dict[str, Any]:
    """What `page` received of `who`'s audio in the next `seconds`."""
    args = [panel, who]
    await wait_for_async(page, f"(a) => ({HEARD})(a).then((s) => s && s.received > 50)", args, timeout=60_000)
    before = await page.evaluate(HEARD, args)
    await page.wait_for_timeout(seconds * 1000)
    after = await page.evaluate(HEARD, args)
    return {k: after[k] - before[k] for k in ("received", "concealed", "samples", "energy")} | {"codec": after["codec"]}


async def test_chromium_and_the_relay_speak_red_both_ways(new_context: NewContext, server: ServerProcess) -> None:
    base = {"base_url": server.url}
    mentor, code, projector = await in_room_mode(new_context, "Redundant audio", **base)
    wim = await join(await new_context(**base), code, "Wim", "remote")
    panel = "#media-remote-panel"
    await wim.locator(panel).get_by_role("button", name="Join with camera and microphone").click()
    heard_by_wim = await _heard(wim, panel, "room", 5)
    heard_by_room = await _heard(projector, "#media-room-panel", "p:", 5)
    print("Wim hears the room:", heard_by_wim, "; the room hears Wim:", heard_by_room)
    assert await wim.evaluate(SENT_CODEC, panel) == "audio/red"
    assert await projector.evaluate(SENT_CODEC, "#media-room-panel") == "audio/red"
    for heard in (heard_by_wim, heard_by_room):
        assert heard["codec"] == "audio/red", heard  # the relay's RED offer, accepted
        assert heard["received"] > 150, heard  # Opus at 50 packets a second
        assert heard["energy"] > 0, heard  # the fake microphone's beeps, decoded
        assert heard["concealed"] < 0.05 * heard["samples"], heard
