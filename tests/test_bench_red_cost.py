"""bench/red_cost.py measures what its docstring says: packets of the sizes the relay's packer
really makes, a packer that really carries its earlier frames, and SRTP that really protects
(numbers themselves are the benchmark's business, not a test's)."""

from __future__ import annotations

import json
import subprocess
import sys

from bench import red_cost
from server.media import glue, red


def test_the_sizes_are_those_of_the_packers_own_packets() -> None:
    assert red_cost.red_bytes(0) == red_cost.OPUS_BYTES + 1  # the primary's one-byte header
    assert red_cost.red_bytes(1) == 2 * red_cost.OPUS_BYTES + 5
    assert red_cost.red_bytes(2) == 3 * red_cost.OPUS_BYTES + 9
    blocks = red.unpack(red.Packer(111, 2).pack(glue.EncodedPacket(b"x" * 80, 0, glue.AUDIO_TIME_BASE))[0][0])
    assert blocks is not None and len(blocks) == 1  # no history yet: the primary alone


def test_it_prints_one_json_object_with_every_figure() -> None:
    out = subprocess.run([sys.executable, "-m", "bench.red_cost", "--calls", "200"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    result = json.loads(out)
    assert set(result["pack_us"]) == {"0", "1", "2"} and all(v > 0 for v in result["pack_us"].values())
    assert set(result["srtp_us"]) == {"opus", "red_1", "red_2"} and all(v > 0 for v in result["srtp_us"].values())
    assert result["recover_us"] > 0
    assert result["payload_bytes"]["red_2"] > result["payload_bytes"]["opus"]
