"""The per-process cache of rooms and the path every command takes.

    execute(code, command, actor):
        room lock -> decide -> store.append (the one authority on order) -> fold -> watchers
        -> broker.publish (to other processes)

Other processes' events arrive through the broker; a message that does not follow the room's
current seq (a gap, a lost message, a broker reconnect) makes the hub read what it missed from
the store. So the broker may lose messages, but no process ever folds a gap.

Failures (issue 13, section 3): every command gets an answer within `command_timeout_s`. Whatever
fails in a batch fails the commands that were not stored, with a KringError the shell can show
(BackendUnavailable, CommandFailed, TimedOut), and the next batch runs as usual; a watcher that
fails is the room's business (room.py); background tasks run under a Supervisor that logs every
failure and starts the long-running ones again (realtime/supervise.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from realtime.broker.base import Broker, Subscription
from realtime.codec import DecodeError, encode_stamped, room_of
from realtime.core import Core
from realtime.errors import (
    BackendUnavailable,
    CommandFailed,
    Conflict,
    KringError,
    Rejected,
    RoomNotFound,
    TimedOut,
)
from realtime.events import Actor, Command, CreateSession, Event, Role, Stamped
from realtime.room import Change, Room, Watcher
from realtime.snapshot import Snapshots, read_from_snapshot
from realtime.state import RoomState
from realtime.store.base import EventStore
from realtime.supervise import Supervisor

log = logging.getLogger("kring.hub")

Clock = Callable[[], float]

# A command that keeps losing the race for the next seq to other processes gives up after this
# many tries (about 4 s with the backoff below): then the user is told to try again.
MAX_ATTEMPTS = 100
# How long a command may take, from loading its room to its events being folded, before its
# sender is told it took too long (KRING_COMMAND_TIMEOUT_S). A healthy store answers in
# milliseconds; this bounds what a hanging one can do to a page that waits for its answer.
COMMAND_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class _Pending:
    command: Command
    actor: Actor
    future: asyncio.Future[list[Stamped]]


def channel_for(code: str) -> str:
    """A room's own channel: control messages (reload, forget); events from older processes."""
    return f"kring:room:{code}"


# Every room's committed events go over one channel (issue 19): a store that appends the events
# of many rooms in one call publishes them in one message, and each process reads one message per
# call of another process instead of one per event (on Redis a message read one at a time cost a
# process about as much as rendering the event did, docs/performance.md). A message is lines: the
# origin (the node that committed them, so a process skips its own at once), then one
# `encode_stamped` per room. Order per room is kept: one channel delivers in publish order.
EVENTS_CHANNEL = "kring:events"


def announcement(code: str, stamped: Sequence[Stamped]) -> tuple[str, bytes]:
    """The channel and the line of a room's newly committed events (what the hub publishes, or
    the store when it publishes its own appends; either puts the origin line before it)."""
    return EVENTS_CHANNEL, encode_stamped(code, stamped)


def framed(origin: str, lines: Sequence[bytes]) -> bytes:
    """A message on EVENTS_CHANNEL: the origin line, then the lines of one or more rooms."""
    return b"\n".join([origin.encode(), *lines])


def presence_channel_for(code: str) -> str:
    return f"kring:presence:{code}"


# Each process tells the others who is connected to it: at once when that changes (coalesced over
# a short delay), and every PRESENCE_HEARTBEAT_S; a process not heard of for PRESENCE_EXPIRY_S is
# taken to be gone, and the people connected through it show as away until they reconnect.
PRESENCE_DELAY_S = 0.05
# This process's pages hear of presence changes at most once per tick (see Hub._tell_presence).
PRESENCE_TICK_S = 0.05
PRESENCE_HEARTBEAT_S = 5.0
PRESENCE_EXPIRY_S = 15.0


class Hub:
    def __init__(
        self,
        store: EventStore,
        broker: Broker,
        clock: Clock,
        node: str,
        core: Core,
        idle_unload_s: float = 300.0,
        command_timeout_s: float = COMMAND_TIMEOUT_S,
        snapshots: Snapshots | None = None,
    ) -> None:
        self.core = core
        # Snapshots of big rooms' states, so that opening one folds only its last events
        # (realtime/snapshot.py); None: every open folds the whole log.
        self.snapshots = snapshots
        self.store = store
        self.broker = broker
        self.clock = clock
        self.node = node
        self._idle_unload_s = idle_unload_s
        self.command_timeout_s = command_timeout_s
        self._rooms: dict[str, Room] = {}
        self._subs: dict[str, Subscription] = {}
        self._events_sub: Subscription | None = None  # EVENTS_CHANNEL, from the first room loaded
        self._events_lock = asyncio.Lock()
        self._loading: dict[str, asyncio.Future[Room]] = {}
        self._unload_timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks = Supervisor(f"hub {node}")
        self._presence_subs: dict[str, Subscription] = {}
        self._presence_pending: set[str] = set()
        self._presence_batch: dict[str, set[str]] = {}  # room -> who came or went, not yet told
        self._heard: dict[tuple[str, str], float] = {}  # (room, node) -> when we last heard it

    # ------------------------------------------------------------ loading

    async def room(self, code: str) -> Room:
        """The room for `code`, loaded from the store on first use. RoomNotFound if it has no log."""
        room = self._rooms.get(code)
        if room is not None:
            return room
        pending = self._loading.get(code)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Room] = asyncio.get_running_loop().create_future()
        self._loading[code] = future
        try:
            room = await self._load(code)
            future.set_result(room)
            return room
        except BaseException as exc:
            # A load cut off by its caller's timeout must not look like a cancellation of the
            # others that wait for the same room: they get a clear error instead.
            shared = BackendUnavailable(f"{code}: loading was cut off") if isinstance(exc, asyncio.CancelledError) \
                else exc
            future.set_exception(shared)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            del self._loading[code]

    async def _load(self, code: str) -> Room:
        # Subscribe first, then read: an event committed in between arrives by the broker and is
        # either already in what we read (skipped) or follows it.
        async with self._events_lock:  # once, even when two rooms load at the same time
            if self._events_sub is None:
                self._events_sub = await self.broker.subscribe(EVENTS_CHANNEL, self._on_events)
        sub = await self.broker.subscribe(channel_for(code), lambda msg: self._on_message(code, msg))
        try:
            state, stamped, snapshot_seq = await self._read_state(code)
        except BaseException:
            await sub.close()
            raise
        if not state.exists:
            await sub.close()
            raise RoomNotFound(code)
        room = Room(code, state, self.core, stamped)
        room.snapshot_seq = snapshot_seq
        self._rooms[code] = room
        self._maybe_snapshot(room)
        self._subs[code] = sub
        self._presence_subs[code] = await self.broker.subscribe(
            presence_channel_for(code), lambda msg: self._on_presence(code, msg)
        )
        self._schedule_unload(code)
        self._tasks.keep("presence heartbeat", self._beat)
        # Ask the other processes who is connected to them (they answer with their snapshot).
        self._spawn(self._send_presence(code, ask=True), f"presence of {code}")
        return room

    async def _read_state(self, code: str) -> tuple[RoomState, list[Stamped], int]:
        """The room's state from the store: its snapshot and the events after it, or its whole
        log; with the events read (for catch-up) and the seq of the snapshot used (0: none)."""
        if self.snapshots is not None:
            opened = await read_from_snapshot(self.store, self.core, self.snapshots, code)
            if opened is not None:
                return opened
        full = await self.store.read(code)
        return self.core.fold(full), full, 0

    async def stored_state(self, code: str) -> RoomState:
        """The room's state as stored, without opening it (the retention sweep reads old rooms):
        from its snapshot when it has one. A whole log is folded in a thread: a log of 100,000
        events takes two seconds to fold, and on the loop that kept a server that had just started
        from answering anything (issue 19)."""
        if self.snapshots is not None:
            opened = await read_from_snapshot(self.store, self.core, self.snapshots, code)
            if opened is not None:
                return opened[0]
        full = await self.store.read(code)
        return await asyncio.to_thread(self.core.fold, full)

    def _maybe_snapshot(self, room: Room) -> None:
        """Store the room's state when enough events came since its last snapshot. Taken from the
        immutable state in a thread and written in the background: no command waits for it."""
        snapshots = self.snapshots
        state = room.state
        if snapshots is None or not snapshots.due(state.seq, room.snapshot_seq):
            return
        previous, room.snapshot_seq = room.snapshot_seq, state.seq
        generation = room.generation

        async def save() -> None:
            try:
                data = await asyncio.to_thread(snapshots.dump, state)
                # Under the room's lock, and only if the log was not rewritten meanwhile: a state
                # taken before an erasure must never be written after it (docs/privacy.md).
                async with room.lock:
                    if room.generation == generation and self._rooms.get(room.code) is room:
                        await self.store.save_snapshot(room.code, state.seq, data)
            except BaseException:
                room.snapshot_seq = min(room.snapshot_seq, previous)  # try again at the next commit
                raise

        self._spawn(save(), f"snapshot of {room.code} at {state.seq}")

    def loaded(self, code: str) -> Room | None:
        return self._rooms.get(code)

    def rooms(self) -> list[Room]:
        """The rooms this process holds right now."""
        return list(self._rooms.values())

    # ------------------------------------------------------------ rewrites: erasure and deletion

    async def reload(self, code: str, tell_others: bool = True) -> None:
        """Fold the room again from its whole log, after the store rewrote it (someone's data
        was erased): the state and the catch-up buffer must not keep what the log lost. Watchers
        re-render everything; other processes are told to do the same."""
        room = self._rooms.get(code)
        if room is not None:
            async with room.lock:
                full = await self.store.read(code)
                room.state = self.core.fold(full)
                room.recent.clear()
                room.recent.extend(full)
                # The rewrite dropped the snapshot (it held what was erased): make a new one.
                room.generation += 1
                room.snapshot_seq = 0
                self._maybe_snapshot(room)
            room.notify(Change(reset=True))
        if tell_others:
            await self._control(code, "reload")

    @staticmethod
    def rewriting(room: Room) -> None:
        """Call with the room's lock held, before the store rewrites its log (erasure): no
        snapshot taken before is written after (see _maybe_snapshot)."""
        room.generation += 1

    async def forget(self, code: str, tell_others: bool = True) -> None:
        """Drop a room that was deleted from the store: its state leaves this process's memory at
        once. A page still open on it finds no room on its next message or reconnect."""
        self._rooms.pop(code, None)
        timer = self._unload_timers.pop(code, None)
        if timer is not None:
            timer.cancel()
        await self._unsubscribe(code)
        for key in [k for k in self._heard if k[0] == code]:
            del self._heard[key]
        if tell_others:
            await self._control(code, "forget")

    async def _control(self, code: str, action: str) -> None:
        try:
            await self.broker.publish(channel_for(code), orjson.dumps({"control": action, "room": code}))
        except Exception:  # the others fall back on their idle unload
            log.warning("could not tell other processes to %s %s", action, code)

    def _on_control(self, code: str, message: bytes) -> bool:
        if not message.startswith(b'{"control"'):
            return False
        try:
            action = str(orjson.loads(message)["control"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return True
        if action == "reload":
            self._spawn(self.reload(code, tell_others=False), f"reload of {code}")
        elif action == "forget":
            self._spawn(self.forget(code, tell_others=False), f"forget of {code}")
        return True

    # ------------------------------------------------------------ commands

    async def create(self, command: CreateSession) -> Room:
        """Create a room; its first event is SessionCreated, committed with seq 1."""
        events = self.core.decide(RoomState(), command, Actor(role=Role.MENTOR))
        try:
            await self.store.append(command.code, 0, self.clock(), events)
        except Conflict as exc:
            raise Rejected("session_exists") from exc
        return await self.room(command.code)

    async def execute(self, code: str, command: Command, actor: Actor) -> list[Stamped]:
        """Run one command; returns the committed events (may be empty). Raises Rejected.

        Commands of one room are committed in batches (group commit): while one batch is being
        written, new commands wait in `pending`; the next batch decides them one after the other
        against the state the earlier ones leave, and writes all their events in one append. So a
        room commits as many commands per store round trip as arrived meanwhile, instead of one
        (docs/performance.md: a room answering a poll otherwise queues up behind its own writes).
        """
        timeout = asyncio.timeout(self.command_timeout_s)
        try:
            async with timeout:
                # A participant's command that only the mentor may give is refused by its role
                # alone before it waits in the room's queue: a flood of them must not delay
                # everyone's actions (issue 14). Everything else is decided in its batch, in order.
                room = await self.room(code)
                self.core.require_role(command, actor)
                future: asyncio.Future[list[Stamped]] = asyncio.get_running_loop().create_future()
                room.pending.append(_Pending(command, actor, future))
                if not room.flushing:
                    room.flushing = True
                    self._spawn(self._flush(room), f"commit in {code}")
                # When the time is up the future is cancelled: a batch not yet started skips it,
                # so only a command whose append is already under way can still be stored.
                return await future
        except TimeoutError:
            if not timeout.expired():
                raise
            log.warning("%s: %s took more than %.1f s", code, type(command).__name__, self.command_timeout_s)
            raise TimedOut(f"{code}: no answer within {self.command_timeout_s} s") from None

    async def _flush(self, room: Room) -> None:
        try:
            while room.pending:
                batch, room.pending = room.pending, []
                try:
                    async with room.lock:
                        # Bounded like execute: a store call that never returns must not keep
                        # the room's lock for good. Cancelled mid-append, the write may still
                        # land; the next append then meets a Conflict and catches up.
                        async with asyncio.timeout(self.command_timeout_s):
                            await self._commit_batch(room, batch)
                except TimeoutError:
                    log.warning("%s: a batch of %d command(s) took more than %.1f s",
                                room.code, len(batch), self.command_timeout_s)
                    self._fail(batch, TimedOut(f"{room.code}: the store did not answer in time"))
                except Exception as exc:
                    # Whatever escaped fails the commands it left without an answer; the loop
                    # goes on with the commands that came meanwhile.
                    if isinstance(exc, KringError):  # the store is away: one line, not a traceback
                        log.warning("%s: a batch of %d command(s) failed: %r", room.code, len(batch), exc)
                    else:
                        log.exception("%s: a batch of %d command(s) failed", room.code, len(batch))
                    self._fail(batch, exc)
                except BaseException:  # cancelled (the hub closes): nobody may wait forever
                    self._fail(batch, BackendUnavailable(f"{room.code}: the server is stopping"))
                    self._fail(room.pending, BackendUnavailable(f"{room.code}: the server is stopping"))
                    room.pending = []
                    raise
        finally:
            room.flushing = False

    @staticmethod
    def _fail(batch: list[_Pending], exc: BaseException) -> None:
        """Answer every command of `batch` still waiting with `exc`, as a KringError the shell can
        show (anything else is CommandFailed: a bug or a broken disk, with its cause logged)."""
        error = exc if isinstance(exc, KringError) else CommandFailed(f"{type(exc).__name__}: {exc}")
        if error is not exc:
            error.__cause__ = exc
        for item in batch:
            if not item.future.done():
                item.future.set_exception(error)

    async def _commit_batch(self, room: Room, batch: list[_Pending]) -> None:
        batch = [item for item in batch if not item.future.done()]  # timed out while waiting
        for attempt in range(MAX_ATTEMPTS):
            at = self.clock()
            base = state = room.state
            planned: list[tuple[_Pending, list[Event] | BaseException]] = []
            all_events: list[Event] = []
            for item in batch:
                try:
                    events = self.core.decide(state, item.command, item.actor)
                    # Fold tentatively, so the next command in the batch sees this one's effect.
                    after = state
                    for event in events:
                        after = self.core.evolve(after, Stamped(after.seq + 1, at, event))
                except Rejected as exc:
                    planned.append((item, exc))
                    continue
                except Exception as exc:  # a bug in decide or evolve: it fails this command only
                    log.exception("%s: %s failed in the core", room.code, type(item.command).__name__)
                    planned.append((item, CommandFailed(f"{type(exc).__name__}: {exc}")))
                    continue
                state = after
                planned.append((item, events))
                all_events.extend(events)
            try:
                stamped = await self.store.append(room.code, room.state.seq, at, all_events) if all_events else []
            except Conflict:
                # Another process wrote first: read what it wrote and decide again. Back off a
                # little so that a busy writer elsewhere cannot starve this one for long. A read
                # that fails here fails the batch (_flush): nothing of it was stored.
                await asyncio.sleep(min(0.0005 * 2**attempt, 0.05))
                await self._catch_up(room)
                continue
            except Exception as exc:  # the store is away or broken: nothing was written
                if not isinstance(exc, KringError):
                    log.exception("%s: the store failed to append", room.code)
                self._fail(batch, exc)
                return
            if stamped:
                try:
                    if not room.apply(stamped, folded=(base, state)):
                        await self._catch_up(room)
                except Exception:
                    # Committed is committed: the senders get their events. The room folds
                    # them when it next catches up (the next append meets a Conflict).
                    log.exception("%s: could not fold seq %d-%d after committing them",
                                  room.code, stamped[0].seq, stamped[-1].seq)
                if not self.store.publishes_appends:
                    await self._publish(room.code, stamped)
                self._maybe_snapshot(room)
            position = 0
            for item, outcome in planned:
                if isinstance(outcome, BaseException):
                    if not item.future.done():
                        item.future.set_exception(outcome)
                    continue
                # A command whose sender stopped waiting (TimedOut) during the append was stored
                # all the same: its events still take their place in `stamped`.
                if not item.future.done():
                    item.future.set_result(stamped[position : position + len(outcome)])
                position += len(outcome)
            return
        self._fail(batch, BackendUnavailable(f"{room.code}: could not get a turn to write after {MAX_ATTEMPTS} tries"))

    async def _publish(self, code: str, stamped: list[Stamped]) -> None:
        channel, line = announcement(code, stamped)
        try:
            await self.broker.publish(channel, framed(self.node, [line]))
        except Exception:  # committed is committed: other processes will see the gap later
            log.exception("publish failed for %s", code)

    # ------------------------------------------------------------ other processes

    def _on_events(self, message: bytes | None) -> None:
        """A message on EVENTS_CHANNEL: other processes' commits, of any rooms."""
        if message is None:
            return  # a reconnect: every room's own channel is told too, and catches up
        origin, _, body = message.partition(b"\n")
        if origin == self.node.encode():
            return  # our own commits, folded when they were made
        for line in body.split(b"\n"):
            # A room with no page here is passed over before its events are decoded: behind a
            # proxy that routes by the session's code, most lines are other processes' rooms.
            head = room_of(line)
            if head is not None and head not in self._rooms:
                continue
            try:
                code, stamped = self.core.codec.decode_stamped(line)
            except DecodeError:
                # The room it was for cannot be told; its next event shows the gap.
                log.warning("undecodable broker message on %s", EVENTS_CHANNEL)
                continue
            room = self._rooms.get(code)
            if room is not None and not room.apply(stamped):
                self._spawn(self._catch_up_locked(room), f"catch-up of {code}")

    def _on_message(self, code: str, message: bytes | None) -> None:
        room = self._rooms.get(code)
        if room is None:
            return
        if message is None:
            self._spawn(self._catch_up_locked(room), f"catch-up of {code}")
            return
        if self._on_control(code, message):
            return
        try:
            _, stamped = self.core.codec.decode_stamped(message)
        except DecodeError:
            log.warning("undecodable broker message on %s", code)
            self._spawn(self._catch_up_locked(room), f"catch-up of {code}")
            return
        if not room.apply(stamped):
            self._spawn(self._catch_up_locked(room), f"catch-up of {code}")

    async def _catch_up_locked(self, room: Room) -> None:
        async with room.lock:
            await self._catch_up(room)

    async def _catch_up(self, room: Room) -> None:
        missing = await self.store.read(room.code, after=room.state.seq)
        if missing and not room.apply(missing):
            # Cannot happen with a consistent store; rebuild from scratch rather than fold a gap.
            log.error("store returned a gap for %s; reloading", room.code)
            full = await self.store.read(room.code)
            room.state = self.core.fold(full)
            room.recent.clear()
            room.recent.extend(full)
            room.notify(Change(reset=True))

    # ------------------------------------------------------------ presence and watchers

    def watch(self, room: Room, watcher: Watcher) -> Callable[[], None]:
        timer = self._unload_timers.pop(room.code, None)
        if timer is not None:
            timer.cancel()
        stop = room.watch(watcher)

        def unwatch() -> None:
            stop()
            if room.watcher_count == 0:
                self._schedule_unload(room.code)

        return unwatch

    def connect(self, room: Room, pid: str) -> None:
        if room.presence.connect(self.node, pid):
            self._tell_presence(room, {pid})
            self._presence_changed(room.code)

    def disconnect(self, room: Room, pid: str) -> None:
        if room.presence.disconnect(self.node, pid, self.clock()):
            self._tell_presence(room, {pid})
            self._presence_changed(room.code)

    def _tell_presence(self, room: Room, pids: set[str]) -> None:
        """Tell the room's pages who came or went, once per PRESENCE_TICK_S: a class opening the
        page at once (or a wifi drop) is a few updates for everyone, not one per person, each
        carrying only the lines of the people who changed (docs/performance.md, burst)."""
        pending = self._presence_batch.get(room.code)
        if pending is not None:
            pending |= pids
            return
        self._presence_batch[room.code] = set(pids)
        asyncio.get_running_loop().call_later(PRESENCE_TICK_S, self._flush_presence, room)

    def _flush_presence(self, room: Room) -> None:
        pids = self._presence_batch.pop(room.code, None)
        if pids:
            room.notify(Change(presence=True, pids=frozenset(pids)))

    # ------------------------------------------------------------ presence between processes

    def _presence_changed(self, code: str) -> None:
        if code in self._presence_pending:
            return  # a send is already scheduled: it will carry this change too
        self._presence_pending.add(code)

        async def send_later() -> None:
            await asyncio.sleep(PRESENCE_DELAY_S)
            self._presence_pending.discard(code)
            await self._send_presence(code)

        self._spawn(send_later(), f"presence of {code}")

    async def _send_presence(self, code: str, ask: bool = False) -> None:
        room = self._rooms.get(code)
        if room is None:
            return
        try:
            await self.broker.publish(presence_channel_for(code), self._presence_message(room, ask))
        except Exception:  # the broker says it is unhealthy; the heartbeat will try again
            log.warning("could not publish presence for %s", code)

    def _presence_message(self, room: Room, ask: bool = False) -> bytes:
        return orjson.dumps({"node": self.node, "counts": room.presence.node_counts(self.node), "ask": ask})

    def _on_presence(self, code: str, message: bytes | None) -> None:
        room = self._rooms.get(code)
        if room is None:
            return
        if message is None:  # we may have missed snapshots: ask again
            self._spawn(self._send_presence(code, ask=True), f"presence of {code}")
            return
        try:
            data = orjson.loads(message)
            node, counts, ask = str(data["node"]), dict(data["counts"]), bool(data.get("ask"))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            log.warning("undecodable presence message on %s", code)
            return
        if node == self.node:
            return
        self._heard[(code, node)] = self.clock()
        changed = room.presence.replace_node(node, {str(k): int(v) for k, v in counts.items()}, self.clock())
        if changed:
            self._tell_presence(room, changed)
        if ask:
            self._spawn(self._send_presence(code), f"presence of {code}")

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(PRESENCE_HEARTBEAT_S)
            now = self.clock()
            for (code, node), heard in tuple(self._heard.items()):
                if now - heard > PRESENCE_EXPIRY_S:
                    del self._heard[(code, node)]
                    room = self._rooms.get(code)
                    changed = room.presence.replace_node(node, {}, now) if room is not None else set()
                    if room is not None and changed:
                        self._tell_presence(room, changed)
            # Every room's snapshot in one round trip: one call per room was, with 50 rooms on
            # each of 4 processes, 40 calls a second to Redis for nothing new (issue 19).
            messages = [(presence_channel_for(code), self._presence_message(room))
                        for code, room in tuple(self._rooms.items()) if room.presence.node_counts(self.node)]
            try:
                await self.broker.publish_many(messages)
            except Exception:  # the broker says it is unhealthy; the next beat tries again
                log.warning("could not publish presence for %d room(s)", len(messages))

    def _schedule_unload(self, code: str) -> None:
        room = self._rooms.get(code)
        if room is None or room.watcher_count or code in self._unload_timers:
            return
        loop = asyncio.get_running_loop()
        self._unload_timers[code] = loop.call_later(
            self._idle_unload_s, lambda: self._spawn(self._unload(code), f"unload of {code}")
        )

    async def _unload(self, code: str) -> None:
        self._unload_timers.pop(code, None)
        room = self._rooms.get(code)
        if room is None or room.watcher_count:
            return
        if room.lock.locked() or room.flushing:
            self._schedule_unload(code)  # busy writing: try again after another idle period
            return
        # The room leaves the cache first, so that a failing unsubscribe below cannot leave
        # half of it behind; the next use loads it afresh.
        del self._rooms[code]
        for key in [k for k in self._heard if k[0] == code]:
            del self._heard[key]
        await self._unsubscribe(code)

    async def _unsubscribe(self, code: str) -> None:
        """Close a room's subscriptions. One that fails to close (the broker is away) is only
        logged: what had to be forgotten is forgotten all the same."""
        for subs in (self._subs, self._presence_subs):
            sub = subs.pop(code, None)
            if sub is not None:
                try:
                    await sub.close()
                except Exception:
                    log.warning("%s: could not unsubscribe", code, exc_info=True)

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.spawn(name, coro)

    async def close(self) -> None:
        for timer in self._unload_timers.values():
            timer.cancel()
        self._unload_timers.clear()
        await self._tasks.close()
        for code in {*self._subs, *self._presence_subs}:
            await self._unsubscribe(code)
        if self._events_sub is not None:
            events, self._events_sub = self._events_sub, None
            try:
                await events.close()
            except Exception:
                log.warning("could not unsubscribe from %s", EVENTS_CHANNEL, exc_info=True)
        self._rooms.clear()
