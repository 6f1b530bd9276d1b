"""Read one note file: bytes, content hash and text, with a clear reason when it is skipped."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class ReadResult:
    content_hash: str = ""
    text: str | None = None
    warnings: list[str] = field(default_factory=list)
    skip: str | None = None  # why the file was not indexed


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def decode(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM); otherwise UTF-16 by BOM, else cp1252, with a warning."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), ["file is UTF-16; read as such"]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        where = f"byte {exc.start}"
    try:
        return data.decode("cp1252"), [f"not valid UTF-8 at {where}; read as Windows-1252"]
    except UnicodeDecodeError:
        return (
            data.decode("utf-8", errors="replace"),
            [f"not valid UTF-8 at {where}; bad bytes replaced"],
        )


def _read_at_most(path: Path, limit: int) -> tuple[bytes, int]:
    """Up to ``limit`` bytes and the file's size; a file that grew, or was swapped for a FIFO,
    since the vault was walked is neither read whole into memory nor waited on forever."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return f.read(limit), info.st_size


def read_note(path: Path, *, max_bytes: int) -> ReadResult:
    try:
        data, size = _read_at_most(path, max_bytes + 1)
    except OSError as exc:
        return ReadResult(skip=f"cannot read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return ReadResult(skip=f"larger than the limit ({size} > {max_bytes} bytes)")
    result = ReadResult(content_hash=content_hash(data))
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        result.skip = "binary file, not markdown"
        return result
    result.text, result.warnings = decode(data)
    return result
