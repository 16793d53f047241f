"""The wall's keyed parts, sent on their own instead of the whole wall (web/feature.py Item).

A new post-it on a wall of 200 sends that post-it and its column's count to each page, a vote
sends one count (docs/performance.md, retro); the page puts them in place by id. Everything about
columns and groups, voting rounds and settings still sends the wall whole: those are rare.

    wall-place:<wall>:<note>   the post-it out of where it was and into its list, before the one
                               that follows it now (added, moved, hidden, deleted)
    wall-note:<wall>:<note>    the post-it morphed in place (edited; no longer or now the newest)
    wall-votes:<wall>:<note>   its vote count
    wall-count:<wall>:<column> how many post-its a column shows
    wall-written:<wall>        how many are written, while the wall is hidden until reveal
    wall-ranked:<wall>         the "discuss these" list, in the discuss phase of a guided retro
    wall-spot:<wall>           what is in the spotlight (the projector's big card, the console's
                               "end spotlight"); participants have none
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from realtime import wall as core
from realtime.events import Event
from realtime.state import RoomState
from web.feature import EventItems, Item

DENSE_AT = (24, 48)  # web/wall_view.py DENSE_NOTES, VERY_DENSE_NOTES: the board's density changes


def projected(state: RoomState) -> str:
    """The wall on the projector ("" when it shows something else); as WallContext.projected."""
    walls = state.part(core.PART).walls
    if state.projector_view != "wall" or not walls:
        return ""
    return state.projector_ref if state.projector_ref in walls else list(walls)[-1]


# ---------------------------------------------------------------- rendering one part


def _split(key: str) -> tuple[str, str]:
    wid, _, rest = key.partition(":")
    return wid, rest


def _mode(ctx: Mapping[str, Any]) -> str:
    return str(ctx["role"])


def _place(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    wid, nid = _split(key)
    view = ctx["wallctx"].shell(wid)
    if view is None:
        return None
    found = ctx["wallctx"].note(wid, nid)
    if found is None:
        # Not shown to this viewer: take it out if it was (hidden, deleted), unless this viewer
        # sees none of the wall's post-its anyway (hidden until reveal).
        return None if view.blind and _mode(ctx) != "mentor" else {"nid": nid, "n": None}
    note, target = found
    return {"nid": nid, "n": note, "w": view, "mode": _mode(ctx), "target": target}


def _note(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    if f"wall-place:{key}" in dirty:
        return None  # placed anew in this frame: the new copy is up to date
    wid, nid = _split(key)
    view = ctx["wallctx"].shell(wid)
    found = ctx["wallctx"].note(wid, nid) if view is not None else None
    return None if found is None else {"n": found[0], "w": view, "mode": _mode(ctx)}


def _votes(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    wid, nid = _split(key)
    found = ctx["wallctx"].note(wid, nid)
    if found is None or found[0].votes is None or {f"wall-place:{key}", f"wall-note:{key}"} & dirty:
        return None  # counts hidden from this viewer, or the post-it goes whole anyway
    return {"n": found[0], "vote_oob": True}


def _count(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    wid, cid = _split(key)
    view = ctx["wallctx"].shell(wid)
    column = next((c for c in view.columns if c.cid == cid), None) if view is not None else None
    return None if column is None else {"cid": cid, "count": column.count}


def _written(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    view = ctx["wallctx"].shell(key)
    if view is None or not view.blind or (_mode(ctx) == "mentor" and ctx["state"].ended):
        return None
    return {"w": view}


def _spot(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    view = ctx["wallctx"].view(key)
    if view is None or _mode(ctx) == "participant":
        return None
    return {"w": view, "spot_oob": True}


def _ranked(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    view = ctx["wallctx"].view(key)
    if view is None or view.phase != "discuss" or _mode(ctx) == "projector":
        return None
    return {"w": view, "ranked_oob": True}


def _my_wall(ctx: Mapping[str, Any], wid: str) -> Any:
    return next((m for m in ctx["wallctx"].mine if m.wid == wid), None)


def _mine_note(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    wid, nid = _split(key)
    mine = _my_wall(ctx, wid)
    note = next((n for n in mine.notes if n.nid == nid), None) if mine is not None else None
    return None if note is None else {"m": mine, "n": note}


def _mine_part(ctx: Mapping[str, Any], key: str, dirty: frozenset[str]) -> Mapping[str, Any] | None:
    mine = _my_wall(ctx, key)
    return None if mine is None else {"m": mine, "part_oob": True}


ITEMS = (
    # A participant's own part (wall-mine): their new post-it, its count, their votes.
    Item("wall-mine-note", "wall-mine", _mine_note),
    Item("wall-mine-head", "wall-mine", _mine_part),
    Item("wall-mine-votes", "wall-mine", _mine_part),
    Item("wall-mine-notes", "wall-mine", _mine_part),
    Item("wall-place", "wall", _place),
    Item("wall-note", "wall", _note),
    Item("wall-votes", "wall", _votes),
    Item("wall-count", "wall", _count),
    Item("wall-written", "wall", _written),
    Item("wall-spot", "wall", _spot),
    Item("wall-ranked", "wall", _ranked),
)
# The projector shows the wall inside its stage: the same parts, in the stage's copy of the wall.
STAGE_ITEMS = tuple(Item(f"stage-{i.kind}", "stage", i.context) for i in ITEMS if i.region == "wall")


# ---------------------------------------------------------------- which parts an event changes


def _newest(wall: core.Wall) -> list[str]:
    """The newest post-it of everyone's view and of the participants' (without hidden ones):
    the one that carries the "newest" mark."""
    live = wall.live_notes()
    marks = {max(notes, key=lambda n: n.created_at).nid for notes in (live, [n for n in live if not n.hidden]) if notes}
    return sorted(marks)


def _parts(state: RoomState, wid: str, names: list[str], mine: tuple[str, ...] | None = None
           ) -> Mapping[str, tuple[str, ...]]:
    """The parts for the wall and the stage (when it shows this wall), and, with `mine`, for the
    one participant the event is about (their own list; without it, theirs is sent whole)."""
    wall = state.part(core.PART).walls.get(wid)
    if wall is None:
        return {}  # gone: the whole wall region says so
    live = wall.live_notes()
    if len(live) in DENSE_AT or len(live) - 1 in DENSE_AT:
        return {}  # the board changes density (post-it size): send it whole
    on_stage = projected(state) == wid
    note = names[0].rpartition(":")[2] if names else ""
    if wall.spot_group or (wall.spot_note and wall.spot_note == note):
        # The spotlight shows this post-it (or a group it may be in or have left): it goes along.
        names = [*names, f"wall-spot:{wid}"]
    if wall.phase == "discuss":  # the ranked list shows texts, groups and counts
        names = [*names, f"wall-ranked:{wid}"]
    parts = {"wall": tuple(names), "stage": tuple(f"stage-{n}" for n in names) if on_stage else ()}
    return parts if mine is None else {**parts, "wall-mine": mine}


def _all_counts(state: RoomState, wid: str) -> list[str]:
    wall = state.part(core.PART).walls.get(wid)
    return [f"wall-count:{wid}:{c.cid}" for c in wall.columns] if wall else []


def _added(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    assert isinstance(event, core.WallNoteAdded)
    wid, nid = _ids(event)
    wall = state.part(core.PART).walls.get(wid)
    theirs = sum(1 for n in wall.live_notes() if n.author == event.pid) if wall else 0
    # Their first post-it here: their own list appears.
    mine = (f"wall-mine-note:{wid}:{nid}", f"wall-mine-head:{wid}") if theirs > 1 else (f"wall-mine-notes:{wid}",)
    # The post-it marked newest before loses its mark on the page (wall.js): not sent again.
    return _parts(state, wid, [f"wall-place:{wid}:{nid}", f"wall-count:{wid}:{event.column}", f"wall-written:{wid}"],
                  mine)


def _ids(event: Event) -> tuple[str, str]:
    """The wall and the post-it a post-it event is about."""
    return str(getattr(event, "wall", "")), str(getattr(event, "note", ""))


def _moved(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    wid, nid = _ids(event)
    return _parts(state, wid, [f"wall-place:{wid}:{nid}", *_all_counts(state, wid)])


def _removed(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    """Hidden or deleted: out of the page (the mentor's keeps a hidden one, greyed), and if it was
    the newest, the mark goes to the one before."""
    wid, nid = _ids(event)
    wall = state.part(core.PART).walls.get(wid)
    newest = _newest(wall) if wall else []
    return _parts(state, wid, [f"wall-place:{wid}:{nid}", *_all_counts(state, wid), f"wall-written:{wid}",
                               *(f"wall-note:{wid}:{other}" for other in newest)])


def _edited(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    wid, nid = _ids(event)
    return _parts(state, wid, [f"wall-note:{wid}:{nid}"])


def _voted(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    wid, nid = _ids(event)
    return _parts(state, wid, [f"wall-votes:{wid}:{nid}"], (f"wall-mine-votes:{wid}",))


def _spotlighted(event: Event, state: RoomState) -> Mapping[str, tuple[str, ...]]:
    assert isinstance(event, core.WallSpotlighted)
    spot = f"wall-spot:{event.wall}"
    return {"wall": (spot,), "stage": (f"stage-{spot}",) if projected(state) == event.wall else (), "wall-mine": ()}


EVENT_ITEMS: Mapping[type[Event], EventItems] = {
    core.WallNoteAdded: _added,
    core.WallNoteMoved: _moved,
    core.WallNoteHidden: _removed,
    core.WallNoteDeleted: _removed,
    core.WallNoteEdited: _edited,
    core.WallVoteCast: _voted,
    core.WallVoteWithdrawn: _voted,
    core.WallSpotlighted: _spotlighted,
    # A comment or a reaction changes its post-it only: morphed in place (an open comment list
    # stays open, kring.js data-keep).
    core.WallCommentAdded: _edited,
    core.WallCommentHidden: _edited,
    core.WallReacted: _edited,
}
