"""Websocket messages of e-mail between meetings, to core commands (rules: realtime/mail.py)."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import mail
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    # `lang`: the language of the page the form was on, so that their e-mail speaks it too.
    "mail_set": lambda f: mail.SetMailAddress(address=f.text("address"), consent=f.flag("consent"),
                                              language=f.text("lang")),
    "mail_stop": lambda f: mail.StopMail(),
}
