"""Topics the group brings in: between sessions participants add topics or cases and vote on them.

Theory of operation
-------------------
A topic has a title, an optional detail, an author (a participant's pid, "" for the mentor) and a
set of voters. Participants add, edit and remove their own topics and vote on any topic: one vote
per topic per person, and voting again takes the vote back (a toggle). The mentor sorts by votes,
marks a topic for the agenda (`agenda`, which agenda.py also does when it turns a topic into a
block) or as `discussed`, and removes topics.

Voting on a removed topic, or twice, is decided against the state under the room's lock, so two
tabs or a crafted message cannot give a topic two votes from one person.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime import trajectory
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, Event, Role, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line, one_of

if TYPE_CHECKING:
    from realtime.state import RoomState

TITLE_MAX = 120
DETAIL_MAX = 600
TOPICS_MAX = 100
TOPICS_PER_PERSON_MAX = 10
ID_MAX = 32
STATUSES = ("open", "agenda", "discussed")


# Refusal reasons of this feature: code -> English message (the msgid of its translation).
REASONS: Mapping[str, str] = {
    "topic_not_found": "That topic does not exist (any more).",
    "topic_not_yours": "You can only change your own topics.",
    "topic_discussed": "That topic has been discussed already.",
    "topics_full": "There is no room for more topics ({max}).",
}


# ---------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Topic:
    tid: str
    author: str  # pid; "" for the mentor
    title: str
    detail: str
    created_at: float
    status: str = "open"
    voters: frozenset[str] = frozenset()
    # The session that was current when the mentor last marked it (0 without a trajectory).
    marked_in: int = 0

    @property
    def votes(self) -> int:
        return len(self.voters)


_NO_TOPICS: Mapping[str, Topic] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class TopicsState:
    topics: Mapping[str, Topic] = field(default_factory=lambda: _NO_TOPICS)  # in the order added

    def by_votes(self) -> list[Topic]:
        """Most votes first; equal votes in the order they were added. Discussed ones last."""
        ordered = sorted(
            enumerate(self.topics.values()), key=lambda it: (it[1].status == "discussed", -it[1].votes, it[0])
        )
        return [topic for _, topic in ordered]


PART: Part[TopicsState] = Part("topics", TopicsState())


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class AddTopic(Command):
    topic: str  # new id, from the shell
    title: str
    detail: str


@dataclass(frozen=True, slots=True)
class EditTopic(Command):
    topic: str
    title: str
    detail: str


@dataclass(frozen=True, slots=True)
class RemoveTopic(Command):
    topic: str


@dataclass(frozen=True, slots=True)
class VoteTopic(Command):
    """Vote for a topic, or take the vote back when already given."""

    topic: str


@dataclass(frozen=True, slots=True)
class MarkTopic(Command):
    topic: str
    status: str


COMMANDS: tuple[type[Command], ...] = (AddTopic, EditTopic, RemoveTopic, VoteTopic, MarkTopic)


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class TopicAdded(Event):
    topic: str
    pid: str
    title: str
    detail: str


@dataclass(frozen=True, slots=True)
class TopicEdited(Event):
    topic: str
    pid: str
    title: str
    detail: str


@dataclass(frozen=True, slots=True)
class TopicRemoved(Event):
    topic: str


@dataclass(frozen=True, slots=True)
class TopicVoted(Event):
    topic: str
    pid: str
    up: bool  # False: the vote was taken back


@dataclass(frozen=True, slots=True)
class TopicMarked(Event):
    topic: str
    status: str
    session: int


EVENTS: tuple[type[Event], ...] = (TopicAdded, TopicEdited, TopicRemoved, TopicVoted, TopicMarked)


# ---------------------------------------------------------------- decide


def _author(state: RoomState, actor: Actor) -> str:
    if actor.role is Role.MENTOR:
        return ""
    return require_member(state, actor).pid


def topic_of(state: RoomState, tid: object) -> Topic:
    found = state.part(PART).topics.get(tid) if isinstance(tid, str) else None
    if found is None:
        raise Rejected("topic_not_found")
    return found


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_open(state)
    topics = state.part(PART).topics
    if isinstance(command, AddTopic):
        author = _author(state, actor)
        title = clean_line(command.title, "topic_title", TITLE_MAX)
        detail = clean_line(command.detail, "topic_detail", DETAIL_MAX, required=False)
        if len(topics) >= TOPICS_MAX:
            raise Rejected("topics_full", max=TOPICS_MAX)
        if author and sum(1 for t in topics.values() if t.author == author) >= TOPICS_PER_PERSON_MAX:
            raise Rejected("topics_full", max=TOPICS_PER_PERSON_MAX)
        tid = command.topic
        if not isinstance(tid, str) or not tid or len(tid) > ID_MAX or tid in topics:
            raise Rejected("bad_message")
        return [TopicAdded(tid, author, title, detail)]
    if isinstance(command, EditTopic):
        topic = topic_of(state, command.topic)
        if _author(state, actor) != topic.author:
            raise Forbidden("topic_not_yours")
        title = clean_line(command.title, "topic_title", TITLE_MAX)
        detail = clean_line(command.detail, "topic_detail", DETAIL_MAX, required=False)
        if (title, detail) == (topic.title, topic.detail):
            return []
        return [TopicEdited(topic.tid, topic.author, title, detail)]
    if isinstance(command, RemoveTopic):
        topic = topic_of(state, command.topic)
        if actor.role is not Role.MENTOR and _author(state, actor) != topic.author:
            raise Forbidden("topic_not_yours")
        return [TopicRemoved(topic.tid)]
    if isinstance(command, VoteTopic):
        me = require_member(state, actor)
        topic = topic_of(state, command.topic)
        if topic.status == "discussed":
            raise Rejected("topic_discussed")
        return [TopicVoted(topic.tid, me.pid, me.pid not in topic.voters)]
    if isinstance(command, MarkTopic):
        require_mentor(actor)
        topic = topic_of(state, command.topic)
        status = one_of(command.status, "topic_status", STATUSES)
        return [] if status == topic.status else [TopicMarked(topic.tid, status, state.part(trajectory.PART).current)]
    raise Rejected("unknown_command")


# ---------------------------------------------------------------- evolve


def _with(state: TopicsState, topic: Topic) -> TopicsState:
    topics = dict(state.topics)
    topics[topic.tid] = topic
    return TopicsState(MappingProxyType(topics))


def _fold(state: TopicsState, event: Event, at: float) -> TopicsState:
    if isinstance(event, TopicAdded):
        return _with(state, Topic(event.topic, event.pid, event.title, event.detail, at))
    topic = state.topics.get(getattr(event, "topic", ""))
    if topic is None:
        if isinstance(event, EVENTS):
            return state  # about a topic removed in the meantime
        raise TypeError(f"topics.evolve: unknown event {event!r}")
    if isinstance(event, TopicEdited):
        return _with(state, dataclasses.replace(topic, title=event.title, detail=event.detail))
    if isinstance(event, TopicRemoved):
        topics = dict(state.topics)
        del topics[topic.tid]
        return TopicsState(MappingProxyType(topics))
    if isinstance(event, TopicVoted):
        voters = topic.voters | {event.pid} if event.up else topic.voters - {event.pid}
        return _with(state, dataclasses.replace(topic, voters=voters))
    if isinstance(event, TopicMarked):
        return _with(state, dataclasses.replace(topic, status=event.status, marked_in=event.session))
    raise TypeError(f"topics.evolve: unknown event {event!r}")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    return state.with_part(PART, _fold(state.part(PART), stamped.event, stamped.at))


# ---------------------------------------------------------------- export


def export(state: RoomState) -> Any:
    names = {pid: p.name for pid, p in state.participants.items()}
    return [
        {
            "id": t.tid,
            "title": t.title,
            "detail": t.detail,
            "author": t.author or None,
            "author_name": names.get(t.author, "") if t.author else "",
            "status": t.status,
            "votes": t.votes,
            "created_at": t.created_at,
        }
        for t in state.part(PART).by_votes()
    ]


FEATURE = CoreFeature(
    name="topics",
    commands=COMMANDS,
    mentor_only=(MarkTopic,),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    part=PART,
    personal={
        TopicAdded: ("pid",),
        TopicEdited: ("pid",),
        TopicRemoved: (),
        TopicVoted: ("pid",),
        TopicMarked: (),
    },
    export_key="topics",
    export=export,
    reasons=REASONS,
    creates={TopicAdded: "topic"},
    refers=("topic",),
)
