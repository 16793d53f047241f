"""Websocket messages of the mentor's own goals and reflections, to core commands (rules:
realtime/mentor_notes.py). Every one of them is the mentor's: the core refuses anyone else."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import mentor_notes
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "mentor_goal_add": lambda f: mentor_notes.SetMentorGoal(goal=f.new_id(), text=f.text("text")),
    "mentor_goal_edit": lambda f: mentor_notes.SetMentorGoal(goal=f.text("goal"), text=f.text("text"), new=False),
    "mentor_goal_remove": lambda f: mentor_notes.RemoveMentorGoal(goal=f.text("goal")),
    "mentor_goal_mark": lambda f: mentor_notes.MarkMentorGoal(goal=f.text("goal"), reached=f.text("reached")),
    "reflection_write": lambda f: mentor_notes.WriteReflection(
        session=f.text("session"), went_well=f.text("went_well"), differently=f.text("differently")),
}
