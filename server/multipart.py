"""A small streaming reader of multipart/form-data (RFC 7578), for the one form that uploads a file.

Why our own: Starlette's form parser needs python-multipart and spools a whole file before the
handler sees it; an upload must instead be written to disk as it arrives and stopped at the size
limit, and its form token must be checked before a single byte of the file is kept. The reader is
pushed chunks and hands back pieces in order: small fields whole (`Field`), a file as `FileStart`,
any number of `FileData` and `FileEnd`. It keeps at most one delimiter's length of a file between
chunks, so memory stays at a chunk's size whatever the file's. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELD_MAX = 4096  # bytes of one plain field (a title, the form token)
HEADER_MAX = 4096  # bytes of one part's headers
PARTS_MAX = 10
BOUNDARY_MAX = 70  # RFC 2046

_PARAM = re.compile(r';\s*([A-Za-z*]+)="((?:[^"\\]|\\.)*)"')
_BOUNDARY = re.compile(r'boundary=(?:"([^"]{1,70})"|([^\s;,"]{1,70}))', re.IGNORECASE)


class MultipartError(Exception):
    """The body is not the multipart form it claims to be (or is larger than a field may be)."""


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class FileStart:
    name: str
    filename: str


@dataclass(frozen=True, slots=True)
class FileData:
    data: bytes


@dataclass(frozen=True, slots=True)
class FileEnd:
    pass


Piece = Field | FileStart | FileData | FileEnd


def boundary_of(content_type: str) -> bytes | None:
    """The boundary of a multipart/form-data Content-Type header, or None when it is not one."""
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    match = _BOUNDARY.search(content_type)
    if match is None:
        return None
    return (match.group(1) or match.group(2)).encode("ascii", "replace")


class MultipartReader:
    """Feed it the body's chunks in order; `finish` when the body ended."""

    def __init__(self, boundary: bytes) -> None:
        if not 0 < len(boundary) <= BOUNDARY_MAX:
            raise MultipartError("boundary")
        self._first = b"--" + boundary
        self._delimiter = b"\r\n--" + boundary
        self._buffer = b""
        self._state = "preamble"  # -> headers -> body -> after -> ... -> end
        self._parts = 0
        self._name = ""
        self._is_file = False
        self._field = bytearray()

    @property
    def ended(self) -> bool:
        return self._state == "end"

    def feed(self, chunk: bytes) -> list[Piece]:
        self._buffer += chunk
        pieces: list[Piece] = []
        while self._step(pieces):
            pass
        return pieces

    def finish(self) -> None:
        """The body ended: it must have ended with the closing delimiter."""
        if self._state != "end":
            raise MultipartError("truncated")

    def _step(self, pieces: list[Piece]) -> bool:
        """One step of the state machine; False when it needs more bytes."""
        if self._state == "preamble":
            at = self._buffer.find(self._first)
            if at < 0:
                if len(self._buffer) > HEADER_MAX:
                    raise MultipartError("no boundary")
                return False
            self._buffer = self._buffer[at + len(self._first):]
            self._state = "after"
            return True
        if self._state == "after":
            if len(self._buffer) < 2:
                return False
            mark, self._buffer = self._buffer[:2], self._buffer[2:]
            if mark == b"--":
                self._state = "end"
                self._buffer = b""
                return False
            if mark != b"\r\n":
                raise MultipartError("delimiter")
            self._state = "headers"
            return True
        if self._state == "headers":
            return self._headers(pieces)
        if self._state == "body":
            return self._body(pieces)
        self._buffer = b""  # "end": the epilogue is ignored
        return False

    def _headers(self, pieces: list[Piece]) -> bool:
        at = self._buffer.find(b"\r\n\r\n")
        if at < 0:
            if len(self._buffer) > HEADER_MAX:
                raise MultipartError("headers too large")
            return False
        raw, self._buffer = self._buffer[:at], self._buffer[at + 4:]
        self._parts += 1
        if self._parts > PARTS_MAX:
            raise MultipartError("too many parts")
        disposition = ""
        for line in raw.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip().lower() == "content-disposition":
                disposition = value.strip()
        if not disposition.lower().startswith("form-data"):
            raise MultipartError("not form-data")
        params = {key.lower(): value.replace('\\"', '"') for key, value in _PARAM.findall(disposition)}
        if "name" not in params:
            raise MultipartError("no name")
        self._name = params["name"]
        self._is_file = "filename" in params
        self._field = bytearray()
        if self._is_file:
            pieces.append(FileStart(self._name, params["filename"]))
        self._state = "body"
        return True

    def _body(self, pieces: list[Piece]) -> bool:
        at = self._buffer.find(self._delimiter)
        if at >= 0:
            data, self._buffer = self._buffer[:at], self._buffer[at + len(self._delimiter):]
            self._take(data, pieces)
            if self._is_file:
                pieces.append(FileEnd())
            else:
                pieces.append(Field(self._name, self._field.decode("utf-8", "replace")))
            self._state = "after"
            return True
        # Keep what could be the start of the delimiter; the rest is surely the part's.
        keep = len(self._delimiter) - 1
        if len(self._buffer) > keep:
            data, self._buffer = self._buffer[:-keep], self._buffer[-keep:]
            self._take(data, pieces)
        return False

    def _take(self, data: bytes, pieces: list[Piece]) -> None:
        if not data:
            return
        if self._is_file:
            pieces.append(FileData(data))
            return
        self._field += data
        if len(self._field) > FIELD_MAX:
            raise MultipartError("field too large")
