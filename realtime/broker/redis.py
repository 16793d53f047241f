"""The broker on Redis pub/sub: fan-out of committed events to the other processes.

One pub/sub connection per process, read by one task that calls the listeners (local fan-out
stays in the process; Redis only relays between processes). Pub/sub forgets what it could not
deliver: when the connection drops, this broker reconnects with backoff, subscribes again, and
calls every listener with None so that each room reads what it missed from the store. While Redis
is away `healthy` is False (the app shows that and /healthz answers 503).

The reader is the only way messages reach this process, so nothing may end it (issue 13): a
listener that raises is logged and the others still get the message; and should the reader fail
all the same (a bug here or in redis-py), its Supervisor starts it again with backoff, on a fresh
connection, and every listener is told None, so that every loaded room catches up from the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from realtime.broker.base import Listener
from realtime.supervise import Supervisor

log = logging.getLogger("kring.broker.redis")


class _RedisSubscription:
    def __init__(self, broker: RedisBroker, channel: str, listener: Listener) -> None:
        self._broker = broker
        self.channel = channel
        self.listener = listener

    async def close(self) -> None:
        await self._broker._remove(self)


class RedisBroker:
    def __init__(self, url: str, max_backoff_s: float = 5.0) -> None:
        self._redis = aioredis.Redis.from_url(url, decode_responses=False)
        self._subs: dict[str, list[_RedisSubscription]] = {}
        self._pubsub: aioredis.client.PubSub | None = None
        self._reader = Supervisor("redis broker", max_backoff_s=max_backoff_s)
        self._healthy = True
        self._max_backoff_s = max_backoff_s
        self._closed = False
        self._fresh_connection = False  # set when the reader is restarted after a failure
        self._failing: set[_RedisSubscription] = set()  # listeners that raised (logged once each)
        self._lock = asyncio.Lock()

    @property
    def healthy(self) -> bool:
        return self._healthy

    async def publish(self, channel: str, message: bytes) -> None:
        try:
            await self._redis.publish(channel, message)
            self._healthy = True
        except RedisError:
            self._healthy = False
            raise

    async def publish_many(self, messages: Sequence[tuple[str, bytes]]) -> None:
        """One round trip for all: Redis's CPU goes mostly to being woken for a call, not to the
        PUBLISH itself (docs/performance.md, issue 19)."""
        if not messages:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for channel, message in messages:
                    pipe.publish(channel, message)
                await pipe.execute()
            self._healthy = True
        except RedisError:
            self._healthy = False
            raise

    async def subscribe(self, channel: str, listener: Listener) -> _RedisSubscription:
        """Returns once Redis has the subscription: anything published after that arrives."""
        sub = _RedisSubscription(self, channel, listener)
        async with self._lock:
            first = channel not in self._subs
            self._subs.setdefault(channel, []).append(sub)
            try:
                if self._pubsub is None:
                    self._pubsub = await self._new_pubsub()
                elif first:
                    await self._pubsub.subscribe(channel)
            except (RedisError, OSError):
                self._healthy = False  # the reader reconnects and subscribes to everything again
            self._reader.keep("pub/sub reader", self._read_forever, on_restart=self._restarted)
        return sub

    @property
    def reader_restarts(self) -> int:
        """How often the reader failed and was started again (tests, diagnosis)."""
        return self._reader.restarts.get("pub/sub reader", 0)

    def _restarted(self) -> None:
        # The failed run may have left the connection in the middle of a reply: the next run
        # starts on a new one, and reconnecting tells every listener to resync.
        self._fresh_connection = True

    async def _remove(self, sub: _RedisSubscription) -> None:
        async with self._lock:
            subs = self._subs.get(sub.channel, [])
            self._failing.discard(sub)
            if sub in subs:
                subs.remove(sub)
            if not subs and sub.channel in self._subs:
                del self._subs[sub.channel]
                if self._pubsub is not None:
                    try:
                        await self._pubsub.unsubscribe(sub.channel)
                    except (RedisError, OSError):
                        pass

    async def _new_pubsub(self) -> aioredis.client.PubSub:
        """A fresh pub/sub connection subscribed to every channel we have listeners for (lock held)."""
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        channels = list(self._subs)
        if channels:
            await pubsub.subscribe(*channels)
        self._healthy = True
        return pubsub

    async def _read_forever(self) -> None:
        backoff = 0.1
        while not self._closed:
            try:
                if self._fresh_connection:
                    self._fresh_connection = False
                    await self._drop_pubsub()
                if self._pubsub is None:
                    async with self._lock:
                        self._pubsub = await self._new_pubsub()
                    self._tell_all(None)  # anything may have been lost while we were away
                    backoff = 0.1
                pubsub = self._pubsub
                if not pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                message = await pubsub.get_message(timeout=1.0)
                if message is not None and message.get("type") == "message":
                    self._dispatch(message)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                if self._healthy:
                    log.warning("lost Redis pub/sub: %s", exc)
                self._healthy = False
                await self._drop_pubsub()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff_s)

    async def _drop_pubsub(self) -> None:
        if self._pubsub is not None:
            try:
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
            except (RedisError, OSError):
                pass
            self._pubsub = None

    def _dispatch(self, message: dict[str, object]) -> None:
        """One pub/sub message to the listeners of its channel."""
        channel = message["channel"]
        name = channel.decode() if isinstance(channel, bytes) else str(channel)
        data = message["data"]
        payload = bytes(data) if isinstance(data, bytes | bytearray | memoryview) else str(data).encode()
        for sub in tuple(self._subs.get(name, ())):
            self._deliver(sub, payload)

    def _deliver(self, sub: _RedisSubscription, message: bytes | None) -> None:
        try:
            sub.listener(message)
        except Exception:
            if sub not in self._failing:
                self._failing.add(sub)
                log.exception("a listener on %s failed (its later failures are not logged)", sub.channel)

    def _tell_all(self, message: bytes | None) -> None:
        for subs in tuple(self._subs.values()):
            for sub in tuple(subs):
                self._deliver(sub, message)

    async def close(self) -> None:
        self._closed = True
        await self._reader.close()
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()
