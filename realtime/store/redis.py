"""The event store on Redis, for several processes or hosts: one list per room.

The order of a room's events has exactly one authority: a Lua script that appends only when the
list's length is the seq the writer expected, atomically inside Redis. So two processes can never
give two events the same seq; the loser gets Conflict, reloads and decides again.

Each list item is `<at>\\n<encoded event>`; an item's position is its seq (1-based). What a Redis
crash can cost depends on Redis's own persistence (docs/deployment.md): with `appendonly yes` and
`appendfsync always` nothing acknowledged is lost; with `everysec` up to a second; with no
persistence, everything.

One call per tick (issue 19): what Redis spends on an event is mostly the cost of being woken for
a command (about 40 µs of its CPU on the benchmark's VM for a PING; the work of an append is a
few µs, docs/performance.md). So this process sends its appends, of every room, as one script
call: an append waits while the previous call is under way, and when appends keep coming the
calls are spaced at least `tick_s` apart, so that each carries all the appends of its tick. An
append after a quiet tick goes at once: batching only costs latency under load, where it pays.
Each room in a call is checked on its own: a refused append stores and publishes nothing, and the
others in the call are not affected.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from realtime.codec import Codec, encode_event
from realtime.errors import BackendUnavailable, Conflict
from realtime.events import Event, Redacted, Stamped
from realtime.supervise import Supervisor

# KEYS: the logs of the appends, in the order they were made. ARGV[1]: the origin (the node that
# appends, the first line of each message); then per append: the expected seq, a channel and a
# line to publish once its items are appended ("" and "" for none), the number of items, then the
# items. The lines of the appends that were made go out as one message per channel: the origin
# line, then theirs (realtime/hub.py EVENTS_CHANNEL). Returns per append the log's length before
# it, or -1 - the length when that was not the expected seq: then nothing of that append is
# stored or published. Publishing from the script saves a round trip (see `announce`).
APPEND = """
local out = {}
local channels, lines = {}, {}
local i = 2
for k = 1, #KEYS do
  local n = tonumber(ARGV[i + 3])
  local last = redis.call('LLEN', KEYS[k])
  if last == tonumber(ARGV[i]) then
    for j = i + 4, i + 3 + n do redis.call('RPUSH', KEYS[k], ARGV[j]) end
    local channel = ARGV[i + 1]
    if channel ~= '' then
      if not lines[channel] then
        channels[#channels + 1] = channel
        lines[channel] = {ARGV[1]}
      end
      table.insert(lines[channel], ARGV[i + 2])
    end
    out[k] = last
  else
    out[k] = -1 - last
  end
  i = i + 4 + n
end
for _, channel in ipairs(channels) do
  redis.call('PUBLISH', channel, table.concat(lines[channel], '\\n'))
end
return out
"""

# At most one append call per TICK_S while appends keep coming (KRING_REDIS_TICK_MS).
TICK_S = 0.01

# What an append is announced with: the channel and the line for a room's new events.
Announce = Callable[[str, Sequence[Stamped]], tuple[str, bytes]]


@dataclass(slots=True)
class _Append:
    """One room's append waiting for the next call: its answer is the log's length before it."""

    key: str
    expected: int
    channel: str
    message: bytes
    items: list[bytes]
    answer: asyncio.Future[int]


def _key(room: str) -> str:
    return f"kring:log:{room}"


def _snapshot_key(room: str) -> str:
    return f"kring:snap:{room}"


# Keeps the snapshot unless the one stored is of a later seq: "<seq>\n<data>" in one string.
SAVE_SNAPSHOT = """
local kept = redis.call('GET', KEYS[1])
if kept then
  local seq = tonumber(string.match(kept, '^(%d+)\\n'))
  if seq and seq > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '\\n' .. ARGV[2])
return 1
"""


class RedisStore:
    def __init__(self, url: str, codec: Codec, announce: Announce | None = None, tick_s: float = TICK_S,
                 origin: str = "") -> None:
        """`announce`: when the broker is this same Redis, each append also publishes its events,
        inside the script. One command per event instead of two: Redis's CPU per event (a goal of
        issue 7) is mostly the cost of a round trip, not of the work (docs/performance.md).
        `tick_s`: the least time between two append calls while appends keep coming. `origin`:
        this process's node, the first line of what it publishes (so it can skip its own)."""
        self._redis = aioredis.Redis.from_url(url, decode_responses=False)
        self._append = self._redis.register_script(APPEND)
        self._save_snapshot = self._redis.register_script(SAVE_SNAPSHOT)
        self._announce = announce
        self._codec = codec
        self._tick_s = tick_s
        self._origin = origin
        # Appends waiting for the next call. Bounded by the rooms: the hub appends to a room only
        # under its lock, so a room has at most one append waiting (creating a room is the other).
        self._queue: list[_Append] = []
        self._sending = False
        self._last_call = -tick_s  # loop time of the last append call
        self._tasks = Supervisor("redis store")
        self.calls = 0  # append calls made (tests, diagnosis: appends per call)

    @property
    def publishes_appends(self) -> bool:
        return self._announce is not None

    async def append(
        self, room: str, expected_seq: int, at: float, events: Sequence[Event]
    ) -> list[Stamped]:
        stamped = [Stamped(expected_seq + i + 1, at, ev) for i, ev in enumerate(events)]
        if not stamped:
            return []
        items = [repr(at).encode() + b"\n" + encode_event(s.event) for s in stamped]
        channel, message = self._announce(room, stamped) if self._announce else ("", b"")
        answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.append(_Append(_key(room), expected_seq, channel, message, items, answer))
        if not self._sending:
            self._sending = True
            self._tasks.spawn("append calls", self._send())
        # Cancelled while still waiting for its call (the command timed out), the append is left
        # out of it: nothing is stored. Once its call is sent it may land, as any write may.
        result = await answer
        if result < 0:
            raise Conflict(f"{room}: expected seq {expected_seq}, log is at {-1 - result}")
        return stamped

    async def _send(self) -> None:
        """Send the waiting appends, one call per tick, until none are left."""
        loop = asyncio.get_running_loop()
        batch: list[_Append] = []
        try:
            while self._queue:
                wait = self._last_call + self._tick_s - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)  # gather the rest of this tick's appends
                else:
                    await asyncio.sleep(0)  # and those of this turn of the loop
                batch = [a for a in self._queue if not a.answer.done()]
                self._queue = []
                if not batch:
                    continue
                self._last_call = loop.time()
                await self._call(batch)
                batch = []
        except BaseException as exc:  # cancelled (closing) or a bug: nobody may wait forever
            for a in [*batch, *self._queue]:
                if not a.answer.done():
                    a.answer.set_exception(BackendUnavailable(f"append not made: {exc!r}"))
            self._queue = []
            raise
        finally:
            self._sending = False

    async def _call(self, batch: list[_Append]) -> None:
        args: list[bytes | str | int] = [self._origin]
        for a in batch:
            args += [a.expected, a.channel, a.message, len(a.items), *a.items]
        self.calls += 1
        try:
            results = await self._append(keys=[a.key for a in batch], args=args)
        except RedisError as exc:
            for a in batch:
                if not a.answer.done():
                    a.answer.set_exception(BackendUnavailable(str(exc)))
            return
        for a, result in zip(batch, results, strict=True):
            if not a.answer.done():
                a.answer.set_result(int(result))

    async def read(self, room: str, after: int = 0) -> list[Stamped]:
        try:
            items = await self._redis.lrange(_key(room), max(after, 0), -1)
        except RedisError as exc:
            raise BackendUnavailable(str(exc)) from exc
        out: list[Stamped] = []
        for offset, item in enumerate(items):
            data = item.encode() if isinstance(item, str) else item
            at, _, raw = data.partition(b"\n")
            out.append(Stamped(max(after, 0) + offset + 1, float(at), self._codec.decode_event(raw)))
        return out

    async def last_seq(self, room: str) -> int:
        try:
            return int(await self._redis.llen(_key(room)))
        except RedisError as exc:
            raise BackendUnavailable(str(exc)) from exc

    async def delete(self, room: str) -> None:
        try:
            await self._redis.delete(_key(room), _snapshot_key(room))
        except RedisError as exc:
            raise BackendUnavailable(str(exc)) from exc

    async def close(self) -> None:
        await self._tasks.close()
        await self._redis.aclose()

    async def redact(self, room: str, seqs: Collection[int]) -> None:
        # LSET keeps each item's position (its seq); the new item keeps the old time. Redis's own
        # AOF keeps the old item until its next rewrite (docs/privacy.md: BGREWRITEAOF).
        marker = encode_event(Redacted())
        try:
            await self._redis.delete(_snapshot_key(room))  # it holds what the rewrite takes out
            for seq in sorted(seqs):
                item = await self._redis.lindex(_key(room), seq - 1)
                if seq < 1 or item is None:
                    continue
                data = item.encode() if isinstance(item, str) else item
                at, _, _ = data.partition(b"\n")
                await self._redis.lset(_key(room), seq - 1, at + b"\n" + marker)  # type: ignore[arg-type]
        except RedisError as exc:
            raise BackendUnavailable(str(exc)) from exc

    async def activity(self) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        try:
            async for key in self._redis.scan_iter(match="kring:log:*", count=500):
                name = key.decode() if isinstance(key, bytes) else str(key)
                last = await self._redis.lindex(name, -1)
                if last is None:
                    continue
                data = last.encode() if isinstance(last, str) else last
                out.append((name.removeprefix("kring:log:"), float(data.partition(b"\n")[0])))
        except RedisError as exc:
            raise BackendUnavailable(str(exc)) from exc
        return out

    async def save_snapshot(self, room: str, seq: int, data: bytes) -> None:
        try:
            await self._save_snapshot(keys=[_snapshot_key(room)], args=[seq, data])
        except RedisError as exc:
            raise BackendUnavailable(str(exc)) from exc

    async def load_snapshot(self, room: str) -> tuple[int, bytes] | None:
        try:
            kept = await self._redis.get(_snapshot_key(room))
        except RedisError as exc:
            raise BackendUnavailable(str(exc)) from exc
        if kept is None:
            return None
        raw = kept.encode() if isinstance(kept, str) else kept
        seq, _, data = raw.partition(b"\n")
        return int(seq), data
