"""Inline ``#tags``: nested (``#a/b``), any script, never digits-only, never mid-word."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

_BODY = re.compile(r"[\w/-]+", re.UNICODE)


def normalise_tag(raw: str) -> str | None:
    """``#Topic/Sub/`` -> ``Topic/Sub``; None when it is not a tag (empty, digits only)."""
    name = raw.strip().lstrip("#").strip("/")
    if not name or not _BODY.fullmatch(name):
        return None
    if not any(c.isalpha() for c in name):
        return None
    return "/".join(part for part in name.split("/") if part)


def _tag_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "#":
        return False
    if pos > 0 and not src[pos - 1].isspace() and src[pos - 1] not in "([{":
        return False
    match = _BODY.match(src, pos + 1)
    if not match:
        return False
    name = normalise_tag(match.group(0))
    if name is None:
        return False
    if not silent:
        token = state.push("tag", "", 0)
        token.content = name
        token.markup = "#"
    state.pos = match.end()
    return True


def tags_plugin(md: MarkdownIt, *, tag_url: Callable[[str], str]) -> None:
    """Register the inline tag rule; ``tag_url`` builds each tag's link."""

    def render(
        self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        name = tokens[idx].content
        href = escapeHtml(tag_url(name))
        return f'<a class="tag" href="{href}" data-tag="{escapeHtml(name)}">#{escapeHtml(name)}</a>'

    md.inline.ruler.before("link", "tag", _tag_rule)
    md.add_render_rule("tag", render)
