"""Obsidian callouts: ``> [!type]± title`` blockquotes rendered as titled, foldable boxes.

The block parser still sees an ordinary blockquote; a core rule running between the block
and inline passes turns blockquotes whose first line is a ``[!type]`` marker into
``callout_*`` tokens, so nesting, lazy lines and source maps all come from markdown-it.

Token stream for ``> [!tip]- **Bold** title`` followed by a body::

    callout_open          tag div|details, attrs class/data-callout/data-callout-type[/open],
                          meta {"type", "canonical", "fold", "title", "metadata"}
      callout_title_open  tag div|summary
        inline            the title (custom, else the capitalised type), parsed as inline markdown
      callout_title_close
      callout_content_open          (only when the callout has a body)
        ...body tokens...
      callout_content_close
    callout_close
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

__all__ = ["CALLOUT_TYPES", "callouts_plugin"]

_CANONICAL_ALIASES: dict[str, tuple[str, ...]] = {
    "note": (),
    "abstract": ("summary", "tldr"),
    "info": (),
    "todo": (),
    "tip": ("hint", "important"),
    "success": ("check", "done"),
    "question": ("help", "faq"),
    "warning": ("caution", "attention"),
    "failure": ("fail", "missing"),
    "danger": ("error",),
    "bug": (),
    "example": (),
    "quote": ("cite",),
}

CALLOUT_TYPES: dict[str, str] = {
    name: canonical
    for canonical, aliases in _CANONICAL_ALIASES.items()
    for name in (canonical, *aliases)
}
"""Every callout type Obsidian styles, alias -> canonical (canonical names map to themselves)."""

_FALLBACK_TYPE = "note"

# `[!type]` (or `[!type|metadata]`, a theme extension), an optional fold sign, then the
# optional title on the rest of the line.
_MARKER_RE = re.compile(
    r"\[!(?P<type>[^\]\s|]+)(?:\|(?P<metadata>[^\]]*))?\](?P<fold>[+-]?)[ \t]*(?P<title>.*)"
)
_UNSAFE_ATTR_CHARS_RE = re.compile(r"[^a-z0-9-]")


@dataclass
class _Frame:
    """An open blockquote while rewriting: whether it became a callout with a content div."""

    is_callout: bool
    tag: str = "div"
    has_content: bool = False


def callouts_plugin(md: MarkdownIt) -> None:
    """Render Obsidian callouts server-side so they fold without JavaScript."""
    md.core.ruler.after("block", "callouts", _rewrite_callouts)
    md.add_render_rule("callout_open", _render_open)
    md.add_render_rule("callout_close", _render_close)
    md.add_render_rule("callout_title_open", _render_title_open)
    md.add_render_rule("callout_title_close", _render_title_close)
    md.add_render_rule("callout_content_open", _render_open)
    md.add_render_rule("callout_content_close", _render_close)


def _safe_attr(value: str) -> str:
    """Keep attribute values to a class-like alphabet so no markup can leak into them."""
    return _UNSAFE_ATTR_CHARS_RE.sub("", value.lower())


def _rewrite_callouts(state: StateCore) -> None:
    """Turn marked blockquotes into callout tokens before the inline pass parses titles."""
    tokens = state.tokens
    if not any(token.type == "blockquote_open" for token in tokens):
        return

    out: list[Token] = []
    stack: list[_Frame] = []
    # Content divs add one nesting level to everything inside them.
    shift = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "blockquote_open":
            frame, consumed, shift = _open_callout(tokens, i, out, shift)
            stack.append(frame)
            i += consumed
            continue
        if token.type == "blockquote_close" and stack:
            frame = stack.pop()
            if frame.is_callout:
                if frame.has_content:
                    shift -= 1
                    out.append(
                        _block_token("callout_content_close", "div", -1, token.level + shift + 1)
                    )
                closer = _block_token("callout_close", frame.tag, -1, token.level + shift)
                closer.markup = token.markup
                out.append(closer)
                i += 1
                continue
        token.level += shift
        out.append(token)
        i += 1

    state.tokens[:] = out


def _open_callout(
    tokens: list[Token], i: int, out: list[Token], shift: int
) -> tuple[_Frame, int, int]:
    """Emit tokens for the blockquote at ``i``; return its frame, tokens consumed, new shift."""
    opener = tokens[i]
    match = _marker_match(tokens, i)
    if match is None:
        opener.level += shift
        out.append(opener)
        return _Frame(is_callout=False), 1, shift

    paragraph, inline = tokens[i + 1], tokens[i + 2]
    written = match["type"]
    lowered = written.lower()
    canonical = CALLOUT_TYPES.get(lowered, _FALLBACK_TYPE)
    fold = match["fold"]
    title = match["title"].strip()
    level = opener.level + shift
    foldable = bool(fold)

    callout = _block_token("callout_open", "details" if foldable else "div", 1, level)
    callout.map = opener.map
    callout.markup = opener.markup
    callout.info = canonical
    callout.meta = {
        "type": lowered,
        "canonical": canonical,
        "fold": fold,
        "title": title,
        "metadata": (match["metadata"] or "").strip(),
    }
    callout.attrSet("class", "callout")
    callout.attrSet("data-callout", canonical)
    callout.attrSet("data-callout-type", _safe_attr(lowered) or canonical)
    if fold == "+":
        callout.attrSet("open", "")
    out.append(callout)

    title_line = paragraph.map[0] if paragraph.map else None
    title_map = None if title_line is None else [title_line, title_line + 1]
    title_tag = "summary" if foldable else "div"
    title_open = _block_token("callout_title_open", title_tag, 1, level + 1)
    title_open.map = title_map
    title_open.attrSet("class", "callout-title")
    title_inline = Token("inline", "", 0, level=level + 2, content=title or written.capitalize())
    title_inline.map = title_map
    title_inline.children = []
    out.extend(
        [title_open, title_inline, _block_token("callout_title_close", title_tag, -1, level + 1)]
    )

    body = inline.content.partition("\n")[2].lstrip(" \t")
    after_paragraph = tokens[i + 4] if i + 4 < len(tokens) else None
    has_more_blocks = not (
        after_paragraph is not None
        and after_paragraph.type == "blockquote_close"
        and after_paragraph.level == opener.level
    )
    frame = _Frame(is_callout=True, tag=callout.tag, has_content=bool(body) or has_more_blocks)
    if frame.has_content:
        content = _block_token("callout_content_open", "div", 1, level + 1)
        content.attrSet("class", "callout-content")
        if opener.map and paragraph.map:
            content.map = [paragraph.map[0] + 1, opener.map[1]]
        out.append(content)
        shift += 1

    if not body:
        # The paragraph held only the marker line: drop paragraph_open, inline, paragraph_close.
        return frame, 4, shift

    if paragraph.map:
        paragraph.map = [paragraph.map[0] + 1, paragraph.map[1]]
    inline.map = paragraph.map
    inline.content = body
    for token in tokens[i + 1 : i + 4]:
        token.level += shift
        out.append(token)
    return frame, 4, shift


def _marker_match(tokens: list[Token], i: int) -> re.Match[str] | None:
    """Match ``[!type]`` on the first line of the blockquote's leading paragraph, if any."""
    if i + 3 >= len(tokens):
        return None
    paragraph, inline = tokens[i + 1], tokens[i + 2]
    if paragraph.type != "paragraph_open" or inline.type != "inline":
        return None
    first_line = inline.content.partition("\n")[0].rstrip()
    return _MARKER_RE.fullmatch(first_line)


def _block_token(kind: str, tag: str, nesting: Literal[-1, 1], level: int) -> Token:
    """Create a block-level token the way the block parser would have."""
    token = Token(kind, tag, nesting, level=level)
    token.block = True
    return token


def _attrs(token: Token) -> str:
    """Serialise a token's attributes, escaped, as the default renderer does."""
    return "".join(f' {escapeHtml(k)}="{escapeHtml(str(v))}"' for k, v in token.attrItems())


def _render_open(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render the outer box and the content wrapper with their attributes."""
    token = tokens[idx]
    # Like markdown-it's default: a block after a tight list item's hidden paragraph
    # starts on its own line.
    newline = "\n" if idx and tokens[idx - 1].hidden else ""
    return f"{newline}<{token.tag}{_attrs(token)}>\n"


def _render_close(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Close whichever tag the matching opener used."""
    return f"</{tokens[idx].tag}>\n"


def _render_title_open(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Open the title row with an icon slot the stylesheet fills per callout type."""
    token = tokens[idx]
    return (
        f"<{token.tag}{_attrs(token)}>"
        '<span class="callout-icon" aria-hidden="true"></span>'
        '<span class="callout-title-inner">'
    )


def _render_title_close(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Close the title row opened by ``_render_title_open``."""
    return f"</span></{tokens[idx].tag}>\n"
