"""The intake: what each participant wants to learn, brings, and needs, filled in on a phone.

Theory of operation
-------------------
Each participant fills in one short intake, before or in the first session, and may change it
later: every submission replaces their previous answers as a whole (the form always sends all
fields), so there is one `IntakeSubmitted` event type and the state keeps the latest answers per
person. Nothing here is shared between participants: the web layer (web/intake_view.py) shows a
participant only their own answers and the mentor everyone's, plus a group profile computed by
`profile()` (counts per learning style, setting and need; what people bring; who has not filled it
in yet).

Choices are codes (the web layer translates them); free text is cleaned and limited by
realtime/text.py. The intake records the trajectory session it was last changed in
(`state.part(trajectory.PART).current`, 0 before the first session).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime import trajectory
from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

# Codes of the choices, in the order the form shows them.
EXPERIENCE = ("new", "some", "experienced")
STYLES = ("theory", "examples", "discussion", "exercises")
SETTINGS = ("room", "online", "either")
NEEDS = ("materials_ahead", "captions", "breaks", "quiet", "step_free")

LEARN_MAX = 400
EXPERIENCE_NOTE_MAX = 200
BRINGS_MAX = 300
ACCESS_MAX = 400


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Intake:
    pid: str
    learn: str
    experience: str
    experience_note: str
    brings: str
    styles: tuple[str, ...]
    setting: str
    needs: tuple[str, ...]
    access: str
    submitted_at: float
    updated_at: float
    session: int  # the trajectory session it was last changed in (0: before the first)


_NONE: Mapping[str, Intake] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class IntakeState:
    # pid -> the latest answers, in the order people first submitted.
    answers: Mapping[str, Intake] = field(default_factory=lambda: _NONE)


PART: Part[IntakeState] = Part("intake", IntakeState())


# ---------------------------------------------------------------- commands and events


@dataclass(frozen=True, slots=True)
class SubmitIntake(Command):
    """A participant's whole intake (new or changed). Multiple choices arrive as tuples of codes."""

    learn: str
    experience: str
    experience_note: str
    brings: str
    styles: tuple[str, ...]
    setting: str
    needs: tuple[str, ...]
    access: str


@dataclass(frozen=True, slots=True)
class IntakeSubmitted(Event):
    pid: str
    learn: str
    experience: str
    experience_note: str
    brings: str
    styles: tuple[str, ...]
    setting: str
    needs: tuple[str, ...]
    access: str
    session: int


COMMANDS: tuple[type[Command], ...] = (SubmitIntake,)
EVENTS: tuple[type[Event], ...] = (IntakeSubmitted,)


# ---------------------------------------------------------------- decide


def _subset(values: object, name: str, choices: Sequence[str]) -> tuple[str, ...]:
    """Several codes out of `choices`: each checked, duplicates dropped, in the choices' order."""
    if not isinstance(values, tuple):
        raise Rejected("bad_choice", field=name)
    picked = {one_of(value, name, choices) for value in values}
    return tuple(code for code in choices if code in picked)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    me = require_member(state, actor)
    require_open(state)
    if not isinstance(command, SubmitIntake):
        raise Rejected("unknown_command")
    event = IntakeSubmitted(
        pid=me.pid,
        learn=clean_line(command.learn, "intake_learn", LEARN_MAX),
        experience=one_of(command.experience, "intake_experience", EXPERIENCE),
        experience_note=clean_line(command.experience_note, "intake_experience_note", EXPERIENCE_NOTE_MAX,
                                   required=False),
        brings=clean_line(command.brings, "intake_brings", BRINGS_MAX, required=False),
        styles=_subset(command.styles, "intake_styles", STYLES),
        setting=one_of(command.setting, "intake_setting", SETTINGS),
        needs=_subset(command.needs, "intake_needs", NEEDS),
        access=clean_line(command.access, "intake_access", ACCESS_MAX, required=False),
        session=state.part(trajectory.PART).current,
    )
    before = state.part(PART).answers.get(me.pid)
    if before is not None and _answers(before) == _answers(event):
        return []  # saving the same answers again changes nothing
    return [event]


def _answers(item: Intake | IntakeSubmitted) -> tuple[Any, ...]:
    return (item.learn, item.experience, item.experience_note, item.brings, item.styles, item.setting,
            item.needs, item.access)


# ---------------------------------------------------------------- evolve


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    if not isinstance(event, IntakeSubmitted):
        raise TypeError(f"intake.evolve: unknown event {event!r}")
    before = state.part(PART).answers.get(event.pid)
    answers = dict(state.part(PART).answers)
    answers[event.pid] = Intake(
        pid=event.pid,
        learn=event.learn,
        experience=event.experience,
        experience_note=event.experience_note,
        brings=event.brings,
        styles=event.styles,
        setting=event.setting,
        needs=event.needs,
        access=event.access,
        submitted_at=before.submitted_at if before is not None else stamped.at,
        updated_at=stamped.at,
        session=event.session,
    )
    intake = dataclasses.replace(state.part(PART), answers=MappingProxyType(answers))
    return state.with_part(PART, intake)


# ---------------------------------------------------------------- the group profile


@dataclass(frozen=True, slots=True)
class Profile:
    """What the mentor shapes the programme with. Counts are over the people who filled it in."""

    filled: tuple[str, ...]  # pids, in join order
    missing: tuple[str, ...]  # pids of participants without an intake, in join order
    styles: tuple[tuple[str, int], ...]  # (code, count) in STYLES order
    settings: tuple[tuple[str, int], ...]
    experience: tuple[tuple[str, int], ...]
    needs: tuple[tuple[str, int], ...]  # only needs someone has, most common first


def profile(state: RoomState) -> Profile:
    answers = state.part(PART).answers
    people = tuple(state.participants)
    filled = tuple(pid for pid in people if pid in answers)
    mine = [answers[pid] for pid in filled]

    def tally(codes: Sequence[str], pick: Any) -> tuple[tuple[str, int], ...]:
        return tuple((code, sum(1 for item in mine if code in pick(item))) for code in codes)

    needs = [(code, n) for code, n in tally(NEEDS, lambda i: i.needs) if n]
    needs.sort(key=lambda pair: -pair[1])  # stable: ties keep the form's order
    return Profile(
        filled=filled,
        missing=tuple(pid for pid in people if pid not in answers),
        styles=tally(STYLES, lambda i: i.styles),
        settings=tally(SETTINGS, lambda i: (i.setting,)),
        experience=tally(EXPERIENCE, lambda i: (i.experience,)),
        needs=tuple(needs),
    )


# ---------------------------------------------------------------- export


def export(state: RoomState) -> dict[str, Any]:
    """This feature's part of the mentor's JSON export (Core.export)."""
    people = state.participants
    summary = profile(state)
    return {
        "answers": [
            {
                "person": item.pid,
                "name": people[item.pid].name,
                "learn": item.learn,
                "experience": item.experience,
                "experience_note": item.experience_note,
                "brings": item.brings,
                "styles": list(item.styles),
                "setting": item.setting,
                "needs": list(item.needs),
                "access": item.access,
                "submitted_at": item.submitted_at,
                "updated_at": item.updated_at,
                "session": item.session,
            }
            for item in state.part(PART).answers.values()
            if item.pid in people  # an erased person's answers leave with them
        ],
        "profile": {
            "filled": len(summary.filled),
            "missing": list(summary.missing),
            "styles": dict(summary.styles),
            "settings": dict(summary.settings),
            "experience": dict(summary.experience),
            "needs": dict(summary.needs),
        },
    }


FEATURE = CoreFeature(
    name="intake",
    commands=COMMANDS,
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        IntakeSubmitted: ("pid",),
    },
    export_key="intake",
    export=export,
)
