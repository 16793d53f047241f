"""The session itself: creating it, joining, profiles, title, language, the projector, ending,
personal links and erasing a participant. Every room has it; the other features build on it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

from realtime import breakouts, limits
from realtime.errors import Forbidden, Rejected
from realtime.events import (
    SESSION_COMMANDS,
    SESSION_EVENTS,
    Actor,
    Command,
    CreateSession,
    EndSession,
    EraseParticipant,
    Event,
    Join,
    LanguageChanged,
    LinkReissued,
    LinkUsed,
    ParticipantErased,
    ParticipantJoined,
    ProfileUpdated,
    ProjectorViewChanged,
    Redacted,
    ReissueLink,
    Role,
    SessionCreated,
    SessionEnded,
    SetLanguage,
    SetProjectorView,
    SetTitle,
    Stamped,
    TitleChanged,
    UpdateProfile,
    UseLink,
)
from realtime.feature import CoreFeature
from realtime.guards import require_member, require_mentor, require_open
from realtime.state import Participant, RoomState
from realtime.text import clean_line, one_of

REASONS: Mapping[str, str] = {
    "session_exists": "A session with this code already exists.",
    "already_joined": "You have already joined this session.",
    "room_full": "This session is full ({max} people).",
}


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:  # noqa: C901 (one branch per command)
    if isinstance(command, SetProjectorView):
        # Which views exist is the core's to check (Core.decide): the features offer them.
        require_mentor(actor)
        ref = clean_line(command.ref, "ref", 64, required=False)
        if (command.view, ref) == (state.projector_view, state.projector_ref):
            return []
        return [ProjectorViewChanged(command.view, ref)]
    if isinstance(command, CreateSession):
        require_mentor(actor)
        if state.exists:
            raise Rejected("session_exists")
        return [
            SessionCreated(
                title=clean_line(command.title, "title", limits.TITLE_MAX),
                language=one_of(command.language, "language", limits.LANGUAGES),
                code=command.code,
                join_token=command.join_token,
                mentor_key_hash=command.mentor_key_hash,
            )
        ]
    if isinstance(command, Join):
        if actor.role is not Role.PARTICIPANT or actor.pid != command.pid or not command.pid:
            raise Forbidden("not_participant")
        require_open(state)
        if command.pid in state.participants:
            raise Rejected("already_joined")
        if len(state.participants) >= limits.PARTICIPANTS_MAX:
            raise Rejected("room_full", max=limits.PARTICIPANTS_MAX)
        return [
            ParticipantJoined(
                pid=command.pid,
                name=clean_line(command.name, "name", limits.NAME_MAX),
                location=one_of(command.location, "location", limits.LOCATIONS),
                token_hash=command.token_hash,
            )
        ]
    if isinstance(command, UpdateProfile):
        me = require_member(state, actor)
        require_open(state)
        name = clean_line(command.name, "name", limits.NAME_MAX)
        location = one_of(command.location, "location", limits.LOCATIONS)
        if (name, location) == (me.name, me.location):
            return []
        return [ProfileUpdated(pid=me.pid, name=name, location=location)]
    if isinstance(command, SetTitle):
        require_mentor(actor)
        title = clean_line(command.title, "title", limits.TITLE_MAX)
        return [] if title == state.title else [TitleChanged(title)]
    if isinstance(command, SetLanguage):
        require_mentor(actor)
        language = one_of(command.language, "language", limits.LANGUAGES)
        return [] if language == state.language else [LanguageChanged(language)]
    if isinstance(command, EndSession):
        require_mentor(actor)
        # Breakout groups that still run are brought back first: nothing runs on after the end.
        return [] if state.ended else [*breakouts.end_running(state), SessionEnded()]
    if isinstance(command, ReissueLink):
        require_mentor(actor)
        if command.pid not in state.participants:
            raise Rejected("not_a_member")
        if not command.token_hash:
            raise Rejected("bad_message")
        return [LinkReissued(pid=command.pid, token_hash=command.token_hash)]
    if isinstance(command, UseLink):
        me = require_member(state, actor)
        if me.pid != command.pid:
            raise Forbidden("not_participant")
        return [LinkUsed(pid=me.pid)]
    if isinstance(command, EraseParticipant):
        # Deleting one's data works in an ended room too: consent does not expire.
        if actor.role is not Role.MENTOR:
            me = require_member(state, actor)
            if me.pid != command.pid:
                raise Forbidden("not_mentor")
        if command.pid not in state.participants:
            raise Rejected("not_a_member")
        return [ParticipantErased(pid=command.pid)]
    raise Rejected("unknown_command")


def _with_participant(state: RoomState, participant: Participant) -> Mapping[str, Participant]:
    updated = dict(state.participants)
    updated[participant.pid] = participant
    return MappingProxyType(updated)


def evolve(state: RoomState, stamped: Stamped) -> RoomState:  # noqa: C901 (one branch per event)
    event = stamped.event
    if isinstance(event, ProjectorViewChanged):
        return dataclasses.replace(state, projector_view=event.view, projector_ref=event.ref)
    if isinstance(event, SessionCreated):
        return dataclasses.replace(
            state,
            code=event.code,
            title=event.title,
            language=event.language,
            join_token=event.join_token,
            mentor_key_hash=event.mentor_key_hash,
            created_at=stamped.at,
        )
    if isinstance(event, ParticipantJoined):
        joined = Participant(event.pid, event.name, event.location, event.token_hash, stamped.at)
        return dataclasses.replace(state, participants=_with_participant(state, joined))
    if isinstance(event, ProfileUpdated):
        current = state.participants[event.pid]
        updated = dataclasses.replace(current, name=event.name, location=event.location)
        return dataclasses.replace(state, participants=_with_participant(state, updated))
    if isinstance(event, TitleChanged):
        return dataclasses.replace(state, title=event.title)
    if isinstance(event, LanguageChanged):
        return dataclasses.replace(state, language=event.language)
    if isinstance(event, SessionEnded):
        return dataclasses.replace(state, ended_at=stamped.at)
    if isinstance(event, LinkReissued):
        person = state.participants.get(event.pid)
        if person is None:
            return state
        updated = dataclasses.replace(person, token_hash=event.token_hash)
        return dataclasses.replace(state, participants=_with_participant(state, updated))
    if isinstance(event, LinkUsed):
        person = state.participants.get(event.pid)
        if person is None:
            return state
        used = dataclasses.replace(person, link_used_at=stamped.at)
        return dataclasses.replace(state, participants=_with_participant(state, used))
    if isinstance(event, ParticipantErased):
        # Their own events become Redacted in the log (realtime/erasure.py); until the room is
        # reloaded from that log, they at least leave the participants (and so every view).
        remaining = {pid: p for pid, p in state.participants.items() if pid != event.pid}
        return dataclasses.replace(state, participants=MappingProxyType(remaining))
    if isinstance(event, Redacted):
        return state
    raise TypeError(f"session.evolve: unknown event {event!r}")


def export(state: RoomState) -> list[dict[str, object]]:
    return [
        {"id": p.pid, "name": p.name, "location": p.location, "joined_at": p.joined_at}
        for p in state.participants.values()
    ]


FEATURE = CoreFeature(
    name="session",
    commands=SESSION_COMMANDS,
    mentor_only=(CreateSession, SetTitle, SetLanguage, EndSession, SetProjectorView, ReissueLink),
    events=(*SESSION_EVENTS, ProjectorViewChanged),
    decide=decide,
    evolve=evolve,
    personal={
        SessionCreated: (),
        ParticipantJoined: ("pid",),
        ProfileUpdated: ("pid",),
        TitleChanged: (),
        LanguageChanged: (),
        SessionEnded: (),
        LinkReissued: ("pid",),
        LinkUsed: ("pid",),
        # The erasure itself stays in the log (it names whose data went, not what it was).
        ParticipantErased: (),
        Redacted: (),
        ProjectorViewChanged: (),
    },
    export_key="participants",
    export=export,
    reasons=REASONS,
    projector_views=("join",),
)
