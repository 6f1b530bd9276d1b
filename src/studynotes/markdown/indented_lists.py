"""Obsidian-style lists indented by a tab (or 4+ spaces) right under a paragraph line.

CommonMark folds such a line into the paragraph as a lazy continuation; Obsidian shows a
list. Two block rules restore Obsidian's reading:

- ``paragraph`` is replaced by a wrapper that ends a paragraph just before its first
  over-indented list line, then lets markdown-it's paragraph rule build it. A paragraph
  terminator rule cannot do this: markdown-it never consults terminators for lines
  indented 4+ columns past the paragraph. Wrapping (rather than adding a rule before
  ``paragraph``) keeps rules other plugins put before ``paragraph``, like deflist, first.
- ``indented_list`` (before ``code``) parses that line as a list, with the block indent
  moved to the line's own indent, so markdown-it's list rule handles items and nesting.

An indented block after a *blank* line is still an indented code block.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, list_block, paragraph

__all__ = ["indented_lists_plugin"]

# A list marker, then whitespace and some content (an empty item never interrupts text).
_ITEM_RE = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])[ \t]+\S")
# A thematic break such as `* * *` is not a list item.
_HR_RE = re.compile(r"([-*_])(?:[ \t]*\1){2,}[ \t]*")


def indented_lists_plugin(md: MarkdownIt) -> None:
    """Render tab-indented lists under a paragraph line as lists, as Obsidian does."""
    md.block.ruler.at("paragraph", _paragraph_before_list)
    md.block.ruler.before("code", "indented_list", _indented_list)


def _is_indented_item(state: StateBlock, line: int) -> bool:
    """Whether ``line`` is a list item indented 4+ columns past the current block."""
    if state.sCount[line] - state.blkIndent < 4:
        return False
    text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
    return _ITEM_RE.match(text) is not None and _HR_RE.fullmatch(text) is None


def _paragraph_before_list(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """Build the paragraph at ``startLine`` so it stops before an over-indented list line.

    The paragraph is built first and only its own lines are searched: scanning ahead to the
    next blank line instead made a long list or footnote run quadratic.
    """
    first_token = len(state.tokens)
    if not paragraph(state, startLine, endLine, silent):
        return False
    stop = next(
        (line for line in range(startLine + 1, state.line) if _is_indented_item(state, line)),
        None,
    )
    if stop is None:
        return True
    del state.tokens[first_token:]
    state.line = startLine
    old_line_max = state.lineMax
    state.lineMax = stop
    try:
        return paragraph(state, startLine, stop, silent)
    finally:
        state.lineMax = old_line_max


def _indented_list(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """Parse an over-indented list that directly follows a paragraph as a list, not code."""
    if silent or len(state.tokens) < 3 or not _is_indented_item(state, startLine):
        return False
    closer, opener = state.tokens[-1], state.tokens[-3]
    if (
        closer.type != "paragraph_close"
        or opener.type != "paragraph_open"
        or closer.level != state.level
        or opener.map is None
        or opener.map[1] != startLine
    ):
        return False

    old_indent = state.blkIndent
    state.blkIndent = state.sCount[startLine]
    try:
        return list_block(state, startLine, endLine, silent)
    finally:
        state.blkIndent = old_indent
