"""`python -m bench.redis_script`: what Kring's append script costs Redis per call.

Redis's CPU per event in `scaleout` (issue 19: at most 30 µs) is the cost of each append call
(being woken, reading the call, answering: about 30-40 µs on the benchmark's VM whatever the call
carries) plus the script's own work per room it appends to. This isolates the script: calls of
`appends` rooms each (one item of 170 bytes and a line to publish, as in `typical`), sent one at a
time about 2 ms apart as the tick spaces them, on a redis-server of its own with one subscriber
on the channel. Per number of appends per call, one JSON line: Redis's time inside the script
from its command statistics (`script_us_per_call`, steady) and its CPU from INFO cpu
(`cpu_us_per_call`, which also counts the sockets and moves with the box).

To compare two versions of the script, run this module from each tree (`git worktree add`).
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import redis

from bench.rediskit import cpu_s, json_line, private_redis, script_time
from realtime.hub import EVENTS_CHANNEL
from realtime.store.redis import APPEND

ITEM = b"1733380000.123456\n" + b"x" * 150
LINE = b"ROOM 42 " + b"y" * 150


def measure(client: redis.Redis, appends: int, calls: int, rooms: int) -> dict[str, Any]:
    """`calls` append calls of `appends` rooms each, every append at the log's length (none refused)."""
    sha = client.script_load(APPEND)
    listener = client.pubsub()  # type: ignore[no-untyped-call]
    listener.subscribe(EVENTS_CHANNEL)
    client.config_resetstat()
    lengths: dict[str, int] = {}
    start = cpu_s(client)
    for c in range(calls):
        keys: list[str] = []
        argv: list[bytes | int | str] = [b"bench"]
        for k in range(appends):
            key = f"kring:log:{(c * appends + k) % rooms}"
            keys.append(key)
            argv += [lengths.get(key, 0), EVENTS_CHANNEL, LINE, 1, ITEM]
        answers = client.evalsha(sha, len(keys), *keys, *argv)
        for key, before in zip(keys, answers, strict=True):
            if before < 0:
                raise RuntimeError(f"{key}: refused at {-1 - before}")
            lengths[key] = before + 1
        time.sleep(0.002)
        while listener.get_message():
            pass
    spent = cpu_s(client) - start
    script_calls, script_s = script_time(client)
    listener.close()
    client.flushdb()
    return {
        "appends_per_call": appends,
        "calls": calls,
        "script_us_per_call": round(script_s * 1e6 / script_calls, 1),
        "script_us_per_event": round(script_s * 1e6 / script_calls / appends, 1),
        "cpu_us_per_call": round(spent * 1e6 / calls, 1),
        "cpu_us_per_event": round(spent * 1e6 / calls / appends, 1),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.redis_script", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appends", default="1,3,5,10", help="appends per call, comma-separated")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with private_redis() as url:
        client = redis.Redis.from_url(url)
        for _ in range(args.runs):
            for appends in (int(n) for n in args.appends.split(",")):
                json_line(measure(client, appends, args.calls, args.rooms))
        client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
