"""Pacing a receiver's video and measuring what is resent to it (server/media/pacer.py, issue 16),
with a fake clock."""

from __future__ import annotations

from server.media.pacer import MAX_DELAY_S, REMEMBERED, RESEND_SHARE, Pacer, Resends


def test_a_burst_is_spread_at_the_rate_and_never_held_past_the_bound() -> None:
    pacer = Pacer(lambda: 400_000.0)  # bits per second
    waits = [pacer.delay(1000, now=10.0) for _ in range(30)]  # a 30 kB keyframe at once
    assert waits[0] == 0.0
    assert [round(w, 3) for w in waits[1:4]] == [0.02, 0.04, 0.06]  # 8000 bits at 400 kbit/s each
    assert round(max(waits), 6) == MAX_DELAY_S
    # Once the link has had time, a packet goes at once again.
    assert pacer.delay(1000, now=20.0) == 0.0


def test_no_estimate_no_pacing() -> None:
    pacer = Pacer(lambda: None)
    assert all(pacer.delay(1200, now=1.0) == 0.0 for _ in range(100))


def test_each_lost_packet_is_resent_once_within_an_allowance() -> None:
    now = [0.0]
    resends = Resends(lambda: 200_000.0, clock=lambda: now[0])
    done: set[int] = set()
    # The allowance fills at RESEND_SHARE x 200 kbit/s = 40 kbit/s: about four 1200-byte packets a
    # second.
    now[0] = 1.0
    asked = [resends.allow(done, seq) for seq in range(100)]
    assert 0 < sum(asked) <= 0.5 * RESEND_SHARE * 200_000 / 9600 + 1
    first = asked.index(True)
    now[0] = 2.0
    assert not resends.allow(done, first)  # asked again: already resent
    assert resends.allow(done, 1000)
    # Over 10 s of asking for everything, what is resent stays within the share.
    sent = 0
    for step in range(100):
        now[0] = 2.0 + step * 0.1
        sent += sum(resends.allow(done, 2000 + step * 50 + i) for i in range(50))
    assert sent * 9600 <= RESEND_SHARE * 200_000 * 10.5
    assert len(done) <= REMEMBERED


def test_without_an_estimate_each_packet_is_still_resent_only_once() -> None:
    resends = Resends(lambda: None)
    done: set[int] = set()
    assert all(resends.allow(done, seq) for seq in range(50))
    assert not any(resends.allow(done, seq) for seq in range(50))
