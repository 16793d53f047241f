"""The commands only the mentor may give are declared once, on each feature (CoreFeature.mentor_only),
and the hub refuses them by role alone before they wait in a room's queue (issue 14). This walks
every command of every feature and checks that the declaration says what the feature's decide does:
a declared command decided for a participant or the projector raises Forbidden("not_mentor"); any
other command decided for a participant does not. So the declaration and the deciders cannot drift.

Each command is built with plain values for its fields (every text is the participant's own id, so
a command about "my own" thing is about the actor's). The feature's own decide is asked, not
Core.decide: Core checks a projector view's name first, and the hub's check, like this one, is about
the role alone.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from realtime.core import Core, DeclarationError
from realtime.errors import Forbidden, KringError
from realtime.events import Actor, Command, Role
from realtime.feature import CoreFeature
from tests.corekit import CORE, MENTOR, Log, who

PARTICIPANT = who("p1")
PROJECTOR = Actor(Role.PROJECTOR)
STATE = Log("p1", "p2").state
# A plain value for each field type a command has; a new type fails loudly here.
VALUES: dict[str, Any] = {"str": "p1", "str | None": None, "bool": False, "int": 1, "float": 1.0}


def plain(command: type[Command]) -> Command:
    values = {}
    for field in dataclasses.fields(command):
        kind = str(field.type)
        values[field.name] = () if kind.startswith("tuple[") else VALUES[kind]
    return command(**values)


def refusal(feature: CoreFeature, command: Command, actor: Actor) -> str:
    """The code decide answers with ("" when it accepts)."""
    try:
        feature.decide(STATE, command, actor)
    except KringError as refused:
        return f"{type(refused).__name__}:{getattr(refused, 'code', '')}"
    return ""


def params() -> list[Any]:
    return [pytest.param(f, id=f.name) for f in CORE.features]


@pytest.mark.parametrize("feature", params())
def test_the_mentor_only_declaration_says_what_decide_does(feature: CoreFeature) -> None:
    wrong = []
    for kind in feature.commands:
        command = plain(kind)
        declared = kind in feature.mentor_only
        for actor in (PARTICIPANT, PROJECTOR) if declared else (PARTICIPANT,):
            answer = refusal(feature, command, actor)
            if declared != (answer == "Forbidden:not_mentor"):
                wrong.append(f"{kind.__name__} ({'declared' if declared else 'not declared'} mentor-only) "
                             f"for the {actor.role.value}: {answer or 'accepted'}")
    assert not wrong, wrong


def test_the_hub_check_refuses_exactly_the_declared_commands_to_all_but_the_mentor() -> None:
    assert len(CORE.mentor_only) >= 100  # every feature's, gathered by Core
    for kind in CORE.commands:
        command = plain(kind)
        CORE.require_role(command, MENTOR)
        for actor in (PARTICIPANT, PROJECTOR):
            if kind in CORE.mentor_only:
                with pytest.raises(Forbidden) as refused:
                    CORE.require_role(command, actor)
                assert refused.value.code == "not_mentor"
            else:
                CORE.require_role(command, actor)


def test_a_feature_cannot_declare_a_command_of_another_mentor_only() -> None:
    session = CORE.feature("session")
    queue = CORE.feature("queue")
    stray = dataclasses.replace(session, mentor_only=(*session.mentor_only, queue.commands[0]))
    with pytest.raises(DeclarationError, match="mentor_only"):
        Core([stray, queue])
