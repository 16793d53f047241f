"""What the simulated participants do, and how their effect is recognised in the frames they get.

`Renames` is the action of issue 7's scenarios: a participant renames themselves and everyone's
#presence shows the new name. `Retro` is the `retro` scenario's (a wall of 200 post-its; issue 13):
participants add post-its (40 %), vote on one (40 %) and move one to another column (20 %).
Latency is measured on what carries a unique name ("P{slot} v{counter}": the new name, the new
post-it's text); every frame is counted by the kind of change it carries, so bytes per delivery
can be told apart for adds, votes and moves.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

HEADERS = {"HX-Request": "true", "HX-Source": "form", "HX-Target": "me"}


class Renames:
    name_res = {"kring": re.compile(r'class="person-name">P(\d+) v(\d+)</span>'),
                "floor": re.compile(r'"name":"P(\d+) v(\d+)"')}

    def name_re(self, kind: str) -> re.Pattern[str]:
        return self.name_res[kind]

    def payload(self, room: int, slot: int, counter: int) -> dict[str, Any]:
        return {"cmd": "profile", "name": f"P{slot} v{counter}", "location": "room", "headers": HEADERS}

    def measured(self, counter: int) -> bool:
        return True

    def observe(self, room: int, text: str) -> None:
        pass

    def kind_of(self, text: str) -> str:
        return "rename"


@dataclass
class WallIds:
    wid: str = ""
    columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    known: set[str] = field(default_factory=set)


RETRO_CYCLE = ("add", "vote", "add", "move", "vote", "add", "vote", "add", "vote", "move")


def retro_kind(counter: int) -> str:
    return RETRO_CYCLE[counter % len(RETRO_CYCLE)]


class Retro:
    name_res = {"kring": re.compile(r'class="note-text">P(\d+) v(\d+)</p>'),
                "floor": re.compile(r'"text":"P(\d+) v(\d+)"')}
    WALL = re.compile(r'data-wall="([^"]+)"')
    COLUMN = re.compile(r'data-column="([^"]+)"')
    NOTE = re.compile(r'data-note="([^"]+)"')

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.rooms: dict[int, WallIds] = {}

    def name_re(self, kind: str) -> re.Pattern[str]:
        return self.name_res[kind]

    def ids(self, room: int) -> WallIds:
        found = self.rooms.get(room)
        if found is None:
            found = self.rooms[room] = WallIds()
            if self.kind == "floor":  # the floor only relays: any ids will do
                found.wid, found.columns = "w", ["a", "b", "c", "d"]
                found.notes = [f"n{i}" for i in range(200)]
        return found

    def observe(self, room: int, text: str) -> None:
        if self.kind != "kring" or "data-note" not in text:
            return
        ids = self.ids(room)
        if not ids.wid:
            wall = self.WALL.search(text)
            if wall is not None:
                ids.wid = wall.group(1)
                ids.columns = list(dict.fromkeys(self.COLUMN.findall(text)))
        for nid in self.NOTE.findall(text):
            if nid not in ids.known:
                ids.known.add(nid)
                ids.notes.append(nid)

    def payload(self, room: int, slot: int, counter: int) -> dict[str, Any]:
        ids = self.ids(room)
        pick = random.Random(counter)
        kind = retro_kind(counter)
        if kind == "add" or not ids.notes:
            return {"cmd": "wall_note_add", "wall": ids.wid, "text": f"P{slot} v{counter}", "colour": "yellow",
                    "column": pick.choice(ids.columns) if ids.columns else "", "headers": HEADERS}
        note = pick.choice(ids.notes)
        if kind == "vote":
            return {"cmd": "wall_vote", "wall": ids.wid, "note": note, "headers": HEADERS}
        return {"cmd": "wall_move", "wall": ids.wid, "note": note, "column": pick.choice(ids.columns),
                "headers": HEADERS}

    def measured(self, counter: int) -> bool:
        return retro_kind(counter) == "add"

    def kind_of(self, text: str) -> str:
        """What change a frame carries (Kring's frames): the whole wall, a placed post-it (added:
        one column's count; moved: every column's), a vote count, several changes packed in one
        frame ("mixed": a saturated server sends what piled up together, so such a frame is no
        one change's cost), or something else."""
        if self.kind == "floor":
            match = re.search(r'"cmd":"wall_(note_add|vote|move)"', text)
            return {"note_add": "add", "vote": "vote", "move": "move"}[match.group(1)] if match else "other"
        if 'id="wall"' in text:
            return "wall"
        placed = text.count('hx-swap-oob="delete"')  # each placed post-it is taken out first
        votes = text.count('id="votes-')  # a placed post-it carries its own count, a vote one
        if placed > 1 or votes > max(placed, 1):
            return "mixed"
        if placed == 1:
            return "add" if text.count('class="wall-col-count"') <= 1 else "move"
        if votes == 1:
            return "vote"
        return "other"


def actions_for(action: str, kind: str) -> Renames | Retro:
    return Retro(kind) if action == "retro" else Renames()
