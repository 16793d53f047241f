"""Group agreements: how the group works together (the guide: "zorg voor duidelijke afspraken over
communicatie en deelname").

Theory of operation
-------------------
In the first meeting everyone (participants and the mentor) proposes agreements, one line each.
The mentor then fixes the list: the lines they choose, in their own words where needed. Fixing
starts a round of acceptance: each participant accepts the list on their phone; who accepted is
shown to the mentor only. The fixed list is pinned on the phones and can be shown on the
projector at any meeting. Revisiting is fixing the list again: a new round, and everyone accepts
again (acceptances of an earlier round do not count for a new list).

A proposal names its author (the participant who typed it), so erasure takes it; the fixed list
is the mentor's text and names nobody, as the mentor wrote it, even when a line began as
someone's proposal (as a carry-over that mentions an idea from a post-it does).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Role, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_member, require_mentor, require_open
from realtime.text import clean_line

if TYPE_CHECKING:
    from realtime.state import RoomState

TEXT_MAX = 200
PROPOSALS_MAX = 40
ITEMS_MAX = 15

REASONS: Mapping[str, str] = {
    "agreements_full": "There are already {max} proposals.",
    "agreements_too_many": "A list has at most {max} agreements.",
    "agreement_unknown": "That proposal does not exist (any more).",
    "agreement_not_yours": "You can only remove your own proposals.",
    "agreements_not_fixed": "The mentor has not fixed the agreements yet.",
    "agreements_old_round": "The agreements changed: read them again and accept the new list.",
}


@dataclass(frozen=True, slots=True)
class Proposal:
    proposal: str
    text: str
    author: str  # participant id; "" when the mentor proposed it


@dataclass(frozen=True, slots=True)
class AgreementsState:
    proposals: Mapping[str, Proposal] = field(default_factory=lambda: MappingProxyType({}))
    items: tuple[str, ...] = ()  # the fixed list
    round: int = 0  # 0: never fixed; each fixing is a new round of acceptance
    accepted: frozenset[str] = frozenset()  # who accepted this round's list

    @property
    def fixed(self) -> bool:
        return self.round > 0


PART: Part[AgreementsState] = Part("agreements", AgreementsState())


@dataclass(frozen=True, slots=True)
class ProposeAgreement(Command):
    proposal: str
    text: str


@dataclass(frozen=True, slots=True)
class RemoveProposal(Command):
    proposal: str


@dataclass(frozen=True, slots=True)
class FixAgreements(Command):
    """The whole list, one agreement per line."""

    items: str


@dataclass(frozen=True, slots=True)
class AcceptAgreements(Command):
    round: str  # the round the participant read: a list fixed since then must be read first


@dataclass(frozen=True, slots=True)
class AgreementProposed(Event):
    proposal: str
    text: str
    author: str


@dataclass(frozen=True, slots=True)
class ProposalRemoved(Event):
    proposal: str


@dataclass(frozen=True, slots=True)
class AgreementsFixed(Event):
    round: int
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AgreementsAccepted(Event):
    pid: str
    round: int


COMMANDS: tuple[type[Command], ...] = (ProposeAgreement, RemoveProposal, FixAgreements, AcceptAgreements)
EVENTS: tuple[type[Event], ...] = (AgreementProposed, ProposalRemoved, AgreementsFixed, AgreementsAccepted)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    require_open(state)
    part = state.part(PART)
    if isinstance(command, ProposeAgreement):
        author = _member_or_mentor(state, actor)
        if len(part.proposals) >= PROPOSALS_MAX:
            raise Rejected("agreements_full", max=PROPOSALS_MAX)
        text = clean_line(command.text, "agreement_text", TEXT_MAX)
        return [AgreementProposed(command.proposal, text, author)]
    if isinstance(command, RemoveProposal):
        author = _member_or_mentor(state, actor)
        proposal = part.proposals.get(command.proposal)
        if proposal is None:
            raise Rejected("agreement_unknown")
        if actor.role is not Role.MENTOR and proposal.author != author:
            raise Rejected("agreement_not_yours")
        return [ProposalRemoved(command.proposal)]
    if isinstance(command, FixAgreements):
        require_mentor(actor)
        raw = command.items if isinstance(command.items, str) else ""
        lines = [line for line in raw.replace("\r", "\n").split("\n") if line.strip()]
        if len(lines) > ITEMS_MAX:
            raise Rejected("agreements_too_many", max=ITEMS_MAX)
        items = tuple(clean_line(line, "agreement_items", TEXT_MAX) for line in lines)
        if not items:
            raise Rejected("missing_field", field="agreement_items")
        if items == part.items:
            return []
        return [AgreementsFixed(part.round + 1, items)]
    if isinstance(command, AcceptAgreements):
        pid = require_member(state, actor).pid
        if not part.fixed:
            raise Rejected("agreements_not_fixed")
        if command.round.strip() != str(part.round):
            raise Rejected("agreements_old_round")
        if pid in part.accepted:
            return []
        return [AgreementsAccepted(pid, part.round)]
    raise Rejected("unknown_command")


def _member_or_mentor(state: RoomState, actor: Actor) -> str:
    """The author id of a proposal: the participant's id, or "" for the mentor."""
    if actor.role is Role.MENTOR:
        return ""
    return require_member(state, actor).pid


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    part = state.part(PART)
    if isinstance(event, AgreementProposed):
        proposals = dict(part.proposals)
        proposals[event.proposal] = Proposal(event.proposal, event.text, event.author)
        part = dataclasses.replace(part, proposals=MappingProxyType(proposals))
    elif isinstance(event, ProposalRemoved):
        proposals = dict(part.proposals)
        proposals.pop(event.proposal, None)
        part = dataclasses.replace(part, proposals=MappingProxyType(proposals))
    elif isinstance(event, AgreementsFixed):
        part = dataclasses.replace(part, items=event.items, round=event.round, accepted=frozenset())
    elif isinstance(event, AgreementsAccepted):
        if event.round == part.round:
            part = dataclasses.replace(part, accepted=part.accepted | {event.pid})
    else:
        raise TypeError(f"agreements.evolve: unknown event {event!r}")
    return state.with_part(PART, part)


def accepted_by(state: RoomState) -> frozenset[str]:
    """Who accepted the current list, of the people still in the group (the mentor's view)."""
    return frozenset(pid for pid in state.part(PART).accepted if pid in state.participants)


def export(state: RoomState) -> Any:
    part = state.part(PART)
    names = {p.pid: p.name for p in state.participants.values()}
    return {
        "round": part.round,
        "items": list(part.items),
        "accepted_by": sorted(names[pid] for pid in accepted_by(state)),
        "proposals": [{"text": p.text, "author": names.get(p.author, "")} for p in part.proposals.values()],
    }


FEATURE = CoreFeature(
    name="agreements",
    commands=COMMANDS,
    mentor_only=(FixAgreements,),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    # A proposal and an acceptance name their participant; the fixed list is the mentor's text.
    personal={
        AgreementProposed: ("author",),
        ProposalRemoved: (),
        AgreementsFixed: (),
        AgreementsAccepted: ("pid",),
    },
    # A proposal's removal refers to it: erasing the author takes that event too.
    creates={AgreementProposed: "proposal"},
    refers=("proposal",),
    part=PART,
    export=export,
    reasons=REASONS,
    projector_views=("agreements",),
)
