"""`python -m bench.memdiff BEFORE AFTER`: what grew between two tracemalloc snapshots of a server
(server/memtrace.py writes them on SIGUSR2 when KRING_MEMTRACE_DIR is set).

Prints the `--top` places (by traceback, or by line with `--by lineno`) whose memory grew most,
with the size and number of blocks gained, and the total. Frames of tracemalloc itself are left
out.

    KRING_MEMTRACE_DIR=/tmp/mt python -m server &  kill -USR2 $!   # before
    ... flood, quiet minute ...                     kill -USR2 $!   # after
    python -m bench.memdiff /tmp/mt/snapshot-001.tracemalloc /tmp/mt/snapshot-002.tracemalloc
"""

from __future__ import annotations

import argparse
import tracemalloc


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memdiff", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--by", choices=["traceback", "lineno", "filename"], default="lineno")
    args = parser.parse_args(argv)
    skip = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>")]
    before = tracemalloc.Snapshot.load(args.before).filter_traces(skip)
    after = tracemalloc.Snapshot.load(args.after).filter_traces(skip)
    stats = after.compare_to(before, args.by)
    grown = sum(s.size_diff for s in stats)
    print(f"total: {grown / 2**20:+.2f} MiB in {sum(s.count_diff for s in stats):+,} blocks")
    for stat in stats[:args.top]:
        print(f"{stat.size_diff / 1024:+10.1f} KiB {stat.count_diff:+8,} blocks  (now {stat.size / 1024:.1f} KiB)")
        for line in stat.traceback.format(limit=6 if args.by == "traceback" else 1):
            print("    " + line.strip())


if __name__ == "__main__":
    main()
