"""The web side of e-mail between meetings: one region on the participant's pages (their own
address and consent, to give, change or stop) and on the mentor's (who gets e-mail).

Only where the operator configured an SMTP server: server/kring.py leaves this feature's regions
and parsers out otherwise (server/feature.py `Feature.enabled`), so no page offers e-mail that
would never be sent.

Privacy: a participant's address is shown on their own pages only (the region is personal); the
mentor sees whose e-mail is on, never an address (the mentor reaches the group through Kring, and
an address given for reminders is not given to the mentor); the projector gets nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from realtime import events, mail
from realtime.events import Role
from realtime.room import Room
from web import mail_commands
from web.feature import BOTH_PAGES, Region, WebFeature
from web.viewer import Viewer

FIELD_LABELS: Mapping[str, str] = {"mail_address": "E-mail address"}


def context(room: Room, viewer: Viewer) -> Mapping[str, Any]:
    state = room.state
    subscribers = state.part(mail.PART).subscribers
    if viewer.role is Role.PARTICIPANT:
        mine = subscribers.get(viewer.pid)
        return {"mail_mine": mine.address if mine is not None else "", "mail_names": (),
                "mail_limits": mail}
    names = tuple(p.name for p in state.participants.values() if p.pid in subscribers) \
        if viewer.role is Role.MENTOR else ()
    return {"mail_mine": "", "mail_names": names, "mail_limits": mail}


_GROUP = frozenset({Role.MENTOR, Role.PARTICIPANT})
_REGION = frozenset({"mail"})

FEATURE = WebFeature(
    name="mail",
    cores=(mail.FEATURE,),
    parsers=mail_commands.PARSERS,
    regions=(Region("mail", _GROUP, personal=True, order=5, on_pages=_GROUP, section="agreements",
                    pages=BOTH_PAGES),),
    event_regions={
        mail.MailAddressSet: _REGION,
        mail.MailStopped: _REGION,
        # What was sent is on no page.
        mail.MailClaimed: frozenset(),
        mail.MailSent: frozenset(),
        # The mentor's list names people.
        events.ParticipantJoined: _REGION,
        events.ProfileUpdated: _REGION,
    },
    context=context,
    # Only the mentor's list shows people, and only those who get e-mail.
    shows_person=lambda state, pid: pid in state.part(mail.PART).subscribers,
    field_labels=FIELD_LABELS,
)
