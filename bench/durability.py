"""`python -m bench.durability --json`: the long variant of tests/test_durability.py (issue 14's
goal: 0 acknowledged events lost over 5 kill -9 runs at 200 actions/s on SQLite and on Redis),
plus Redis itself killed in the middle of a session.

Each backend gets one Kring server process; each run opens new sessions on it, loads them at
--rate actions a second for --seconds, kills the server with SIGKILL while people are still
sending, starts it again on the same data, and compares every action a participant saw
acknowledged with the store's log. Redis here is a redis-server of this script's own on a free
port (never the machine's), with `appendonly yes` and `appendfsync always` for the outage run.

Only the result goes to stdout (one JSON object with --json); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from bench.common import code_version, log
from bench.serverproc import LOAD_ENV, ServerProcess
from realtime.store.base import EventStore
from realtime.store.redis import RedisStore
from realtime.store.sqlite import SqliteStore
from tests.corekit import CODEC
from tests.durability import RunResult, kill_run, outage_run
from tests.redisproc import RedisProcess


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.durability", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "redis", "both"], default="both")
    parser.add_argument("--runs", type=int, default=5, help="kill -9 runs per backend (default 5)")
    parser.add_argument("--rate", type=float, default=200.0, help="actions a second over all people (default 200)")
    parser.add_argument("--seconds", type=float, default=5.0, help="load before each kill (default 5)")
    parser.add_argument("--rooms", type=int, default=4, help="sessions per run (default 4)")
    parser.add_argument("--per-room", type=int, default=6, help="participants per session (default 6)")
    parser.add_argument("--no-outage", action="store_true", help="skip the Redis outage run")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    return parser.parse_args(argv)


def summary(runs: list[RunResult]) -> dict[str, Any]:
    return {
        "runs": [{**asdict(r), "lost": len(r.lost), "rate": round(r.rate, 1), "seconds": round(r.seconds, 2)}
                 for r in runs],
        "sent": sum(r.sent for r in runs),
        "acknowledged": sum(r.acknowledged for r in runs),
        "lost": sum(len(r.lost) for r in runs),
        "lost_names": [name for r in runs for name in r.lost][:20],
    }


def kill_runs(server: ServerProcess, opener: Any, args: argparse.Namespace, label: str) -> list[RunResult]:
    results: list[RunResult] = []
    for n in range(args.runs):
        result = kill_run(server, opener, rooms=args.rooms, per_room=args.per_room, rate=args.rate,
                          seconds=args.seconds, first_index=n * args.rooms * args.per_room)
        log(f"{label} run {n + 1}: sent {result.sent} ({result.rate:.0f}/s), acknowledged {result.acknowledged}, "
            f"stored {result.stored}, lost {len(result.lost)}")
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # `timeout` and friends send SIGTERM: unwind, so that the processes we started are stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    result: dict[str, Any] = {"version": code_version(), "rate": args.rate, "seconds": args.seconds,
                              "rooms": args.rooms, "per_room": args.per_room}
    with tempfile.TemporaryDirectory(prefix="kring-durability-") as tmp:
        root = Path(tmp)
        if args.backend in ("sqlite", "both"):
            server = ServerProcess(root / "sqlite", env=LOAD_ENV)
            try:
                server.start()

                def sqlite_store() -> EventStore:
                    return SqliteStore(str(root / "sqlite" / "kring.db"), CODEC)

                result["sqlite"] = summary(kill_runs(server, sqlite_store, args, "sqlite"))
            finally:
                server.stop()
        if args.backend in ("redis", "both"):
            redis = RedisProcess(root / "redis", durable=True).start()
            env = {**LOAD_ENV, "KRING_STORE_URL": redis.url, "KRING_BROKER_URL": redis.url}
            server = ServerProcess(root / "redis-kring", env=env)
            try:
                server.start()

                def redis_store() -> EventStore:
                    return RedisStore(redis.url, CODEC)

                result["redis"] = summary(kill_runs(server, redis_store, args, "redis"))
                if not args.no_outage:
                    outage = outage_run(server, redis.kill9, redis.start, redis_store, per_room=args.per_room,
                                        rate=min(args.rate, 50.0), before_s=2.0, during_s=3.0, after_s=3.0)
                    log(f"redis outage: acknowledged {outage.acknowledged_before} before, "
                        f"{outage.acknowledged_during} during, {outage.acknowledged_after} after; "
                        f"lost {len(outage.run.lost)}; {len(outage.notices)} notices")
                    result["redis_outage"] = {
                        **summary([outage.run]),
                        "acknowledged_before": outage.acknowledged_before,
                        "acknowledged_during": outage.acknowledged_during,
                        "acknowledged_after": outage.acknowledged_after,
                        "notices": sorted(set(outage.notices)),
                        "notice_count": len(outage.notices),
                        "health_during": outage.health_during,
                        "sockets_closed": outage.closed_by_server,
                        "server_alive": outage.server_alive,
                    }
            finally:
                server.stop()
                redis.stop()
    lost = sum(result[k]["lost"] for k in ("sqlite", "redis", "redis_outage") if k in result)
    result["lost"] = lost
    if args.json:
        sys.stdout.write(orjson.dumps(result).decode() + "\n")
    else:
        sys.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
