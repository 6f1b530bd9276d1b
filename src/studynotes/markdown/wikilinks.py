"""``[[Note#Heading|text]]`` links and ``![[file|300x200]]`` embeds.

The renderer cannot know where a link lands (that needs the whole vault), so it writes a
placeholder carrying the link's index in ``facts.links``; ``studynotes.ingest.render`` swaps the
placeholders for real links once links are resolved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from studynotes.markdown.facts import RawLink

_SIZE = re.compile(r"^\s*(\d{1,5})\s*(?:[xX]\s*(\d{1,5}))?\s*$")
_MAX_INNER = 1000


def split_target(inner: str) -> tuple[str, str | None, str | None]:
    """``Note#H1#H2`` -> (``Note``, ``H1#H2``, None); ``Note#^id`` -> (``Note``, None, ``id``)."""
    target, _, rest = inner.partition("#")
    heading: str | None = None
    block: str | None = None
    if rest:
        if rest.startswith("^"):
            block = rest[1:].strip() or None
        else:
            parts = [p.strip() for p in rest.split("#") if p.strip()]
            heading = "#".join(parts) or None
    return target.strip(), heading, block


def parse_wikilink(inner: str, *, embed: bool) -> RawLink:
    """Read the text between the brackets; ``\\|`` (escaped inside tables) counts as ``|``."""
    inner = inner.replace("\\|", "|")
    ref, pipe, display = inner.partition("|")
    target, heading, block = split_target(ref)
    link = RawLink(target=target, heading=heading, block=block, kind="embed" if embed else "link")
    if pipe:
        size = _SIZE.match(display) if embed else None
        if size:
            link.width = int(size.group(1))
            link.height = int(size.group(2)) if size.group(2) else None
        elif display.strip():
            link.display = display.strip()
    return link


def default_text(link: RawLink) -> str:
    """What Obsidian shows for a link without ``|text``."""
    if link.display:
        return link.display
    if link.block:
        return f"{link.target} > ^{link.block}" if link.target else f"^{link.block}"
    if link.heading:
        shown = link.heading.replace("#", " > ")
        return f"{link.target} > {shown}" if link.target else shown
    return link.target


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    start = pos + (3 if embed else 2)
    end = src.find("]]", start, start + _MAX_INNER)
    if end < 0:
        return False
    inner = src[start:end]
    if not inner.strip() or "\n" in inner or "[[" in inner:
        return False
    if not silent:
        link = parse_wikilink(inner, embed=embed)
        token = state.push("embed" if embed else "wikilink", "", 0)
        token.meta = {"link": link}
        token.content = default_text(link)
        token.markup = src[pos : end + 2]
    state.pos = end + 2
    return True


def _render_wikilink(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    return f'<a data-sn-link="{token.meta.get("i", -1)}">{escapeHtml(token.content)}</a>'


def _render_embed(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    meta = tokens[idx].meta
    placeholder = f'<span data-sn-embed="{meta.get("i", -1)}"></span>'
    return f"</p>{placeholder}<p>" if meta.get("split") else placeholder


def wikilinks_plugin(md: MarkdownIt) -> None:
    """Register the ``[[...]]`` / ``![[...]]`` inline rule and its placeholder renderers."""
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    md.add_render_rule("embed", _render_embed)
