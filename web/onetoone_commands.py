"""Websocket messages of the one-to-one meetings, to core commands (rules: realtime/onetoone.py).
Booking, moving and cancelling carry the shell's clock: a slot that has begun is refused."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import onetoone
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "onetoone_offer": lambda f: onetoone.OfferSlot(
        sid=f.new_id(), date=f.text("date"), start=f.text("start"), minutes=f.text("minutes"),
        mode=f.text("mode"), place=f.text("link") if f.text("mode") == "online" else f.text("place")),
    "onetoone_remove": lambda f: onetoone.RemoveSlot(sid=f.text("sid")),
    "onetoone_limit": lambda f: onetoone.SetOneToOneLimit(limit=f.text("limit")),
    "onetoone_book": lambda f: onetoone.BookOneToOne(bid=f.new_id(), sid=f.text("sid"), now=f.now()),
    "onetoone_move": lambda f: onetoone.MoveOneToOne(bid=f.text("bid"), sid=f.text("sid"), now=f.now()),
    "onetoone_cancel": lambda f: onetoone.CancelOneToOne(bid=f.text("bid"), now=f.now()),
}
