"""A media receiver for tests/test_media_netns.py, run inside a network namespace: it subscribes
to the relay's bare signalling socket (the test's), reads frames raw for `seconds`, and prints
what it got in the last `window` seconds as JSON: frames per (member, kind), the frames missing
between the first and the last of them, and the "held" notices it was sent."""

from __future__ import annotations

import asyncio
import json
import sys
import time

import websockets

from tests.mediakit import MediaClient


async def main(url: str, seconds: float, window: float) -> None:
    client = MediaClient(await websockets.connect(url, max_size=2**20))
    await client.subscribe()
    await asyncio.sleep(seconds - window)
    start = time.monotonic()
    marks = {key: len(frames) for key, frames in client.sub.by_member().items()}
    await asyncio.sleep(window)
    got: dict[str, int] = {}
    missing: dict[str, int] = {}  # gaps in the counters: frames lost on the way, whatever the rate
    for (member, kind), frames in client.sub.by_member().items():
        key = f"{member}/{kind}"
        window = frames[marks.get((member, kind), 0):]
        got[key] = len(window)
        if window:
            missing[key] = window[-1] - window[0] + 1 - len(set(window))
    held = [m["ids"] for m in client.messages if m["type"] == "held"]
    print(json.dumps({"frames": got, "missing": missing, "held": held, "window": time.monotonic() - start}),
          flush=True)
    await client.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3])))
