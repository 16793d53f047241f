"""The wall's part of the JSON export (and the data of one wall's Markdown and CSV downloads,
which web/exports/walls.py writes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from realtime.state import RoomState

from realtime.wall.model import PART, Wall, author_shown, column_notes


def export_wall(state: RoomState, wall: Wall) -> dict[str, Any]:
    counts = wall.voting.counts()
    names = {p.pid: p.name for p in state.participants.values()}
    notes = [n for n in wall.live_notes() if not n.hidden]
    return {
        "id": wall.wid,
        "title": wall.title,
        "anonymous": wall.anonymous,
        "created_at": wall.created_at,
        "columns": [
            {
                "id": column.cid,
                "name": column.name,
                "groups": [
                    {
                        "id": g.gid,
                        "label": g.label,
                        # The group's total (the guided retro ranks groups by it).
                        "votes": sum(counts.get(n.nid, 0) for n in notes if n.group == g.gid)
                        if wall.voting.started else None,
                    }
                    for g in wall.groups.values() if g.column == column.cid
                ],
                "notes": [
                    {
                        "id": n.nid,
                        "text": n.text,
                        "colour": n.colour,
                        "group": wall.groups[n.group].label if n.group in wall.groups else None,
                        "votes": counts.get(n.nid, 0) if wall.voting.started else None,
                        # Authors only for post-its written on a named wall that is still named.
                        "author": (names.get(n.author, "") if n.author else "mentor")
                        if author_shown(wall, n) or (not n.author and not wall.anonymous)
                        else None,
                        "created_at": n.created_at,
                        "edited_at": n.edited_at,
                        # Comments as the wall shows them: not hidden ones, authors by the same rule.
                        "comments": [
                            {"text": c.text,
                             "author": (names.get(c.author, "") if c.author else "mentor")
                             if c.named and not wall.anonymous else None}
                            for c in n.comments if not c.hidden
                        ],
                        "reactions": {kind: len(pids) for kind, pids in n.reactions.items() if pids},
                    }
                    for n in column_notes(wall, column.cid, notes)
                ],
            }
            for column in wall.columns
        ],
        "phase": wall.phase or None,  # the guided retro's phase, None when not guided
        "hidden_notes": sum(1 for n in wall.live_notes() if n.hidden),
        "vote": {
            "per_person": wall.voting.per_person,
            "several_on_one": wall.voting.multiple,
            "open": wall.voting.open,
        }
        if wall.voting.started
        else None,
    }


def export(state: RoomState) -> Any:
    """This feature's part of the mentor's JSON export (Core.export): every wall, without
    hidden or deleted post-its, and authors only where the wall is named."""
    return [export_wall(state, wall) for wall in state.part(PART).walls.values()]


