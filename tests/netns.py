"""A network namespace behind a veth pair, with the host side shaped (tc tbf): a receiver on a
thin link, for tests/test_media_netns.py and tests/browser/test_media_netns.py. Needs root; the
addresses are the test's own (10.216.N.0/30) and everything is removed afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

AVAILABLE = os.geteuid() == 0 and shutil.which("ip") is not None and shutil.which("tc") is not None


@dataclass(frozen=True)
class ThinLink:
    namespace: str
    host_ip: str  # the host side: the server, as the namespace reaches it
    inner_ip: str  # the namespace side
    host_dev: str = ""  # the shaped interface


def sent_and_dropped(link: ThinLink) -> tuple[int, int]:
    """Bytes the shaper let through towards the namespace and packets it dropped, so far."""
    out = subprocess.run(["tc", "-s", "qdisc", "show", "dev", link.host_dev], capture_output=True, text=True).stdout
    words = out.split()
    sent = int(words[words.index("Sent") + 1]) if "Sent" in words else 0
    dropped = int(words[words.index("(dropped") + 1].rstrip(",")) if "(dropped" in words else 0
    return sent, dropped


def _sh(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


@contextmanager
def thin_link(rate: str = "350kbit", salt: int = 0) -> Iterator[ThinLink]:
    n = (os.getpid() + salt) % 200 + 20
    ns, host, inner = f"kring16-{n}", f"kr16h{n}", f"kr16n{n}"
    link = ThinLink(ns, f"10.216.{n}.1", f"10.216.{n}.2", host)
    _sh("ip", "netns", "add", ns)
    try:
        _sh("ip", "link", "add", host, "type", "veth", "peer", "name", inner)
        _sh("ip", "link", "set", inner, "netns", ns)
        _sh("ip", "addr", "add", f"{link.host_ip}/30", "dev", host)
        _sh("ip", "link", "set", host, "up")
        _sh("ip", "netns", "exec", ns, "ip", "addr", "add", f"{link.inner_ip}/30", "dev", inner)
        _sh("ip", "netns", "exec", ns, "ip", "link", "set", inner, "up")
        _sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
        # The receiver's downlink: what the host sends into the namespace.
        _sh("tc", "qdisc", "add", "dev", host, "root", "tbf", "rate", rate, "burst", "8kb", "latency", "150ms")
        yield link
    finally:
        subprocess.run(["ip", "link", "del", host], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
