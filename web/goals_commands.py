"""Websocket messages of learning goals and check-ins, to core commands.

Only the shape is checked here (web/fields.py); the rules are the core's
(realtime/goals.py). New goals get their ids here, from the shell (Fields.new_id).

Form shapes:
  goal_add / goal_group_add   text
  goal_edit                   goal, text
  goal_remove                 goal
  goal_schedule               schedule
  goal_checkin_open / goal_checkin_close
  goal_rate                   goal (repeated: every goal on the form), rating_<goal> (0-10, absent
                              when that goal was not rated), note_<goal>
"""

from __future__ import annotations

from collections.abc import Mapping

from realtime import goals
from realtime.events import Command
from web.fields import Fields, Parser


def _rate(f: Fields) -> Command:
    ratings: list[tuple[str, str, str]] = []
    for gid in f.texts("goal", 10):
        rating = f.text(f"rating_{gid}")
        if rating.strip():  # a goal left unrated is skipped, not refused
            ratings.append((gid, rating, f.text(f"note_{gid}")))
    return goals.RateGoals(ratings=tuple(ratings))


PARSERS: Mapping[str, Parser] = {
    "goal_add": lambda f: goals.AddGoal(goal_id=f.new_id(), text=f.text("text")),
    "goal_group_add": lambda f: goals.AddGroupGoal(goal_id=f.new_id(), text=f.text("text")),
    "goal_edit": lambda f: goals.EditGoal(goal_id=f.text("goal"), text=f.text("text")),
    "goal_remove": lambda f: goals.RemoveGoal(goal_id=f.text("goal")),
    "goal_schedule": lambda f: goals.SetCheckInSchedule(schedule=f.text("schedule")),
    "goal_checkin_open": lambda f: goals.OpenCheckIn(),
    "goal_checkin_close": lambda f: goals.CloseCheckIn(),
    "goal_rate": _rate,
}
