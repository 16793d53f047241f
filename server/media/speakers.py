"""Who is speaking, and who holds the forwarded slots, without flapping (issue 16).

With 6 remotes talking, the old rule ("spoke in the last 1.5 s" at -60 dBov, the most recent
speakers re-chosen every 0.5 s) changed the forwarded cameras 15 times in 20 s: a cough, a chair
or a laugh at -60 dBov was "speaking", and the most recent one always took a slot. Here:

- a `Voice` counts as speaking only after `ATTACK_S` of speech-level audio (louder than
  `SPEAKING_DBOV`; gaps shorter than `GAP_S` between packets do not break the run), and stays
  speaking for `HOLD_S` after the last loud packet;
- a `Slots` selection keeps whoever holds a slot at least `MIN_STAY_S`, and gives a slot to a new
  speaker only when one is free or its holder has been quiet for `HOLD_S` (hysteresis): the
  holder who has been quiet longest goes first.

Pure: the caller passes the time (monotonic seconds) and the audio levels (-dBov, 0 loudest).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

SPEAKING_DBOV = 50  # -50 dBov: speech through a browser's AGC is -20 to -40; room noise -60 and below
ATTACK_S = 0.3
GAP_S = 0.25
HOLD_S = 1.5
MIN_STAY_S = 4.0
NEVER = float("-inf")


@dataclass
class Voice:
    """One person's microphone, as the relay hears it (the ssrc-audio-level of each packet)."""

    loud_since: float = NEVER  # start of the current run of loud packets
    last_loud: float = NEVER
    loudness: float = 0.0  # smoothed 0 (silence) .. 127, for ranking among speakers

    def hear(self, level: int, now: float) -> None:
        self.loudness = 0.8 * self.loudness + 0.2 * (127 - level)
        if level > SPEAKING_DBOV:
            return
        if now - self.last_loud > GAP_S:
            self.loud_since = now
        self.last_loud = now

    def speaking(self, now: float) -> bool:
        return self.last_loud - self.loud_since >= ATTACK_S and now - self.last_loud < HOLD_S

    def quiet_for(self, now: float) -> float:
        return now - self.last_loud


@dataclass
class Slots:
    """A fixed number of places for speakers (cameras or microphones forwarded beyond the ones
    that always are), kept stable: see the module's docstring."""

    size: int
    holders: dict[str, float] = field(default_factory=dict)  # member -> when it got its slot
    fillers: set[str] = field(default_factory=set)  # holders placed in a free slot, not for speaking
    changes: int = 0  # how often the set of holders changed (for tests and the benchmark)

    def update(self, voices: dict[str, Voice], eligible: Iterable[str], now: float) -> list[str]:
        """The holders after this round, in the order they got their slots."""
        eligible = list(eligible)
        allowed = set(eligible)
        before = set(self.holders)
        for member in [m for m in self.holders if m not in allowed]:
            del self.holders[member]  # left, or no longer eligible (camera off)
            self.fillers.discard(member)
        quiet = Voice()
        waiting = sorted((m for m in eligible if m not in self.holders and voices.get(m, quiet).speaking(now)),
                         key=lambda m: voices[m].loud_since)
        for member in waiting:
            if len(self.holders) < self.size:
                self.holders[member] = now
                continue
            # A filler gives way at once; a speaker only after MIN_STAY_S and HOLD_S of quiet.
            movable = [m for m, since in self.holders.items() if m in self.fillers or (
                now - since >= MIN_STAY_S and voices.get(m, quiet).quiet_for(now) >= HOLD_S)]
            if not movable:
                break
            out = max(movable, key=lambda m: voices.get(m, quiet).quiet_for(now))
            del self.holders[out]
            self.fillers.discard(out)
            self.holders[member] = now
        # Free places go to whoever spoke most recently (so slots are not left empty in a quiet
        # room), without taking anyone's place.
        if len(self.holders) < self.size:
            rest = sorted((m for m in eligible if m not in self.holders),
                          key=lambda m: voices.get(m, quiet).last_loud, reverse=True)
            for member in rest[: self.size - len(self.holders)]:
                self.holders[member] = now
                self.fillers.add(member)
        if set(self.holders) != before:
            self.changes += 1
        return list(self.holders)
