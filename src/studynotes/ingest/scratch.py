"""Where a large index run keeps each note's whole parse between parsing and rendering.

Rendering needs every note's facts at once (links land anywhere, glossary terms come from
anywhere) but each note's HTML only when that note, or one that embeds it, is rendered. So
the HTML and the rest of a parse go to scratch files and only the facts stay in memory:
a 20,000-note vault indexes in the memory of its facts, not of its pages.

Each process appends to a file of its own; any process reads any file by position. The
folder lives for one index run and is removed with everything in it; a run that was killed
cannot remove its own, so the next run removes any whose process is gone. It sits next to
the database when that is a file (the cache folder, on disk: a large vault's scratch is
hundreds of megabytes, too much for a /tmp in memory).
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from studynotes.ingest.parse import ParsedNote

_PREFIX = ".studynotes-index-"


def _remove_orphans(base: Path) -> None:
    for folder in base.glob(f"{_PREFIX}*"):
        pid = folder.name.removeprefix(_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


@dataclass(slots=True, frozen=True)
class Locator:
    """Where one note's parse was written."""

    file: str
    offset: int
    length: int


class Scratch:
    """A folder of append-only parse files, shared by an index run's processes."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._out: BinaryIO | None = None
        self._readers: dict[str, int] = {}

    @classmethod
    def create(cls, near: Path | None = None) -> Scratch:
        """A new folder in ``near`` (the system's temporary folder if None), after removing
        the folders of earlier runs whose process has died."""
        base = Path(near) if near is not None else Path(tempfile.gettempdir())
        _remove_orphans(base)
        return cls(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=base))

    def put(self, note: ParsedNote) -> Locator:
        """Append ``note`` to this process's file (flushed: other processes read it next)."""
        if self._out is None:
            path = Path(self.folder) / f"parse-{os.getpid()}.bin"
            self._out = open(path, "ab")  # noqa: SIM115  (kept open for the run)
        data = pickle.dumps(note, protocol=pickle.HIGHEST_PROTOCOL)
        offset = self._out.tell()
        self._out.write(data)
        self._out.flush()
        return Locator(self._out.name, offset, len(data))

    def get(self, where: Locator) -> ParsedNote:
        fd = self._readers.get(where.file)
        if fd is None:
            fd = self._readers[where.file] = os.open(where.file, os.O_RDONLY)
        note = pickle.loads(os.pread(fd, where.length, where.offset))
        if not isinstance(note, ParsedNote):  # only ever our own files; guards a mix-up
            raise TypeError(f"scratch file {where.file} holds {type(note).__name__}")
        return note

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        for fd in self._readers.values():
            os.close(fd)
        self._readers.clear()

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)
