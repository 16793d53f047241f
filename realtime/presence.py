"""Who is connected right now: ephemeral, never stored.

Presence is not part of the event log on purpose: it changes with every flaky phone connection,
and after a restart it must come back as people reconnect rather than be replayed. Connections
are counted per participant and per process ("node"), so one person with two tabs is present
until both close, and so that several processes can merge what each of them sees.
"""

from __future__ import annotations

from collections.abc import Mapping


class Presence:
    def __init__(self) -> None:
        self._counts: dict[str, dict[str, int]] = {}  # node -> pid -> open connections
        self._away_since: dict[str, float] = {}
        # Bumped on every change of who is online: part of the render cache key.
        self.version = 0
        # online(), kept until the counts change: every render of a region with people asks.
        self._online: frozenset[str] | None = None

    def connect(self, node: str, pid: str) -> bool:
        """Count a new connection; True when the person just became present."""
        was_online = self.is_online(pid)
        self._online = None
        per_node = self._counts.setdefault(node, {})
        per_node[pid] = per_node.get(pid, 0) + 1
        self._away_since.pop(pid, None)
        if was_online:
            return False
        self.version += 1
        return True

    def disconnect(self, node: str, pid: str, now: float) -> bool:
        """Count a closed connection; True when the person just went away."""
        per_node = self._counts.get(node, {})
        self._online = None
        left = per_node.get(pid, 0) - 1
        if left > 0:
            per_node[pid] = left
            return False
        per_node.pop(pid, None)
        if self.is_online(pid):
            return False
        self._away_since[pid] = now
        self.version += 1
        return True

    def replace_node(self, node: str, counts: Mapping[str, int], now: float) -> set[str]:
        """Take another process's whole view of its connections; who came or went (empty: nobody)."""
        before = self.online()
        self._counts[node] = {pid: n for pid, n in counts.items() if n > 0}
        self._online = None
        after = self.online()
        for pid in before - after:
            self._away_since[pid] = now
        for pid in after - before:
            self._away_since.pop(pid, None)
        if before != after:
            self.version += 1
        return set(before ^ after)

    def node_counts(self, node: str) -> dict[str, int]:
        return dict(self._counts.get(node, {}))

    def is_online(self, pid: str) -> bool:
        return any(per_node.get(pid, 0) > 0 for per_node in self._counts.values())

    def online(self) -> frozenset[str]:
        if self._online is None:
            self._online = frozenset(
                pid for per_node in self._counts.values() for pid, n in per_node.items() if n > 0
            )
        return self._online

    def away_since(self, pid: str) -> float | None:
        return self._away_since.get(pid)
