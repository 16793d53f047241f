"""Websocket messages of learning goals and check-ins, to core commands.

Only the shape is checked here (server/commands.py text_field); the rules are the core's
(realtime/goals.py). New goals get their ids here, from server.security.new_id.

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

from collections.abc import Callable, Mapping
from typing import Any

from realtime import goals
from realtime.events import Command
from server.intake_commands import texts
from server.security import new_id


def _text(data: Mapping[str, Any], name: str) -> str:
    from server.commands import text_field  # server.commands imports this module

    return text_field(data, name)


def _rate(data: Mapping[str, Any]) -> Command:
    ratings: list[tuple[str, str, str]] = []
    for gid in texts(data, "goal"):
        rating = _text(data, f"rating_{gid}")
        if rating.strip():  # a goal left unrated is skipped, not refused
            ratings.append((gid, rating, _text(data, f"note_{gid}")))
    return goals.RateGoals(ratings=tuple(ratings))


PARSERS: Mapping[str, Callable[[Mapping[str, Any]], Command]] = {
    "goal_add": lambda d: goals.AddGoal(goal_id=new_id(), text=_text(d, "text")),
    "goal_group_add": lambda d: goals.AddGroupGoal(goal_id=new_id(), text=_text(d, "text")),
    "goal_edit": lambda d: goals.EditGoal(goal_id=_text(d, "goal"), text=_text(d, "text")),
    "goal_remove": lambda d: goals.RemoveGoal(goal_id=_text(d, "goal")),
    "goal_schedule": lambda d: goals.SetCheckInSchedule(schedule=_text(d, "schedule")),
    "goal_checkin_open": lambda d: goals.OpenCheckIn(),
    "goal_checkin_close": lambda d: goals.CloseCheckIn(),
    "goal_rate": _rate,
}
