"""Websocket messages of the group agreements, to core commands (rules: realtime/agreements.py)."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import agreements
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "agreement_propose": lambda f: agreements.ProposeAgreement(proposal=f.new_id(), text=f.text("text")),
    "agreement_remove": lambda f: agreements.RemoveProposal(proposal=f.text("proposal")),
    "agreements_fix": lambda f: agreements.FixAgreements(items=f.text("items")),
    "agreements_accept": lambda f: agreements.AcceptAgreements(round=f.text("round")),
}
