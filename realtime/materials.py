"""Materials: links and files the mentor adds to a meeting of the trajectory (slides, a case, a
reading), shown with that meeting on the trajectory and live pages.

A material belongs to one planned session (its number). A link is a title and an http(s) address;
a file is a title, the name it was uploaded with, its type as found from its first bytes, its size
and the random id it is kept under (server/files.py keeps the bytes, never under the user's name).
The shell stores the file first and then asks for `AddFile`: the core checks the count, the total
size the trajectory may hold (`budget`, from the settings: the core has no configuration of its own)
and the title, and a refusal makes the shell delete the file again. Only metadata is in the log, so
the export lists titles and names, never contents. Materials are the mentor's and name nobody.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from realtime import trajectory
from realtime.errors import Rejected
from realtime.events import Actor, Command, Event, Stamped
from realtime.feature import CoreFeature, Part
from realtime.guards import require_mentor
from realtime.text import clean_line, parse_link

if TYPE_CHECKING:
    from realtime.state import RoomState

TITLE_MAX = 120
FILENAME_MAX = 120
MATERIALS_MAX = 100  # per trajectory, links and files together
# The types a file may have (server/filetypes.py finds them from the content): kind -> media type.
KINDS: Mapping[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}

REASONS: Mapping[str, str] = {
    "materials_full": "There are already {max} materials: remove old ones first.",
    "materials_budget": "This trajectory has no room for this file: at most {max} MB of files in all.",
    "material_unknown": "That material does not exist (any more).",
    "material_session": "Pick one of the planned sessions.",
}


@dataclass(frozen=True, slots=True)
class Material:
    mid: str
    session: int
    title: str
    url: str = ""  # a link's address; "" for a file
    file_id: str = ""  # a file's id on disk; "" for a link
    filename: str = ""
    kind: str = ""  # one of KINDS for a file
    size: int = 0  # bytes

    @property
    def is_file(self) -> bool:
        return bool(self.file_id)


@dataclass(frozen=True, slots=True)
class MaterialsState:
    items: tuple[Material, ...] = ()  # in the order they were added

    def of(self, session: int) -> tuple[Material, ...]:
        return tuple(m for m in self.items if m.session == session)

    def get(self, mid: str) -> Material | None:
        return next((m for m in self.items if m.mid == mid), None)

    @property
    def total_bytes(self) -> int:
        return sum(m.size for m in self.items)


PART: Part[MaterialsState] = Part("materials", MaterialsState())


@dataclass(frozen=True, slots=True)
class AddLink(Command):
    mid: str
    session: str  # the text of a form field
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class AddFile(Command):
    """Sent by the shell after it kept the bytes under `file_id` (never from a socket)."""

    mid: str
    session: str
    title: str
    file_id: str
    filename: str
    kind: str
    size: int
    budget: int  # the bytes of files this trajectory may hold in all (KRING_FILES_TOTAL_MB)


@dataclass(frozen=True, slots=True)
class RemoveMaterial(Command):
    mid: str


@dataclass(frozen=True, slots=True)
class LinkAdded(Event):
    mid: str
    session: int
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class FileAdded(Event):
    mid: str
    session: int
    title: str
    file_id: str
    filename: str
    kind: str
    size: int


@dataclass(frozen=True, slots=True)
class MaterialRemoved(Event):
    mid: str


COMMANDS: tuple[type[Command], ...] = (AddLink, AddFile, RemoveMaterial)
EVENTS: tuple[type[Event], ...] = (LinkAdded, FileAdded, MaterialRemoved)


def _session(state: RoomState, value: object) -> int:
    """A planned session's number, from the text of a form field."""
    text = value.strip() if isinstance(value, str) else ""
    if not text.isascii() or not text.isdigit() or len(text) > 3:
        raise Rejected("material_session")
    number = int(text)
    if state.part(trajectory.PART).session(number) is None:
        raise Rejected("material_session")
    return number


def _room_for_one(state: RoomState) -> None:
    if len(state.part(PART).items) >= MATERIALS_MAX:
        raise Rejected("materials_full", max=MATERIALS_MAX)


def decide(state: RoomState, command: Command, actor: Actor) -> list[Event]:
    # Like messages, materials are for between the meetings too: a closed room still takes them.
    if isinstance(command, AddLink):
        require_mentor(actor)
        _room_for_one(state)
        session = _session(state, command.session)
        title = clean_line(command.title, "material_title", TITLE_MAX)
        if not (command.url.strip() if isinstance(command.url, str) else ""):
            raise Rejected("missing_field", field="material_url")
        url = parse_link(command.url, "material_url", required=True)
        return [LinkAdded(command.mid, session, title, url)]
    if isinstance(command, AddFile):
        require_mentor(actor)
        _room_for_one(state)
        session = _session(state, command.session)
        filename = clean_line(command.filename, "material_file", FILENAME_MAX)
        # No title: the file's name says what it is.
        title = clean_line(command.title, "material_title", TITLE_MAX, required=False) or filename
        if command.kind not in KINDS or command.size < 0:
            raise Rejected("bad_message")
        if state.part(PART).total_bytes + command.size > command.budget:
            raise Rejected("materials_budget", max=command.budget // 1_000_000)
        return [FileAdded(command.mid, session, title, command.file_id, filename, command.kind, command.size)]
    if isinstance(command, RemoveMaterial):
        require_mentor(actor)
        if state.part(PART).get(command.mid) is None:
            raise Rejected("material_unknown")
        return [MaterialRemoved(command.mid)]
    raise Rejected("unknown_command")


def evolve(state: RoomState, stamped: Stamped) -> RoomState:
    event = stamped.event
    part = state.part(PART)
    if isinstance(event, LinkAdded):
        item = Material(event.mid, event.session, event.title, url=event.url)
        part = dataclasses.replace(part, items=(*part.items, item))
    elif isinstance(event, FileAdded):
        item = Material(event.mid, event.session, event.title, file_id=event.file_id, filename=event.filename,
                        kind=event.kind, size=event.size)
        part = dataclasses.replace(part, items=(*part.items, item))
    elif isinstance(event, MaterialRemoved):
        part = dataclasses.replace(part, items=tuple(m for m in part.items if m.mid != event.mid))
    else:
        raise TypeError(f"materials.evolve: unknown event {event!r}")
    return state.with_part(PART, part)


def export(state: RoomState) -> Any:
    # Titles, addresses and file names only: the files themselves stay out of every export.
    return [
        {"session": m.session, "title": m.title, **({"filename": m.filename, "size": m.size} if m.is_file
                                                      else {"url": m.url})}
        for m in state.part(PART).items
    ]


FEATURE = CoreFeature(
    name="materials",
    commands=COMMANDS,
    mentor_only=(AddLink, AddFile, RemoveMaterial),
    events=EVENTS,
    decide=decide,
    evolve=evolve,
    personal={LinkAdded: (), FileAdded: (), MaterialRemoved: ()},
    part=PART,
    export=export,
    reasons=REASONS,
)
