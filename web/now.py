"""What the group is doing now, for the "now" area at the top of a participant's pages.

Pure: a function of the room's state and the features' NowEntry declarations (web/feature.py),
in manifest order. What the mentor put on the projector comes first (if a feature offers that view
as "now": the join screen is not something to do); otherwise the first thing a feature says is
running without being projected (an open poll, an open evaluation, a vote round, an agenda block
with its timer). An ended session has nothing now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from realtime.state import RoomState
from web.feature import NowEntry


@dataclass(frozen=True, slots=True)
class Now:
    entry: NowEntry
    ref: str
    title: str
    projected: bool

    @property
    def key(self) -> str:
        """What the page's elements of it are marked with (data-now-ref)."""
        return f"{self.entry.item}:{self.ref}"


def current(state: RoomState, entries: Sequence[NowEntry]) -> Now | None:
    if state.ended:
        return None
    for entry in entries:
        if state.projector_view in entry.views:
            ref = entry.ref_of(state.projector_ref)
            title = entry.title(state, ref)
            if title is not None:
                return Now(entry, ref, title, True)
    for entry in entries:
        for ref in entry.running(state) if entry.running else ():
            title = entry.title(state, ref)
            if title is not None:
                return Now(entry, ref, title, False)
    return None
