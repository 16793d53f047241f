"""Websocket messages of the wall feature, to core commands.

Each parser takes the decoded JSON object of one message and builds a command; only the shape
is checked here (see server/commands.py text_field), the rules are the core's (realtime/wall.py).
Ids of new things (walls, columns, post-its, groups) are made here, never by the browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from realtime import wall
from realtime.events import Command
from server.security import new_id

Data = Mapping[str, Any]


def _text(data: Data, name: str) -> str:
    from server.commands import text_field  # server.commands imports this module

    return text_field(data, name)


def _flag(data: Data, name: str) -> bool:
    """A checkbox or a hidden on/off field: on when sent as "on", "1", "true" or "yes"."""
    return _text(data, name).strip().lower() in ("on", "1", "true", "yes")


def _column_names(data: Data) -> tuple[str, ...]:
    # A template's columns arrive as one value joined by "|" (already in the mentor's language);
    # "own columns" arrive one per line. Cut at a few more than allowed: the core says "too many".
    raw = _text(data, "template") or _text(data, "columns")
    names = tuple(part for part in re.split(r"[|\r\n]+", raw) if part.strip())
    return names[: wall.COLUMNS_MAX + 1]


def _create_wall(data: Data) -> Command:
    names = _column_names(data)
    return wall.CreateWall(
        wall=new_id(),
        title=_text(data, "title"),
        column_ids=tuple(new_id() for _ in names),
        column_names=names,
        anonymous=_flag(data, "anonymous"),
        blind=_flag(data, "blind"),
    )


def _move_note(data: Data) -> Command:
    # `group` absent: keep the group within the column; "" leaves it; an id joins that group.
    group = _text(data, "group") if "group" in data else None
    return wall.MoveNote(_text(data, "wall"), _text(data, "note"), _text(data, "column"), _text(data, "before"), group)


PARSERS: Mapping[str, Callable[[Data], Command]] = {
    "wall_create": _create_wall,
    "wall_configure": lambda d: wall.ConfigureWall(
        _text(d, "wall"), _text(d, "title"), _flag(d, "anonymous"), _flag(d, "blind"), _flag(d, "arrange")
    ),
    "wall_column_add": lambda d: wall.AddColumn(_text(d, "wall"), new_id(), _text(d, "name")),
    "wall_column_rename": lambda d: wall.RenameColumn(_text(d, "wall"), _text(d, "column"), _text(d, "name")),
    "wall_column_left": lambda d: wall.MoveColumn(_text(d, "wall"), _text(d, "column"), -1),
    "wall_column_right": lambda d: wall.MoveColumn(_text(d, "wall"), _text(d, "column"), 1),
    "wall_column_remove": lambda d: wall.RemoveColumn(_text(d, "wall"), _text(d, "column")),
    "wall_note_add": lambda d: wall.AddNote(
        _text(d, "wall"), new_id(), _text(d, "text"), _text(d, "colour"), _text(d, "column")
    ),
    "wall_note_edit": lambda d: wall.EditNote(_text(d, "wall"), _text(d, "note"), _text(d, "text"), _text(d, "colour")),
    "wall_note_delete": lambda d: wall.DeleteNote(_text(d, "wall"), _text(d, "note")),
    "wall_note_hide": lambda d: wall.HideNote(_text(d, "wall"), _text(d, "note"), _flag(d, "hidden")),
    "wall_move": _move_note,
    "wall_group_create": lambda d: wall.CreateGroup(
        _text(d, "wall"), new_id(), _text(d, "label"), _text(d, "column"), _text(d, "note")
    ),
    "wall_group_rename": lambda d: wall.RenameGroup(_text(d, "wall"), _text(d, "group"), _text(d, "label")),
    "wall_group_remove": lambda d: wall.RemoveGroup(_text(d, "wall"), _text(d, "group")),
    "wall_vote_start": lambda d: wall.StartVote(
        _text(d, "wall"), _text(d, "per_person"), _flag(d, "multiple"), _flag(d, "live")
    ),
    "wall_vote_end": lambda d: wall.EndVote(_text(d, "wall")),
    "wall_vote_reveal": lambda d: wall.RevealVotes(_text(d, "wall")),
    "wall_vote": lambda d: wall.CastVote(_text(d, "wall"), _text(d, "note")),
    "wall_unvote": lambda d: wall.WithdrawVote(_text(d, "wall"), _text(d, "note")),
    "wall_sort": lambda d: wall.SortWall(_text(d, "wall"), _text(d, "sort")),
}
