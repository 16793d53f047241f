"""The web side of the group agreements: one region on the live and trajectory pages (pinned near
the top of the phone), and the list on the projector.

Privacy: who accepted the list is the mentor's only (participants see whether they accepted
themselves); proposals show without their authors' names to everyone (a participant sees which
are their own, to remove them); the projector shows the fixed list only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realtime import agreements, events
from realtime.events import Role
from realtime.room import Room
from web import agreements_commands
from web.feature import BOTH_PAGES, NowEntry, ProjectorEntry, Region, Tab, WebFeature, nobody
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {
    "agreement_text": "Your proposal",
    "agreement_items": "The agreements",
}


@dataclass(frozen=True, slots=True)
class ProposalView:
    proposal: str
    text: str
    mine: bool


@dataclass(frozen=True, slots=True)
class AgreementsView:
    items: tuple[str, ...]
    round: int
    proposals: tuple[ProposalView, ...]
    accepted: bool  # the viewer (a participant) accepted this round's list
    # The mentor only: who accepted and who did not yet, by name; the list to edit.
    accepted_names: tuple[str, ...]
    waiting_names: tuple[str, ...]
    draft: str


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state
    part = state.part(agreements.PART)
    mentor = viewer.role is Role.MENTOR
    group = mentor or viewer.role is Role.PARTICIPANT
    accepted = agreements.accepted_by(state)
    people = list(state.participants.values())
    view = AgreementsView(
        items=part.items,
        round=part.round,
        proposals=tuple(ProposalView(p.proposal, p.text, bool(viewer.pid) and p.author == viewer.pid)
                        for p in part.proposals.values()) if group else (),
        accepted=viewer.pid in accepted,
        accepted_names=tuple(p.name for p in people if p.pid in accepted) if mentor else (),
        waiting_names=tuple(p.name for p in people if p.pid not in accepted) if mentor else (),
        draft="\n".join(part.items or [p.text for p in part.proposals.values()]) if mentor else "",
    )
    return {"agreements_view": view, "agreements_limits": agreements}


_MENTOR = frozenset({Role.MENTOR})
_PARTICIPANT = frozenset({Role.PARTICIPANT})
_ALL = frozenset({"agreements", "agreements-console", "stage"})

FEATURE = WebFeature(
    name="agreements",
    cores=(agreements.FEATURE,),
    parsers=agreements_commands.PARSERS,
    regions=(
        # Rendered per participant (their own accept button and proposals) ...
        Region("agreements", _PARTICIPANT, personal=True, order=3, on_pages=_PARTICIPANT, pages=BOTH_PAGES),
        # ... and once for the mentor, with names: so that someone joining re-renders the
        # mentor's copy only, not one copy per participant.
        Region("agreements-console", _MENTOR, order=3, on_pages=_MENTOR, section="agreements", pages=BOTH_PAGES),
    ),
    event_regions={
        **{cls: _ALL for cls in agreements.EVENTS},
        # The projector control offers the list once there is one.
        agreements.AgreementsFixed: _ALL | {"projector-control"},
        # The mentor's lists of who accepted show names.
        events.ParticipantJoined: frozenset({"agreements-console"}),
        events.ProfileUpdated: frozenset({"agreements-console"}),
        events.SessionEnded: frozenset({"agreements", "agreements-console"}),
    },
    context=context,
    field_labels=FIELD_LABELS,
    # Names (who accepted, who not yet) show only once a list was fixed.
    shows_person=lambda state, pid: state.part(agreements.PART).fixed,
    tabs=(Tab("agreements", "Agreements and messages", order=70),),
    projector=(ProjectorEntry("agreements", "Agreements", available=lambda state: state.part(agreements.PART).fixed),),
    # The list on the projector is the group's "now": the phones open it (to read and accept).
    now=(NowEntry("agreements", "Agreements", tab="more", item="agreements",
                  title=lambda state, ref: "" if state.part(agreements.PART).fixed else None,
                  events=frozenset({events.ProjectorViewChanged, agreements.AgreementsFixed}),
                  views=frozenset({"agreements"}), ref_of=lambda ref: ""),),
    stage_names={"agreements": nobody},  # the fixed list, without names
)
