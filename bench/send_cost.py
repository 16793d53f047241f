"""`python -m bench.send_cost`: what one delivery's send costs, split into the socket write and the
Python around it.

Every delivery ends in one write to one socket, for Kring as for the bare broadcast floor
(bench/floor.py), so the write is the part of a delivery that no design can take away. This
measures, in one process on one core, per frame:

    write_us       {bytes: µs}  the CPU of one `send()` on a loopback TCP socket whose reader
                   sleeps until it comes, the sending thread's own time (on loopback the kernel's
                   work for the receiving end, and waking its reader, is done there too), for the
                   floor's frame size (122), `typical`'s (839) and a bigger one
    uvicorn_us     {bytes: µs}  uvicorn's websocket `send` for a text frame, its transport a no-op:
                   encoding, a websockets Frame, serializing, joining (what the floor pays, and
                   what Kring paid before server/wire_frames.py)
    prepared_us    {bytes: µs}  Kring's `write_prepared` of a frame made once, the transport a no-op

Proportions are what to read (the box is shared): with `typical`'s CPU per delivery of the same
hour, `write_us` says how much of a delivery is the write.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import selectors
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.server import ServerState

from bench.wskit import FakeTransport, upgrade_request
from server.wire_frames import text_frame
from server.ws_protocol import LeanWebSocketProtocol

SIZES = (122, 839, 4000)


def cpu_us_per_call(step: Callable[[], object], calls: int) -> float:
    """The least of five rounds of this thread's CPU time per call, in µs."""
    best = float("inf")
    for _ in range(5):
        start = time.thread_time()
        for _ in range(calls):
            step()
        best = min(best, (time.thread_time() - start) / calls)
    return round(best * 1e6, 3)


def write_us(size: int, calls: int, sockets: int = 20) -> float:
    """One send() of `size` bytes, to each of `sockets` loopback connections in turn and then a
    pause, like a change's fan-out to a room: the other ends are read by another thread that
    sleeps in select() until something comes, as a client's loop does, so the send pays for
    waking it as it does in the benchmark (a reader that never slept made a send look 15 times
    cheaper than that)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    senders, readers = [], []
    for _ in range(sockets):
        readers.append(socket.create_connection(("127.0.0.1", port)))
        sender = listener.accept()[0]
        sender.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as uvicorn's sockets
        senders.append(sender)
    stop = threading.Event()
    received = [0]

    def drain() -> None:
        with selectors.DefaultSelector() as selector:
            for reader in readers:
                reader.setblocking(False)
                selector.register(reader, selectors.EVENT_READ)
            while not stop.is_set():
                for key, _ in selector.select(0.05):
                    try:
                        received[0] += len(key.fileobj.recv(1 << 20))  # type: ignore[union-attr]
                    except BlockingIOError:
                        pass

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    data = b"x" * size
    sent = [0]

    def fan_out() -> None:
        for sender in senders:
            sent[0] += sender.send(data)
        time.sleep(0.002)  # the room is quiet until its next change (not counted: no CPU)
    try:
        per_send = round(cpu_us_per_call(fan_out, max(1, calls // sockets)) / sockets, 3)
        deadline = time.monotonic() + 10
        while received[0] < sent[0] and time.monotonic() < deadline:
            time.sleep(0.01)
        if received[0] != sent[0] or sent[0] != 5 * max(1, calls // sockets) * sockets * size:
            raise RuntimeError(f"sent {sent[0]} bytes, the readers got {received[0]}")
        return per_send
    finally:
        stop.set()
        thread.join()
        for s in senders + readers + [listener]:
            s.close()


async def python_us(calls: int) -> tuple[dict[str, float], dict[str, float]]:
    """uvicorn's send and Kring's write_prepared per frame, on a socket past its handshake."""
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await asyncio.Event().wait()

    protocol = LeanWebSocketProtocol(uvicorn.Config(app, lifespan="off", ws_per_message_deflate=False),
                                     ServerState(), {})
    protocol.connection_made(FakeTransport(keep=False))
    protocol.data_received(upgrade_request())
    while not protocol.handshake_complete:
        await asyncio.sleep(0.001)
    stock, prepared = {}, {}
    for size in SIZES:
        text = "x" * size
        message = {"type": "websocket.send", "text": text}

        def by_uvicorn(message: dict[str, str] = message) -> None:
            coro = protocol.send(message)  # type: ignore[arg-type]
            try:
                coro.send(None)  # it does not wait while the transport takes more
            except StopIteration:
                pass

        frame = text_frame(text)
        stock[str(size)] = cpu_us_per_call(by_uvicorn, calls)

        def by_kring(frame: bytes = frame) -> None:
            protocol.write_prepared(frame)

        prepared[str(size)] = cpu_us_per_call(by_kring, calls)
    protocol.connection_lost(None)  # the app's task ends with the socket (the transport is a no-op)
    for task in protocol.tasks:
        task.cancel()
    await asyncio.sleep(0)
    return stock, prepared


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.send_cost", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20_000, help="calls per round (five rounds, the least counts)")
    args = parser.parse_args()
    stock, prepared = asyncio.run(python_us(args.calls))
    result = {
        "write_us": {str(size): write_us(size, args.calls) for size in SIZES},
        "uvicorn_us": stock,
        "prepared_us": prepared,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
