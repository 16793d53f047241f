"""Websocket messages of breakout groups, to core commands (rules: realtime/breakouts.py). The ids
of a round and of a note, and the seed of a random split, are made here in the shell; nothing a
browser sends becomes an id or a seed."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import breakout_wall, breakouts
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "breakouts_plan": lambda f: breakouts.PlanBreakouts(
        f.new_id(), f.texts("person", breakouts.PEOPLE_MAX), f.text("mode"), f.text("size"), f.text("task"),
        f.new_secret(), f.texts("column", breakout_wall.COLUMNS_MAX),
    ),
    "breakouts_move": lambda f: breakouts.MovePerson(f.text("pid"), f.text("group")),
    "breakouts_choice": lambda f: breakouts.OpenChoice(f.flag("open")),
    "breakouts_choose": lambda f: breakouts.ChooseGroup(f.text("group")),
    "breakouts_start": lambda f: breakouts.StartBreakouts(f.text("minutes")),
    "breakouts_message": lambda f: breakouts.MessageGroups(f.text("text")),
    "breakouts_visit": lambda f: breakouts.VisitGroup(f.text("group")),
    "breakouts_laptop": lambda f: breakouts.PlaceLaptop(f.text("group")),
    # A post-it without a column or colour (a form of before group walls) goes first, in yellow.
    "breakouts_note": lambda f: breakouts.AddGroupNote(
        f.new_id(), f.text("text"), f.text("column") or breakout_wall.FIRST,
        f.text("colour") or breakout_wall.DEFAULT_COLOUR),
    "breakouts_note_edit": lambda f: breakouts.EditGroupNote(f.text("note"), f.text("text"), f.text("colour"),
                                                             f.text("column") or breakout_wall.FIRST),
    "breakouts_unnote": lambda f: breakouts.RemoveGroupNote(f.text("note")),
    "breakouts_dot": lambda f: breakouts.DotGroupNote(f.text("note"), f.flag("dot")),
    "breakouts_back": lambda f: breakouts.BringBack(),
    "breakouts_result": lambda f: breakouts.ShowResult(f.text("step")),
    "breakouts_close": lambda f: breakouts.CloseBreakouts(),
}
