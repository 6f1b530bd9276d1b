"""Path kinds, slugs and Obsidian's link-resolution rules.

``VaultPath`` is a vault-relative POSIX path with its suffix (``Fine-Tuning/LoRA.md``);
``Slug`` is the URL form of a note (``fine-tuning/lora``). Keeping them apart in the
types stops the classic bug of looking up a slug where a path was meant.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NewType, Protocol, TypeVar

VaultPath = NewType("VaultPath", str)
Slug = NewType("Slug", str)

NOTE_SUFFIX = ".md"
_DASHES = re.compile(r"-{2,}")


def slugify(text: str) -> str:
    """Lowercase, keep letters and digits of any script, everything else becomes ``-``."""
    text = unicodedata.normalize("NFC", text).casefold()
    out = "".join(c if c.isalnum() else "-" for c in text)
    return _DASHES.sub("-", out).strip("-")


def path_slug(path: VaultPath) -> Slug:
    """The readable slug of a note path: one slugified part per folder."""
    stem = path[: -len(NOTE_SUFFIX)] if path.lower().endswith(NOTE_SUFFIX) else path
    parts = [slugify(p) or "untitled" for p in stem.split("/")]
    return Slug("/".join(parts))


def unique(base: str, taken: set[str], tried: dict[str, int] | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free first; records the choice.

    ``tried`` remembers how far each base got, so many equal bases cost linear time, not
    quadratic (a note of 20,000 ``# a`` headings took half a minute)."""
    n = tried.get(base, 1) if tried is not None else 1
    candidate = base if n == 1 else f"{base}-{n}"
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    if tried is not None:
        tried[base] = n
    taken.add(candidate)
    return candidate


class _Titled(Protocol):
    @property
    def text(self) -> str: ...


_H = TypeVar("_H", bound=_Titled)


def match_heading(headings: Sequence[_H], ref: str) -> _H | None:
    """Find ``H1#H2`` the way Obsidian does: the last part decides, earlier parts narrow."""
    parts = [heading_key(p) for p in ref.split("#") if p.strip()]
    if not parts:
        return None
    want = parts[-1]
    start = 0
    for parent in parts[:-1]:
        for i in range(start, len(headings)):
            if heading_key(headings[i].text) == parent:
                start = i + 1
                break
    for pool in (headings[start:], headings):
        for heading in pool:
            if heading_key(heading.text) == want:
                return heading
    return None


def note_title(path: VaultPath) -> str:
    """Obsidian's default title: the file name without ``.md``."""
    name = posixpath.basename(path)
    return name[: -len(NOTE_SUFFIX)] if name.lower().endswith(NOTE_SUFFIX) else name


@lru_cache(maxsize=1 << 16)
def heading_key(text: str) -> str:
    """How a ``[[Note#Heading]]`` reference is compared with a heading's text.

    Obsidian is forgiving about case, punctuation and spacing here, so the key keeps only
    letters and digits, separated by single spaces.
    """
    text = unicodedata.normalize("NFC", text).casefold()
    words = re.findall(r"\w+", text)
    return " ".join(words)


def is_note_path(path: str) -> bool:
    return path.lower().endswith(NOTE_SUFFIX)


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a link lands: ``path`` is None when nothing matched."""

    path: VaultPath | None
    via_alias: bool = False
    ambiguous: bool = False


@lru_cache(maxsize=1 << 16)
def _folder(path: str) -> str:
    return posixpath.dirname(path)


def _key(path: str) -> str:
    return unicodedata.normalize("NFC", path).casefold()


@dataclass(slots=True)
class Resolver:
    """Obsidian's rules: exact vault path, then the linking note's folder, then the shortest
    path that ends with the target; case-insensitive, ``.md`` optional; then aliases."""

    _by_path: dict[str, VaultPath] = field(default_factory=dict)
    _by_name: dict[str, list[VaultPath]] = field(default_factory=dict)
    _by_alias: dict[str, list[VaultPath]] = field(default_factory=dict)
    _memo: dict[tuple[str, str], Resolution] = field(default_factory=dict)

    @classmethod
    def build(
        cls, files: Iterable[VaultPath], aliases: dict[VaultPath, list[str]] | None = None
    ) -> Resolver:
        r = cls()
        for path in sorted(files, key=lambda p: (p.count("/"), len(p), p)):
            for k in _lookup_keys(path):
                r._by_path.setdefault(k, path)
            name = _key(posixpath.basename(path))
            r._by_name.setdefault(name, []).append(path)
            if is_note_path(path):
                r._by_name.setdefault(name[: -len(NOTE_SUFFIX)], []).append(path)
        for path, names in sorted((aliases or {}).items()):
            for alias in names:
                r._by_alias.setdefault(_key(alias.strip()), []).append(path)
        return r

    def resolve(self, target: str, source: VaultPath | None = None) -> Resolution:
        """Where ``target`` lands when linked from ``source``; remembered per source folder,
        since a vault links the same few names from the same folders over and over."""
        key = (target, _folder(source) if source else "")
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._resolve(target, source)
        return found

    def _resolve(self, target: str, source: VaultPath | None) -> Resolution:
        target = target.strip().strip("/")
        if not target:
            return Resolution(None)
        source_dir = posixpath.dirname(source) if source else ""
        if target.startswith(("./", "../")):
            joined = posixpath.normpath(posixpath.join(source_dir, target))
            if joined.startswith("../"):
                return Resolution(None)
            target = joined
        key = _key(target)
        hit = self._by_path.get(key)
        if hit is not None:
            return Resolution(hit)
        if source_dir:
            hit = self._by_path.get(_key(source_dir) + "/" + key)
            if hit is not None:
                return Resolution(hit)
        name = key.rsplit("/", 1)[-1]
        candidates = self._by_name.get(name, [])
        if "/" in key:
            suffix = "/" + key
            candidates = [
                p
                for p in candidates
                if _key(p).endswith(suffix) or _key(p).endswith(suffix + NOTE_SUFFIX)
            ]
        if candidates:
            return Resolution(candidates[0], ambiguous=len(set(candidates)) > 1)
        by_alias = self._by_alias.get(key, [])
        if by_alias:
            return Resolution(by_alias[0], via_alias=True, ambiguous=len(set(by_alias)) > 1)
        return Resolution(None)


def _lookup_keys(path: VaultPath) -> list[str]:
    k = _key(path)
    return [k, k[: -len(NOTE_SUFFIX)]] if is_note_path(path) else [k]
