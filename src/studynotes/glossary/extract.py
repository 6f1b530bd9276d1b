"""Find glossary definitions in the token stream of one note.

Precision comes before recall: every false term becomes a wrong tooltip on every page,
so each shape (``shapes.py``) is narrow and every candidate must also pass the non-term
filters in ``_labels.py``. The extractor sees only one note; vault-wide rules live in
``collect.py``. This module walks the note: which paragraphs may define terms, and
definition lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from studynotes.glossary._labels import is_advice_heading, normalise_space, opens_like_a_step
from studynotes.glossary.called import called
from studynotes.glossary.candidate import TermCandidate, definition, has_prose, is_blank, trimmed
from studynotes.glossary.paragraph import Block, Line, LineContext, lines
from studynotes.glossary.shapes import abbr_first, bold_first, is_callout_title, split_name
from studynotes.markdown.inline import inline_text

__all__ = ["TermCandidate", "extract_terms"]

_LISTS = frozenset({"bullet_list_open", "ordered_list_open"})


def extract_terms(tokens: list[Token], md: MarkdownIt, env: dict[str, Any]) -> list[TermCandidate]:
    """Return the term candidates defined in one parsed note, in document order."""
    found: list[TermCandidate] = []
    stack: list[Token] = []
    heading: list[tuple[int, bool]] = []  # open sections: level, whether it gives advice
    intros: list[bool] = []  # open lists: whether the line before them gives advice
    section: str | None = None  # the last heading's text
    lead: tuple[str, str] | None = None  # and the paragraph that opens its section
    for i, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(token)
            if token.type == "heading_open":
                level = int(token.tag[1:])
                while heading and heading[-1][0] >= level:
                    heading.pop()
                heading.append((level, _advice(tokens[i + 1])))
                section = normalise_space(inline_text(tokens[i + 1].children or [])) or None
                lead = None
            elif token.type in _LISTS:
                intros.append(i >= 2 and tokens[i - 1].type == "paragraph_close"
                              and _advice(tokens[i - 2]))  # fmt: skip
            if token.type == "dt_open":
                candidate = _deflist_term(tokens, i, stack, md, env)
                if candidate is not None:
                    found.append(candidate)
        elif token.nesting == -1:
            if stack:
                stack.pop()
            if token.type in _LIST_CLOSES and intros:
                intros.pop()
        elif token.type == "inline" and token.children and _is_prose_paragraph(stack):
            if (heading and heading[-1][1]) or any(intros):
                continue  # pros, cons, steps and tips are labelled, not defined
            if section and lead is None and _opens_section(tokens, i):
                opening = trimmed(token.children)
                lead = definition(opening, md, env) if has_prose(opening) else ("", "")
            block = _describe_block(tokens, i, stack)
            block.section, block.lead = section, lead
            item = _bold_item_over_list(tokens, i, stack, md, env)
            found.extend([item] if item is not None else _paragraph_terms(token, block, md, env))
    return found


def _opens_section(tokens: Sequence[Token], i: int) -> bool:
    """The paragraph at inline ``i`` comes right after its heading (a rule between them
    allowed) and is not in a list or quote: a section's lead, such as an italic summary."""
    before = [t for t in tokens[max(0, i - 4) : i - 1] if t.type != "hr"]
    return bool(before) and before[-1].type == "heading_close" and tokens[i - 1].level == 0


def _bold_item_over_list(
    tokens: Sequence[Token], i: int, stack: Sequence[Token], md: MarkdownIt, env: dict[str, Any]
) -> TermCandidate | None:
    """``- **BIO-encoding**`` with a list nested under it: the item names a term and its
    first sub-item defines it. (A bold line over a list outside a list item is a label.)"""
    children = [c for c in tokens[i].children or [] if not is_blank(c)]
    if children and children[-1].type == "text" and children[-1].content.strip() in _COLONS:
        children = children[:-1]  # "- **Fine tuning**:" over its list
    parent = stack[-2] if len(stack) >= 2 else None
    if parent is None or parent.type != "list_item_open" or tokens[i - 2] is not parent:
        return None
    if (
        len(children) < 3
        or children[0].type != "strong_open"
        or children[-1].type != "strong_close"
    ):
        return None
    if any(c.type in ("strong_open", "softbreak", "hardbreak") for c in children[1:-1]):
        return None
    nested = i + 2
    if nested >= len(tokens) or tokens[nested].type not in _LISTS:
        return None
    first = next(
        (t for t in tokens[nested + 1 : nested + 6] if t.type == "inline" and t.children), None
    )
    if first is None or first.children is None:
        return None
    raw = normalise_space(inline_text(children[1:-1])).rstrip(":\uff1a").rstrip()
    named = split_name(raw, None)
    if named is None or opens_like_a_step(named[0]):
        return None
    text, html = definition(first.children, md, env)
    if len(text.split()) < 3 or not has_prose(first.children):
        return None  # "- **Harnesses**:" over "- lm-eval": examples, not a definition
    where = tokens[i].map
    line = (where[0] if where else 0) + 1
    return TermCandidate(named[0], named[1], text, html, line, "item-list", _anchor(stack))


_LIST_CLOSES = frozenset({"bullet_list_close", "ordered_list_close"})
_COLONS = frozenset({":", "\uff1a"})


def _advice(inline: Token) -> bool:
    """Whether a heading or a list's lead-in announces advice, options or a verdict."""
    if inline.type != "inline":
        return False
    return is_advice_heading(inline_text(inline.children or []))


# --- where the inline sits ---------------------------------------------------------------


def _is_prose_paragraph(stack: Sequence[Token]) -> bool:
    """Only ordinary paragraphs define terms: not headings, tables, titles or term lines."""
    if not stack or stack[-1].type != "paragraph_open":
        return False
    for open_token in stack:
        kind = open_token.type
        if kind.startswith(("heading", "table", "thead", "tbody", "tr_", "th_", "td_", "dt_")):
            return False
        if "title" in kind or "caption" in kind:
            return False
    return True


def _describe_block(tokens: Sequence[Token], i: int, stack: Sequence[Token]) -> Block:
    para_index = i - 1
    parent = stack[-2] if len(stack) >= 2 else None
    opens_item = parent is not None and tokens[para_index - 1] is parent
    in_ordered = False
    if opens_item and parent is not None and parent.type == "list_item_open":
        lists = [t for t in stack if t.type in _LISTS]
        in_ordered = bool(lists) and lists[-1].type == "ordered_list_open"
    callout_first = (
        parent is not None and parent.type == "blockquote_open" and tokens[para_index - 1] is parent
    )
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    return Block(
        in_ordered_item=in_ordered,
        callout_first=callout_first,
        followed_by_list=after is not None and after.type in _LISTS,
        anchor=_anchor(stack),
    )


def _anchor(stack: Sequence[Token]) -> str | None:
    """The id of the innermost enclosing element that has one (block ids, attrs plugins)."""
    for open_token in reversed(stack):
        value = open_token.attrGet("id")
        if value:
            return str(value)
    return None


# --- one paragraph, line by line -------------------------------------------------------------


# "A **vault** is ...", "In statistics, **population** refers to ...": a lead-in, then the term.
_ARTICLE = re.compile(r"^(?:(?:A|An|The)\s+|In\s+[\w\s-]{1,30},\s+)$", re.IGNORECASE)


def _article_then_bold(children: Sequence[Token], line: Line) -> bool:
    start = line.start
    return (
        start + 1 < line.end
        and children[start].type == "text"
        and bool(_ARTICLE.match(children[start].content))
        and children[start + 1].type == "strong_open"
    )


def _paragraph_terms(
    inline: Token, block: Block, md: MarkdownIt, env: dict[str, Any]
) -> list[TermCandidate]:
    children = inline.children or []
    split = lines(children)
    base = (inline.map[0] if inline.map else 0) + 1
    found: list[TermCandidate] = []
    # next_bold[k]: the first line from k on that opens in bold, found in one backward pass
    # (searching forward from every line was quadratic in a paragraph's line count).
    next_bold = [len(split)] * (len(split) + 1)
    for k in range(len(split) - 1, -1, -1):
        next_bold[k] = k if split[k].opens_bold(children) else next_bold[k + 1]
    for k, line in enumerate(split):
        if k == 0 and block.callout_first and is_callout_title(inline_text(children[: line.end])):
            continue
        # The definition may run on over the next lines, up to the next line opening in bold.
        stop = next_bold[k + 1]
        seg_end = split[stop - 1].end
        ctx = LineContext(children, split, k, seg_end, block, md, env)
        candidate = bold_first(ctx) if line.opens_bold(children) else abbr_first(ctx)
        if candidate is None and _article_then_bold(children, line):
            # "A **vault** is a folder ...": the sentence shape after an article.
            shifted = [*split[:k], Line(line.number, line.start + 1, line.end), *split[k + 1 :]]
            found_in = bold_first(LineContext(children, shifted, k, seg_end, block, md, env))
            candidate = found_in if found_in is not None and found_in.shape == "sentence" else None
        if candidate is None:
            candidate = called(ctx)
        if candidate is not None:
            candidate.line = base + line.number
            candidate.anchor = block.anchor
            found.append(candidate)
    return found


# --- definition lists -------------------------------------------------------------------------


def _deflist_term(
    tokens: Sequence[Token], i: int, stack: Sequence[Token], md: MarkdownIt, env: dict[str, Any]
) -> TermCandidate | None:
    """``Term`` / ``: definition``: the dt text is the term, the first dd its definition."""
    if i + 1 >= len(tokens) or tokens[i + 1].type != "inline":
        return None
    inline = tokens[i + 1]
    raw = normalise_space(inline_text(inline.children or []))
    found = split_name(raw.rstrip(":\uff1a"), None)
    if found is None or raw.endswith(("?", "\uff1f")):
        return None
    dd_inlines = _first_dd_inlines(tokens, i + 2)
    parts = [p for p in (trimmed(t.children or []) for t in dd_inlines) if p]
    rendered = [definition(p, md, env) for p in parts]
    text = "\n".join(t for t, _ in rendered).strip()
    html = " ".join(h for _, h in rendered).strip()
    if text and not any(has_prose(p) for p in parts):
        return None
    line = (inline.map[0] if inline.map else 0) + 1
    return TermCandidate(found[0], found[1], text, html, line, "deflist", _anchor(stack))


def _first_dd_inlines(tokens: Sequence[Token], start: int) -> list[Token]:
    """The paragraphs directly inside the dd that follows the dt closing at ``start``."""
    index = start
    while index < len(tokens) and tokens[index].type != "dt_close":
        index += 1
    index += 1
    if index >= len(tokens) or tokens[index].type != "dd_open":
        return []
    dd = tokens[index]
    found: list[Token] = []
    depth = 0
    for token in tokens[index:]:
        depth += token.nesting
        if depth == 0:
            break
        if token.type == "inline" and token.level == dd.level + 2:
            found.append(token)
    return found
