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

from realtime import agenda, topics
from realtime.events import Event, ParticipantErased, Redacted, Stamped
from realtime.state import RoomState, evolve

PERSONAL_FIELDS = ("pid", "author")
# Things a person's event creates that other events copy from or refer to without an author: a
# topic of theirs turned into an agenda block carries its title, and the block's later edits refer
# to the block. When the creating event goes, the events that refer to what it made (by this
# field) go too.
CREATES: dict[type[Event], str] = {topics.TopicAdded: "topic", agenda.AgendaBlockAdded: "block"}
LINKS = ("topic", "block")


def is_personal(event: Event, pid: str) -> bool:
    if isinstance(event, (ParticipantErased, Redacted)) or not pid:
        return False
    return any(getattr(event, name, None) == pid for name in PERSONAL_FIELDS)


def redaction_plan(log: Sequence[Stamped], pid: str) -> tuple[frozenset[int], RoomState]:
    """The seqs to rewrite as Redacted, and the state the rewritten log folds to."""
    state = RoomState()
    redact: set[int] = set()
    gone: set[tuple[str, str]] = set()  # (field, id) of things the person made
    for item in log:
        event = item.event
        personal = is_personal(event, pid) or any(
            (name, getattr(event, name, None)) in gone for name in LINKS
        )
        made = CREATES.get(type(event))
        if personal and made is not None:
            gone.add((made, getattr(event, made)))
        if not personal:
            try:
                state = evolve(state, item)
                continue
            except Exception:  # depends on something erased (evolve is pure: state is unchanged)
                pass
        redact.add(item.seq)
        state = evolve(state, Stamped(item.seq, item.at, Redacted()))
    return frozenset(redact), state
