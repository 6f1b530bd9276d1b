"""Obsidian comments: ``%%hidden%%`` inline and ``%%``-fenced blocks never reach the output.

- Inline: ``%%...%%`` inside a paragraph, possibly across soft line breaks. An unclosed
  ``%%`` stays literal text. Code spans are parsed first where they start first, so
  ``%%`` inside backticks is untouched.
- Block: a line starting with ``%%`` through the line whose closing ``%%`` ends it (blank
  lines allowed in between). Without a closing ``%%`` it hides the rest of the container,
  as Obsidian hides the rest of the note.

No comment survives parsing: block comments push no token, and right after the inline pass
inline ``comment`` tokens are removed (with the line break a whole-line comment would leave)
and cut out of their ``inline`` token's ``content``.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

__all__ = ["comments_plugin"]

_MARK = "%%"
_BREAKS = frozenset({"softbreak", "hardbreak"})


def comments_plugin(md: MarkdownIt) -> None:
    """Hide Obsidian ``%%comments%%`` from rendered notes, as Obsidian's reading view does."""
    # `%` already stops markdown-it's text rule, so the inline rule sees every `%%`.
    md.inline.ruler.before("backticks", "comment_inline", _comment_inline)
    md.block.ruler.before(
        "fence",
        "comment_block",
        _comment_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.core.ruler.after("inline", "comment_cleanup", _drop_inline_comments)


def _comment_inline(state: StateInline, silent: bool) -> bool:
    """Consume ``%%...%%`` within inline content; leave an unclosed ``%%`` as text."""
    start = state.pos
    if not state.src.startswith(_MARK, start):
        return False
    end = state.src.find(_MARK, start + 2, state.posMax)
    if end < 0:
        return False
    if not silent:
        token = state.push("comment", "", 0)
        token.content = state.src[start + 2 : end]
        token.markup = _MARK
        token.meta = {"span": (start, end + 2)}
    state.pos = end + 2
    return True


def _comment_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """Skip lines from an opening ``%%`` line through the line its closing ``%%`` ends."""
    if state.is_code_block(startLine):
        return False
    src = state.src
    first = state.bMarks[startLine] + state.tShift[startLine]
    if not src.startswith(_MARK, first):
        return False

    crosses_blank_line = False
    close_line: int | None = None
    line = startLine
    while line < endLine:
        begin = first + 2 if line == startLine else state.bMarks[line] + state.tShift[line]
        finish = state.eMarks[line]
        if line != startLine and begin >= finish:
            crosses_blank_line = True
        else:
            closing = src.find(_MARK, begin, finish)
            if closing >= 0:
                if src[closing + 2 : finish].strip():
                    # Text follows the closing mark: this is inline content with a comment.
                    return False
                close_line = line
                break
        line += 1

    if silent:
        # Interrupt a paragraph only when the inline rule could not see the whole comment.
        return crosses_blank_line or close_line is None
    state.line = endLine if close_line is None else close_line + 1
    return True


def _drop_inline_comments(state: StateCore) -> None:
    """Remove comments from inline tokens so renderers and fact collectors never see them."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.content = _cut_spans(token.content, token.children)
            token.children = _without_comments(token.children)


def _cut_spans(content: str, children: list[Token]) -> str:
    """Remove the comments found directly in ``content`` from the inline token's source."""
    spans = [
        child.meta["span"] for child in children if child.type == "comment" and "span" in child.meta
    ]
    for start, end in reversed(spans):
        # Rules that re-parse a substring record offsets into that substring: skip them.
        if content.startswith(_MARK, start) and content.startswith(_MARK, end - 2):
            content = content[:start] + content[end:]
    return content


def _without_comments(children: list[Token]) -> list[Token]:
    """Drop comments, and the line break a comment filling a whole line would leave."""
    if not any(child.type == "comment" or child.children for child in children):
        return children
    out: list[Token] = []
    skip_break = False
    for index, child in enumerate(children):
        if skip_break and child.type in _BREAKS:
            skip_break = False
            continue
        skip_break = False
        if child.children:
            child.children = _without_comments(child.children)
        if child.type != "comment":
            out.append(child)
            continue
        previous = out[-1] if out else None
        following = children[index + 1] if index + 1 < len(children) else None
        starts_line = previous is None or previous.type in _BREAKS
        ends_line = following is None or following.type in _BREAKS
        if starts_line and ends_line:
            if following is not None:
                skip_break = True
            elif previous is not None:
                out.pop()
        _trim_around(previous, following, starts_line=starts_line, ends_line=ends_line)
    return out


def _trim_around(
    previous: Token | None, following: Token | None, *, starts_line: bool, ends_line: bool
) -> None:
    """Drop the spaces a removed comment leaves at a line edge or doubled mid-line."""
    if ends_line and previous is not None and previous.type == "text":
        previous.content = previous.content.rstrip(" \t")
    if following is not None and following.type == "text":
        space_before = previous is not None and previous.content[-1:] in (" ", "\t")
        if starts_line or space_before:
            following.content = following.content.lstrip(" \t")
