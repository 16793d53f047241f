"""The broker on Redis pub/sub: fan-out of committed events to the other processes.

One pub/sub connection per process, read by one task that calls the listeners (local fan-out
stays in the process; Redis only relays between processes). Pub/sub forgets what it could not
deliver: when the connection drops, this broker reconnects with backoff, subscribes again, and
calls every listener with None so that each room reads what it missed from the store. While Redis
is away `healthy` is False (the app shows that and /healthz answers 503).
"""

from __future__ import annotations

import asyncio
import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from realtime.broker.base import Listener

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
        self._reader: asyncio.Task[None] | None = None
        self._healthy = True
        self._max_backoff_s = max_backoff_s
        self._closed = False
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
            if self._reader is None:
                self._reader = asyncio.get_running_loop().create_task(self._read_forever())
        return sub

    async def _remove(self, sub: _RedisSubscription) -> None:
        async with self._lock:
            subs = self._subs.get(sub.channel, [])
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
                    channel = message["channel"]
                    name = channel.decode() if isinstance(channel, bytes) else str(channel)
                    for sub in tuple(self._subs.get(name, ())):
                        sub.listener(bytes(message["data"]))
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                if self._healthy:
                    log.warning("lost Redis pub/sub: %s", exc)
                self._healthy = False
                if self._pubsub is not None:
                    try:
                        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
                    except (RedisError, OSError):
                        pass
                    self._pubsub = None
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff_s)

    def _tell_all(self, message: bytes | None) -> None:
        for subs in tuple(self._subs.values()):
            for sub in tuple(subs):
                sub.listener(message)

    async def close(self) -> None:
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, RedisError, OSError):
                pass
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()
