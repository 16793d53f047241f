"""Nothing acknowledged is lost (issue 14): real server processes, real websocket clients at 200
actions a second, kill -9 in the middle, on SQLite and on Redis; and Redis itself killed in the
middle of a session. Short runs (about 2 s of load each); bench/durability.py runs the long
variant (5 runs per backend) and reports its numbers.

The floors on what was acknowledged only make sure a run did something (a run where nothing was
acknowledged would lose nothing and prove nothing): a run waits for them (on a busy machine the
server may lag behind the clients) before it kills anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.serverproc import LOAD_ENV, ServerProcess
from realtime.store.redis import RedisStore
from realtime.store.sqlite import SqliteStore
from tests.corekit import CODEC
from tests.durability import kill_run, outage_run
from tests.redisproc import REDIS_SERVER, RedisProcess

pytestmark = pytest.mark.slow
needs_redis_server = pytest.mark.skipif(REDIS_SERVER is None, reason="no redis-server binary to start")
UNAVAILABLE = "Kring cannot save anything right now. Nothing was lost; please try again in a moment."


def test_kill_9_on_sqlite_loses_no_acknowledged_action(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, env=LOAD_ENV).start()
    try:
        result = kill_run(server, lambda: SqliteStore(str(tmp_path / "kring.db"), CODEC),
                          rooms=4, per_room=6, rate=200.0, seconds=2.0, min_acknowledged=50)
    finally:
        server.stop()
    assert result.acknowledged >= 50, result
    assert result.lost == ()
    assert result.stored >= result.acknowledged


@needs_redis_server
def test_kill_9_on_redis_loses_no_acknowledged_action(tmp_path: Path) -> None:
    redis = RedisProcess(tmp_path / "redis").start()
    server = ServerProcess(tmp_path / "kring",
                           env={**LOAD_ENV, "KRING_STORE_URL": redis.url, "KRING_BROKER_URL": redis.url})
    try:
        server.start()
        result = kill_run(server, lambda: RedisStore(redis.url, CODEC), rooms=4, per_room=6, rate=200.0, seconds=2.0,
                          min_acknowledged=50)
    finally:
        server.stop()
        redis.stop()
    assert result.acknowledged >= 50, result
    assert result.lost == ()


@needs_redis_server
def test_redis_going_away_mid_session_gives_a_notice_and_loses_nothing_acknowledged(tmp_path: Path) -> None:
    # Our own Redis, with the persistence docs/deployment.md recommends; never the machine's.
    redis = RedisProcess(tmp_path / "redis", durable=True).start()
    server = ServerProcess(tmp_path / "kring",
                           env={**LOAD_ENV, "KRING_STORE_URL": redis.url, "KRING_BROKER_URL": redis.url})
    try:
        server.start()
        result = outage_run(server, redis.kill9, redis.start, lambda: RedisStore(redis.url, CODEC),
                            per_room=5, rate=25.0, before_s=1.0, during_s=1.5, after_s=1.5, min_each=5)
    finally:
        server.stop()
        redis.stop()
    assert result.server_alive
    assert result.closed_by_server == 0  # every page stayed connected through the outage
    assert result.health_during == 503
    assert UNAVAILABLE in result.notices  # the people who acted while it was down were told
    assert result.acknowledged_before >= 5 and result.acknowledged_after >= 5, result
    assert result.run.lost == ()
