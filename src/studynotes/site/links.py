"""The server's URLs as a static site's: under a base path, each page a folder.

The pages and their JSON are made by the server's own code, so every link in them is a
server URL (``/notes/a``, ``/glossary?letter=B``, ``/files/x.png``). ``SiteLinks`` turns
each one into the URL of the file the build writes for it, and notes on the way which
attachments, board pictures and section previews the site needs: they are exactly those
its pages link to.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, NewType
from urllib.parse import parse_qs, quote, unquote

__all__ = ["SiteFile", "SiteLinks", "fnv1a", "page_file"]

SiteFile = NewType("SiteFile", str)  # a file of the site, relative to OUT, "/"-separated

# Pages: a folder with index.html each. Everything else the site has is a file as named.
_PAGES = ("notes", "folders", "tags", "glossary", "canvas", "graph", "search", "broken-links")
_FILES = ("static", "files")
# What needs a server; a static page never links there (templates leave the links out).
SERVER_ONLY = ("decks", "review", "stats", "export", "docs", "api")

# A path in an attribute's value; the attribute is one of ``_ATTR_NAMES``, after white
# space, if the text before ends so (``_is_attribute``): looking for ``="/`` first is five
# times faster than for the names.
_ATTR = re.compile(r'="(/[^"]*)"')
_ATTR_NAMES = ("href", "src", "action", "data", "poster")
# A path as a JSON string's value; the key is one of ``_JSON_KEYS`` if the text before ends
# so (as with ``_ATTR``, the names are checked after the rarer ``": "/``).
_JSON_URL = re.compile(r'":\s*"(/[^"\\]*)"')
_JSON_KEYS = ('"url', '"source', '"note_url')
_URL_KEYS = frozenset({"url", "href", "source", "note_url"})  # JSON keys whose value is a URL
_PREVIEW_LINK = re.compile(r'data-slug="([^"]*)"(?: data-anchor="([^"]*)")?')


def _file_ask(url: str) -> str | None:
    path = url.split("#", 1)[0].split("?", 1)[0]
    if path.startswith("/files/"):
        return "f:" + unquote(path[len("/files/") :])
    if path.startswith("/canvas-preview/"):
        return "b:" + unquote(path[len("/canvas-preview/") :])
    return None


def _is_attribute(text: str, at: int) -> bool:
    """Whether ``text`` names one of ``_ATTR_NAMES`` just before ``at``, after white space."""
    if not text.endswith(_ATTR_NAMES, 0, at):
        return False
    for name in _ATTR_NAMES:
        if text.endswith(name, 0, at):
            space = at - len(name) - 1
            return space >= 0 and text[space].isspace()
    return False


def fnv1a(text: str) -> str:
    """A short stable name for any text (a heading) as a file name; static/js/site.js
    computes the same (32-bit FNV-1a over UTF-8, as 8 hex digits)."""
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


def page_file(path: str) -> SiteFile:
    """The file that holds the page at server path ``path`` (``/notes/a%20b`` ->
    ``notes/a b/index.html``)."""
    inner = unquote(path).strip("/")
    return SiteFile(f"{inner}/index.html" if inner else "index.html")


@dataclass(slots=True)
class SiteLinks:
    base: str = "/"  # where the site lives, with a slash at both ends
    files: set[str] = field(default_factory=set)  # vault attachments linked (vault paths)
    boards: set[str] = field(default_factory=set)  # boards whose pictures are shown
    previews: set[tuple[str, str]] = field(default_factory=set)  # (slug, anchor) hovered
    _seen: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # url -> the
    # site's, and what it asks for (a page has the same explorer, menu and asset links as
    # the others)
    _asked: list[str] = field(default_factory=list)  # since the last ``take_asks``
    # An attribute's value (``="/notes/a"``) -> the site's, and what it asks for: most of a
    # page's attributes are its explorer's and menu's, the same on every page.
    _attrs: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def url(self, url: str) -> str:
        """The static site's URL for the server URL ``url``; others are returned as given."""
        found = self._seen.get(url)
        if found is None:
            found = self._seen[url] = (self._url(url), _file_ask(url))
        if found[1] is not None:
            self._asked.append(found[1])
        return found[0]

    def take_asks(self) -> tuple[str, ...]:
        """What the files made since the last call asked for (previews, attachments, board
        pictures), as ``ask`` strings: a rebuild that keeps a file keeps asking for them."""
        asked = tuple(sorted(set(self._asked)))
        self._asked.clear()
        return asked

    def ask(self, asked: str) -> None:
        """Ask again for what a kept file asked for (``take_asks``)."""
        kind, _, rest = asked.partition(":")
        if kind == "p":
            slug, _, anchor = rest.partition("\0")
            self.previews.add((slug, anchor))
        elif kind == "f":
            self.files.add(rest)
        elif kind == "b":
            self.boards.add(rest)

    def _url(self, url: str) -> str:
        if not url.startswith("/") or url.startswith("//"):
            return url
        rest = ""
        for mark in "#?":
            if mark in url:
                at = url.index(mark)
                url, rest = url[:at], url[at:] + rest
        first = url[1:].split("/", 1)[0]
        if first in _FILES:
            if first == "files":
                self.files.add(unquote(url[len("/files/") :]))
            return self.base + url[1:] + rest
        if first == "canvas-preview":
            self.boards.add(unquote(url[len("/canvas-preview/") :]))
            return self.base + url[1:] + ".svg" + rest
        if url == "/glossary" and rest.startswith("?"):
            letter = parse_qs(rest[1:].split("#", 1)[0]).get("letter", [""])[0]
            if letter:
                return f"{self.base}glossary/letter/{quote(letter, safe='')}/"
        if url == "/search" and rest.startswith("?"):
            return self.base + "search/" + rest
        if first in _PAGES or first in ("", "diagram-frame") or first in SERVER_ONLY:
            inner = url[1:]
            return self.base + inner + ("/" if inner and not inner.endswith("/") else "") + rest
        return url

    def html(self, text: str) -> str:
        """``text`` (a page, or HTML inside JSON) with every server URL in its attributes and
        in its inline JSON (tooltips) made the site's."""
        for slug, anchor in _PREVIEW_LINK.findall(text):
            wanted = (html.unescape(slug), html.unescape(anchor))
            self.previews.add(wanted)
            self._asked.append(f"p:{wanted[0]}\0{wanted[1]}")
        text = _ATTR.sub(self._attr, text)
        return _JSON_URL.sub(self._json_url, text)

    def _json_url(self, m: re.Match[str]) -> str:
        if not m.string.endswith(_JSON_KEYS, 0, m.start()):
            return m[0]
        return m[0][: m.start(1) - m.start()] + self.url(m[1]) + '"'

    def _attr(self, m: re.Match[str]) -> str:
        if not _is_attribute(m.string, m.start()):
            return m[0]
        found = self._attrs.get(m[0])
        if found is None:
            url = html.unescape(m[1])
            self.url(url)  # the first time, it notes what the URL asks for
            site, asked = self._seen[url]
            found = self._attrs[m[0]] = (f'="{html.escape(site, quote=True)}"', asked)
            if asked is not None:
                self._asked.pop()  # appended below, as every time
        if found[1] is not None:
            self._asked.append(found[1])
        return found[0]

    def data(self, value: Any) -> Any:
        """JSON data with its URLs (``url``-like keys) and its HTML (``*html*`` keys) made
        the site's."""
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if isinstance(item, str):
                    if "html" in key:
                        item = self.html(item)
                    elif key in _URL_KEYS:
                        item = self.url(item)
                elif isinstance(item, (dict, list)):
                    item = self.data(item)
                out[key] = item
            return out
        if isinstance(value, list):  # a graph's edges: thousands of numbers, left as they are
            return [self.data(v) if isinstance(v, (dict, list)) else v for v in value]
        return value
