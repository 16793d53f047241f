"""Websocket messages of the materials, to core commands (rules: realtime/materials.py).

Only a link comes over the socket: a file is a multipart form post (server/materials_routes.py),
and removing is a form post too, because the shell deletes the file's bytes after the event."""

from __future__ import annotations

from collections.abc import Mapping

from realtime import materials
from web.fields import Parser

PARSERS: Mapping[str, Parser] = {
    "material_link": lambda f: materials.AddLink(mid=f.new_id(), session=f.text("session"), title=f.text("title"),
                                                 url=f.text("url")),
}
