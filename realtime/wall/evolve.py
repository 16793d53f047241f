"""Folding the wall's events into its state."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime.errors import Dangling
from realtime.events import Event, Stamped

if TYPE_CHECKING:
    from realtime.state import RoomState

from realtime.wall.messages import (
    WallColumnAdded,
    WallColumnRemoved,
    WallColumnRenamed,
    WallColumnsReordered,
    WallCommentAdded,
    WallCommentHidden,
    WallConfigured,
    WallCreated,
    WallGroupCreated,
    WallGroupRemoved,
    WallGroupRenamed,
    WallNoteAdded,
    WallNoteDeleted,
    WallNoteEdited,
    WallNoteHidden,
    WallNoteMoved,
    WallPhaseSet,
    WallReacted,
    WallSorted,
    WallSpotlighted,
    WallVoteCast,
    WallVoteEnded,
    WallVotesRevealed,
    WallVoteStarted,
    WallVoteWithdrawn,
)
from realtime.wall.model import PART, Column, Comment, Group, Note, Voting, Wall, WallState

# ---------------------------------------------------------------- evolve


def _put(mapping: Mapping[str, Any], key: str, value: Any) -> Mapping[str, Any]:
    updated = dict(mapping)
    updated[key] = value
    return MappingProxyType(updated)


def _with_wall(state: RoomState, wall: Wall) -> RoomState:
    return state.with_part(PART, WallState(walls=_put(state.part(PART).walls, wall.wid, wall)))


def _with_note(wall: Wall, note: Note) -> Wall:
    return dataclasses.replace(wall, notes=_put(wall.notes, note.nid, note))


def _placed(order: tuple[str, ...], nid: str, before: str) -> tuple[str, ...]:
    rest = [n for n in order if n != nid]
    at = rest.index(before) if before in rest else len(rest)
    rest.insert(at, nid)
    return tuple(rest)


def _drop_votes(voting: Voting, nid: str) -> Voting:
    ballots = {pid: tuple(n for n in notes if n != nid) for pid, notes in voting.ballots.items()}
    return dataclasses.replace(voting, ballots=MappingProxyType(ballots))


def _fold_wall(wall: Wall, event: Event, at: float) -> Wall:  # noqa: C901 (one branch per event)
    note_id = getattr(event, "note", None)
    if note_id and not isinstance(event, WallNoteAdded) and note_id not in wall.notes:
        # Only in erasure's plan: the post-it went with its author, and so do others' edits,
        # moves and votes on it (decide never lets an event refer to a missing post-it).
        raise Dangling(f"{type(event).__name__} on a post-it that is gone")
    if isinstance(event, WallConfigured):
        return dataclasses.replace(
            wall, title=event.title, anonymous=event.anonymous, blind=event.blind, arrange=event.arrange
        )
    if isinstance(event, WallColumnAdded):
        return dataclasses.replace(wall, columns=(*wall.columns, Column(event.column, event.name)))
    if isinstance(event, WallColumnRenamed):
        columns = tuple(Column(c.cid, event.name) if c.cid == event.column else c for c in wall.columns)
        return dataclasses.replace(wall, columns=columns)
    if isinstance(event, WallColumnsReordered):
        by_id = {c.cid: c for c in wall.columns}
        return dataclasses.replace(wall, columns=tuple(by_id[cid] for cid in event.column_ids))
    if isinstance(event, WallColumnRemoved):
        notes = {
            nid: dataclasses.replace(n, column=event.moved_to) if n.column == event.column else n
            for nid, n in wall.notes.items()
        }
        groups = {
            gid: dataclasses.replace(g, column=event.moved_to) if g.column == event.column else g
            for gid, g in wall.groups.items()
        }
        return dataclasses.replace(
            wall,
            columns=tuple(c for c in wall.columns if c.cid != event.column),
            notes=MappingProxyType(notes),
            groups=MappingProxyType(groups),
        )
    if isinstance(event, WallNoteAdded):
        note = Note(event.note, event.pid, event.text, event.colour, event.column, "", event.named, at)
        return dataclasses.replace(_with_note(wall, note), order=(*wall.order, note.nid))
    if isinstance(event, WallNoteEdited):
        note = wall.notes[event.note]
        # `hidden` is left as it is: an edit racing the mentor's hide ends hidden.
        return _with_note(wall, dataclasses.replace(note, text=event.text, colour=event.colour, edited_at=at))
    if isinstance(event, WallNoteDeleted):
        voting = _drop_votes(wall.voting, event.note)
        if event.by_mentor:  # a tombstone: the author is told, nobody else sees it
            return dataclasses.replace(
                _with_note(wall, dataclasses.replace(wall.notes[event.note], deleted=True)), voting=voting
            )
        notes = {nid: n for nid, n in wall.notes.items() if nid != event.note}
        order = tuple(n for n in wall.order if n != event.note)
        return dataclasses.replace(wall, notes=MappingProxyType(notes), order=order, voting=voting)
    if isinstance(event, WallNoteHidden):
        return _with_note(wall, dataclasses.replace(wall.notes[event.note], hidden=event.hidden))
    if isinstance(event, WallNoteMoved):
        note = dataclasses.replace(wall.notes[event.note], column=event.column, group=event.group)
        return dataclasses.replace(_with_note(wall, note), order=_placed(wall.order, note.nid, event.before))
    if isinstance(event, WallGroupCreated):
        group = Group(event.group, event.label, event.column)
        return dataclasses.replace(wall, groups=_put(wall.groups, group.gid, group))
    if isinstance(event, WallGroupRenamed):
        group = dataclasses.replace(wall.groups[event.group], label=event.label)
        return dataclasses.replace(wall, groups=_put(wall.groups, group.gid, group))
    if isinstance(event, WallGroupRemoved):
        notes = {
            nid: dataclasses.replace(n, group="") if n.group == event.group else n for nid, n in wall.notes.items()
        }
        groups = {gid: g for gid, g in wall.groups.items() if gid != event.group}
        return dataclasses.replace(wall, notes=MappingProxyType(notes), groups=MappingProxyType(groups))
    if isinstance(event, WallVoteStarted):
        # A new round starts from zero: the previous round's dots are replaced.
        voting = Voting(event.per_person, event.multiple, event.live, open=True, started=True)
        return dataclasses.replace(wall, voting=voting)
    if isinstance(event, WallVoteEnded):
        return dataclasses.replace(wall, voting=dataclasses.replace(wall.voting, open=False))
    if isinstance(event, WallVotesRevealed):
        return dataclasses.replace(wall, voting=dataclasses.replace(wall.voting, revealed=True))
    if isinstance(event, WallVoteCast):
        ballots = _put(wall.voting.ballots, event.pid, (*wall.voting.ballots.get(event.pid, ()), event.note))
        return dataclasses.replace(wall, voting=dataclasses.replace(wall.voting, ballots=ballots))
    if isinstance(event, WallVoteWithdrawn):
        mine = list(wall.voting.ballots.get(event.pid, ()))
        mine.remove(event.note)
        ballots = _put(wall.voting.ballots, event.pid, tuple(mine))
        return dataclasses.replace(wall, voting=dataclasses.replace(wall.voting, ballots=ballots))
    if isinstance(event, WallSorted):
        return dataclasses.replace(wall, sort=event.sort)
    if isinstance(event, WallCommentAdded):
        note = wall.notes[event.note]
        comment = Comment(event.comment, event.pid, event.text, event.named, at)
        return _with_note(wall, dataclasses.replace(note, comments=(*note.comments, comment)))
    if isinstance(event, WallCommentHidden):
        note = wall.notes[event.note]
        comments = tuple(dataclasses.replace(c, hidden=event.hidden) if c.cid == event.comment else c
                         for c in note.comments)
        return _with_note(wall, dataclasses.replace(note, comments=comments))
    if isinstance(event, WallReacted):
        note = wall.notes[event.note]
        who = tuple(p for p in note.reactions.get(event.kind, ()) if p != event.pid)
        reactions = _put(note.reactions, event.kind, (*who, event.pid) if event.on else who)
        return _with_note(wall, dataclasses.replace(note, reactions=reactions))
    if isinstance(event, WallPhaseSet):
        return dataclasses.replace(wall, phase=event.phase, phase_ends_at=at + event.seconds if event.seconds else 0.0)
    if isinstance(event, WallSpotlighted):
        return dataclasses.replace(wall, spot_note=event.note, spot_group=event.group)
    raise TypeError(f"evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    if isinstance(event, WallCreated):
        columns = tuple(Column(cid, name) for cid, name in zip(event.column_ids, event.column_names, strict=True))
        wall = Wall(event.wall, event.title, stamped.at, columns, anonymous=event.anonymous, blind=event.blind,
                    created_seq=stamped.seq)
        return _with_wall(state, wall)
    wid = getattr(event, "wall", None)
    if not isinstance(wid, str) or wid not in state.part(PART).walls:
        raise TypeError(f"evolve: unknown event {event!r}")
    return _with_wall(state, _fold_wall(state.part(PART).walls[wid], event, stamped.at))


