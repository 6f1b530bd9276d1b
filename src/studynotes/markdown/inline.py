"""What a reader sees of inline tokens: as plain text, and as a line of inline HTML.

The one place that decides how each inline token reads outside its note: a link by its
shown text, an embed by its display text or its target's name, code as code, math as
math, a tag as ``#tag``. Plain text is for what needs text (search, headings' anchors,
title attributes); the HTML is for contexts and definitions shown inside other pages. That
HTML is rendered here, not by the note's renderer: parse knows nothing of other notes,
so a link cannot land anywhere yet, and it shows as text.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from html import escape
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

BREAKS = frozenset({"softbreak", "hardbreak"})
# Children that show no prose of their own: a definition made only of these is no definition.
_NO_PROSE = frozenset({"image", "embed", "html_inline", "wikilink"})
# Paired tokens whose element keeps its meaning in a line of text.
_FORMATTING = frozenset({"strong", "em", "s", "del", "mark", "sub", "sup", "ins"})
# A link that leads out of the vault stays a link: it needs no other note to land.
_OUTWARD = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)
# Rendered by the note's own rules: their HTML is the same wherever it is shown.
_OWN_RULES = frozenset({"math_inline", "math_inline_double"})


def _tag_text(token: Token) -> str:
    name = token.content
    return name if name.startswith("#") else "#" + name


def _shown(token: Token) -> str:
    """An embed's or an image's words: its display (alt) text, else its target's name."""
    if token.type == "image":
        return inline_text(token.children)
    link = token.meta.get("link") if token.meta else None
    if link is None:
        return token.content
    return link.display or token.content or link.target


def inline_text(
    children: Sequence[Token] | None, *, prose_only: bool = False, code_ticks: bool = False
) -> str:
    """The text a reader sees in inline ``children``; line breaks as ``\\n``.

    ``prose_only`` leaves out what is not the writer's own words: links, embeds, images
    and raw HTML (a definition made only of those is no definition). ``code_ticks`` keeps
    inline code between backticks, so text cut from it can show code as code again.
    """
    out: list[str] = []
    in_link = 0
    for child in children or ():
        kind = child.type
        if kind == "link_open":
            in_link += 1
        elif kind == "link_close":
            in_link = max(0, in_link - 1)
        elif child.nesting != 0:
            continue
        elif kind in BREAKS:
            out.append("\n")
        elif prose_only and (kind in _NO_PROSE or in_link):
            continue
        elif kind == "image" or kind == "embed":
            out.append(_shown(child))
        elif kind == "html_inline":
            continue
        elif kind == "tag":
            out.append(_tag_text(child))
        elif code_ticks and kind == "code_inline" and "`" not in child.content:
            out.append(f"`{child.content}`")
        else:
            out.append(child.content)
    return "".join(out)


def _link_open(token: Token, landing: bool) -> str:
    href = str(token.attrGet("href") or "")
    if _OUTWARD.match(href):
        return f'<a href="{escape(href)}">'
    placeholder = token.attrGet("data-sn-link")
    if landing and placeholder is not None:
        return f'<a data-sn-link="{escape(str(placeholder))}">'
    return '<span class="ref-link">'


def inline_html(
    children: Sequence[Token],
    md: MarkdownIt,
    *,
    env: dict[str, Any] | None = None,
    breaks: bool = False,
    landing: bool = False,
    marks: Container[int] = (),
    mark: str = "",
) -> str:
    """Inline ``children`` as one line of HTML to show outside the note: formatting, code,
    math and raw HTML as written (sanitise the result), web links as links, links into
    the vault and embeds as their words.

    ``env`` is the note's parse env, for the rules of math. ``breaks`` keeps line breaks
    as ``<br>``, else they are spaces. ``landing`` keeps, for links into the vault, the
    note renderer's placeholders, which rendering turns into links once every link has
    landed: for a definition, which rendering finishes; a context is shown as parse left
    it. ``mark`` is written just before each child whose index is in ``marks``, to find
    those places afterwards.
    """
    out: list[str] = []
    env = {} if env is None else env
    rules = cast(RendererHTML, md.renderer).rules
    own = _OWN_RULES | {"wikilink"} if landing else _OWN_RULES
    closes: list[str] = []  # for each link open, its end tag
    for index, child in enumerate(children):
        if index in marks:
            out.append(mark)
        kind = child.type
        if child.nesting != 0:
            if kind == "link_open":
                out.append(_link_open(child, landing))
                closes.append("</span>" if out[-1].startswith("<span") else "</a>")
            elif kind == "link_close":
                out.append(closes.pop() if closes else "")
            elif child.tag in _FORMATTING:
                out.append(f"<{child.tag}>" if child.nesting == 1 else f"</{child.tag}>")
        elif kind == "text":
            out.append(escape(child.content, quote=False))
        elif kind == "code_inline":
            out.append(f"<code>{escape(child.content, quote=False)}</code>")
        elif kind in BREAKS:
            out.append("<br>\n" if breaks else " ")
        elif kind in own and kind in rules:
            out.append(rules[kind](children, index, md.options, env))
        elif kind == "wikilink":
            out.append(f'<span class="ref-link">{escape(child.content, quote=False)}</span>')
        elif kind in ("embed", "image"):
            out.append(f'<span class="ref-embed">{escape(_shown(child), quote=False)}</span>')
        elif kind == "tag":
            out.append(f'<span class="tag">{escape(_tag_text(child), quote=False)}</span>')
        elif kind == "html_inline":
            out.append(child.content)
        else:
            out.append(escape(child.content, quote=False))
    return "".join(out)
