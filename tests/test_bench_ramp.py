"""The ramp benchmark's arithmetic (bench/ramp.py) on made-up samples, and its camera clip."""

from __future__ import annotations

from pathlib import Path

from bench.ramp import noise_clip, summarize


def _samples(rates_bps: list[float]) -> list[dict[str, object]]:
    """A sample every 0.25 s; rates_bps[i] is the rate during the quarter second before sample i."""
    out, sent = [], 0.0
    for i, rate in enumerate(rates_bps):
        sent += rate / 8 * 0.25
        out.append({"t": i * 0.25, "bytes": int(sent), "width": 320, "fps": 15.0,
                    "available": 2_000_000.0, "target": rate, "limit": "none"})
    return out


def test_the_first_second_over_1_mbit_is_found() -> None:
    rates = [300_000.0] * 9 + [1_200_000.0] * 40  # 1.2 Mbit/s from 2 s on
    out = summarize(_samples(rates))
    # The rate over the last second passes 1 Mbit/s only once all of that second was at 1.2:
    # three quarters of it make 975 kbit/s.
    assert out["seconds_to_1mbit"] == 3.0
    assert out["seconds_to_target_1mbit"] == 2.25
    assert out["at_5s"]["kbps"] == 1200 and out["at_2s"]["kbps"] == 300
    assert out["max_kbps"] == 1200


def test_never_reaching_it_says_none() -> None:
    out = summarize(_samples([400_000.0] * 48))
    assert out["seconds_to_1mbit"] is None and out["seconds_to_target_1mbit"] is None
    assert out["at_10s"]["kbps"] == 400


def test_the_clip_is_a_y4m_of_the_asked_size(tmp_path: Path) -> None:
    clip = noise_clip(tmp_path / "c.y4m", 64, 32, frames=3)
    data = clip.read_bytes()
    header, rest = data.split(b"\n", 1)
    assert header == b"YUV4MPEG2 W64 H32 F15:1 Ip A1:1 C420jpeg"
    frame = 64 * 32 * 3 // 2
    assert len(rest) == 3 * (len(b"FRAME\n") + frame)
    assert rest[:6] == b"FRAME\n" and rest[6:6 + 64 * 32] != rest[6 + frame + 6:6 + frame + 6 + 64 * 32]
