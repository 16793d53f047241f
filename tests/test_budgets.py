"""The shared socket budgets (server/budgets.py) on a fake clock: buckets refill and go into
debt, old buckets are forgotten (bounded memory), the back-off doubles and is forgotten, the
number of sockets per person is capped; client addresses group an IPv6 /64 as one."""

from __future__ import annotations

import asyncio

import pytest

from server.budgets import (
    BACKOFF_FIRST_S,
    BACKOFF_FORGET_S,
    BACKOFF_MAX_S,
    Backoff,
    Buckets,
    BudgetSettings,
    CodeLookups,
    Refusal,
    SocketBudgets,
)
from server.security import address_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    clock = Clock()
    buckets = Buckets(rate=10.0, burst=50.0, clock=clock)
    assert sum(buckets.take("p") for _ in range(80)) == 50
    clock.now += 1.0
    assert sum(buckets.take("p") for _ in range(80)) == 10
    assert buckets.take("other")  # every key has its own bucket


def test_a_charge_goes_into_debt_at_most_one_burst_deep() -> None:
    clock = Clock()
    buckets = Buckets(rate=1.0, burst=5.0, clock=clock)
    buckets.charge("room", 1000)
    assert not buckets.has("room")
    clock.now += 5.5  # -5 + 5.5 = 0.5 tokens: still nothing to spend
    assert not buckets.take("room")
    clock.now += 0.5
    assert buckets.take("room")


def test_buckets_that_filled_up_again_are_forgotten_and_keys_are_capped() -> None:
    clock = Clock()
    buckets = Buckets(rate=1.0, burst=2.0, clock=clock, max_keys=1000)
    for i in range(500):
        buckets.take(f"k{i}")
    assert len(buckets) == 500
    clock.now += 10.0  # every one of them is full again
    for i in range(200):
        buckets.take(f"new{i}")
    assert len(buckets) == 200  # the 500 full ones went, a few on every call; the new ones are in use
    for i in range(5000):
        buckets.take(f"flood{i}")
    assert len(buckets) <= 1000


def test_the_back_off_doubles_up_to_its_cap_and_is_forgotten() -> None:
    clock = Clock()
    backoff = Backoff(clock)
    assert backoff.wait("p") == 0
    waits = []
    for _ in range(10):
        backoff.strike("p")
        waits.append(backoff.wait("p"))
    assert waits[:3] == [BACKOFF_FIRST_S, 2 * BACKOFF_FIRST_S, 4 * BACKOFF_FIRST_S]
    assert max(waits) == BACKOFF_MAX_S
    clock.now += BACKOFF_MAX_S + BACKOFF_FORGET_S
    assert backoff.wait("p") == 0 and backoff.strikes("p") == 0
    backoff.strike("p")
    assert backoff.wait("p") == BACKOFF_FIRST_S  # a fresh start


def test_socket_budgets_per_person_address_room_and_sockets() -> None:
    clock = Clock()
    budgets = SocketBudgets(BudgetSettings(person_per_s=10, person_burst=20, address_per_s=30, address_burst=30,
                                           room_events_per_min=60, sockets_per_person=2), clock)
    refusals = [budgets.may_act("A:p:1", "10.0.0.1", "A") for _ in range(25)]
    assert refusals.count(None) == 20 and set(refusals[20:]) == {Refusal.PERSON}
    # Another person behind the same address has their own budget, until the address's runs out.
    others = [budgets.may_act("A:p:2", "10.0.0.1", "A") for _ in range(20)]
    assert others.count(None) == 10 and set(others[10:]) == {Refusal.ADDRESS}
    assert budgets.may_act("A:p:3", "10.0.0.2", "A") is None
    # The room's events per minute: once spent, everyone in the room waits.
    budgets.stored("A:p:3", "A", 61)
    assert budgets.may_act("A:p:4", "10.0.0.3", "A") is Refusal.ROOM
    assert budgets.may_act("B:p:1", "10.0.0.3", "B") is None
    # Sockets per person, and the back-off after an abuse close.
    budgets.opened("A:p:1")
    budgets.opened("A:p:1")
    assert budgets.may_open("A:p:1") is Refusal.SOCKETS
    budgets.closed("A:p:1")
    assert budgets.may_open("A:p:1") is None
    budgets.closed("A:p:1")
    assert budgets.sockets == {}
    assert budgets.abused("A:p:1") == 1
    # The first refusal of a wait is explained (4029 and a notice); the others are refused at the
    # upgrade (403), until the wait is over.
    assert budgets.may_open("A:p:1") is Refusal.BACKOFF
    assert budgets.may_open("A:p:1") is Refusal.BACKOFF_AGAIN
    clock.now += BACKOFF_FIRST_S / 2
    assert budgets.may_open("A:p:1") is Refusal.BACKOFF_AGAIN
    clock.now += BACKOFF_FIRST_S / 2
    assert budgets.may_open("A:p:1") is None
    # A new strike is a new wait: explained once again.
    assert budgets.abused("A:p:1") == 2
    assert budgets.may_open("A:p:1") is Refusal.BACKOFF
    assert budgets.may_open("A:p:1") is Refusal.BACKOFF_AGAIN


def test_repeated_refusals_wait_a_moment_and_only_so_many_at_once() -> None:
    """A script that reconnects the moment it is refused must not get an answer a millisecond
    later: repeats wait, the first refusal of a back-off says why at once, and past the cap on
    waiting refusals (memory) they are answered at once again."""
    budgets = SocketBudgets(BudgetSettings(refusal_wait_s=1.5, refusals_waiting_max=2), Clock())
    assert budgets.wait_before_refusing(Refusal.BACKOFF) == 0.0  # explained at once
    assert budgets.wait_before_refusing(Refusal.PERSON) == 0.0  # a frame's refusal: not a socket's
    assert budgets.wait_before_refusing(Refusal.BACKOFF_AGAIN) == 1.5
    assert budgets.wait_before_refusing(Refusal.SOCKETS) == 1.5
    assert budgets.wait_before_refusing(Refusal.BACKOFF_AGAIN) == 0.0  # two wait already
    budgets.refusal_answered()
    assert budgets.wait_before_refusing(Refusal.SOCKETS) == 1.5
    budgets.refusal_answered()
    budgets.refusal_answered()
    budgets.refusal_answered()  # one too many (a caller's bug) does not go below zero
    assert budgets.refusals_waiting == 0
    off = SocketBudgets(BudgetSettings(refusal_wait_s=0.0), Clock())
    assert off.wait_before_refusing(Refusal.BACKOFF_AGAIN) == 0.0 and off.refusals_waiting == 0


@pytest.mark.parametrize(("host", "key"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ("::ffff:198.51.100.4", "198.51.100.4"),
    ("testclient", "testclient"),
])
def test_client_addresses_group_an_ipv6_64_as_one(host: str, key: str) -> None:
    assert address_key(host) == key


async def test_failed_lookups_have_a_global_budget_and_then_everyone_waits_their_turn() -> None:
    clock = Clock()

    async def sleep(seconds: float) -> None:
        clock.now += seconds

    lookups = CodeLookups(per_s=20, burst=100, clock=clock, sleep=sleep, max_waiting=2)
    started = clock.now
    answered_misses = 0
    for _ in range(500):  # guesses from as many addresses: only the global budget applies
        go_on, paid = await lookups.enter()
        assert go_on
        lookups.missed(paid)
        answered_misses += 1
    # Misses answered at most at the burst plus the rate over the (fake) time it took.
    assert answered_misses <= 100 + 20 * (clock.now - started) + 1
    assert clock.now - started >= (500 - 100) / 20 - 1
    # A valid code in the middle of it waits its turn but is answered (it is not refused).
    go_on, paid = await lookups.enter()
    assert go_on and paid


async def test_too_many_waiting_lookups_are_refused_before_the_code_is_looked_at() -> None:
    clock = Clock()
    never = asyncio.Event()

    async def sleep(seconds: float) -> None:
        await never.wait()  # nobody's turn comes in this test

    lookups = CodeLookups(per_s=1, burst=1, clock=clock, sleep=sleep, max_waiting=2)
    lookups.missed(False)
    waiting = [asyncio.create_task(lookups.enter()) for _ in range(2)]
    await asyncio.sleep(0)
    assert lookups.waiting == 2
    assert await lookups.enter() == (False, False)
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    assert lookups.waiting == 0
