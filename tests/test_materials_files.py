"""The materials' files without the app: the streaming multipart reader (server/multipart.py), the
type check by content and name (server/filetypes.py) and the file store (server/files.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from server import filetypes
from server.files import FileStore, TooLarge
from server.multipart import Field, FileData, FileEnd, FileStart, MultipartError, MultipartReader, Piece, boundary_of

BOUNDARY = b"----kringtest7MA4YWxkTrZu0gW"


def body(*parts: tuple[str, str | None, bytes]) -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out += b"--" + BOUNDARY + b"\r\nContent-Disposition: " + disposition.encode() + b"\r\n"
        if filename is not None:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + data + b"\r\n"
    return out + b"--" + BOUNDARY + b"--\r\n"


def read_all(raw: bytes, chunk: int) -> list[Piece]:
    reader = MultipartReader(BOUNDARY)
    pieces: list[Piece] = []
    for at in range(0, len(raw), chunk):
        pieces += reader.feed(raw[at:at + chunk])
    reader.finish()
    return pieces


@pytest.mark.parametrize("chunk", [1, 7, 45, 4096, 1 << 20])
def test_the_reader_gives_the_same_pieces_whatever_the_chunks(chunk: int) -> None:
    # File data that holds almost-delimiters: a CRLF and dashes, and the boundary without its CRLF.
    data = b"%PDF-1.7\r\n--" + BOUNDARY[:-1] + b"\r\n-\r\n--x" + bytes(range(256)) * 3
    raw = body(("csrf", None, b"tok"), ("title", None, "Dia's €".encode()), ("file", "a/b\\week 1.pdf", data))
    pieces = read_all(raw, chunk)
    assert pieces[:2] == [Field("csrf", "tok"), Field("title", "Dia's €")]
    assert pieces[2] == FileStart("file", "a/b\\week 1.pdf")
    assert b"".join(p.data for p in pieces if isinstance(p, FileData)) == data
    assert pieces[-1] == FileEnd()


@pytest.mark.parametrize("raw", [
    b"no boundary at all" * 400,
    b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",  # never closed
    b"--" + BOUNDARY + b"\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--" + BOUNDARY + b"--",
    b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" + BOUNDARY + b"--",
    b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n" + b"x" * 5000,
])
def test_the_reader_refuses_what_is_not_our_form(raw: bytes) -> None:
    with pytest.raises(MultipartError):
        read_all(raw, 1000)


def test_boundary_of() -> None:
    assert boundary_of('multipart/form-data; boundary="ab cd"') == b"ab cd"
    assert boundary_of("multipart/form-data; boundary=----WebKitFormBoundaryX") == b"----WebKitFormBoundaryX"
    assert boundary_of("application/x-www-form-urlencoded") is None
    assert boundary_of("multipart/form-data") is None


def zip_of(*names: str, first: tuple[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first is not None:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1], compress_type=zipfile.ZIP_STORED)
        for name in names:
            archive.writestr(name, "<x/>", compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


DOCX = zip_of("[Content_Types].xml", "word/document.xml")
PPTX = zip_of("[Content_Types].xml", "ppt/presentation.xml")
ODP = zip_of("content.xml", first=("mimetype", b"application/vnd.oasis.opendocument.presentation"))
GOOD = {
    "a.pdf": b"%PDF-1.4\n%\xe2\xe3\n1 0 obj",
    "a.PNG": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    "a.jpg": b"\xff\xd8\xff\xe0\0\x10JFIF",
    "a.docx": DOCX,
    "a.pptx": PPTX,
    "a.odp": ODP,
    "notes.txt": "Één regel\ttekst\r\n".encode(),
    "notes.md": b"# Week 1\n\n- a\n",
}
BAD = {
    "setup.pdf": b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff",  # an .exe renamed .pdf
    "page.pdf": b"<!DOCTYPE html><html><script>alert(1)</script>",  # an HTML page named .pdf
    "page.txt": b"  <html><body>hi</body></html>",
    "image.txt": b"GIF89a\x01\0\x01\0\0\0\0",
    "a.docx": zip_of("[Content_Types].xml", "xl/workbook.xml"),  # a workbook named .docx
    "b.docx": zip_of("evil.exe"),  # any zip
    "a.png": b"%PDF-1.4",  # the content of another allowed type
    "a.exe": b"MZ\x90\0",
    "noext": b"hello",
    ".pdf": b"%PDF-1.4",
    "latin1.txt": "caf\xe9".encode("latin-1"),
    "empty.txt": b"",
}


@pytest.mark.parametrize(("name", "data"), GOOD.items())
def test_allowed_files_are_known_by_content_and_name(tmp_path: Path, name: str, data: bytes) -> None:
    upload = FileStore(tmp_path).upload("ACDEFGHJ", "a" * 32, 1000)
    upload.write(data)
    assert upload.kind(name) == filetypes.kind_of_name(name)


@pytest.mark.parametrize(("name", "data"), BAD.items())
def test_other_files_are_refused_whatever_their_name(tmp_path: Path, name: str, data: bytes) -> None:
    upload = FileStore(tmp_path).upload("ACDEFGHJ", "a" * 32, 1000)
    upload.write(data)
    assert upload.kind(name) is None


def test_the_store_stops_at_the_limit_and_keeps_files_under_their_id(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    upload = store.upload("ACDEFGHJ", "b" * 32, 10)
    upload.write(b"0123456789")
    with pytest.raises(TooLarge):
        upload.write(b"x")
    assert list((tmp_path / "ACDEFGHJ").iterdir()) == []  # the part file is gone
    kept = store.upload("ACDEFGHJ", "c" * 32, 10)
    kept.write(b"%PDF-1.4")
    kept.keep()
    assert [p.name for p in (tmp_path / "ACDEFGHJ").iterdir()] == ["c" * 32]
    assert store.path("ACDEFGHJ", "c" * 32) is not None
    assert store.path("ACDEFGHJ", "../../etc/passwd") is None and store.path("ACDEFGHJ", "d" * 32) is None
    with pytest.raises(ValueError):
        store.room_dir("../x")
    store.delete_room("ACDEFGHJ")
    assert not (tmp_path / "ACDEFGHJ").exists()
