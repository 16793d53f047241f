"""The mentor's export of a session: the whole state as plain JSON-able data.

Secrets (the mentor key hash, participants' token hashes, the join token) never leave the server,
not even to the mentor: the export is meant to be saved and shared.
"""

from __future__ import annotations

from typing import Any

from realtime import (
    agenda,
    assignments,
    carryover,
    codes,
    contacts,
    evaluation,
    goals,
    intake,
    polls,
    queue,
    topics,
    trajectory,
    wall,
)
from realtime.state import RoomState

EXPORT_VERSION = 1


def export_session(state: RoomState) -> dict[str, Any]:
    return {
        "export_version": EXPORT_VERSION,
        "code": state.code,
        "code_display": codes.display(state.code) if state.code else "",
        "title": state.title,
        "language": state.language,
        "created_at": state.created_at,
        "ended_at": state.ended_at,
        "seq": state.seq,
        "participants": [
            {"id": p.pid, "name": p.name, "location": p.location, "joined_at": p.joined_at}
            for p in state.participants.values()
        ],
        "queue": queue.export(state),
        "walls": wall.export(state),
        "polls": polls.export(state),
        "trajectory": trajectory.export(state),
        # -- trajectory feature exports --
        "carryover": carryover.export(state),
        "after": contacts.export(state),
        "evaluations": evaluation.export(state),
        "topics": topics.export(state),
        "agendas": agenda.export(state),
        "assignments": assignments.export(state),
        "intake": intake.export(state),
        "goals": goals.export(state),
    }
