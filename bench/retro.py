"""The `retro` scenario (issue 13): 50 sessions of 20, each with a wall of 200 post-its, people
adding, voting and moving (bench/actions.py Retro). What it shows is how much each change sends
to each page, now that a wall sends one post-it instead of itself: `bytes_per_delivery`, overall
and by kind of change, and the CPU per delivered frame against the floor's.

Before the load, every room's mentor makes the wall over the websocket, as the console does: four
columns, participants may arrange, a live voting round of 20 votes each, and 200 post-its.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import orjson
from websockets.asyncio.client import connect

from bench.common import log
from bench.scenarios import Floor, Load, Options, floor_phase, kring_phase, steady, strip

PREFILL = 200
COLUMNS = "Went well\nCould be better\nIdeas\nActions"
# The mentor's 200 post-its go through one socket: the servers of this scenario allow it.
ENV = {"KRING_WS_MESSAGES_PER_10S": "5000", "KRING_PERSON_ACTIONS_PER_S": "500"}


async def _fill_one(url: str, code: str, key: str, notes: int) -> None:
    headers = {"Origin": url, "Cookie": f"kring_m_{code}={key}"}
    async with connect(url.replace("http://", "ws://", 1) + f"/ws/m/{code}?since=0", additional_headers=headers,
                       proxy=None, max_size=2**24, compression=None) as ws:
        async def until(pattern: str) -> re.Match[str]:
            while True:
                frame = await asyncio.wait_for(ws.recv(), 60)
                found = re.search(pattern, frame if isinstance(frame, str) else frame.decode())
                if found:
                    return found

        async def send(**message: Any) -> None:
            await ws.send(orjson.dumps(message).decode())

        await until('id="kring-sync"')
        await send(cmd="wall_create", title="Retro", template="", columns=COLUMNS)
        wid = (await until(r'data-wall="([^"]+)"')).group(1)
        await send(cmd="wall_configure", wall=wid, title="Retro", arrange="on")
        await send(cmd="wall_vote_start", wall=wid, per_person="20", multiple="on", live="on")
        board = await until(r'(?s)data-wall="[^"]+".*')
        columns = list(dict.fromkeys(re.findall(r'data-column="([^"]+)"', board.group(0))))
        for i in range(notes):
            await send(cmd="wall_note_add", wall=wid, text=f"seed {i}", colour="yellow", column=columns[i % 4])
        await until(rf">seed {notes - 1}</p>")


def prefill(url: str, codes: list[str], keys: list[str], notes: int = PREFILL) -> None:
    async def all_rooms() -> None:
        gate = asyncio.Semaphore(8)

        async def one(code: str, key: str) -> None:
            async with gate:
                await _fill_one(url, code, key, notes)

        await asyncio.gather(*(one(c, k) for c, k in zip(codes, keys, strict=True)))

    asyncio.run(all_rooms())
    log(f"retro: {len(codes)} walls of {notes} post-its made")


def by_kind(summary: dict[str, Any]) -> dict[str, dict[str, float]]:
    merged: dict[str, list[int]] = {}
    for result in summary["_raw"]["results"]:
        for kind, (frames, size) in result["by_kind"].items():
            total = merged.setdefault(kind, [0, 0])
            total[0] += frames
            total[1] += size
    return {kind: {"frames": frames, "bytes_per_delivery": round(size / frames, 1) if frames else 0.0}
            for kind, (frames, size) in sorted(merged.items())}


def cpu_per_frame(summary: dict[str, Any]) -> float | None:
    frames = sum(k["frames"] for k in summary["by_kind"].values())
    cpu = summary["_raw"]["cpu_s"]
    return round(cpu * 1e6 / frames, 2) if frames else None


def run_retro(o: Options, tmp: Path) -> dict[str, Any]:
    load = Load([o.per_room] * o.rooms, steady(o.rooms, o.per_room, o.rate, o.warmup, o.seconds),
                o.warmup, o.warmup + o.seconds)
    early = Floor(tmp / "floor.log").start() if o.floor else None
    try:
        [kring] = kring_phase(o, tmp, [load], env=ENV, before=prefill, action="retro")
        floor = floor_phase(o, tmp, [load], early, action="retro")[0] if o.floor else None
    finally:
        if early is not None:
            early.stop()
    kinds = by_kind(kring)
    kring["by_kind"] = kinds
    frames = sum(k["frames"] for k in kinds.values())
    total_bytes = sum(k["frames"] * k["bytes_per_delivery"] for k in kinds.values())
    k_us = cpu_per_frame(kring)
    f_us = None
    if floor is not None:
        floor["by_kind"] = by_kind(floor)
        f_us = cpu_per_frame(floor)
    return {
        "p50_ms": kring["p50_ms"], "p95_ms": kring["p95_ms"], "p99_ms": kring["p99_ms"],
        "lost": kring["lost"], "server_cpu_pct": kring["server_cpu_pct"],
        "bytes_per_delivery": round(total_bytes / frames, 1) if frames else None,
        "bytes_per_delivery_by_kind": {kind: v["bytes_per_delivery"] for kind, v in kinds.items()},
        "frames_by_kind": {kind: v["frames"] for kind, v in kinds.items()},
        "server_cpu_us_per_delivery": k_us,
        "floor_cpu_us_per_delivery": f_us,
        "cpu_ratio_to_floor": round(k_us / f_us, 2) if k_us and f_us else None,
        "other_cpu_pct": kring.get("other_cpu_pct"),
        "rooms": o.rooms, "per_room": o.per_room, "rate": o.rate, "prefilled_post_its": PREFILL,
        "kring": strip(kring), "floor": strip(floor) if floor else None,
    }
