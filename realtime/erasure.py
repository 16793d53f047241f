"""Which events of a room's log go when someone deletes their data.

The log is append-only for everything else, so erasure is the one rewrite: the shell commits
ParticipantErased, asks `redaction_plan` which seqs to rewrite, has the store replace those
events by `Redacted` markers (same seq, no content), and reloads the room from the rewritten log.

An event is the person's own when one of the fields its feature declares as naming a person
(CoreFeature.personal) holds their id: their join, renames, hands, post-its, votes, answers,
intake, goals, named evaluations, shared contact, their personal links. The declaration, not a
field's name, decides: Core refuses an event type nobody classified. Anonymous things carry no
author and stay (nobody can tie them to anyone), except where a feature can tell whose they are
without a name (CoreFeature.owned: anonymous feedback holds a salted hash of its giver's id).

What a person's event made can live on in other events that do not name them (a topic of theirs
turned into an agenda block carries its title): CoreFeature.creates and .refers say which, and
those go too. Events that only made sense with an erased one (the end of a turn that was theirs)
cannot be folded any more: evolve raises `Dangling` for them, the plan folds the log as it will be
and redacts those too, so the rewritten log always folds. Any other exception from evolve is a bug
and propagates: it must never turn into a silent deletion.
"""

from __future__ import annotations

from collections.abc import Sequence

from realtime.core import Core
from realtime.errors import Dangling
from realtime.events import Event, Redacted, Stamped
from realtime.state import RoomState


def is_personal(core: Core, event: Event, pid: str) -> bool:
    if not pid:
        return False
    return any(getattr(event, name) == pid for name in core.personal.get(type(event), ()))


def redaction_plan(core: Core, log: Sequence[Stamped], pid: str) -> tuple[frozenset[int], RoomState]:
    """The seqs to rewrite as Redacted, and the state the rewritten log folds to."""
    state = RoomState()
    redact: set[int] = set()
    gone: set[tuple[str, str]] = set()  # (field, id) of things the person made
    for item in log:
        event = item.event
        owned = core.owned.get(type(event))
        personal = is_personal(core, event, pid) or any(
            (name, getattr(event, name, None)) in gone for name in core.refers
        ) or (owned is not None and bool(pid) and owned(state, event, pid))
        made = core.creates.get(type(event))
        if personal and made is not None:
            gone.add((made, getattr(event, made)))
        if not personal:
            try:
                state = core.evolve(state, item)
                continue
            except Dangling:  # refers to something erased (evolve is pure: state is unchanged)
                pass
        redact.add(item.seq)
        state = core.evolve(state, Stamped(item.seq, item.at, Redacted()))
    return frozenset(redact), state
