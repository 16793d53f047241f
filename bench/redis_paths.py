"""`python -m bench.redis_paths`: Redis's CPU per event for ways of appending and fanning out.

Issue 19 asks for at most 30 µs of Redis CPU per event in `scaleout` and suggests Redis Streams or
batching. This measures the candidates without Kring around them, on a redis-server of its own
(a free loopback port, no persistence), so nothing else on the box touches the Redis measured:
`writers` processes (asyncio tasks here) append events to `rooms` logs at `rate` events a second
in all, evenly spaced, and `readers` subscribers receive every event. Redis's CPU is INFO cpu
(used_cpu_sys + used_cpu_user) over the window, less its idle rate measured just before.

Ways (one JSON line each):

    script        one EVALSHA per event: LLEN check, RPUSH, PUBLISH to the room's channel, which
                  every reader subscribes to (Kring before issue 19: every process, the writer
                  too, receives each event)
    script_others the same, but published once to each OTHER reader's own channel (the writer
                  does not get its own events back)
    tick          each writer gathers its appends for `tick_ms` and sends them as one EVALSHA
                  (each room checked on its own), published as one message per other reader
    xadd          XADD per event to the room's stream (the log and the fan-out in one); every
                  reader blocks in XREAD on all the rooms' streams
    xadd_feed     XADD per event to the room's stream and to one feed stream in a script; each
                  reader blocks in XREAD on the feed alone
    store         Kring's own RedisStore (realtime/store/redis.py: one call per tick, `tick_ms`)
                  announcing on the one events channel, read by Kring's RedisBroker in each reader
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from typing import Any

import redis
import redis.asyncio as aioredis

from bench.rediskit import cpu_s, json_line, private_redis
from realtime.broker.redis import RedisBroker
from realtime.events import ProfileUpdated, SessionCreated
from realtime.hub import EVENTS_CHANNEL, announcement
from realtime.store.redis import RedisStore
from server.feature import build_core
from server.manifest import FEATURES

CODEC = build_core(FEATURES).codec
CREATED = SessionCreated(title="Bench", language="en", code="R", join_token="t", mentor_key_hash="h")
RENAMED = ProfileUpdated(pid="p1", name="Someone with a name", location="room")

APPEND = """
local last = redis.call('LLEN', KEYS[1])
if last ~= tonumber(ARGV[1]) then return -1 - last end
for i = 3, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return last
"""

# KEYS: the rooms' logs. ARGV: the channels to publish on (count, names), then per room its
# expected seq, item count and items. One message per channel with every room's items.
APPEND_MANY = """
local nch = tonumber(ARGV[1])
local i = nch + 2
local out = {}
local msg = {}
for k = 1, #KEYS do
  local expected = tonumber(ARGV[i]); local n = tonumber(ARGV[i + 1])
  local last = redis.call('LLEN', KEYS[k])
  if last == expected then
    for j = 1, n do redis.call('RPUSH', KEYS[k], ARGV[i + 1 + j]); msg[#msg + 1] = ARGV[i + 1 + j] end
    out[k] = last
  else
    out[k] = -1 - last
  end
  i = i + 2 + n
end
local m = table.concat(msg, '\\n')
for c = 2, nch + 1 do redis.call('PUBLISH', ARGV[c], m) end
return out
"""

XADD_FEED = """
redis.call('XADD', KEYS[1], '*', 'e', ARGV[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', '1000', '*', 'r', ARGV[2], 'e', ARGV[1])
return 1
"""

WAYS = ("script", "script_others", "tick", "xadd", "xadd_feed", "store")


async def run_way(url: str, way: str, writers: int, readers: int, rooms: int, rate: float,
                  seconds: float, tick_ms: float) -> dict[str, Any]:
    sync = redis.Redis.from_url(url)
    sync.flushdb()
    payload = b"x" * 200  # about the size of one encoded rename
    received = [0] * readers
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def pubsub_reader(r: int, channels: list[str]) -> None:
        client = aioredis.Redis.from_url(url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(*channels)
        while not stop.is_set():
            message = await pubsub.get_message(timeout=0.2)
            if message is not None:
                received[r] += 1
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()

    async def stream_reader(r: int, keys: list[str]) -> None:
        client = aioredis.Redis.from_url(url)
        ids = dict.fromkeys(keys, "$")
        while not stop.is_set():
            got = await client.xread(ids, block=200)  # type: ignore[arg-type]
            for key, entries in got:
                ids[key.decode()] = entries[-1][0]
                received[r] += len(entries)
        await client.aclose()

    room_channels = [f"kring:room:R{i}" for i in range(rooms)]
    seqs = [0] * rooms
    if way == "script":
        for r in range(readers):
            tasks.append(asyncio.create_task(pubsub_reader(r, room_channels)))
    elif way in ("script_others", "tick"):
        for r in range(readers):
            tasks.append(asyncio.create_task(pubsub_reader(r, [f"kring:node:N{r}"])))
    elif way == "xadd":
        for r in range(readers):
            tasks.append(asyncio.create_task(stream_reader(r, [f"kring:stream:R{i}" for i in range(rooms)])))
    elif way == "xadd_feed":
        for r in range(readers):
            tasks.append(asyncio.create_task(stream_reader(r, ["kring:feed"])))
    brokers: list[RedisBroker] = []
    stores: list[RedisStore] = []
    if way == "store":
        for r in range(readers):
            broker = RedisBroker(url)
            brokers.append(broker)
            await broker.subscribe(EVENTS_CHANNEL, lambda message, r=r: received.__setitem__(
                r, received[r] + (message.count(b"\n") if message else 0)))
        stores = [RedisStore(url, CODEC, announce=announcement, tick_s=tick_ms / 1000.0, origin=f"N{w}")
                  for w in range(writers)]
        for i in range(rooms):
            await stores[0].append(f"R{i}", 0, 0.0, [CREATED])
        seqs[:] = [1] * rooms
        await asyncio.sleep(0.5)
        received[:] = [0] * readers
    await asyncio.sleep(0.5)

    clients = [aioredis.Redis.from_url(url) for _ in range(writers)]
    append = [c.register_script(APPEND) for c in clients]
    append_many = [c.register_script(APPEND_MANY) for c in clients]
    xadd_feed = [c.register_script(XADD_FEED) for c in clients]
    queues: list[list[int]] = [[] for _ in range(writers)]

    errors = [0]

    async def one(w: int, room: int) -> None:
        try:
            await one_call(w, room)
        except redis.RedisError:  # a writer that fell behind ran out of connections: counted
            errors[0] += 1

    async def one_call(w: int, room: int) -> None:
        others = [f"kring:node:N{r}" for r in range(readers) if r != w]
        if way == "script":
            expected, seqs[room] = seqs[room], seqs[room] + 1
            await append[w](keys=[f"kring:log:R{room}"], args=[expected, room_channels[room], payload])
        elif way == "script_others":
            expected, seqs[room] = seqs[room], seqs[room] + 1
            # Kring publishes once per other process; for this measurement one PUBLISH per reader.
            await append_many[w](keys=[f"kring:log:R{room}"], args=[len(others), *others, expected, 1, payload])
        elif way == "xadd":
            await clients[w].xadd(f"kring:stream:R{room}", {"e": payload})
        elif way == "xadd_feed":
            await xadd_feed[w](keys=[f"kring:stream:R{room}", "kring:feed"], args=[payload, room])
        elif way == "store":
            expected, seqs[room] = seqs[room], seqs[room] + 1
            await stores[w].append(f"R{room}", expected, 0.0, [RENAMED])

    async def flush_ticks(w: int) -> None:
        others = [f"kring:node:N{r}" for r in range(readers) if r != w]
        while not stop.is_set() or queues[w]:
            await asyncio.sleep(tick_ms / 1000.0)
            batch, queues[w] = queues[w], []
            if not batch:
                continue
            by_room: dict[int, int] = {}
            for room in batch:
                by_room[room] = by_room.get(room, 0) + 1
            keys, args = [], [len(others), *others]
            for room, n in by_room.items():
                keys.append(f"kring:log:R{room}")
                args += [seqs[room], n, *([payload] * n)]
                seqs[room] += n
            await append_many[w](keys=keys, args=args)

    if way == "tick":
        for w in range(writers):
            tasks.append(asyncio.create_task(flush_ticks(w)))

    idle_s = 2.0
    c0 = cpu_s(sync)
    await asyncio.sleep(idle_s)
    idle_rate = (cpu_s(sync) - c0) / idle_s
    count = int(rate * seconds)
    start = time.monotonic()
    c0 = cpu_s(sync)
    pending: set[asyncio.Task[None]] = set()
    for k in range(count):
        due = start + k / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        w, room = k % writers, k % rooms
        if way == "tick":
            queues[w].append(room)
        else:
            task = asyncio.create_task(one(w, room))
            pending.add(task)
            task.add_done_callback(pending.discard)
    if pending:
        await asyncio.gather(*pending)
    await asyncio.sleep(0.5)
    elapsed = time.monotonic() - start
    used = cpu_s(sync) - c0
    stop.set()
    await asyncio.gather(*tasks)
    for c in clients:
        await c.aclose()
    calls = sum(store.calls for store in stores)
    for store in stores:
        await store.close()
    for broker in brokers:
        await broker.close()
    sync.flushdb()
    sync.close()
    redis_s = max(0.0, used - idle_rate * elapsed)
    return {"way": way, "events": count, "writers": writers, "readers": readers, "rate": rate,
            "tick_ms": tick_ms if way in ("tick", "store") else None, "received": received,
            "events_per_call": round(count / calls, 2) if calls else None, "errors": errors[0],
            "redis_cpu_us_per_event": round(redis_s * 1e6 / count, 1),
            "redis_idle_cpu_pct": round(100 * idle_rate, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.redis_paths", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ways", default=",".join(WAYS))
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--tick-ms", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with private_redis() as url:
        for _ in range(args.runs):
            for way in args.ways.split(","):
                result = asyncio.run(run_way(url, way, args.writers, args.readers, args.rooms, args.rate,
                                             args.seconds, args.tick_ms))
                json_line({**result, "loadavg_1m": round(os.getloadavg()[0], 2)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
