"""Which of the allowed types an uploaded file is, from its content and not from its name alone.

The name's extension says what the mentor means; the first bytes (and, for the zip-based office
formats, the zip's list of parts) say what the file is. Both must agree on one allowed kind
(realtime/materials.py KINDS), so an .exe or an HTML page renamed .pdf is refused, and what is
served is always one of a few known, harmless media types. Pure: the caller reads the bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping

HEAD_BYTES = 512  # how much of the start of a file `by_content` needs

# Extension (lower case, without the dot) -> kind.
EXTENSIONS: Mapping[str, str] = {
    "pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg",
    "docx": "docx", "pptx": "pptx", "xlsx": "xlsx", "odt": "odt", "odp": "odp",
    "txt": "txt", "md": "md", "markdown": "md",
}
# The part of an OOXML package that makes it a document, a presentation or a workbook.
OOXML_MAIN: Mapping[str, str] = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml",
                                  "xlsx": "xl/workbook.xml"}
ODF_MIMETYPES: Mapping[str, str] = {"odt": "application/vnd.oasis.opendocument.text",
                                    "odp": "application/vnd.oasis.opendocument.presentation"}
ZIP_KINDS = frozenset(OOXML_MAIN) | frozenset(ODF_MIMETYPES)
TEXT_KINDS = frozenset({"txt", "md"})
# Text that a browser would take for markup if it ever rendered it: not a plain text or Markdown
# file, whatever its name (served as text/plain with nosniff it would be harmless, but it is not
# what the mentor meant to share).
_MARKUP_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe")


def kind_of_name(filename: str) -> str | None:
    """The kind the name's extension stands for, or None when it is not an allowed one."""
    stem, dot, ext = filename.rpartition(".")
    return EXTENSIONS.get(ext.lower()) if dot and stem else None


def by_content(head: bytes) -> str:
    """What the first bytes are: "pdf", "png", "jpeg", "zip", "odt"/"odp" (an OpenDocument zip,
    whose first part is its uncompressed mimetype), "text" (no NUL, no control bytes other than
    whitespace, not markup) or "" (anything else: an executable, an HTML page, an image we do not take)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _odf(head) or "zip"
    return "text" if _looks_like_text(head) else ""


def _odf(head: bytes) -> str:
    # A zip's local file header: 30 bytes, then the name, the extra field and the data. ODF puts
    # an uncompressed part "mimetype" first, so the type is right there in the first bytes.
    if len(head) < 30:
        return ""
    method, = struct.unpack_from("<H", head, 8)
    size, = struct.unpack_from("<I", head, 18)
    name_len, extra_len = struct.unpack_from("<HH", head, 26)
    name = head[30:30 + name_len]
    start = 30 + name_len + extra_len
    if name != b"mimetype" or method != 0:
        return ""
    mimetype = head[start:start + size].decode("ascii", "replace")
    return next((kind for kind, value in ODF_MIMETYPES.items() if value == mimetype), "")


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    if any(b < 32 and b not in (9, 10, 12, 13) for b in head) or b"\x7f" in head:
        return False
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return not start.startswith(_MARKUP_STARTS)


def zip_kind(names: Iterable[str]) -> str:
    """The OOXML kind of a zip from the names of its parts, or "" when it is no OOXML package."""
    present = set(names)
    if "[Content_Types].xml" not in present:
        return ""
    return next((kind for kind, main in OOXML_MAIN.items() if main in present), "")


def agree(named: str | None, content: str, zip_names: Iterable[str] = ()) -> str | None:
    """The kind of a file whose name says `named` and whose content says `content` (by_content;
    for "zip", `zip_names` lists its parts), or None when they do not agree on an allowed kind."""
    if named is None:
        return None
    if content == "text":
        return named if named in TEXT_KINDS else None
    if content == "zip":
        return named if zip_kind(zip_names) == named else None
    return named if content == named else None
