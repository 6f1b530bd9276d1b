"""URL helpers handed to templates, with content-hashed static URLs for long caching."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from studynotes import urls


def folder_url(path: str) -> str:
    return "/folders/" + quote(path, safe="/")


@dataclass(slots=True)
class UrlBuilder:
    static_dir: Path
    _versions: dict[str, str] = field(default_factory=dict)

    def note(self, slug: str, anchor: str | None = None) -> str:
        return urls.note_url(slug, anchor)

    def mentions(self, slug: str) -> str:
        return "/mentions/" + quote(slug, safe="/")

    def tag(self, name: str) -> str:
        return urls.tag_url(name)

    def term(self, slug: str) -> str:
        return urls.term_url(slug)

    def file(self, path: str) -> str:
        return urls.file_url(path)

    def folder(self, path: str) -> str:
        return folder_url(path)

    def deck(self, name: str) -> str:
        return "/decks/" + quote(name, safe="/")

    def review(self, *, deck: str = "", note: str = "") -> str:
        if note:
            return "/review?note=" + quote(note, safe="/")
        return "/review?deck=" + quote(deck, safe="/") if deck else "/review"

    def anki(self, deck: str) -> str:
        return "/export/anki/" + quote(deck, safe="/")

    def static(self, name: str) -> str:
        version = self._versions.get(name)
        if version is None:
            try:
                version = hashlib.sha256((self.static_dir / name).read_bytes()).hexdigest()[:10]
            except OSError:
                version = "0"
            self._versions[name] = version
        return f"/static/{quote(name)}?v={version}"
