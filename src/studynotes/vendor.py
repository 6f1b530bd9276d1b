"""Browser libraries the app serves itself, fetched once at install time, never at run time.

``make install`` runs ``python -m studynotes.vendor``: each library below is downloaded from
its registry at a pinned version, checked against the registry's published SHA-512, and
unpacked into ``static/vendor/``. Nothing here is in the repository, and pages never ask
another origin for it. Without it (an offline install), diagrams show their source.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from studynotes.resources import resource_dir

__all__ = ["LIBRARIES", "Library", "fetch", "main"]


@dataclass(frozen=True, slots=True)
class Library:
    name: str
    version: str
    url: str
    integrity: str  # "sha512-<base64>", as the npm registry publishes it
    members: dict[str, str]  # path inside the archive -> file name under static/vendor/


LIBRARIES = [
    Library(
        name="mermaid",
        version="12.3.0",
        url="https://registry.npmjs.org/mermaid/-/mermaid-12.3.0.tgz",
        integrity=(
            "sha512-4113TdXeLAsMruJ79OpFL5O8+LTFXhQqZ260rF3tgUmiNAtRm4Uume04I+65PRN6yZ69J4f8rVYWW8zRk65UYw=="
        ),
        members={
            "package/dist/mermaid.min.js": "mermaid.min.js",
            "package/LICENSE": "mermaid.LICENSE",
        },
    ),
]


def _verified(data: bytes, integrity: str) -> bool:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        return False
    return base64.b64encode(hashlib.sha512(data).digest()).decode() == expected


def fetch(library: Library, dest: Path, *, timeout: float = 60.0) -> list[Path]:
    """Download, verify and unpack ``library`` into ``dest``; returns the files written."""
    with urllib.request.urlopen(library.url, timeout=timeout) as response:
        data = response.read()
    if not _verified(data, library.integrity):
        raise ValueError(f"{library.name} {library.version}: the download is not the one pinned")
    dest.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member, name in library.members.items():
            source = archive.extractfile(member)
            if source is None:
                raise ValueError(f"{library.name}: {member} is not in the archive")
            target = dest / name
            target.write_bytes(source.read())
            written.append(target)
    (dest / f"{library.name}.version").write_text(library.version + "\n")
    return written


def main() -> int:
    dest = resource_dir("static") / "vendor"
    failed = False
    for library in LIBRARIES:
        stamp = dest / f"{library.name}.version"
        if stamp.is_file() and stamp.read_text().strip() == library.version:
            continue
        try:
            fetch(library, dest)
            print(f"vendor: {library.name} {library.version} in {dest}")
        except (OSError, ValueError) as exc:
            failed = True
            print(
                f"vendor: could not fetch {library.name} {library.version}: {exc}", file=sys.stderr
            )
    if failed:
        print("vendor: diagrams will show their source until `make install` can fetch it")
    return 0  # never fails an install: the app works without it


if __name__ == "__main__":
    raise SystemExit(main())
