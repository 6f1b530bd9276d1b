"""Snippets: a short stretch of a note's text around its matches, as safe HTML.

Everything from a note is escaped; the only markup is the ``<mark>`` around matches.
"""

from __future__ import annotations

import html
import re

__all__ = ["CLOSE", "ELLIPSIS", "OPEN", "SNIPPET_TOKENS", "marked", "plain", "plain_text"]

# Private-use characters mark matches in snippet(); the text is escaped before they become
# <mark> tags, so nothing from a note ever reaches the page as markup.
OPEN, CLOSE = "\ue000", "\ue001"
ELLIPSIS = "\u2026"
SNIPPET_TOKENS = 24
_SNIPPET_CHARS = 160
_SPACE = re.compile(r"\s")


def marked(raw: str | None) -> str:
    """snippet() output as safe HTML: text escaped, marker pairs turned into <mark>."""
    out: list[str] = []
    inside = False
    for part in re.split(f"([{OPEN}{CLOSE}])", " ".join((raw or "").split())):
        if part == OPEN:
            if not inside:
                out.append("<mark>")
                inside = True
        elif part == CLOSE:
            if inside:
                out.append("</mark>")
                inside = False
        else:
            out.append(html.escape(part))
    if inside:
        out.append("</mark>")
    return "".join(out)


def plain(body: str, words: list[str]) -> str:
    """A window of ``body`` around the first match, escaped, with every match marked.

    Whitespace counts as one space. Only the stretch around the match is flattened: a
    body can run to many kilobytes, and this runs for every note on a page of results.
    """
    pattern = (
        re.compile(
            "|".join(
                re.escape(w).replace("\\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
            ),
            re.I,
        )
        if words
        else None
    )
    first = pattern.search(body) if pattern else None
    lo = 0
    if first and first.start() > 2 * _SNIPPET_CHARS:
        lo = first.start() - 2 * _SNIPPET_CHARS
        space = _SPACE.search(body, lo, first.start())  # start at a word, not inside one
        lo = space.start() if space else lo
    hi = (first.end() if first else 0) + 2 * _SNIPPET_CHARS
    flat = " ".join(body[lo:hi].split())
    before = lo > 0 and not body[:lo].isspace()
    after = hi < len(body) and not body[hi:].isspace()
    first = pattern.search(flat) if pattern else None
    start = max(0, first.start() - _SNIPPET_CHARS // 3) if first else 0
    if start:
        space_at = flat.find(" ", start, first.start() if first else start)
        start = space_at + 1 if space_at != -1 else start
    end = min(len(flat), start + _SNIPPET_CHARS)
    piece = flat[start:end]
    out = [ELLIPSIS] if start or before else []
    pos = 0
    for m in pattern.finditer(piece) if pattern else ():
        out += [html.escape(piece[pos : m.start()]), f"<mark>{html.escape(m.group())}</mark>"]
        pos = m.end()
    out.append(html.escape(piece[pos:]))
    if end < len(flat) or after:
        out.append(ELLIPSIS)
    return "".join(out)


def plain_text(body: str, phrases: list[str]) -> str:
    """``plain`` as text, for places that show a snippet without marks."""
    return html.unescape(re.sub("<[^>]+>", "", plain(body, phrases)))
