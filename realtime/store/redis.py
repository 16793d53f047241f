"""The event store on Redis, for several processes or hosts: one list per room.

The order of a room's events has exactly one authority: a Lua script that appends only when the
list's length is the seq the writer expected, atomically inside Redis. So two processes can never
give two events the same seq; the loser gets Conflict, reloads and decides again.

Each list item is `<at>\\n<encoded event>`; an item's position is its seq (1-based). What a Redis
crash can cost depends on Redis's own persistence (docs/deployment.md): with `appendonly yes` and
`appendfsync always` nothing acknowledged is lost; with `everysec` up to a second; with no
persistence, everything.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from realtime.codec import Codec, encode_event
from realtime.errors import BackendUnavailable, Conflict
from realtime.events import Event, Redacted, Stamped

# ARGV: the expected seq, a channel and a message to publish once the items are appended ("" and
# "" for none), then the items. Publishing from the script saves a round trip per event (see
# RedisStore's `announce`).
APPEND = """
local last = redis.call('LLEN', KEYS[1])
if last ~= tonumber(ARGV[1]) then return -1 - last end
for i = 4, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return last
"""

# What an append is announced with: the channel and the message for a room's new events.
Announce = Callable[[str, Sequence[Stamped]], tuple[str, bytes]]


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
    def __init__(self, url: str, codec: Codec, announce: Announce | None = None) -> None:
        """`announce`: when the broker is this same Redis, each append also publishes its events,
        inside the script. One command per event instead of two: Redis's CPU per event (a goal of
        issue 7) is mostly the cost of a round trip, not of the work (docs/performance.md)."""
        self._redis = aioredis.Redis.from_url(url, decode_responses=False)
        self._append = self._redis.register_script(APPEND)
        self._save_snapshot = self._redis.register_script(SAVE_SNAPSHOT)
        self._announce = announce
        self._codec = codec

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
        try:
            result = int(await self._append(keys=[_key(room)], args=[expected_seq, channel, message, *items]))
        except RedisError as exc:
            raise BackendUnavailable(str(exc)) from exc
        if result < 0:
            raise Conflict(f"{room}: expected seq {expected_seq}, log is at {-1 - result}")
        return stamped

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
