"""One pass over the parsed tokens that records links, tags, headings and block ids.

It runs as the last core rule, after every inline rule, so it sees the final tokens and
can give each fact its source line: the block's first line plus the line breaks before it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from studynotes.markdown.facts import BlockFact, Facts, HeadingFact, RawLink, TagFact, facts
from studynotes.markdown.inline import BREAKS, inline_html, inline_text
from studynotes.markdown.wikilinks import split_target
from studynotes.media import is_media_name
from studynotes.paths import slugify, unique
from studynotes.sanitize import inline_excerpts

_BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")
_LONE_BLOCK_ID = re.compile(r"^\^([A-Za-z0-9-]+)[ \t]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _is_local(href: str) -> bool:
    return bool(href) and not _SCHEME.match(href) and not href.startswith(("#", "/", "//"))


def _local_link(href: str, *, embed: bool) -> RawLink | None:
    """A markdown link or image pointing into the vault (``Some%20Note.md#Heading``)."""
    if not _is_local(href):
        return None
    parts = urlsplit(href)
    target = unquote(parts.path)
    heading, block = None, None
    if parts.fragment:
        _, heading, block = split_target("#" + unquote(parts.fragment))
    return RawLink(
        target=target,
        heading=heading,
        block=block,
        kind="embed" if embed else "link",
        markdown=True,
    )


def _set_block_id(tokens: list[Token], i: int, block_id: str) -> None:
    """Attach ``^id`` to the paragraph at ``i``, or to its list item when it is in one."""
    paragraph = tokens[i - 1]
    owner = paragraph
    if i >= 2 and tokens[i - 2].type == "list_item_open":
        owner = tokens[i - 2]
    owner.attrSet("id", f"^{block_id}")


def _previous_block_open(tokens: list[Token], para_open: int) -> Token | None:
    """The open token of the block just before ``para_open`` at the same depth."""
    j = para_open - 1
    if j < 0 or tokens[j].nesting != -1:
        return tokens[j] if j >= 0 and tokens[j].nesting == 0 and tokens[j].block else None
    depth = 0
    while j >= 0:
        depth += tokens[j].nesting
        if depth == 0:
            return tokens[j]
        j -= 1
    return None


_LINE_BLOCKS = frozenset({"paragraph_open", "list_item_open", "dd_open", "td_open", "th_open"})


def _collect(state: StateCore) -> None:
    found = facts(state.env)
    tokens = state.tokens
    anchors: set[str] = set()
    tried: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token.type in _LINE_BLOCKS and token.map and not token.hidden:
            # Lets glossary marking skip a term inside its own definition.
            token.attrSet("data-sn-lines", f"{token.map[0] + 1}-{token.map[1]}")
        if token.type == "heading_open" and i + 1 < len(tokens):
            text = inline_text(tokens[i + 1].children).strip()
            anchor = unique(slugify(text) or "section", anchors, tried)
            token.attrSet("id", anchor)
            line = token.map[0] + 1 if token.map else 0
            found.headings.append(HeadingFact(int(token.tag[1:]), text, anchor, line))
        if token.type != "inline" or not token.children:
            continue
        base = token.map[0] + 1 if token.map else 0
        _collect_inline(state.md, found, token.children, base)
        _block_ids(found, tokens, i, base)
        _unwrap_embeds(tokens, i)


# Never in a token's content (markdown-it reads NUL as U+FFFD): it marks where links start.
_MARK = "\x00"


def _contexts(md: MarkdownIt, children: list[Token], found: list[tuple[int, RawLink]]) -> None:
    """Give each link its context: the paragraph around it, rendered once for all of them."""
    html = inline_html(children, md, marks={i for i, _ in found}, mark=_MARK)
    places: list[int] = []
    at = html.find(_MARK)
    while at >= 0:
        places.append(at - len(places))
        at = html.find(_MARK, at + 1)
    contexts = inline_excerpts(html.replace(_MARK, ""), places)
    for (_, link), context in zip(found, contexts, strict=True):
        link.context = context


def _collect_inline(md: MarkdownIt, found: Facts, children: list[Token], base: int) -> None:
    line = base
    links: list[tuple[int, RawLink]] = []  # (child index, link), for their contexts
    for index, child in enumerate(children):
        if child.type in BREAKS:
            line += 1
        elif child.type in ("wikilink", "embed"):
            link: RawLink = child.meta["link"]
            link.line = line
            links.append((index, link))
            child.meta["i"] = len(found.links)
            found.links.append(link)
        elif child.type in ("link_open", "image"):
            href = child.attrGet("href" if child.type == "link_open" else "src")
            local = _local_link(str(href or ""), embed=child.type == "image")
            if local is None:
                continue
            local.line = line
            links.append((index, local))
            if child.type == "image":
                local.display = inline_text(child.children) or None
                child.type = "embed"
                child.meta = {"link": local, "i": len(found.links)}
            else:
                child.meta = {"link": local, "i": len(found.links)}
                child.attrs = {"data-sn-link": str(len(found.links))}
            found.links.append(local)
        elif child.type == "tag":
            found.tags.append(TagFact(child.content, line))
    if links:
        _contexts(md, children, links)


def _unwrap_embeds(tokens: list[Token], i: int) -> None:
    """A paragraph holding only embeds is not a paragraph: a transcluded note is a block."""
    children = tokens[i].children or []
    if i < 1 or tokens[i - 1].type != "paragraph_open":
        return
    if tokens[i - 1].hidden:
        return  # a tight list item: a block inside <li> is fine
    embeds = [c for c in children if c.type == "embed"]
    if not embeds:
        return
    if all(
        c.type == "embed" or c.type in BREAKS or (c.type == "text" and not c.content.strip())
        for c in children
    ):
        tokens[i - 1].hidden = tokens[i + 1].hidden = True
        return
    for child in embeds:  # a note embedded mid-paragraph closes the paragraph around it
        if not is_media_name(child.meta["link"].target):
            child.meta["split"] = True


def _block_ids(found: Facts, tokens: list[Token], i: int, base: int) -> None:
    """Trailing ``^id`` marks the paragraph (or list item); a lone one the block before it."""
    children = tokens[i].children or []
    if not children or children[-1].type != "text" or i < 1:
        return
    if tokens[i - 1].type != "paragraph_open":
        return
    last = children[-1]
    lines = sum(1 for c in children if c.type in BREAKS)
    if len(children) == 1 and (lone := _LONE_BLOCK_ID.match(last.content)):
        target = _previous_block_open(tokens, i - 1)
        if target is not None:
            target.attrSet("id", f"^{lone.group(1)}")
            tokens[i - 1].hidden = tokens[i + 1].hidden = True
            last.content = ""
            found.blocks.append(BlockFact(lone.group(1), base))
            return
    match = _BLOCK_ID.search(last.content)
    if match:
        last.content = last.content[: match.start()].rstrip()
        _set_block_id(tokens, i, match.group(1))
        found.blocks.append(BlockFact(match.group(1), base + lines))


def collect_plugin(md: MarkdownIt) -> None:
    """Register the collecting core rule; it must stay the last core rule."""
    md.core.ruler.push("sn_collect", _collect)
