"""Long runs of markup punctuation (``[[[[``, ``![[![[``, ``$$$$``, ``====``) are plain text.

markdown-it tries every inline rule at every ``[`` or ``$``, and a link label scans ahead
through the nested brackets, so 100,000 ``[[`` took seconds. No run of 64 or more of these
characters means anything, so the run is text, read in one step; its last two or three
characters are left to the other rules, so ``[[[[...[[Note]]`` still links.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

__all__ = ["runs_plugin"]

_CHARS = frozenset("[]!^$<=")
_RUN = re.compile(r"[\[\]!^$<=]{64,}")


def runs_plugin(md: MarkdownIt) -> None:
    """Read long punctuation runs as text before the costlier rules see them."""
    md.inline.ruler.after("text", "punctuation_run", _run_rule)


def _run_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] not in _CHARS:
        return False
    match = _RUN.match(state.src, pos, state.posMax)
    if match is None:
        return False
    end = match.end() - 2  # a closing `]]` or `$$`, or an opening `[[`, is left to its rule
    if state.src.startswith("![[", end - 1):
        end -= 1
    if not silent:
        state.pending += state.src[pos:end]
    state.pos = end
    return True
