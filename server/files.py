"""Where the materials' files are kept: one directory per room under KRING_FILES_DIR (the data
directory's files/ by default), each file under a random id, never under the name it came with.

An upload is written to a hidden ".part" file as it arrives (`Upload`), checked, and then renamed
to its id; what fails on the way is deleted at once, so a refused upload leaves nothing behind.
Deleting a room (the mentor's delete, the retention sweep) removes its whole directory. With
several hosts the directory must be shared (docs/deployment.md).
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import zipfile
from pathlib import Path

from server import filetypes

_ID = re.compile(r"[0-9a-f]{32}")
_CODE = re.compile(r"[A-Za-z0-9]{1,40}")
CHUNK = 64 * 1024


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def room_dir(self, code: str) -> Path:
        if not _CODE.fullmatch(code):
            raise ValueError("not a room code")
        return self.root / code

    def path(self, code: str, file_id: str) -> Path | None:
        """The file kept under `file_id` for room `code`, or None when there is none."""
        if not _ID.fullmatch(file_id):
            return None
        path = self.room_dir(code) / file_id
        return path if path.is_file() else None

    def upload(self, code: str, file_id: str, limit: int) -> Upload:
        if not _ID.fullmatch(file_id):
            raise ValueError("not a file id")
        folder = self.room_dir(code)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return Upload(folder, file_id, limit)

    def delete(self, code: str, file_id: str) -> None:
        path = self.path(code, file_id)
        if path is not None:
            path.unlink(missing_ok=True)

    def delete_room(self, code: str) -> None:
        """Every file of the room, and its directory (nothing when it has none)."""
        shutil.rmtree(self.room_dir(code), ignore_errors=True)


class TooLarge(Exception):
    """More bytes than the upload's limit: it stopped there and was deleted."""


class Upload:
    """One file being written: `write` the chunks, then `kind` to check it and `keep` or `discard`."""

    def __init__(self, folder: Path, file_id: str, limit: int) -> None:
        self.final = folder / file_id
        self.part = folder / f".{file_id}.part"
        self.limit = limit
        self.size = 0
        self._fd: int | None = os.open(self.part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)

    def write(self, data: bytes) -> None:
        if self._fd is None:
            raise ValueError("closed")
        if self.size + len(data) > self.limit:
            self.discard()
            raise TooLarge()
        os.write(self._fd, data)
        self.size += len(data)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def kind(self, filename: str) -> str | None:
        """The allowed kind this file is, by its name and its content together, or None."""
        self.close()
        named = filetypes.kind_of_name(filename)
        if named is None or self.size == 0:
            return None
        with self.part.open("rb") as handle:
            content = filetypes.by_content(handle.read(filetypes.HEAD_BYTES))
        names: list[str] = []
        if content in ("zip", *filetypes.ODF_MIMETYPES):
            try:
                with zipfile.ZipFile(self.part) as archive:
                    names = archive.namelist()
            except (zipfile.BadZipFile, OSError):
                return None
        elif content == "text" and not self._utf8():
            return None
        return filetypes.agree(named, content, names)

    def _utf8(self) -> bool:
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            with self.part.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    if b"\0" in chunk:
                        return False
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True

    def keep(self) -> None:
        self.close()
        os.replace(self.part, self.final)

    def discard(self) -> None:
        self.close()
        self.part.unlink(missing_ok=True)
        self.final.unlink(missing_ok=True)
