"""Websocket messages of the wall feature, to core commands.

Each parser takes the decoded JSON object of one message and builds a command; only the shape
is checked here (web/fields.py), the rules are the core's (realtime/wall.py).
Ids of new things (walls, columns, post-its, groups) are made here, never by the browser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from realtime import wall
from realtime.events import Command
from web.fields import Fields, Parser


def _column_names(f: Fields) -> tuple[str, ...]:
    # A template's columns arrive as one value joined by "|" (already in the mentor's language);
    # "own columns" arrive one per line. Cut at a few more than allowed: the core says "too many".
    raw = f.text("template") or f.text("columns")
    names = tuple(part for part in re.split(r"[|\r\n]+", raw) if part.strip())
    return names[: wall.COLUMNS_MAX + 1]


def _create_wall(f: Fields) -> Command:
    names = _column_names(f)
    return wall.CreateWall(
        wall=f.new_id(),
        title=f.text("title"),
        column_ids=tuple(f.new_id() for _ in names),
        column_names=names,
        anonymous=f.flag("anonymous"),
        blind=f.flag("blind"),
    )


def _move_note(f: Fields) -> Command:
    # `group` absent: keep the group within the column; "" leaves it; an id joins that group.
    group = f.text("group") if "group" in f else None
    return wall.MoveNote(f.text("wall"), f.text("note"), f.text("column"), f.text("before"), group, f.text("step"))


PARSERS: Mapping[str, Parser] = {
    "wall_create": _create_wall,
    "wall_configure": lambda f: wall.ConfigureWall(
        f.text("wall"), f.text("title"), f.flag("anonymous"), f.flag("blind"), f.flag("arrange")
    ),
    "wall_column_add": lambda f: wall.AddColumn(f.text("wall"), f.new_id(), f.text("name")),
    "wall_column_rename": lambda f: wall.RenameColumn(f.text("wall"), f.text("column"), f.text("name")),
    "wall_column_left": lambda f: wall.MoveColumn(f.text("wall"), f.text("column"), -1),
    "wall_column_right": lambda f: wall.MoveColumn(f.text("wall"), f.text("column"), 1),
    "wall_column_remove": lambda f: wall.RemoveColumn(f.text("wall"), f.text("column")),
    "wall_note_add": lambda f: wall.AddNote(
        f.text("wall"), f.new_id(), f.text("text"), f.text("colour"), f.text("column")
    ),
    "wall_note_edit": lambda f: wall.EditNote(f.text("wall"), f.text("note"), f.text("text"), f.text("colour")),
    "wall_note_delete": lambda f: wall.DeleteNote(f.text("wall"), f.text("note")),
    "wall_note_hide": lambda f: wall.HideNote(f.text("wall"), f.text("note"), f.flag("hidden")),
    "wall_move": _move_note,
    "wall_group_create": lambda f: wall.CreateGroup(
        f.text("wall"), f.new_id(), f.text("label"), f.text("column"), f.text("note")
    ),
    "wall_group_rename": lambda f: wall.RenameGroup(f.text("wall"), f.text("group"), f.text("label")),
    "wall_group_remove": lambda f: wall.RemoveGroup(f.text("wall"), f.text("group")),
    "wall_vote_start": lambda f: wall.StartVote(
        f.text("wall"), f.text("per_person"), f.flag("multiple"), f.flag("live")
    ),
    "wall_vote_end": lambda f: wall.EndVote(f.text("wall")),
    "wall_vote_reveal": lambda f: wall.RevealVotes(f.text("wall")),
    "wall_vote": lambda f: wall.CastVote(f.text("wall"), f.text("note")),
    "wall_unvote": lambda f: wall.WithdrawVote(f.text("wall"), f.text("note")),
    "wall_sort": lambda f: wall.SortWall(f.text("wall"), f.text("sort")),
    "wall_phase": lambda f: wall.SetPhase(f.text("wall"), f.text("phase"), f.text("minutes"), f.text("votes")),
    "wall_group_notes": lambda f: wall.GroupNotes(
        f.text("wall"), f.texts("notes", wall.NOTES_PER_WALL_MAX), f.text("into"), f.new_id(), f.text("label")
    ),
    "wall_comment": lambda f: wall.CommentNote(f.text("wall"), f.text("note"), f.new_id(), f.text("text")),
    "wall_comment_hide": lambda f: wall.HideComment(
        f.text("wall"), f.text("note"), f.text("comment"), f.flag("hidden")
    ),
    "wall_react": lambda f: wall.ReactNote(f.text("wall"), f.text("note"), f.text("kind")),
    "wall_spotlight": lambda f: wall.SpotlightWall(f.text("wall"), f.text("note"), f.text("group")),
}
