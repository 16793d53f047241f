"""Websocket messages of the trajectory (plan, sessions, carry-over, contacts, return meetings),
to core commands. Only the shape is checked here; the rules are the core's (realtime/trajectory.py,
carryover.py, contacts.py). Ids are made here, in the shell. Personal links, deleting data and
deleting the trajectory are form posts instead (server/trajectory_exports.py): each shows the
person something once (a new link) or leaves the page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from realtime import carryover, contacts, trajectory
from realtime.events import Command
from server import security


def _text(data: Mapping[str, Any], name: str) -> str:
    # Imported late: server.commands imports this module to build its PARSERS table.
    from server.commands import text_field

    return text_field(data, name)


PARSERS: Mapping[str, Callable[[Mapping[str, Any]], Command]] = {
    "traj_plan": lambda d: trajectory.PlanTrajectory(
        name=_text(d, "name"), theme=_text(d, "theme"), target_group=_text(d, "target_group"),
        sessions=_text(d, "sessions"), cadence=_text(d, "cadence"), format=_text(d, "format"),
        first_date=_text(d, "first_date"),
    ),
    "traj_session": lambda d: trajectory.PlanSession(
        number=_text(d, "number"), date=_text(d, "date"), title=_text(d, "title")),
    "traj_start": lambda d: trajectory.StartTrajectorySession(number=_text(d, "number")),
    "traj_end": lambda d: trajectory.EndTrajectorySession(),
    "carry_set": lambda d: carryover.SetCarryOver(
        session=_text(d, "session"), action_points=_text(d, "action_points"),
        open_questions=_text(d, "open_questions")),
    "contact_share": lambda d: contacts.ShareContact(name=_text(d, "name"), line=_text(d, "line")),
    "contact_withdraw": lambda d: contacts.WithdrawContact(),
    "return_plan": lambda d: contacts.PlanReturnMeeting(
        mid=security.new_id(), date=_text(d, "date"), note=_text(d, "note")),
    "return_cancel": lambda d: contacts.CancelReturnMeeting(mid=_text(d, "mid")),
}
