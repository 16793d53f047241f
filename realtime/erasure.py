"""Which events of a room's log go when someone deletes their data.

The log is append-only for everything else, so erasure is the one rewrite: the shell commits
ParticipantErased, asks `redaction_plan` which seqs to rewrite, has the store replace those
events by `Redacted` markers (same seq, no content), and reloads the room from the rewritten log.

An event is the person's own when a field named `pid` or `author` holds their id (their join,
renames, hands, post-its, votes, answers, intake, goals, named evaluations, shared contact, their
personal links). Anonymous things carry no author and stay (nobody can tie them to anyone).
Events that only made sense with an erased one (the end of a turn that was theirs) cannot be
folded any more; the plan folds the log as it will be and redacts those too, so the rewritten log
always folds.
"""

from __future__ import annotations

from collections.abc import Sequence

from realtime.events import Event, ParticipantErased, Redacted, Stamped
from realtime.state import RoomState, evolve

PERSONAL_FIELDS = ("pid", "author")


def is_personal(event: Event, pid: str) -> bool:
    if isinstance(event, (ParticipantErased, Redacted)) or not pid:
        return False
    return any(getattr(event, name, None) == pid for name in PERSONAL_FIELDS)


def redaction_plan(log: Sequence[Stamped], pid: str) -> tuple[frozenset[int], RoomState]:
    """The seqs to rewrite as Redacted, and the state the rewritten log folds to."""
    state = RoomState()
    redact: set[int] = set()
    for item in log:
        if not is_personal(item.event, pid):
            try:
                state = evolve(state, item)
                continue
            except Exception:  # depends on something erased (evolve is pure: state is unchanged)
                pass
        redact.add(item.seq)
        state = evolve(state, Stamped(item.seq, item.at, Redacted()))
    return frozenset(redact), state
