"""Inline fields (``key:: value``, ``[key:: value]``, ``(key:: value)``), tasks and query
fences: the facts queries read, recorded in ``env["dataview"]``.

Fields are read from each inline token's source, so a value keeps its links and markup as
written; the rendered text shows the key as a label, the way Obsidian's reading view does.
``dataview`` fences get a numbered placeholder that rendering fills with the results.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from studynotes.markdown.inline import BREAKS

__all__ = ["DataviewFacts", "dataview_facts", "fields_plugin"]

_KEY = r"[^\s\[\]():*`#][^\[\]():`]*?"
_LINE_FIELD = re.compile(rf"^[ \t]*(?:\*\*)?({_KEY})(?:\*\*)?::[ \t]*(.*)$")
# A bracketed value runs to the closing bracket; a ``[[link]]`` inside it closes nothing.
# (Written as an unrolled loop of possessive runs: no backtracking on a hostile line.)
_VALUE = r"[^\[\])]*+(?:(?:\[\[[^\[\]]*\]\]|\[)[^\[\])]*+)*+"
_BRACKETED = re.compile(rf"([\[(])({_KEY})::[ \t]*({_VALUE})[\])]")


@dataclass(slots=True)
class DataviewFacts:
    fields: list[tuple[str, str, int]] = field(default_factory=list)  # key, raw value, line
    tasks: list[tuple[str, bool, int]] = field(default_factory=list)  # text, done, line
    queries: list[str] = field(default_factory=list)


def dataview_facts(env: MutableMapping[str, Any]) -> DataviewFacts:
    found = env.get("dataview")
    if not isinstance(found, DataviewFacts):
        found = env["dataview"] = DataviewFacts()
    return found


def fields_plugin(md: MarkdownIt) -> None:
    """Register the rule; it runs after task lists and before the facts are collected."""
    md.core.ruler.before("sn_collect", "sn_fields", _fields)


def _label(key: str, value: str, bracket: str) -> str:
    kind = "inline-field-paren" if bracket == "(" else "inline-field"
    return (
        f'<span class="{kind}"><span class="inline-field-key">{escape(key)}</span>'
        f'<span class="inline-field-value">{escape(value)}</span></span>'
    )


def _html(content: str) -> Token:
    token = Token("html_inline", "", 0)
    token.content = content
    return token


def _mark_children(children: list[Token]) -> list[Token]:
    """Show each field's key as a label: the line form at a line's start, the bracketed
    forms wherever a text token holds one whole."""
    out: list[Token] = []
    line_start = True
    for child in children:
        if child.type == "text":
            text = child.content
            if line_start and (m := _LINE_FIELD.match(text)) and m.group(1).strip():
                out.append(_html(f'<span class="inline-field-key">{_esc(m.group(1))}</span>'))
                child.content = m.group(2)
                text = child.content
            if "::" in text and _BRACKETED.search(text):
                last = 0
                for m in _BRACKETED.finditer(text):
                    if m.start() > last:  # the text around stays plain text
                        out.append(_text(text[last : m.start()]))
                    out.append(_html(_label(m.group(2).strip(), m.group(3).strip(), m.group(1))))
                    last = m.end()
                if last < len(text):
                    out.append(_text(text[last:]))
                line_start = False
                continue
        out.append(child)
        line_start = child.type in BREAKS
    return out


def _esc(text: str) -> str:
    return escape(text.strip())


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _is_task(tokens: list[Token], i: int) -> bool:
    return tokens[i].type == "list_item_open" and tokens[i].attrGet("class") == "task-list-item"


def _fields(state: StateCore) -> None:
    found = dataview_facts(state.env)
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type == "fence":
            words = token.info.strip().split(maxsplit=1)
            lang = words[0].lower() if words else ""
            if lang == "dataview":
                token.meta["query"] = len(found.queries)
                found.queries.append(token.content)
            continue
        if _is_task(tokens, i) and i + 2 < len(tokens) and tokens[i + 2].type == "inline":
            inline = tokens[i + 2]
            first = (inline.children or [Token("text", "", 0)])[0]
            done = 'checked="checked"' in first.content
            line = token.map[0] + 1 if token.map else 0
            found.tasks.append((inline.content.split("\n")[0].strip(), done, line))
        if token.type != "inline" or not token.children or "::" not in token.content:
            continue
        base = token.map[0] + 1 if token.map else 0
        for offset, text in enumerate(token.content.split("\n")):
            if (m := _LINE_FIELD.match(text)) and m.group(1).strip():
                found.fields.append((m.group(1).strip(), m.group(2).strip(), base + offset))
                continue
            for m in _BRACKETED.finditer(text):
                found.fields.append((m.group(2).strip(), m.group(3).strip(), base + offset))
        token.children = _mark_children(token.children)
