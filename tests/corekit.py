"""The app's core and web layout, built from the manifest (server/manifest.py), for tests that
drive the pure core or the region wiring directly: decide, evolve and fold over every feature, the
codec of every event type, the merged refusal reasons, and which regions an event touches."""

from __future__ import annotations

from typing import Self

from realtime.events import Actor, Command, CreateSession, Join, Role, Stamped
from realtime.state import RoomState
from server.feature import build_core, web_features
from server.manifest import FEATURES
from web.layout import Layout

CORE = build_core(FEATURES)
CODEC = CORE.codec
LAYOUT = Layout(web_features(FEATURES))
decide = CORE.decide
evolve = CORE.evolve
fold = CORE.fold
export_session = CORE.export

MENTOR = Actor(Role.MENTOR)


def who(pid: str) -> Actor:
    """Participant `pid` as the actor of a command."""
    return Actor(Role.PARTICIPANT, pid)


class Log:
    """A room driven through the whole core's decide and evolve, keeping its log as the store would
    (erasure plans are made over it). A session "G" with participants `pids` in the room and
    `remote` ones at home (each named after their pid) is there from the start; a feature's tests
    extend it with their steps and a `part` property. Every event is stamped `at` unless a command
    gives its own time. `run` chains; `step` returns what one command stamped."""

    def __init__(self, *pids: str, remote: tuple[str, ...] = (), language: str = "en", at: float = 1000.0) -> None:
        self.state = RoomState()
        self.log: list[Stamped] = []
        self.at = at
        self.run(CreateSession("G", language, "ACDEFGHJ", "jt", "mk"))
        for location, joining in (("room", pids), ("remote", remote)):
            for pid in joining:
                self.run(Join(pid, pid.capitalize(), location, f"h-{pid}"), who(pid))

    def run(self, command: Command, actor: Actor = MENTOR, at: float | None = None) -> Self:
        self.step(command, actor, at)
        return self

    def step(self, command: Command, actor: Actor = MENTOR, at: float | None = None) -> list[Stamped]:
        """Run `command` and return the events it stamped (none: it changed nothing)."""
        done = []
        for event in decide(self.state, command, actor):
            stamped = Stamped(self.state.seq + 1, self.at if at is None else at, event)
            self.state = evolve(self.state, stamped)
            self.log.append(stamped)
            done.append(stamped)
        return done
