"""Read a py-spy profile of the server (`python -m bench ... --profile FILE`) into a short table.

    python -m bench.spy FILE [--top 25]

py-spy's raw format is one line per distinct stack, "frame;frame;...;leaf count", with the thread
first (--threads). Only the event loop's thread (MainThread) is counted, and of it only busy
samples: a sample whose leaf is the loop itself (uvloop waits inside Runner.run, below Python)
is idle. For each function: inclusive share (the sample had it anywhere on the stack) and self
share (it was the leaf), in percent of busy samples. Proportions only: the sampler itself costs
CPU, and on a shared box the loop is also descheduled.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(.*) \((.*?):\d+\)$")
IDLE_LEAVES = ("Runner.run (asyncio/runners.py",)


def function(frame: str) -> str:
    """'name (path:line)' -> 'path:name' (lines dropped, so one function is one entry)."""
    match = FRAME.match(frame.strip())
    return f"{match.group(2)}:{match.group(1)}" if match else frame.strip()


def summarize(path: Path, top: int) -> str:
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    busy = idle = other_threads = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        if "MainThread" not in frames[0]:
            if not frames[-1].startswith("_worker (concurrent/futures/thread.py"):
                other_threads += count
            continue
        if len(frames) == 1 or frames[-1].startswith(IDLE_LEAVES):  # no Python frame: waiting in C
            idle += count
            continue
        busy += count
        names = [function(f) for f in frames[1:]]
        for name in set(names):
            inclusive[name] += count
        leaf[names[-1]] += count
    out = [f"{path}: loop busy in {busy} of {busy + idle} samples "
           f"({100.0 * busy / max(1, busy + idle):.0f} %); other threads busy: {other_threads} samples",
           "", f"{'incl %':>7} {'self %':>7}  function"]
    # Frames on every busy stack (the loop, uvicorn's start-up) say nothing: left out.
    shown = [(n, c) for n, c in inclusive.most_common() if c < busy][:top]
    for name, count in shown:
        out.append(f"{100.0 * count / max(1, busy):7.1f} {100.0 * leaf[name] / max(1, busy):7.1f}  {name}")
    out += ["", "top leaves (self time):"]
    for name, count in leaf.most_common(top // 2):
        out.append(f"{100.0 * count / max(1, busy):7.1f}  {name}")
    return "\n".join(out)


def main(argv: list[str] | None = None, prog: str = "python -m bench.spy") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    print(summarize(args.file, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
