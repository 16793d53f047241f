"""bench/scenarios.py's steady schedule: every participant takes turns, and the actions of any
stretch of time are spread over the processes as evenly as the pages are."""

from __future__ import annotations

from collections import Counter

from bench.scenarios import steady


def test_each_participant_of_each_room_acts_equally_often() -> None:
    schedule = steady(rooms=50, per_room=20, rate=500.0, warmup=0.0, seconds=20.0)
    assert len(schedule) == 10_000
    assert [due for due, _, _ in schedule] == sorted(due for due, _, _ in schedule)
    counts = Counter((room, slot) for _, room, slot in schedule)
    assert len(counts) == 1000 and set(counts.values()) == {10}


def test_every_round_over_the_rooms_spreads_over_the_processes_by_slot() -> None:
    # `--route slot` picks a page's process by slot % servers: a round of 50 actions (100 ms at
    # 500/s) must not all land on one process.
    schedule = steady(rooms=50, per_room=20, rate=500.0, warmup=0.0, seconds=2.0)
    for servers in (2, 4):
        for start in range(0, len(schedule), 50):
            per_server = Counter(slot % servers for _, _, slot in schedule[start:start + 50])
            assert max(per_server.values()) - min(per_server.values()) <= 2, (servers, start, per_server)
            assert len(per_server) == servers
