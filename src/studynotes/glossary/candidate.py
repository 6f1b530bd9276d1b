"""A term candidate, and its definition as text and as safe inline HTML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from studynotes.markdown.inline import BREAKS, inline_html, inline_text
from studynotes.sanitize import sanitize_inline

_EMBED_TEXT = re.compile(r"!?\[\[[^\]]*\]\]|!\[[^\]]*\]\([^)]*\)")
_URL = re.compile(r"https?://\S+|www\.\S+")
LETTER = re.compile(r"[^\W\d_]")


@dataclass(slots=True)
class TermCandidate:
    """One place in a note that looks like it defines a term.

    ``definition`` is plain text (search, the home page's ordering, title attributes);
    ``definition_html`` is what readers see (tooltips, glossary, term pages): inline HTML
    cut from the note's tokens and sanitised, embeds shown as their words, links into the
    vault as placeholders that rendering turns into links.
    """

    name: str
    aliases: list[str]
    definition: str
    definition_html: str
    line: int
    shape: str
    anchor: str | None = None


def has_prose(children: Sequence[Token]) -> bool:
    """Whether the children hold real words, not only links, embeds, URLs or numbers."""
    text = _URL.sub("", _EMBED_TEXT.sub("", inline_text(children, prose_only=True)))
    return bool(LETTER.search(text))


def is_blank(token: Token) -> bool:
    return token.type == "text" and not token.content.strip()


def trimmed(children: Sequence[Token], prefix: re.Pattern[str] | None = None) -> list[Token]:
    """Copy of ``children`` without a matched prefix, outer breaks and outer whitespace."""
    part = list(children)
    if prefix is not None and part and part[0].type == "text":
        match = prefix.match(part[0].content)
        if match:
            part[0] = part[0].copy(content=part[0].content[match.end() :])
    while part and (part[0].type in BREAKS or is_blank(part[0])):
        part.pop(0)
    while part and (part[-1].type in BREAKS or is_blank(part[-1])):
        part.pop()
    if part and part[0].type == "text":
        part[0] = part[0].copy(content=part[0].content.lstrip())
    if part and part[-1].type == "text":
        part[-1] = part[-1].copy(content=part[-1].content.rstrip())
    return part


def definition(children: Sequence[Token], md: MarkdownIt, env: dict[str, Any]) -> tuple[str, str]:
    """The definition in ``children`` as (plain text, sanitised inline HTML)."""
    if not children:
        return "", ""
    text = "\n".join(line.strip() for line in inline_text(children).split("\n")).strip()
    # Raw HTML in a definition reaches every tooltip: only inline formatting survives.
    return text, sanitize_inline(
        inline_html(children, md, env=env, breaks=True, landing=True)
    ).strip()
