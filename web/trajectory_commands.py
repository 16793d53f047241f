"""Websocket messages of the trajectory (plan, sessions, carry-over, contacts, return meetings),
to core commands. Only the shape is checked here; the rules are the core's (realtime/trajectory.py,
carryover.py, contacts.py). Ids are made here, in the shell. Personal links, deleting data and
deleting the trajectory are form posts instead (server/trajectory_routes.py): each shows the
person something once (a new link) or leaves the page."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import carryover, contacts, trajectory
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "traj_plan": lambda f: trajectory.PlanTrajectory(
        name=f.text("name"), theme=f.text("theme"), target_group=f.text("target_group"),
        sessions=f.text("sessions"), cadence=f.text("cadence"), format=f.text("format"),
        first_date=f.text("first_date"), start_time=f.text("start_time"), end_time=f.text("end_time"),
        timezone=f.text("timezone"),
    ),
    "traj_session": lambda f: trajectory.PlanSession(
        number=f.text("number"), date=f.text("date"), title=f.text("title"),
        start_time=f.text("start_time"), end_time=f.text("end_time")),
    "traj_start": lambda f: trajectory.StartTrajectorySession(number=f.text("number")),
    "traj_end": lambda f: trajectory.EndTrajectorySession(),
    "carry_action": lambda f: carryover.AddActionPoint(f.text("text")),
    "traj_cancel": lambda f: trajectory.CancelTrajectorySession(
        number=f.text("number"), cancelled=f.text("cancelled")),
    "carry_set": lambda f: carryover.SetCarryOver(
        session=f.text("session"), action_points=f.text("action_points"),
        open_questions=f.text("open_questions")),
    "contact_share": lambda f: contacts.ShareContact(name=f.text("name"), line=f.text("line")),
    "contact_withdraw": lambda f: contacts.WithdrawContact(),
    "return_plan": lambda f: contacts.PlanReturnMeeting(
        mid=f.new_id(), date=f.text("date"), note=f.text("note")),
    "return_cancel": lambda f: contacts.CancelReturnMeeting(mid=f.text("mid")),
}
