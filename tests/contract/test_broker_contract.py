"""The Broker contract (realtime/broker/base.py), for every implementation."""

from __future__ import annotations

import asyncio

from realtime.broker.base import Broker


async def wait_for(predicate: object, timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not predicate():  # type: ignore[operator]
            await asyncio.sleep(0.005)

    await asyncio.wait_for(poll(), timeout)


async def test_subscribers_get_bytes_in_order_per_channel(broker: Broker) -> None:
    got_a: list[bytes | None] = []
    got_b: list[bytes | None] = []
    sub_a = await broker.subscribe("a", got_a.append)
    sub_b = await broker.subscribe("b", got_b.append)
    for i in range(50):
        await broker.publish("a", f"a{i}".encode())
    await broker.publish("b", b"only-b")
    await wait_for(lambda: len(got_a) == 50 and len(got_b) == 1)
    assert got_a == [f"a{i}".encode() for i in range(50)]
    assert got_b == [b"only-b"]
    await sub_a.close()
    await sub_b.close()


async def test_publish_does_not_call_listeners_inline(broker: Broker) -> None:
    got: list[bytes | None] = []
    sub = await broker.subscribe("c", got.append)
    await broker.publish("c", b"x")
    assert got == []  # delivered later, never re-entering the publisher
    await wait_for(lambda: got == [b"x"])
    await sub.close()


async def test_closed_subscription_gets_nothing_more(broker: Broker) -> None:
    got: list[bytes | None] = []
    sub = await broker.subscribe("d", got.append)
    await sub.close()
    await broker.publish("d", b"late")
    await asyncio.sleep(0.05)
    assert got == []
    assert broker.healthy


async def test_publish_many_delivers_each_message_in_order(broker: Broker) -> None:
    got_a: list[bytes | None] = []
    got_b: list[bytes | None] = []
    sub_a = await broker.subscribe("a", got_a.append)
    sub_b = await broker.subscribe("b", got_b.append)
    await broker.publish_many([("a", b"1"), ("b", b"x"), ("a", b"2")])
    await broker.publish_many([])
    await wait_for(lambda: len(got_a) == 2 and len(got_b) == 1)
    assert got_a == [b"1", b"2"] and got_b == [b"x"]
    await sub_a.close()
    await sub_b.close()
