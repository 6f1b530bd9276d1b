"""``- [ ] task`` / ``- [x] done`` list items as disabled checkboxes.

The same output as mdit_py_plugins' tasklists with its defaults, whose search for each
item's list walked back over every earlier token: 20,000 tasks took half a minute. Here
one pass remembers the last token seen at each nesting level.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = ["tasklists_plugin"]

_TODO = re.compile(r"\[[ xX]][ \t\n\v\f\r]+")
_UNCHECKED = '<input class="task-list-item-checkbox" disabled="disabled" type="checkbox">'
_CHECKED = (
    '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" type="checkbox">'
)


def tasklists_plugin(md: MarkdownIt) -> None:
    """Turn list items opening with ``[ ]`` or ``[x]`` into checkbox items."""
    md.core.ruler.after("inline", "github-tasklists", _tasklists)


def _is_todo(tokens: list[Token], i: int) -> bool:
    return (
        i + 2 < len(tokens) - 1
        and tokens[i + 1].type == "paragraph_open"
        and tokens[i + 2].type == "inline"
        and _TODO.match(tokens[i + 2].content) is not None
    )


def _tasklists(state: StateCore) -> None:
    tokens = state.tokens
    last_at: dict[int, int] = {}  # nesting level -> index of the last token seen there
    for i, token in enumerate(tokens):
        if token.type == "list_item_open" and _is_todo(tokens, i):
            _todoify(tokens[i + 2])
            token.attrSet("class", "task-list-item")
            tokens[last_at.get(token.level - 1, -1)].attrSet("class", "contains-task-list")
        last_at[token.level] = i


def _todoify(inline: Token) -> None:
    children = inline.children
    if not children:
        return
    checkbox = Token("html_inline", "", 0)
    if inline.content.startswith("[ ] "):
        checkbox.content = _UNCHECKED
    elif inline.content.startswith(("[x] ", "[X] ")):
        checkbox.content = _CHECKED
    children.insert(0, checkbox)
    children[1].content = children[1].content[3:]
    inline.content = inline.content[3:]
