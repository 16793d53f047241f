"""How fast a publisher's camera ramps up through the relay (issue 16: "a publisher reaches 1 Mbit/s
within 5 s through the relay, with 1 and with 3 remotes").

Real Chromium (headless, fake camera and microphone) on real Kring pages. Chromium's own fake
camera is 640x480 and so simple that VP8 never needs more than ~400 kbit/s for it, whatever it may
send: the camera here plays a 1280x720 clip of random 8x8 blocks instead (`noise_clip`), which
takes every bit the encoder is allowed, as a real room camera would. a mentor opens the
projector view, `remotes` remote attendees join with camera and microphone, then the projector
starts room mode (the room's camera: 1280x720, 15 fps, up to 1.2 Mbit/s). The projector's own
publish connection is sampled every 0.25 s from the moment it first sends (`getStats`:
outgoing-rtp `bytesSent`, `frameWidth`, `framesPerSecond`, and the candidate pair's
`availableOutgoingBitrate`, the browser's own estimate). The rate is taken over the last second.

    python -m bench --scenario ramp --json [--seconds 15] [--rooms 3]   (--rooms: runs per count)

Printed: per number of remotes, per run, the seconds until the rate sent first reached 1 Mbit/s
and until the encoder's target did (None if not within the window), and the rate, width, fps,
the browser's estimate and the encoder's target at 2, 5 and 10 s. KRING_RAMP_TRACE=1 logs every
sample to stderr.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.serverproc import ServerProcess

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
TARGET_BPS = 1_000_000
SAMPLE_S = 0.25

STATS = """async () => {
    const m = document.querySelector('#media-room-panel').kringMedia;
    if (!m || !m.pub) return null;
    const stats = [...(await m.pub.getStats()).values()];
    // The camera's full layer only: its layers (camera-mid, camera-low, issue 16) are capped at
    // 500 and 150 kbit/s.
    const senders = m.senders || {};
    const copies = [senders["camera-low"], senders["camera-mid"]];
    const layers = m.pub.getTransceivers().filter((t) => copies.includes(t.sender)).map((t) => t.mid);
    const video = stats.filter((s) => s.type === "outbound-rtp" && s.kind === "video" && !layers.includes(s.mid));
    const pair = stats.find((s) => s.type === "candidate-pair" && s.nominated && s.state === "succeeded");
    if (!video.length) return null;
    const track = m.pub.getSenders().map((x) => x.track).find((t) => t && t.kind === "video");
    const settings = track ? track.getSettings() : {};
    const remote = stats.find((s) => s.type === "remote-inbound-rtp" && s.kind === "video");
    return {lost: remote ? remote.packetsLost : null, rtt: pair ? pair.currentRoundTripTime : null,
            capture: `${settings.width}x${settings.height}@${settings.frameRate}`,
            height: Math.max(...video.map((s) => s.frameHeight || 0)),
            bytes: video.reduce((n, s) => n + (s.bytesSent || 0), 0),
            width: Math.max(...video.map((s) => s.frameWidth || 0)),
            fps: Math.max(...video.map((s) => s.framesPerSecond || 0)),
            available: pair ? pair.availableOutgoingBitrate || 0 : 0,
            target: video.reduce((n, s) => n + (s.targetBitrate || 0), 0),
            limit: video.map((s) => s.qualityLimitationReason || "").join(",")};
}"""


def noise_clip(path: Path, width: int = 1280, height: int = 720, frames: int = 15, seed: int = 16) -> Path:
    """A Y4M clip for --use-file-for-fake-video-capture: every frame new random 8x8 blocks."""
    rng = random.Random(seed)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F15:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            rows = [bytes(v for v in rng.randbytes(width // 8) for _ in range(8)) for _ in range(height // 8)]
            out.write(b"FRAME\n" + b"".join(row * 8 for row in rows) + bytes([128]) * (width * height // 2))
    return path


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"bench ramp: {message}", file=sys.stderr, flush=True)


async def _live(page: Any) -> None:
    await page.wait_for_selector("#conn[data-state=live]", state="attached", timeout=20_000)


async def _join(context: Any, code: str, name: str, camera: bool) -> Any:
    page = await context.new_page()
    await page.goto(f"/join?code={code}")
    await page.locator("input[name=name]").fill(name)
    await page.locator("input[name=location][value=remote]").check()
    await page.locator("form[action$='/join'] button.btn-primary").click()
    await page.wait_for_url(re.compile(rf"/s/{code}(/welcome)?$"))
    if page.url.endswith("/welcome"):
        await page.get_by_role("link", name=re.compile("Continue to the session")).click()
    await _live(page)
    button = "Join with camera and microphone" if camera else "Listen only"
    await page.locator("#media-remote-panel").get_by_role("button", name=button).click()
    return page


def summarize(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """From samples (`t`: seconds since the first byte, `bytes` sent, `width`, `fps`, the browser's
    `available` estimate and the encoder's `target`, bits per second): the first time the rate over
    the last second reached TARGET_BPS, and the state at 2, 5 and 10 s."""
    rates: list[dict[str, Any]] = []
    for sample in samples:
        t = sample["t"]
        back = [s for s in samples if t - 1.0 - 1e-6 <= s["t"] <= t - 0.75]
        if not back or t < 1.0:
            continue
        rates.append({**sample, "bps": 8 * (sample["bytes"] - back[0]["bytes"]) / (t - back[0]["t"])})
    reached = next((r["t"] for r in rates if r["bps"] >= TARGET_BPS), None)
    allowed = next((s["t"] for s in samples if s["target"] >= TARGET_BPS), None)
    out: dict[str, Any] = {"seconds_to_1mbit": None if reached is None else round(reached, 2),
                           "seconds_to_target_1mbit": None if allowed is None else round(allowed, 2),
                           "max_kbps": round(max((r["bps"] for r in rates), default=0) / 1000)}
    for mark in (2, 5, 10):
        at = next((r for r in rates if r["t"] >= mark), None)
        if at is not None:
            out[f"at_{mark}s"] = {"kbps": round(at["bps"] / 1000), "width": at["width"], "fps": round(at["fps"], 1),
                                  "estimate_kbps": round(at["available"] / 1000),
                                  "target_kbps": round(at["target"] / 1000), "limited_by": at["limit"]}
    return out


async def _aiortc_remote(server: ServerProcess, code: str, name: str) -> tuple[Any, Any]:
    """A remote attendee played by an aiortc peer (tests/mediakit.py): it publishes pre-encoded
    audio and ~420 kbit/s of video and receives everyone, with no encoder or decoder to run."""
    from tests.appkit import connect, join_server
    from tests.mediakit import MediaClient

    ws = await connect(server, f"/media/s/{code}", join_server(server, code, name, "remote"))
    client = MediaClient(ws)
    await client.publish(audio=True, video=True, fps=15.0, size=3500)
    await client.subscribe()
    return ws, client


async def one_run(browser: Any, others: Any, server: ServerProcess, remotes: int, seconds: float,
                  cameras: bool | str = True) -> dict[str, Any]:
    contexts: list[Any] = []
    peers: list[tuple[Any, Any]] = []

    async def context(chromium: Any = others) -> Any:
        made = await chromium.new_context(base_url=server.url, locale="en-US", viewport={"width": 1280, "height": 800})
        made.set_default_timeout(30_000)
        contexts.append(made)
        return made

    try:
        mentor_context = await context(browser)
        mentor = await mentor_context.new_page()
        await mentor.goto("/")
        await mentor.locator("input[name=title]").fill("Ramp")
        await mentor.locator("input[name=language][value=en]").check()
        await mentor.locator("form[action='/sessions'] button[type=submit]").click()
        await mentor.wait_for_url(re.compile(r"/m/[A-Z0-9]{8}$"))
        code = mentor.url.rsplit("/", 1)[1]
        href = await mentor.get_by_role("link", name="Open projector view").get_attribute("href")
        projector = await mentor_context.new_page()
        await projector.goto(str(href))
        await _live(projector)
        for n in range(remotes):
            if cameras == "aiortc":
                peers.append(await _aiortc_remote(server, code, f"Remote {n + 1}"))
                continue
            page = await _join(await context(), code, f"Remote {n + 1}", cameras is True)
            # A listener has no connection until there is something to receive: it is in once live.
            ready = "m.pub && m.pub.connectionState === 'connected'" if cameras is True else "m.live && m.me"
            await page.wait_for_function(
                f"() => {{ const m = document.querySelector('#media-remote-panel').kringMedia; return m && {ready}; }}",
                timeout=30_000)
        await projector.get_by_role("button", name="Room mode").click()
        await projector.get_by_role("button", name="Start room mode").click()
        samples: list[dict[str, Any]] = []
        start: float | None = None
        pid = server.proc.pid if server.proc is not None else 0
        cpu_start = 0.0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = time.monotonic()
            stats = await projector.evaluate(STATS)
            if stats and stats["bytes"] > 0:
                if start is None:
                    start = now
                    deadline = now + seconds
                    cpu_start = cpu_seconds(pid)
                samples.append({**stats, "t": now - start})
                if os.environ.get("KRING_RAMP_TRACE"):
                    log(f"{now - start:5.2f} s {stats}")
            await asyncio.sleep(max(0.0, SAMPLE_S - (time.monotonic() - now)))
        out = summarize(samples)
        if start is not None:
            out["server_cpu"] = round((cpu_seconds(pid) - cpu_start) / (time.monotonic() - start), 2)
            out["load"] = round(os.getloadavg()[0], 1)
        return out
    finally:
        for ws, client in peers:
            await client.close()
            await ws.close()
        for made in contexts:
            await made.close()


async def _run(runs: int, seconds: float, counts: tuple[int, ...], cameras: bool | str) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    result: dict[str, Any] = {"scenario": "ramp", "remote_cameras": cameras, "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="kring-ramp-") as tmp:
        server = ServerProcess(Path(tmp)).start(timeout=60)
        try:
            async with async_playwright() as playwright:
                # The room's browser plays the clip; the remotes' (a second one) Chromium's cheap
                # fake camera, so that their encoders do not starve the room's on a small machine.
                clip = noise_clip(Path(tmp) / "noise.y4m")
                browser = await playwright.chromium.launch(
                    executable_path=CHROMIUM, args=[*ARGS, f"--use-file-for-fake-video-capture={clip}"], headless=True)
                others = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
                try:
                    for remotes in counts:
                        runs_out = []
                        for n in range(runs):
                            out = await one_run(browser, others, server, remotes, seconds, cameras)
                            log(f"{remotes} remote(s), run {n + 1}: {out}")
                            runs_out.append(out)
                        result[f"remotes_{remotes}"] = runs_out
                finally:
                    await others.close()
                    await browser.close()
        finally:
            server.stop()
    result["load_after"] = os.getloadavg()[0]
    return result


def run(runs: int = 3, seconds: float = 12.0, counts: tuple[int, ...] = (1, 3),
        cameras: bool | str = True) -> dict[str, Any]:
    """`cameras`: the remotes publish their camera and microphone too (False: they only listen;
    "aiortc": aiortc peers publish and receive in their place, which costs the machine no video
    encoding or decoding, so the relay's part shows apart from a starved browser's)."""
    return asyncio.run(_run(runs, seconds, counts, cameras))
