"""Budgets that hold across sockets and reconnects (issue 14): what one person, one client address
and one room may cost, whatever number of websockets they open.

A websocket's own allowance (server/ws.py, `ws_messages_per_10s`) ends with the socket; a hostile
participant simply opens twenty, or reconnects after every close. So the shell also keeps, for as
long as they matter:

- a token bucket per person (room code + participant id, or the room's mentor or projector),
  shared by all that person's sockets: every frame costs a token, every stored event beyond the
  first of a command one more;
- a token bucket per client address (an IPv6 /64 counts as one address), shared by everyone
  behind it; generous, because a school's pupils share one public address;
- a bucket of stored events per room per minute, so no room's log grows faster than that;
- the number of open sockets per person;
- a back-off after an abuse close (4008): that person's new sockets are refused for 10 s,
  doubling with every further strike up to 10 minutes. The first refusal of a wait says why
  (4029, with a notice); the others are refused at the upgrade (HTTP 403), cheaply. Not per
  address: pupils of a school share one, and one of them must not lock the class out; someone
  who joins again under another name still shares the address's bucket.

Memory is bounded: a bucket that has filled up again is the same as no bucket, so it is dropped
(the oldest first, a few on every use), and each table has a hard cap on its keys (least recently
used go first). Limits and close codes are documented in docs/protocol.md.
"""

from __future__ import annotations

import asyncio
import enum
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

# Back-off after an abuse close: the first strike waits this long, every further one twice as long.
BACKOFF_FIRST_S = 10.0
BACKOFF_MAX_S = 600.0
# Strikes are forgotten after this long without a new one.
BACKOFF_FORGET_S = 900.0
# Hard caps on the number of keys each table keeps (least recently used go first).
MAX_KEYS = 100_000
# How many expired entries one call may drop: bounded work per call, and enough to keep up.
SWEEP_PER_CALL = 4


class Buckets:
    """Token buckets by key: `rate` tokens a second up to `burst`. A bucket may go into debt
    (`charge`, for events that were already stored); it then refuses until it is paid back."""

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float], max_keys: int = MAX_KEYS
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def __len__(self) -> int:
        return len(self._buckets)

    def _level(self, key: str, now: float) -> float:
        tokens, at = self._buckets.pop(key, (self.burst, now))
        return min(self.burst, tokens + (now - at) * self.rate)

    def _keep(self, key: str, tokens: float, now: float) -> None:
        self._buckets[key] = (tokens, now)  # to the end: most recently used
        for _ in range(SWEEP_PER_CALL):
            oldest, (old_tokens, at) = next(iter(self._buckets.items()))
            if oldest == key or old_tokens + (now - at) * self.rate < self.burst:
                break
            del self._buckets[oldest]  # full again: the same as no bucket at all
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)

    def take(self, key: str, n: float = 1.0) -> bool:
        """Spend `n` tokens if there are that many; False (and nothing spent) if not."""
        now = self._clock()
        tokens = self._level(key, now)
        allowed = tokens >= n
        self._keep(key, tokens - n if allowed else tokens, now)
        return allowed

    def has(self, key: str) -> bool:
        """Whether a token is there, without spending it."""
        now = self._clock()
        tokens, at = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - at) * self.rate) >= 1.0

    def charge(self, key: str, n: float) -> None:
        """Spend `n` tokens that were already used (events stored): into debt if need be, at most
        one burst deep, so that a refused client is not locked out for longer than that."""
        if n <= 0:
            return
        now = self._clock()
        self._keep(key, max(-self.burst, self._level(key, now) - n), now)


class Backoff:
    """Strikes per key, and until when a key is refused because of them."""

    def __init__(self, clock: Callable[[], float], max_keys: int = MAX_KEYS) -> None:
        self._clock = clock
        self._max_keys = max_keys
        # key -> (strikes, until, whether a refusal during this wait was already explained)
        self._strikes: OrderedDict[str, tuple[int, float, bool]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._strikes)

    def strike(self, key: str) -> int:
        """One more strike; returns how many the key has now."""
        now = self._clock()
        strikes, _ = self._current(key, now)
        strikes += 1
        wait = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** (strikes - 1))
        self._strikes.pop(key, None)
        self._strikes[key] = (strikes, now + wait, False)
        for _ in range(SWEEP_PER_CALL):
            oldest, (_, until, _) = next(iter(self._strikes.items()))
            if oldest == key or now < until + BACKOFF_FORGET_S:
                break
            del self._strikes[oldest]
        while len(self._strikes) > self._max_keys:
            self._strikes.popitem(last=False)
        return strikes

    def _current(self, key: str, now: float) -> tuple[int, float]:
        strikes, until, _ = self._strikes.get(key, (0, 0.0, False))
        if strikes and now >= until + BACKOFF_FORGET_S:
            del self._strikes[key]
            return 0, 0.0
        return strikes, until

    def strikes(self, key: str) -> int:
        return self._current(key, self._clock())[0]

    def wait(self, key: str) -> float:
        """Seconds until the key may open a socket again (0: now)."""
        now = self._clock()
        _, until = self._current(key, now)
        return max(0.0, until - now)

    def explain(self, key: str) -> bool:
        """Whether a refusal of `key` now is the first of its current wait (then it is explained
        on the page; later ones are not, server/ws.py). Marks it explained."""
        found = self._strikes.get(key)
        if found is None or found[2]:
            return False
        self._strikes[key] = (found[0], found[1], True)
        return True


class Refusal(enum.Enum):
    """Why a socket or a frame was refused by a shared budget (server/ws.py words it)."""

    PERSON = "person"  # this person's actions, over all their sockets
    ADDRESS = "address"  # everyone behind this client address
    ROOM = "room"  # the room's stored events per minute
    SOCKETS = "sockets"  # this person has too many sockets open
    BACKOFF = "backoff"  # closed for abuse a moment ago: wait
    # Again during the same wait: refused at the upgrade (HTTP 403), before anything is accepted
    # or rendered, so that reconnecting in a loop costs the server next to nothing.
    BACKOFF_AGAIN = "backoff_again"


@dataclass(frozen=True, slots=True)
class BudgetSettings:
    person_per_s: float = 10.0
    person_burst: float = 20.0
    address_per_s: float = 50.0
    address_burst: float = 100.0
    room_events_per_min: float = 3000.0
    sockets_per_person: int = 8
    # A repeated refusal of a socket (too many open, or again during a back-off) is answered only
    # after this wait, with at most `refusals_waiting_max` of them waiting at once (beyond that,
    # at once). A script that reconnects the moment it is refused otherwise makes the server
    # refuse it a thousand times a second, most of a core (issue 14: the others' p95 went from 6
    # to 31 ms with 100 sockets of one person); a wait costs a timer, an answer about 0.8 ms.
    refusal_wait_s: float = 1.0
    refusals_waiting_max: int = 1000


class SocketBudgets:
    """The shared budgets of every live socket of this process (one object, built in kring.py)."""

    def __init__(self, settings: BudgetSettings, clock: Callable[[], float]) -> None:
        self.settings = settings
        self.person = Buckets(settings.person_per_s, settings.person_burst, clock)
        self.address = Buckets(settings.address_per_s, settings.address_burst, clock)
        self.room = Buckets(settings.room_events_per_min / 60.0, settings.room_events_per_min, clock)
        self.backoff = Backoff(clock)
        # Open sockets per person; a key leaves when its last socket closes, so this holds only
        # people who are connected right now.
        self.sockets: dict[str, int] = {}
        self.refusals_waiting = 0

    def may_open(self, person: str) -> Refusal | None:
        """Before a socket of `person` goes live."""
        if self.backoff.wait(person) > 0:
            return Refusal.BACKOFF if self.backoff.explain(person) else Refusal.BACKOFF_AGAIN
        if self.sockets.get(person, 0) >= self.settings.sockets_per_person:
            return Refusal.SOCKETS
        return None

    def wait_before_refusing(self, refusal: Refusal) -> float:
        """How long to hold a refusal of `may_open` before answering it (0: answer at once). The
        caller waits that long, then calls `refusal_answered` once whatever happened meanwhile.
        Only repeats wait: the first refusal of a back-off says why at once."""
        if refusal not in (Refusal.SOCKETS, Refusal.BACKOFF_AGAIN) or self.settings.refusal_wait_s <= 0:
            return 0.0
        if self.refusals_waiting >= self.settings.refusals_waiting_max:
            return 0.0
        self.refusals_waiting += 1
        return self.settings.refusal_wait_s

    def refusal_answered(self) -> None:
        self.refusals_waiting = max(0, self.refusals_waiting - 1)

    def opened(self, person: str) -> None:
        self.sockets[person] = self.sockets.get(person, 0) + 1

    def closed(self, person: str) -> None:
        left = self.sockets.get(person, 0) - 1
        if left > 0:
            self.sockets[person] = left
        else:
            self.sockets.pop(person, None)

    def may_act(self, person: str, address: str, room: str) -> Refusal | None:
        """Before one frame of `person` is run: spends a token of the person and the address."""
        if not self.person.take(person):
            return Refusal.PERSON
        if not self.address.take(address):
            return Refusal.ADDRESS
        if not self.room.has(room):
            return Refusal.ROOM
        return None

    def stored(self, person: str, room: str, events: int) -> None:
        """A command of `person` stored `events` events: the room pays for all, the person for
        those beyond the first (the frame paid for one)."""
        self.room.charge(room, events)
        self.person.charge(person, events - 1)

    def abused(self, person: str) -> int:
        """A socket of `person` was closed for abuse (4008); returns their strikes so far."""
        return self.backoff.strike(person)


class CodeLookups:
    """A budget of failed code lookups for the whole process (issue 14: guesses from many
    addresses, an IPv6 /64 or a botnet, each stay under the per-address limit).

    While the budget has tokens, lookups cost nothing and each miss costs one. Once it is spent,
    every lookup, of a valid code or not, waits for a token of its own, so misses are answered at
    most at `per_s` a second and a valid code is still answered, later; an attacker learns no more
    from the wait than from the answer. At most `max_waiting` lookups wait; past that a lookup is
    refused before the code is looked at (429), whatever the code."""

    def __init__(self, per_s: float, burst: float, clock: Callable[[], float],
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, max_waiting: int = 200) -> None:
        self.per_s = per_s
        self._bucket = Buckets(per_s, burst, clock, max_keys=1)
        self._sleep = sleep
        self.max_waiting = max_waiting
        self.waiting = 0

    async def enter(self) -> tuple[bool, bool]:
        """Before a lookup: (may it go on, has it paid already)."""
        if self._bucket.has(""):
            return True, False
        if self.waiting >= self.max_waiting:
            return False, False
        self.waiting += 1
        try:
            while not self._bucket.take(""):
                await self._sleep(1.0 / self.per_s)
        finally:
            self.waiting -= 1
        return True, True

    def missed(self, paid: bool) -> None:
        if not paid:
            self._bucket.charge("", 1)
