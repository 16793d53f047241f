"""This process's media relay, loaded when it is first needed (issues 16 and 19).

The relay stands on aiortc, av and cryptography: importing them (server.media.sfu) takes about
200 ms of CPU, more than anything else a server start does, and a server must answer /healthz
within 1 s of starting. So a process that serves media starts without them: the warm-up
(server/warmup.py) loads them in a thread once the app is up, and the first media socket that
comes sooner waits for that load (or starts it). A process that serves no media (KRING_MEDIA=0,
the web workers) never makes a MediaLoader and never imports aiortc, so an aiortc it does not use
cannot stop it.

If the relay cannot be loaded (server/media/glue.py refuses an aiortc that lacks a private API it
patches), the reason is logged once as an error, /healthz answers 503 with "media": false, and
each media socket is closed with CLOSE_NO_MEDIA (server/media/signalling.py): the pages still work.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from server.media.sfu import MediaRooms

log = logging.getLogger("kring.media")

RELAY_MODULE = "server.media.sfu"


class MediaUnavailable(Exception):
    """The relay could not be loaded in this process; the message says why."""


class MediaLoader:
    def __init__(self, ice_servers: tuple[Mapping[str, Any], ...] = (),
                 ports: tuple[int, int] | None = None) -> None:
        self._ice_servers = ice_servers
        self._ports = ports
        self._rooms: MediaRooms | None = None
        self._loading: asyncio.Task[MediaRooms] | None = None
        self.failed = ""  # why the relay could not be loaded, once it could not

    @property
    def loaded(self) -> MediaRooms | None:
        return self._rooms

    async def rooms(self) -> MediaRooms:
        """The relay, started on this loop; loaded on the first call, which later calls share.
        Raises MediaUnavailable when it cannot be loaded."""
        if self._rooms is not None:
            return self._rooms
        if self.failed:
            raise MediaUnavailable(self.failed)
        if self._loading is None:
            self._loading = asyncio.create_task(self._load())
        # shield: a socket that goes away while it waits must not cancel the load for the others.
        return await asyncio.shield(self._loading)

    async def _load(self) -> MediaRooms:
        try:
            # In a thread: the import is CPU-bound for ~200 ms and would stall every socket on
            # the loop; Python's import lock makes a second importer wait for this one.
            sfu = await asyncio.to_thread(importlib.import_module, RELAY_MODULE)
            rooms: MediaRooms = sfu.MediaRooms(self._ice_servers, ports=self._ports)
            rooms.start()  # needs the loop: ICE server checks, the UDP port range
        except ImportError as exc:  # glue.py's refusal names what the installed aiortc lacks
            self.failed = str(exc)
            log.error("media is off in this process: %s", exc)
            raise MediaUnavailable(self.failed) from exc
        except Exception as exc:  # anything else that kept the relay from starting (KRING_MEDIA_PORTS taken)
            self.failed = f"{type(exc).__name__}: {exc}"
            log.exception("media is off in this process: the relay did not start")
            raise MediaUnavailable(self.failed) from exc
        self._rooms = rooms
        return rooms

    async def close(self) -> None:
        if self._loading is not None and not self._loading.done():
            try:
                await self._loading  # a thread cannot be interrupted: let the import finish
            except MediaUnavailable:
                pass
        if self._rooms is not None:
            await self._rooms.close()
