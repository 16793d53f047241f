"""`python -m bench --scenario NAME --json`: run one scenario, print one result on stdout.

Scenarios: fanout, typical, burst, scaleout, soak, retro (bench/scenarios.py, bench/retro.py, each
measured against the floor of bench/floor.py in the same run), media (bench/media.py), ramp
(bench/ramp.py: a camera's ramp through the relay in real Chromium; --rooms is the runs per
number of remotes) and coldopen (bench/coldopen.py). Sizes and durations default
to those of issue 7; --rooms, --per-room, --rate and --seconds make short smoke runs possible:

    python -m bench --scenario typical --rooms 2 --per-room 5 --rate 10 --seconds 3 --json

Only the result goes to stdout (one JSON object with --json), so the output can be piped into
a file or `jq`; progress and diagnostics go to stderr.
"""

from __future__ import annotations

import argparse
import signal
import sys

import orjson

from bench import scenarios


def parse_args(argv: list[str] | None = None, prog: str = "python -m bench") -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=[*scenarios.DEFAULTS, "media", "ramp", "coldopen"], default="typical")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--rooms", type=int, help="sessions (fanout 10, typical/scaleout/soak 50)")
    parser.add_argument("--per-room", type=int,
                        help="participants per session (20; burst: the session that answers, 500)")
    parser.add_argument("--rate", type=float,
                        help="actions per second over all rooms (fanout 100, typical/scaleout/soak 500; "
                             "burst: in the big session, 35)")
    parser.add_argument("--seconds", type=float,
                        help="measured window in seconds (fanout 15, typical/scaleout 20, soak 600; "
                             "burst: the answering window and the big session's window, 10)")
    parser.add_argument("--big-room", type=int, help="burst: participants of the second session (1000)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--servers", type=int, default=2,
                        help="scaleout: Kring processes on Redis (default 2; 1 and 4 measure the scaling)")
    parser.add_argument("--route", choices=("slot", "room"), default="slot",
                        help="scaleout: 'slot' (default) spreads every session over the processes, as a "
                             "round-robin proxy would; 'room' sends each session to one process, as a "
                             "proxy that routes by the session's code would")
    parser.add_argument("--drain", type=float, default=5.0,
                        help="seconds after the last send before a missing delivery counts as lost (default 5)")
    parser.add_argument("--floor-seconds", type=float,
                        help="the floor's measured window (default: --seconds; soak: 30)")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor (no cpu_ratio_to_floor)")
    parser.add_argument("--profile", default="", metavar="FILE",
                        help="record the (first) Kring server with py-spy over the measured window "
                             "(collapsed stacks; a profiled run's numbers are for diagnosis only)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, prog: str = "python -m bench") -> int:
    args = parse_args(argv, prog)
    # `timeout` and friends send SIGTERM: unwind, so the servers and client processes we started
    # are stopped by their `finally` blocks instead of being left listening.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if args.scenario == "coldopen":  # opening rooms with long logs (bench/coldopen.py)
        from bench import coldopen

        result = coldopen.run()
        sys.stdout.write((orjson.dumps(result).decode() if args.json else repr(result)) + "\n")
        return 0
    if args.scenario == "ramp":  # a publisher's ramp through the relay, real Chromium (bench/ramp.py)
        from bench import ramp

        result = ramp.run(runs=args.rooms or 3, seconds=args.seconds or 12.0)
        sys.stdout.write((orjson.dumps(result).decode() if args.json else repr(result)) + "\n")
        return 0
    if args.scenario == "media":  # hybrid media (bench/media.py): its own relay and aiortc peers
        from bench import media

        result = media.run(media.Options(seconds=args.seconds or 10.0, warmup=args.warmup))
        sys.stdout.write((orjson.dumps(result).decode() if args.json else repr(result)) + "\n")
        return 0
    try:
        base = {"rooms": 1, "big_room": 1000, "floor_seconds": None, **scenarios.DEFAULTS[args.scenario]}
        chosen = {k: getattr(args, k) if getattr(args, k, None) is not None else v for k, v in base.items()}
        if chosen["floor_seconds"] is None:
            chosen["floor_seconds"] = chosen["seconds"]
        options = scenarios.Options(scenario=args.scenario, warmup=args.warmup, drain=args.drain,
                                    workers=args.workers, servers=args.servers, route=args.route,
                                    floor=not args.no_floor,
                                    profile=args.profile, **chosen)
        scenarios.check(options)
    except ValueError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    result = scenarios.run(options)
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
