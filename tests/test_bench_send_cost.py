"""bench/send_cost.py measures what its docstring says: real sends on real loopback sockets, and
the two Python paths on a protocol past its real handshake (the figures themselves are the
benchmark's business, not a test's)."""

from __future__ import annotations

import json
import subprocess
import sys

from bench import send_cost


def test_every_send_of_a_fan_out_reaches_its_reader() -> None:
    """write_us times sends that really go out: nothing is refused or cut short."""
    assert send_cost.write_us(500, calls=40, sockets=4) > 0


def test_it_prints_one_json_object_with_every_figure() -> None:
    out = subprocess.run([sys.executable, "-m", "bench.send_cost", "--calls", "400"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    result = json.loads(out)
    sizes = {str(size) for size in send_cost.SIZES}
    for figure in ("write_us", "uvicorn_us", "prepared_us"):
        assert set(result[figure]) == sizes and all(value > 0 for value in result[figure].values()), figure
