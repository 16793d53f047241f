"""The media benchmark's delivery count (bench/media.py, issue 16): every frame a publisher sent
of a forwarded stream counts for every other receiver, so a stream that delivered nothing, or
stopped half way, shows as missing (the old count only looked at gaps inside what arrived)."""

from __future__ import annotations

from bench.media import delivery


def test_delivery_is_counted_against_what_was_sent() -> None:
    published = {"room": {"audio": 500, "video": 150}, "p:0": {"audio": 500}, "p:1": {"audio": 500}}
    forwarded = {"room/audio", "room/video", "p:0/audio"}  # p:1 is not forwarded (the limits)
    received = [
        ["p:0", "room", "audio", 500], ["p:0", "room", "video", 150],
        ["p:1", "room", "audio", 500], ["p:1", "room", "video", 36],  # stopped early: 24 %
        ["room", "p:0", "audio", 501],  # one frame sent just before the window: not over 100 %
        # p:1 got nothing of p:0's audio, which the relay forwards: 500 missing
    ]
    expected, got, streams = delivery(published, received, forwarded, ["room", "p:0", "p:1"])
    assert expected == 500 * 2 + 150 * 2 + 500 * 2
    assert got == 500 + 150 + 500 + 36 + 500
    assert streams == {"audio": 3, "video": 2}


def test_a_run_that_delivered_everything_is_one() -> None:
    published = {"room": {"video": 150}, "p:0": {"video": 150}}
    received = [["p:0", "room", "video", 150], ["room", "p:0", "video", 150]]
    expected, got, _ = delivery(published, received, {"room/video", "p:0/video"}, ["room", "p:0"])
    assert expected == got == 300
