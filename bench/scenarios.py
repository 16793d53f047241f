"""The scenarios of issue 7: typical, burst, scaleout, soak; each measured against the floor.

Every scenario runs Kring as real `python -m server` processes (bench/serverproc.py) and then,
in the same run, the floor (bench/floor.py, a bare Starlette broadcast under uvicorn) with the
same client code and the same load. The result is one JSON object; the keys every scenario has:

    p50_ms p95_ms p99_ms   latency of one delivery (action sent -> seen by another participant)
    deliveries_per_s       deliveries counted in the measured window, per second
    lost                   expected deliveries neither seen within the drain time nor superseded
    server_cpu_pct         Kring's server process(es), utime+stime over the window, % of one core
    rss_kb_per_conn        Kring's server RSS growth from opening the websockets, per socket
    cpu_ratio_to_floor     Kring's CPU per delivery / the floor's CPU per delivery
    final_ms (burst)       last answer sent -> every screen shows everyone's final name

The floor's own numbers are under `floor`; burst's two parts are under `parts`.
"""

from __future__ import annotations

import datetime
import math
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import code_version, log, log_text, percentile
from bench.load import Phase, Plan, box_busy_s, cores
from bench.serverproc import LOAD_ENV, ROOT, ServerProcess, free_port, stop_process, wait_healthy
from realtime import limits
from server.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/12"


@dataclass(frozen=True)
class Options:
    scenario: str
    rooms: int
    per_room: int
    rate: float
    seconds: float
    warmup: float
    drain: float
    workers: int
    big_room: int  # burst: the size of the second session
    floor_seconds: float  # the floor's window (soak: shorter than Kring's, it is only a yardstick)
    floor: bool
    profile: str = ""  # py-spy collapsed stacks of (the first) Kring server over the window
    seed: int = 7
    servers: int = 2  # scaleout: Kring processes on one Redis
    route: str = "slot"  # scaleout: "slot" spreads each session over the processes, "room" keeps it on one


DEFAULTS: dict[str, dict[str, Any]] = {
    # The first benchmark's size: 10 sessions of 20 (200 sockets), 100 renames/s in all.
    "fanout": {"rooms": 10, "per_room": 20, "rate": 100.0, "seconds": 15.0},
    # 50 sessions of 20 (1,000 sockets), 500 renames/s in all: each participant once every 2 s.
    "typical": {"rooms": 50, "per_room": 20, "rate": 500.0, "seconds": 20.0},
    # One session of 500 answering within 10 s; one of 1,000 at 35 actions/s.
    "burst": {"rooms": 1, "per_room": 500, "rate": 35.0, "seconds": 10.0, "big_room": 1000},
    "scaleout": {"rooms": 50, "per_room": 20, "rate": 500.0, "seconds": 20.0},
    "soak": {"rooms": 50, "per_room": 20, "rate": 500.0, "seconds": 600.0, "floor_seconds": 30.0},
    # 50 sessions of 20 on walls of 200 post-its, adding, voting and moving (bench/retro.py).
    "retro": {"rooms": 50, "per_room": 20, "rate": 500.0, "seconds": 20.0},
}


def check(o: Options) -> None:
    per_client_10s = 0.0
    if o.scenario in ("fanout", "typical", "scaleout", "soak", "retro"):
        if not 1 <= o.rooms <= 500:
            raise ValueError("--rooms must be 1..500")
        if o.rooms * o.rate and o.per_room * o.rooms / o.rate < 0.5:
            raise ValueError("renames of one participant less than 0.5 s apart: raise --per-room or lower --rate")
        per_client_10s = o.rate / (o.rooms * o.per_room) * 10
    if o.scenario == "burst":
        per_client_10s = o.rate / o.big_room * 10
        if not 2 <= o.big_room <= limits.PARTICIPANTS_MAX:
            raise ValueError(f"--big-room must be 2..{limits.PARTICIPANTS_MAX}")
    if not 2 <= o.per_room <= limits.PARTICIPANTS_MAX:
        raise ValueError(f"--per-room must be 2..{limits.PARTICIPANTS_MAX}")
    if o.rate <= 0 or o.seconds <= 0 or o.warmup < 0 or o.drain < 0:
        raise ValueError("--rate and --seconds must be positive, --warmup and --drain not negative")
    if per_client_10s > Settings().ws_messages_per_10s / 2:
        raise ValueError(f"{per_client_10s:.0f} messages per 10 s per client is too close to the server's limit")
    if o.workers < 1:
        raise ValueError("--workers must be at least 1")
    if not 1 <= o.servers <= 8:
        raise ValueError("--servers must be 1..8")


# ---------------------------------------------------------------------------------- schedules


def steady(rooms: int, per_room: int, rate: float, warmup: float, seconds: float) -> list[tuple[float, int, int]]:
    """Rooms take turns, and within a room participants take turns, at `rate` actions/s in all.

    Each room starts its turns at another participant (room i at slot i): with every room
    starting at slot 0, the actions of one round over the rooms all came from the same slot, and
    `--route slot` (slot % servers) sent a whole round, 100 ms at 500/s, to one process while
    the others waited, so each process's Redis calls carried 3-4 events where an even spread
    gives about one (docs/performance.md, 2026-12-05 18:30)."""
    schedule = []
    next_slot = [room % per_room for room in range(rooms)]
    k = 0
    while k / rate < warmup + seconds:
        room = k % rooms
        schedule.append((k / rate, room, next_slot[room]))
        next_slot[room] = (next_slot[room] + 1) % per_room
        k += 1
    return schedule


def answers(size: int, seconds: float, seed: int) -> list[tuple[float, int, int]]:
    """Everyone in one room answers once, at a uniformly random moment within `seconds`."""
    rng = random.Random(seed)
    return sorted((rng.uniform(0.0, seconds), 0, slot) for slot in range(size))


# ---------------------------------------------------------------------------------- servers


def create_rooms(urls: list[str], count: int) -> tuple[list[str], list[str]]:
    """`count` sessions through the API (alternating over the servers): codes and mentor secrets.

    The API allows 30 new sessions per client address per minute. Fifty mentors do not share one
    address, so each batch of 25 says it comes from another one (X-Forwarded-For, which the server
    trusts from 127.0.0.1 as behind a reverse proxy); the traffic itself stays on loopback.
    """
    codes, secrets_ = [], []
    clients = [httpx.Client(base_url=url, trust_env=False, timeout=60) for url in urls]
    try:
        for i in range(count):
            response = clients[i % len(urls)].post(
                "/api/v1/sessions", json={"title": f"Bench room {i}", "language": "en"},
                headers={"x-forwarded-for": f"192.0.2.{1 + i // 25}"},
            )
            if response.status_code != 201:
                raise RuntimeError(f"creating a session: {response.status_code} {response.text[:200]}")
            body = response.json()
            codes.append(str(body["code"]))
            secrets_.append(str(body["mentor_secret"]))
    finally:
        for client in clients:
            client.close()
    return codes, secrets_


class Floor:
    """bench/floor.py as its own uvicorn process on a free loopback port."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> Floor:
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "bench.floor", "--port", str(self.port)],
                                         cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        wait_healthy(self.proc, self.url, timeout, lambda: self.log_path.read_text()[-2000:])
        return self

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None


def warnings_in(servers: list[ServerProcess]) -> list[str]:
    lines: list[str] = []
    for server in servers:
        text = log_text(server).splitlines()
        found = [i for i, line in enumerate(text) if line.startswith(("WARNING", "ERROR"))]
        if found:
            for line in text[found[0]:found[0] + 30]:
                log(f"server {server.port}: {line}")
        lines.extend(text[i] for i in found)
    return lines


# ---------------------------------------------------------------------------------- one phase


@dataclass
class Load:
    """What a phase puts on a target: rooms, sizes, schedule, window."""

    sizes: list[int]
    schedule: list[tuple[float, int, int]]
    measure: float
    end: float


def summarize(raw: dict[str, Any]) -> dict[str, Any]:
    results = raw["results"]
    duration = raw["duration"]
    ms = sorted(x for r in results for x in r["ms"])
    pairs = sorted((a, m) for r in results for a, m in zip(r["at"], r["ms"], strict=True))
    lags = sorted(x for r in results for x in r["send_lags_ms"])
    deliveries = len(ms)
    cpu = raw["cpu_s"]
    cpu_interval = raw["cpu_interval_s"]
    frames = sum(r["frames"] for r in results)
    client_cpu = sum(r["cpu_s"] for r in results)
    connections = raw["connections"]
    final_arrival = max(r["final_arrival"] for r in results)
    final_missing = sum(r["final_missing"] for r in results)
    closed = [code for r in results for code in r["closed"]]
    out: dict[str, Any] = {
        "connections": connections,
        "connect_s": raw["connect_s"],
        "actions": sum(1 for counter in raw["sent"] if counter in raw["measured_counters"]),
        "deliveries": deliveries,
        "expected_deliveries": sum(r["expected"] for r in results),
        "deliveries_per_s": round(deliveries / duration, 1),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(ms[-1], 2) if ms else None,
        "lost": sum(r["lost"] for r in results),
        "coalesced": sum(r["coalesced"] for r in results),
        "final_ms": (round((final_arrival - raw["last_send"]) * 1000.0, 1)
                     if final_missing == 0 and math.isfinite(final_arrival) else None),
        "final_missing": final_missing,
        "server_cpu_pct": round(100.0 * cpu / cpu_interval, 1),
        "server_cpu_us_per_delivery": round(cpu * 1e6 / deliveries, 2) if deliveries else None,
        "rss_kb_per_conn": round((raw["rss_after"] - raw["rss_before"]) / connections, 1) if connections else None,
        "server_rss_kb": raw["rss_after"],
        "closed_connections": len(closed),
        "close_codes": sorted(set(closed)),
        "send_errors": sum(r["send_errors"] for r in results),
        "client_send_lag_p99_ms": round(percentile(lags, 99), 2),
        "client_cpu_pct": round(100.0 * client_cpu / duration, 1),
        "frames_per_s": round(frames / duration, 1),
        "frame_bytes_avg": round(sum(r["bytes"] for r in results) / frames) if frames else None,
        "duration_s": round(duration, 2),
        "p50_ms_by_third": by_part(pairs, duration, 3, 50),
        "p99_ms_by_third": by_part(pairs, duration, 3, 99),
        # GET /healthz every 250 ms on the (first) server: how long a request waits for its loop.
        "healthz_p50_ms": round(percentile(raw["healthz_ms"], 50), 2),
        "healthz_max_ms": round(raw["healthz_ms"][-1], 2) if raw["healthz_ms"] else None,
    }
    busy = raw["counted"].get("box_busy_s")
    if busy is not None:
        # The box is shared: whatever was busy beyond the server(s) and our clients was other work.
        out["box_busy_pct"] = round(100.0 * busy / cpu_interval, 1)
        out["other_cpu_pct"] = round(out["box_busy_pct"] - out["server_cpu_pct"] - out["client_cpu_pct"], 1)
    return out


def by_part(pairs: list[tuple[float, float]], duration: float, parts: int, p: float) -> list[float | None]:
    """Percentile p of the latencies of the actions sent in each of `parts` equal parts of the window."""
    out: list[float | None] = []
    for i in range(parts):
        lo, hi = duration * i / parts, duration * (i + 1) / parts
        inside = sorted(m for a, m in pairs if lo <= a < hi)
        out.append(round(percentile(inside, p), 1) if inside else None)
    return out


def run_phase(kind: str, o: Options, load: Load, urls: list[str], codes: list[str], pids: list[int],
              rss_every: float = 0.0, counters: dict[str, Callable[[], float]] | None = None,
              after_drain: Callable[[], dict[str, Any]] | None = None, action: str = "rename") -> dict[str, Any]:
    plan = Plan(kind=kind, urls=tuple(urls), codes=tuple(codes), sizes=tuple(load.sizes),
                schedule=tuple(load.schedule), measure=load.measure, end=load.end, drain=o.drain,
                workers=o.workers, action=action, route=o.route)
    counters = {**(counters or {}), "box_busy_s": box_busy_s}
    profile = o.profile if kind == "kring" else ""
    if profile and os.path.exists(profile):  # burst has two Kring phases: keep both profiles
        profile = f"{profile}.{len(plan.sizes)}x{plan.sizes[0]}"
    raw = Phase(plan, pids, rss_every, counters, profile).run(after_drain)
    raw["measured_counters"] = {i + 1 for i, (due, _, _) in enumerate(load.schedule) if due >= load.measure}
    summary = summarize(raw)
    summary["rss_samples_kb"] = raw["rss_samples"]
    summary["counted"] = raw["counted"]
    summary["_raw"] = raw
    return summary


def kring_phase(o: Options, tmp: Path, loads: list[Load], servers_n: int = 1,
                env: dict[str, str] | None = None, rss_every: float = 0.0,
                counters: dict[str, Callable[[], float]] | None = None,
                state_check: bool = False,
                before: Callable[[str, list[str], list[str]], None] | None = None,
                action: str = "rename") -> list[dict[str, Any]]:
    """Start Kring (`servers_n` processes), run each load in turn on fresh sessions, stop Kring."""
    env = {**LOAD_ENV, **(env or {})}
    if servers_n > 1:
        env.setdefault("KRING_SECRET_KEY", secrets.token_urlsafe(32))
    servers = [ServerProcess(tmp / f"kring{i}", env=env) for i in range(servers_n)]
    out = []
    try:
        for server in servers:
            server.start()
        urls = [s.url for s in servers]
        pids = [s.proc.pid for s in servers if s.proc is not None]
        log(f"kring: server pid(s) {pids} on {urls}")
        for load in loads:
            codes, keys = create_rooms(urls, len(load.sizes))
            if before is not None:  # set the rooms up (retro: the walls)
                before(urls[0], codes, keys)
            check = (lambda codes=codes, keys=keys, load=load: api_state(urls, codes, keys, load)) \
                if state_check else None
            summary = run_phase("kring", o, load, urls, codes, pids, rss_every, counters, check, action)
            out.append(summary)
        time.sleep(0.5)
        warnings = warnings_in(servers)
        for summary in out:
            summary["server_log_warnings"] = len(warnings)
    finally:
        for server in servers:
            server.stop()
    return out


def floor_phase(o: Options, tmp: Path, loads: list[Load], floor: Floor | None = None,
                action: str = "rename") -> list[dict[str, Any]]:
    """Run each load in turn on the floor (started here unless it was started already)."""
    floor = floor if floor is not None and floor.proc is not None else Floor(tmp / "floor.log").start()
    assert floor.proc is not None
    out = []
    try:
        log(f"floor: pid {floor.proc.pid} on {floor.url}")
        for n, load in enumerate(loads):
            codes = [f"F{n}R{i}" for i in range(len(load.sizes))]
            out.append(run_phase("floor", o, load, [floor.url], codes, [floor.proc.pid], action=action))
    finally:
        floor.stop()
    return out


def api_state(urls: list[str], codes: list[str], keys: list[str], load: Load) -> dict[str, Any]:
    """Every session as every server's API tells it, and whether that is the state the load left."""
    final: dict[tuple[int, int], int] = {}
    for i, (_, room, slot) in enumerate(load.schedule):
        final[(room, slot)] = i + 1
    differ = wrong = 0
    with httpx.Client(trust_env=False, timeout=60) as http:
        for room, (code, key) in enumerate(zip(codes, keys, strict=True)):
            seen = []
            for url in urls:
                response = http.get(f"{url}/api/v1/sessions/{code}", headers={"authorization": f"Bearer {key}"})
                response.raise_for_status()
                seen.append(response.json())
            if any(s != seen[0] for s in seen[1:]):
                differ += 1
            names = sorted(p["name"] for p in seen[0]["participants"])
            want = sorted(f"P{slot} v{final[(room, slot)]}" if (room, slot) in final else f"P{slot}"
                          for slot in range(load.sizes[room]))
            if names != want:
                wrong += 1
    return {"api_rooms_differing_between_servers": differ, "api_rooms_not_in_final_state": wrong}


def views_agree(summary: dict[str, Any], load: Load) -> int:
    """How many participants' screens do not show the final state of their room."""
    final: dict[tuple[int, int], int] = {}
    for i, (_, room, slot) in enumerate(load.schedule):
        final[(room, slot)] = i + 1
    bad = 0
    for result in summary["_raw"]["results"]:
        for room, viewers in result["views"].items():
            want = [final.get((room, slot), 0) for slot in range(load.sizes[room])]
            bad += sum(1 for last in viewers.values() if last != want)
    return bad


# ---------------------------------------------------------------------------------- scenarios


def headline(kring: dict[str, Any], floor: dict[str, Any] | None) -> dict[str, Any]:
    keep = ["p50_ms", "p95_ms", "p99_ms", "deliveries_per_s", "lost", "server_cpu_pct", "rss_kb_per_conn"]
    out = {k: kring[k] for k in keep}
    k_us, f_us = kring.get("server_cpu_us_per_delivery"), floor.get("server_cpu_us_per_delivery") if floor else None
    out["cpu_ratio_to_floor"] = round(k_us / f_us, 2) if k_us and f_us else None
    return out


def strip(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if not k.startswith("_")}


def steady_load(o: Options, seconds: float) -> Load:
    return Load([o.per_room] * o.rooms, steady(o.rooms, o.per_room, o.rate, o.warmup, seconds),
                o.warmup, o.warmup + seconds)


def run(o: Options) -> dict[str, Any]:
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = round(os.getloadavg()[0], 2)
    meta = {"scenario": o.scenario, "date": date, "commit": code_version(), "cores": cores(),
            "loadavg_1m": load_before}
    with tempfile.TemporaryDirectory(prefix="kring-bench-") as name:
        tmp = Path(name)
        if o.scenario == "burst":
            return {**run_burst(o, tmp), **meta}
        if o.scenario == "scaleout":
            return {**run_scaleout(o, tmp), **meta}
        if o.scenario == "retro":
            from bench.retro import run_retro

            return {**run_retro(o, tmp), **meta}
        seconds = o.seconds
        load = steady_load(o, seconds)
        rss_every = 10.0 if o.scenario == "soak" else 0.0
        # The floor's process starts now (it idles while Kring is measured): saves a start-up later.
        early = Floor(tmp / "floor.log").start() if o.floor else None
        try:
            [kring] = kring_phase(o, tmp, [load], rss_every=rss_every)
            floor = floor_phase(o, tmp, [steady_load(o, min(seconds, o.floor_seconds))], early)[0] \
                if o.floor else None
        finally:
            if early is not None:
                early.stop()
    result = {**headline(kring, floor), **meta, "rooms": o.rooms, "per_room": o.per_room, "rate": o.rate,
              "kring": strip(kring), "floor": strip(floor) if floor else None}
    if o.scenario == "soak":
        samples = kring["rss_samples_kb"]
        result["rss_kb_samples"] = samples
        # Flat memory: growth from the first sample after a minute (warm caches) to the last.
        base = next((kb for at, kb in samples if at >= 60.0), samples[0][1])
        result["rss_growth_kb_after_1min"] = samples[-1][1] - base
        pairs = sorted((a, m) for r in kring["_raw"]["results"] for a, m in zip(r["at"], r["ms"], strict=True))
        parts = max(1, int(kring["duration_s"] // 60))
        result["p99_ms_by_minute"] = by_part(pairs, kring["duration_s"], parts, 99)
    return result


def run_burst(o: Options, tmp: Path) -> dict[str, Any]:
    poll = Load([o.per_room], answers(o.per_room, o.seconds, o.seed), 0.0, o.seconds)
    big = Load([o.big_room], steady(1, o.big_room, o.rate, o.warmup, o.seconds), o.warmup, o.warmup + o.seconds)
    # Each part on a fresh server, so the second does not inherit the first one's sockets.
    [kring_poll] = kring_phase(o, tmp / "a", [poll])
    [kring_big] = kring_phase(o, tmp / "b", [big])
    floors = floor_phase(o, tmp, [poll, big]) if o.floor else [None, None]
    parts = {
        f"answers_{o.per_room}": {**headline(kring_poll, floors[0]), "final_ms": kring_poll["final_ms"],
                                  "kring": strip(kring_poll), "floor": strip(floors[0]) if floors[0] else None},
        f"room_{o.big_room}_at_{o.rate:g}": {**headline(kring_big, floors[1]), "final_ms": kring_big["final_ms"],
                                             "kring": strip(kring_big),
                                             "floor": strip(floors[1]) if floors[1] else None},
    }
    # The headline: both parts together (every delivery, the worse final), against both floors.
    ms = sorted(x for s in (kring_poll, kring_big) for r in s["_raw"]["results"] for x in r["ms"])
    deliveries = len(ms)
    cpu = sum(s["_raw"]["cpu_s"] for s in (kring_poll, kring_big))
    duration = sum(s["_raw"]["duration"] for s in (kring_poll, kring_big))
    floor_us = None
    if all(floors):
        f_cpu = sum(f["_raw"]["cpu_s"] for f in floors)  # type: ignore[index]
        f_del = sum(f["deliveries"] for f in floors)  # type: ignore[index]
        floor_us = f_cpu * 1e6 / f_del if f_del else None
    k_us = cpu * 1e6 / deliveries if deliveries else None
    finals = [kring_poll["final_ms"], kring_big["final_ms"]]
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "deliveries_per_s": round(deliveries / duration, 1),
        "lost": kring_poll["lost"] + kring_big["lost"],
        "server_cpu_pct": round(100.0 * cpu / sum(s["_raw"]["cpu_interval_s"] for s in (kring_poll, kring_big)), 1),
        "rss_kb_per_conn": max(kring_poll["rss_kb_per_conn"] or 0, kring_big["rss_kb_per_conn"] or 0),
        "cpu_ratio_to_floor": round(k_us / floor_us, 2) if k_us and floor_us else None,
        "final_ms": max(finals) if all(f is not None for f in finals) else None,
        "closed_connections": kring_poll["closed_connections"] + kring_big["closed_connections"],
        "parts": parts,
    }


def run_scaleout(o: Options, tmp: Path) -> dict[str, Any]:
    import redis

    from bench.rediskit import cpu_s, script_time

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()

    # What Redis spends without us (its own timers, other users of this Redis): measured for a few
    # seconds before the servers start, and taken off what it spends during the window.
    idle_s = min(5.0, o.seconds)
    before = cpu_s(client)
    time.sleep(idle_s)
    idle_rate = (cpu_s(client) - before) / idle_s
    try:
        load = steady_load(o, o.seconds)
        env = {"KRING_STORE_URL": REDIS_URL, "KRING_BROKER_URL": REDIS_URL}
        # The servers inherit the environment: a KRING_REDIS_TICK_MS set for the run is theirs.
        tick_ms = Settings.from_env({**os.environ, **env}).redis_tick_s * 1000.0
        # The script time is steadier than the CPU (bench/rediskit.py).
        counters = {"redis_cpu_s": lambda: cpu_s(client), "redis_script_s": lambda: script_time(client)[1]}
        [kring] = kring_phase(o, tmp, [load], servers_n=o.servers, env=env, counters=counters, state_check=True)
    finally:
        client.flushdb()
        client.close()
    floor = floor_phase(o, tmp, [steady_load(o, min(o.seconds, o.floor_seconds))])[0] if o.floor else None
    actions = len(kring["_raw"]["measured_counters"])
    redis_total = kring["counted"]["redis_cpu_s"]
    interval = kring["_raw"]["cpu_interval_s"]
    redis_s = max(0.0, redis_total - idle_rate * interval)
    bad_views = views_agree(kring, load)
    extra = kring["_raw"]
    return {
        **headline(kring, floor),
        "servers": o.servers,
        "route": o.route,
        "redis_tick_ms": round(tick_ms, 3),
        "redis_cpu_pct": round(100.0 * redis_total / interval, 1),
        "redis_idle_cpu_pct": round(100.0 * idle_rate, 2),
        # Redis's CPU in the window minus its idle rate, per action committed (one event each).
        "redis_cpu_us_per_event": round(redis_s * 1e6 / actions, 1) if actions else None,
        "redis_script_us_per_event":
            round(kring["counted"]["redis_script_s"] * 1e6 / actions, 1) if actions else None,
        "screens_not_in_final_state": bad_views,
        "api_rooms_differing_between_servers": extra.get("api_rooms_differing_between_servers"),
        "api_rooms_not_in_final_state": extra.get("api_rooms_not_in_final_state"),
        "identical_state": bad_views == 0 and extra.get("api_rooms_differing_between_servers") == 0
        and extra.get("api_rooms_not_in_final_state") == 0,
        "rooms": o.rooms, "per_room": o.per_room, "rate": o.rate,
        "kring": strip(kring), "floor": strip(floor) if floor else None,
    }
