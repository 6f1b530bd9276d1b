"""``$inline$`` and ``$$display$$`` math, typeset on the server as MathML.

Inline math is mdit_py_plugins' dollarmath, configured so prose prices (``$5 and $10``)
stay text. Display math on its own lines is our block rule, which reads it as Obsidian
does: a ``$$`` line may follow a text line directly (it ends the paragraph, as a list
would), in a callout or a list item too, and every line up to the closing ``$$`` is math,
whatever it begins with: ``- x``, ``+ y``, ``# n``, ``> 0`` or ``1.`` never become a list,
heading or quote, and a blank line does not end it, nor does it end math opened by a ``$$``
inside a paragraph. Without a closing ``$$`` it stays text.

Rendering uses latex2mathml; browsers render MathML natively, so pages need no math
JavaScript. A formula latex2mathml rejects shows its source in a
``<code class="math-error">`` instead of breaking the page.

Display math written inside a paragraph (``text $$x$$ text``) renders as
``<span class="math math-display">`` so the paragraph stays valid HTML; CSS makes it a block.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Literal
from xml.etree.ElementTree import Element, tostring

from latex2mathml.converter import convert_to_element
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin

__all__ = ["math_plugin", "render_latex"]

_MAX_ERROR_TITLE = 200
# Longer "formulas" are runs of dollar signs or pasted text; converting one took seconds.
_MAX_LATEX = 10_000
# latex2mathml writes symbols as character references inside text; we decode them so
# ElementTree's own escaping is the only escaping (its `unescape` pass would let `<` through).
_CHAR_REF_RE = re.compile(r"&#(?:x([0-9a-fA-F]+)|([0-9]+));")
# `aligned`, the environment math notes use most (MathJax renders it in Obsidian), is one
# latex2mathml lacks: its `&` showed as text and its rows ran into one line. `align*` lays
# out the same right/left column pairs as a table; the `[t]`-style position is dropped.
# `align` becomes `align*` too: Obsidian's MathJax numbers no equations, latex2mathml did.
_ALIGNED_RE = re.compile(r"\\(begin\{(?:aligned|align)\}(?:\[[tcb]\])?|end\{(?:aligned|align)\})")


def math_plugin(md: MarkdownIt) -> None:
    """Typeset ``$...$`` / ``$$...$$`` server-side so notes show formulas without client JS."""
    md.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=True,  # its digit test misreads a line's start: ``_no_digit_beside``
        allow_blank_lines=False,
        double_inline=True,
    )
    inline = md.inline.ruler.__rules__[md.inline.ruler.__find__("math_inline")]
    md.inline.ruler.at("math_inline", _no_digit_beside(inline.fn))
    # Same place as dollarmath's block rule (before fences), but it may end a paragraph,
    # a quote or a list, as Obsidian lets a `$$` line do.
    md.block.ruler.at(
        "math_block", _math_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    # Inside a paragraph, lines after an unclosed `$$` are math: a `- x` or `# n` line there
    # must not end the paragraph as a list or heading would.
    for name in ("paragraph", *_INTERRUPTERS):
        rule = md.block.ruler.__rules__[md.block.ruler.__find__(name)]
        wrapped = _paragraph_start(rule.fn) if name == "paragraph" else _not_in_math(rule.fn)
        md.block.ruler.at(name, wrapped, {"alt": list(rule.alt)})
    md.add_render_rule("math_inline", _render_inline)
    md.add_render_rule("math_inline_double", _render_inline_display)
    md.add_render_rule("math_block", _render_block)
    md.add_render_rule("math_block_label", _render_block)


InlineRule = Callable[[StateInline, bool], bool]


def _no_digit_beside(rule: InlineRule) -> InlineRule:
    """``$5 and $10`` stay text: no inline math with a digit just before its opening ``$``
    or just after its closing one. dollarmath's own test read the character before a
    line's first ``$`` as the line's last, so ``$a$ then 1`` stayed raw."""

    def math_inline(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if start > 0 and state.src[start - 1].isdigit():
            return False
        if not rule(state, True):
            return False
        after = state.pos
        if after < len(state.src) and state.src[after].isdigit():
            state.pos = start
            return False
        if silent:
            return True
        state.pos = start
        return rule(state, False)

    return math_inline


def _math_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """``$$`` display math from ``startLine`` to the line that ends with the closing ``$$``.

    Blank lines belong to it, as in Obsidian. The scan stops at a line outside the current
    list item and at any other ``$$`` (a closing one not at the end of its line is not a
    block), so each line is looked at by at most one scan: parsing stays linear however
    many ``$$`` a note has.
    """
    if state.is_code_block(startLine):
        return False
    first = state.src[state.bMarks[startLine] + state.tShift[startLine] : state.eMarks[startLine]]
    first = first.rstrip()
    if not first.startswith("$$"):
        return False
    body = first[2:]
    if silent and body.strip() and not body.endswith("$$"):
        # Only `$$` alone or `$$x$$` alone ends the paragraph above it: in `text:$$` then
        # `$$where ...`, the `$$` at the start of the line closes math the paragraph opened.
        return False
    if silent and _math_open(state, startLine):
        # `such that $$`, a formula, then `$$` or `$$Then, the sum $$`: this line closes
        # the math the paragraph opened (and may open more); it is the paragraph's.
        return False
    if "$$" in body:  # `$$x$$` alone on its line; `$$x$$ and text` is inline math
        if body.find("$$") != len(body) - 2 or not body[:-2].strip():
            return False
        lines, last = [body[:-2]], startLine
    else:
        floor = min(state.blkIndent, state.sCount[startLine])
        lines, last = [body], -1
        for line in range(startLine + 1, endLine):
            start = state.bMarks[line] + state.tShift[line]
            text = state.src[start : state.eMarks[line]].rstrip()
            # A line outdented past the block ends it (the list item ended before it); a
            # quote's lazy line (no ``>``, count -1) is part of the quote and of the math.
            if text and 0 <= state.sCount[line] < floor:
                return False
            if "$$" in text:
                if text.find("$$") != len(text) - 2:
                    return False
                lines.append(text[:-2])
                last = line
                break
            lines.append(text)
        if last < 0:
            return False
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = "\n".join(lines)
    token.markup = "$$"
    token.map = [startLine, last + 1]
    state.line = last + 1
    return True


_INTERRUPTERS = ("table", "fence", "blockquote", "hr", "list", "html_block", "heading")
BlockRule = Callable[[StateBlock, int, int, bool], bool]


def _paragraph_start(rule: BlockRule) -> BlockRule:
    def paragraph(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
        state.sn_dollars = [startLine, startLine, 0]  # type: ignore[attr-defined]
        tokens = len(state.tokens)
        if not rule(state, startLine, endLine, silent):
            return False
        if not silent and len(state.tokens) == tokens + 3 and _math_open(state, state.line):
            _run_on(state, startLine, endLine, state.tokens[tokens:])
        return True

    return paragraph


_RUN_ON = 50  # lines a paragraph's open ``$$`` may run on past a blank line, at most
_BREAKS = ("#", "```", "~~~")  # a heading or a fence ends the search for the closing `$$`


def _run_on(state: StateBlock, start: int, end: int, tokens: Sequence[Token]) -> None:
    """``**Proof:** $$\\begin{align}``, a blank line, then ``\\end{align}$$``: math opened
    inside a paragraph runs on to its closing ``$$`` across blank lines, as it does in
    Obsidian; the paragraph takes those lines. Without a closing ``$$`` near enough (before
    a heading or a fence, within ``_RUN_ON`` lines) the paragraph ends where it did."""
    for line in range(state.line, min(end, state.line + _RUN_ON)):
        first = state.bMarks[line] + state.tShift[line]
        text = state.src[first : state.eMarks[line]]
        if text and (state.sCount[line] < state.blkIndent or text.startswith(_BREAKS)):
            return
        if "$$" in text:
            break
    else:
        return
    opening, inline = tokens[0], tokens[1]
    inline.content = state.getLines(start, line + 1, state.blkIndent, False).strip()
    opening.map = inline.map = [start, line + 1]
    state.line = line + 1


def _not_in_math(rule: BlockRule) -> BlockRule:
    def unless_in_math(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
        if not rule(state, startLine, endLine, silent):
            return False
        # A line outdented past the block (the next item of an outer list) still ends it.
        inside = state.sCount[startLine] >= state.blkIndent
        return not (silent and inside and _math_open(state, startLine))

    return unless_in_math


_LOOK_BACK = 200  # lines read back from a quote's lazy line, at most


def _opened_above(state: StateBlock, line: int) -> bool:
    count = 0
    for above in range(line - 1, max(-1, line - 1 - _LOOK_BACK), -1):
        start = state.bMarks[above] + state.tShift[above]
        if start >= state.eMarks[above]:
            break  # a blank line: the paragraph began after it
        count += state.src.count("$$", start, state.eMarks[above])
    return count % 2 == 1


def _math_open(state: StateBlock, line: int) -> bool:
    """Whether the paragraph being read, up to ``line``, leaves a ``$$`` open (an odd
    count of them). The count is kept as the paragraph grows, so each line is read once."""
    memo: list[int] | None = getattr(state, "sn_dollars", None)
    if state.parentType != "paragraph" or memo is None:
        return _opened_above(state, line)  # a quote's lazy lines: read back, a bounded way
    for counted in range(memo[1], line):
        start = state.bMarks[counted] + state.tShift[counted]
        memo[2] += state.src.count("$$", start, state.eMarks[counted])
    memo[1] = max(memo[1], line)
    return memo[2] % 2 == 1


@lru_cache(maxsize=2048)
def render_latex(latex: str, display: Literal["inline", "block"] = "inline") -> str:
    """LaTeX -> MathML markup, or an escaped ``math-error`` code element; never raises."""
    if len(latex) > _MAX_LATEX:
        title = f"Formula too long to render ({len(latex)} > {_MAX_LATEX} characters)"
        return f'<code class="math-error" title="{title}">{escapeHtml(latex)}</code>'
    try:
        element = convert_to_element(_ALIGNED_RE.sub(_as_align, latex), display=display)
        _decode_char_refs(element)
        return tostring(element, encoding="unicode")
    except Exception as exc:  # latex2mathml raises many types for malformed input
        message = f"Cannot render formula ({type(exc).__name__}): {exc}".rstrip(": ")
        title = escapeHtml(message[:_MAX_ERROR_TITLE])
        return f'<code class="math-error" title="{title}">{escapeHtml(latex)}</code>'


def _as_align(match: re.Match[str]) -> str:
    return r"\begin{align*}" if match[1].startswith("begin") else r"\end{align*}"


def _decode_char_refs(element: Element) -> None:
    """Turn latex2mathml's ``&#x...;`` strings into the characters they stand for."""
    for node in element.iter():
        if node.text:
            node.text = _CHAR_REF_RE.sub(_char_for_ref, node.text)
        if node.tail:
            node.tail = _CHAR_REF_RE.sub(_char_for_ref, node.tail)
        for key, value in node.attrib.items():
            node.attrib[key] = _CHAR_REF_RE.sub(_char_for_ref, value)


def _char_for_ref(match: re.Match[str]) -> str:
    """Decode one numeric character reference, keeping invalid code points as written."""
    hex_digits, decimal = match.groups()
    code_point = int(hex_digits, 16) if hex_digits else int(decimal)
    if 0 < code_point <= 0x10FFFF and not 0xD800 <= code_point <= 0xDFFF:
        return chr(code_point)
    return match.group(0)


def _render_inline(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Inline ``$x$`` as inline MathML."""
    mathml = render_latex(tokens[idx].content.strip(), "inline")
    return f'<span class="math math-inline">{mathml}</span>'


def _render_inline_display(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """``$$x$$`` inside a paragraph: display MathML in a span, so the ``<p>`` stays valid."""
    mathml = render_latex(tokens[idx].content.strip(), "block")
    return f'<span class="math math-display">{mathml}</span>'


def _render_block(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """``$$`` on its own lines as display MathML."""
    mathml = render_latex(tokens[idx].content.strip(), "block")
    return f'<div class="math math-display">{mathml}</div>\n'
