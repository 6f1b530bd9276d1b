"""Mark every occurrence of a glossary term in rendered HTML, in one pass over the text.

All term names and aliases go into one trie-shaped regular expression, so the cost is one
scan per text node whatever the size of the glossary. Matching is whole-word (for scripts
that separate words), longest first, case-insensitive with a simple plural, except that
all-caps acronyms (EM, BLEU) match only in capitals. Nothing is marked inside code, math,
links, headings, titles, or the block where the term itself is defined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from studynotes.htmltext import TOKEN, VOID, has_class

MarkMode = Literal["all", "first-per-section", "first"]

_SKIP_TAGS = frozenset(
    [
        "a",
        "code",
        "pre",
        "kbd",
        "samp",
        "math",
        "script",
        "style",
        "summary",
        "button",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dt",
    ]
)
_SKIP_CLASSES = ("term", "callout-title", "transclusion-title", "embed-missing", "math", "tag")
_LINES = re.compile(r' data-sn-lines="(\d+)-(\d+)"')
_WORD = "A-Za-z0-9_\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NONE: frozenset[str] = frozenset()
_FEW_NAMES = 16  # up to this many names, a matcher finds its places by ``str.find``


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex for a set of strings that shares prefixes, so matching stays linear."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return build(trie)


def is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in name


@dataclass(slots=True)
class MarkTerm:
    slug: str
    names: Sequence[str]
    note_path: str = ""
    line: int = 0


@dataclass(slots=True)
class TermMatcher:
    """The glossary as one pattern. Build once per index run; ``mark`` is called per note.

    Patterns compile on first use (a large glossary's takes a tenth of a second, and a
    process that never marks a note never pays it). The lower-cased one, matched against
    lower-cased text, is about twice as fast as ``re.IGNORECASE``, which folds case at
    every step of every attempt; the case-folding one is for the rare text whose length
    changes when lower-cased.
    """

    trie: str | None = None  # the alternatives of every name, lower-cased; None: no terms
    by_key: dict[str, str] = field(default_factory=dict)  # casefolded surface form -> slug
    exact: dict[str, str] = field(default_factory=dict)  # acronym surface forms (case kept)
    defined_at: dict[str, tuple[str, int]] = field(default_factory=dict)
    own: dict[str, set[str]] = field(default_factory=dict)  # note path -> slugs it defines
    _lower: re.Pattern[str] | None = None
    _folding: re.Pattern[str] | None = None

    @property
    def lower(self) -> re.Pattern[str]:
        if self._lower is None:
            self._lower = re.compile(rf"(?<![{_WORD}])({self.trie})(e?s)?(?![{_WORD}])")
        return self._lower

    @property
    def folding(self) -> re.Pattern[str]:
        if self._folding is None:
            self._folding = re.compile(self.lower.pattern, re.IGNORECASE)
        return self._folding

    @classmethod
    def build(cls, terms: Iterable[MarkTerm]) -> TermMatcher:
        matcher = cls()
        for term in terms:
            matcher.defined_at[term.slug] = (term.note_path, term.line)
            matcher.own.setdefault(term.note_path, set()).add(term.slug)
            for name in term.names:
                name = name.strip()
                if len(name) < 2:
                    continue
                key = name.casefold()
                matcher.by_key.setdefault(key, term.slug)
                if is_acronym(name):
                    matcher.exact.setdefault(key, name)
        if matcher.by_key:
            keys = sorted({k.lower() for k in matcher.by_key}, key=len, reverse=True)
            matcher.trie = _trie_pattern(keys)
        return matcher

    def with_owners(self, terms: Iterable[MarkTerm]) -> TermMatcher:
        """The same compiled pattern with each term's defining note and line updated."""
        matcher = TermMatcher(self.trie, self.by_key, self.exact)
        matcher._lower, matcher._folding = self._lower, self._folding
        for term in terms:
            matcher.defined_at[term.slug] = (term.note_path, term.line)
            matcher.own.setdefault(term.note_path, set()).add(term.slug)
        return matcher

    def occurs_in(self, text: str) -> bool:
        """Whether ``text`` mentions any of the terms (acronyms only in their capitals)."""
        return next(self.places(text), None) is not None

    def places(self, text: str) -> Iterator[tuple[int, int]]:
        """The spans of ``text`` that mention a term (with its plural ending), in order."""
        if self.trie is None:
            return
        folded = text.lower()
        same = len(folded) == len(text)
        if same and len(self.by_key) <= _FEW_NAMES:
            found: Iterable[re.Match[str]] = self._few(folded)
        else:
            found = self.lower.finditer(folded) if same else self.folding.finditer(text)
        for m in found:
            if self.accepts(text[m.start(1) : m.end(1)]):
                yield m.start(), m.end()

    def _few(self, folded: str) -> Iterator[re.Match[str]]:
        """``lower.finditer(folded)`` for a matcher of a few names (one term's): a match can
        only begin where a name does, and ``str.find`` gets there far sooner than the
        pattern, whose look-behind keeps ``re`` from searching for its first letters."""
        keys = {key.lower() for key in self.by_key}
        ahead = {key: folded.find(key) for key in keys}
        pos = 0
        while True:
            for key, at in ahead.items():
                if 0 <= at < pos:
                    ahead[key] = folded.find(key, pos)
            starts = [at for at in ahead.values() if at >= 0]
            if not starts:
                return
            at = min(starts)
            m = self.lower.match(folded, at)
            if m is None:
                pos = at + 1
                continue
            yield m
            pos = m.end()

    def accepts(self, surface: str) -> bool:
        """Whether a pattern match is a real occurrence (acronyms must keep their capitals)."""
        return self._slug_for(surface) is not None

    def _slug_for(self, surface: str) -> str | None:
        key = surface.casefold()
        slug = self.by_key.get(key)
        if slug is None:
            return None
        acronym = self.exact.get(key)
        if acronym is not None and surface != acronym:
            return None
        return slug

    def mark(self, html: str, *, note_path: str, mode: MarkMode = "first-per-section") -> str:
        """``html`` with each chosen occurrence wrapped in a focusable ``span.term``.

        A single scan with a tag stack: this runs for every note of the vault, so it avoids
        building objects per tag.
        """
        if self.trie is None:
            return _LINES.sub("", html)
        own = self.own.get(note_path, _NONE)
        out: list[str] = []
        stack: list[tuple[str, bool, tuple[int, int] | None]] = []  # tag, skipped, lines
        skipping = 0
        lines: tuple[int, int] | None = None
        seen: set[str] = set()
        per_section = mode == "first-per-section"
        for m in TOKEN.finditer(html):
            name = m.group(2)
            text = m.group(0)
            if name is None:  # text, or a comment-like tag
                if skipping or text[0] == "<" or len(text) < 2:
                    out.append(text)
                else:
                    out.append(self._mark_text(text, own, lines, mode, seen))
                continue
            tag = name.lower()
            if m.group(1):  # a closing tag: pop back to its opening tag
                while stack:
                    opened, skipped, lines = stack.pop()
                    skipping -= skipped
                    if opened == tag:
                        break
                out.append(text)
                continue
            attrs = m.group(3)
            if tag in VOID or attrs.endswith("/"):
                out.append(text)
                continue
            previous = lines
            if "data-sn-lines" in attrs:
                found = _LINES.search(text)
                if found:
                    text = text[: found.start()] + text[found.end() :]
                    lines = (int(found.group(1)), int(found.group(2)))
            skipped = tag in _SKIP_TAGS or ('class="' in attrs and has_class(attrs, _SKIP_CLASSES))
            if per_section and tag in _HEADINGS:
                seen.clear()
            stack.append((tag, skipped, previous))
            skipping += skipped
            out.append(text)
        return "".join(out)

    def _mark_text(
        self,
        text: str,
        own: frozenset[str] | set[str],
        lines: tuple[int, int] | None,
        mode: MarkMode,
        seen: set[str],
    ) -> str:
        parts: list[str] = []
        last = 0
        folded = text.lower()
        # Spans in the lower-cased text are spans in ``text`` when lowering kept the length
        # (it does except for a few letters such as the dotted capital I).
        same = len(folded) == len(text)
        for m in self.lower.finditer(folded) if same else self.folding.finditer(text):
            slug = self._slug_for(text[m.start(1) : m.end(1)])
            if slug is None or (mode != "all" and slug in seen):
                continue
            if slug in own and lines is not None:
                _, line = self.defined_at[slug]
                if lines[0] <= line <= lines[1]:
                    continue  # the term's own definition
            seen.add(slug)
            parts.append(text[last : m.start()])
            parts.append(
                f'<span class="term" data-term="{escape(slug)}" tabindex="0">'
                f"{text[m.start() : m.end()]}</span>"
            )
            last = m.end()
        if not parts:
            return text
        parts.append(text[last:])
        return "".join(parts)


def strip_line_marks(html: str) -> str:
    return _LINES.sub("", html)


def used_terms(html: str) -> list[str]:
    """The slugs of the terms marked in ``html``, in order of first use."""
    return list(dict.fromkeys(re.findall(r'data-term="([^"]+)"', html)))
