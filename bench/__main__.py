"""`python -m bench --scenario fanout --json`: run one scenario, print one result on stdout.

Only the result goes to stdout (one JSON object with --json), so the output can be piped into
a file or `jq`; progress and diagnostics go to stderr.
"""

from __future__ import annotations

import argparse
import sys

import orjson

from bench import fanout


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scenario", choices=["fanout"], default="fanout")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--rooms", type=int, default=10, help="sessions (default 10)")
    parser.add_argument("--per-room", type=int, default=20, help="participants per session (default 20)")
    parser.add_argument("--rate", type=float, default=100.0, help="actions per second over all rooms (default 100)")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured window in seconds (default 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--drain", type=float, default=5.0,
                        help="seconds after the last send before a missing delivery counts as lost (default 5)")
    parser.add_argument("--store", choices=["sqlite", "memory"], default="sqlite",
                        help="the server's event store; memory takes SQLite out of the path (diagnosis only)")
    parser.add_argument("--profile", default="", metavar="FILE",
                        help="record the server with py-spy over the measured window (collapsed stacks)")
    parser.add_argument("--trace", action="store_true",
                        help="time the command path inside the server (diagnosis; adds a little load)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = fanout.Config(
        rooms=args.rooms,
        per_room=args.per_room,
        rate=args.rate,
        seconds=args.seconds,
        warmup=args.warmup,
        workers=args.workers,
        drain=args.drain,
        store=args.store,
        profile=args.profile,
        trace=args.trace,
    )
    try:
        config.check()
    except ValueError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    result = fanout.run(config)
    if args.json:
        sys.stdout.write(orjson.dumps(result).decode() + "\n")
    else:
        width = max(len(k) for k in result)
        for key, value in result.items():
            sys.stdout.write(f"{key:<{width}}  {value}\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
