"""Per-receiver video budget from the receiver's own reports (server/media/budget.py, issue 16),
with a fake clock: a thin link loses video streams one by one, lowest priority first, audio is
never cut, and paused streams are probed again with a growing wait."""

from __future__ import annotations

from server.media.budget import CUT_AFTER_S, PROBE_FAIL_S, PROBE_S, Budget

VIDEO = ["room/1", "p:a/1", "p:b/1"]  # the room's order of priority
RATES = {"room/1": 900_000.0, "p:a/1": 450_000.0, "p:b/1": 450_000.0}


def run(budget: Budget, start: float, end: float, step: float = 0.5, **report: float) -> list[str]:
    """Reports every `step` seconds; a given bitrate is reached falling from above, as a full
    link's receiver reports it (each report a little lower, down to the figure)."""
    now, allowed = start, VIDEO
    while now <= end:
        if "bitrate" in report:
            budget.estimate = max(budget.estimate or 0.0, report["bitrate"] * 1.05)
        budget.report(**report)
        allowed = budget.allowed(VIDEO, RATES, audio_streams=4, now=now)
        now += step
    return allowed


def test_a_receiver_that_says_nothing_gets_everything() -> None:
    budget = Budget()
    assert run(budget, 0.0, 30.0) == VIDEO and budget.cuts == 0


def test_a_thin_link_sheds_video_lowest_priority_first_and_keeps_audio() -> None:
    budget = Budget()
    # 350 kbit/s: not even the room's picture fits with the audio: all video goes, one at a time.
    allowed = run(budget, 0.0, CUT_AFTER_S, bitrate=350_000, fraction_lost=0.03)
    assert allowed == ["room/1", "p:a/1"]  # one cut after CUT_AFTER_S, the last in priority
    assert run(budget, 2.5, 6.0, bitrate=350_000, fraction_lost=0.03) == []
    assert budget.paused == ["p:b/1", "p:a/1", "room/1"]
    # An estimate of 1.1 Mbit/s says the receiver takes audio and the room (0.2 + 0.9 Mbit/s)
    # but clearly not 2 Mbit/s.
    budget = Budget()
    assert run(budget, 0.0, 9.5, bitrate=1_100_000, fraction_lost=0.03) == ["room/1"]
    # The same estimate without any loss is no proof: nothing is cut.
    budget = Budget()
    assert run(budget, 0.0, 9.5, bitrate=1_100_000, fraction_lost=0.0) == VIDEO
    # An estimate about what it gets (a healthy receiver's report) cuts nothing.
    budget = Budget()
    assert run(budget, 0.0, 30.0, bitrate=2_000_000) == VIDEO


def test_an_estimate_that_is_still_growing_cuts_nothing() -> None:
    budget = Budget()
    rate = 100_000.0
    now = 0.0
    while now < 20.0:  # a receiver that just joined: its estimate ramps up from little
        budget.report(bitrate=rate)
        assert budget.allowed(VIDEO, RATES, audio_streams=4, now=now) == VIDEO
        rate *= 1.04
        now += 0.5


def test_loss_cuts_too() -> None:
    budget = Budget()
    assert run(budget, 0.0, 3.0, bitrate=5_000_000, fraction_lost=0.3) != VIDEO


def test_a_paused_stream_is_probed_again_and_kept_when_nothing_is_lost() -> None:
    budget = Budget()
    run(budget, 0.0, 6.0, bitrate=350_000, fraction_lost=0.03)
    assert budget.paused == ["p:b/1", "p:a/1", "room/1"]
    # The link got better; the receiver's estimate follows what it gets, so it only says "more"
    # after a probe. The room's stream comes back first, then the others.
    allowed = run(budget, 6.5, 6.0 + PROBE_S + 0.5, bitrate=350_000, fraction_lost=0.0)
    assert allowed == ["room/1"] and budget.probes == 1
    allowed = run(budget, 6.0 + PROBE_S + 1.0, 6.0 + PROBE_S + 2 * PROBE_FAIL_S, bitrate=2_000_000, fraction_lost=0.0)
    assert allowed[0] == "room/1" and budget.cuts == 3


def test_a_probe_that_loses_is_cut_and_the_next_waits_longer() -> None:
    budget = Budget()
    run(budget, 0.0, 6.0, bitrate=350_000, fraction_lost=0.03)  # cuts at 1, 2 and 3 s: all paused
    probe = 3.0 + PROBE_S
    run(budget, 6.5, probe, bitrate=350_000)
    assert budget.probes == 1 and "room/1" not in budget.paused
    run(budget, probe + 0.5, probe + 2.0, bitrate=350_000, fraction_lost=0.4)  # the probe loses packets
    assert "room/1" in budget.paused  # cut again at probe + 1.5
    cut = probe + 1.5
    # The next probe waits twice as long.
    run(budget, probe + 2.5, cut + 2 * PROBE_S - 0.5, bitrate=350_000, fraction_lost=0.0)
    assert budget.probes == 1
    run(budget, cut + 2 * PROBE_S, cut + 2 * PROBE_S, bitrate=350_000, fraction_lost=0.0)
    assert budget.probes == 2
