"""Run an ASGI `send` to its end right away when it does not need to wait.

uvicorn's websocket `send` only waits when the client's write buffer is full; otherwise it writes
the frame and returns without ever suspending. Awaiting it from a connection's own sender task
means a task for every frame (once it meant waking one: a future, a loop callback and a task step),
the largest cost per delivery left in the benchmark after rendering was shared
(docs/performance.md). `send_eagerly` steps the coroutine by hand instead, from wherever the
frame was made (the room's fan-out). When the send does suspend, the rest of it is handed back as
an awaitable, which the connection's sender task awaits before it sends anything else, so frames
keep their order.
"""

from __future__ import annotations

import types
from collections.abc import Awaitable, Coroutine, Generator
from typing import Any


@types.coroutine
def _finish(waiting_on: Any, coro: Coroutine[Any, Any, None]) -> Generator[Any, Any, None]:
    """The rest of `coro`, which was stepped by hand and suspended on `waiting_on`.

    Yielding the future it waits on hands it to the task that awaits this, exactly as if the task
    had been running `coro` from the start; `yield from` then resumes the coroutine."""
    try:
        yield waiting_on
    except BaseException:
        coro.close()  # cancelled (a stalled client is cut off) before the send could go on
        raise
    yield from coro  # a native coroutine: allowed under types.coroutine


def send_eagerly(send: Any, message: Any) -> Awaitable[None] | None:
    """Start `send(message)` and run it as far as it goes without waiting.

    Returns None when the send is complete, or an awaitable for the rest of it. Exceptions of the
    send (a disconnected client) are raised here when they happen before it would wait."""
    coro = send(message)
    try:
        waiting_on = coro.send(None)
    except StopIteration:
        return None
    return _finish(waiting_on, coro)
