"""``$inline$`` and ``$$display$$`` math, typeset on the server as MathML.

Parsing is mdit_py_plugins' dollarmath, configured so prose prices (``$5 and $10``) stay
text. Rendering uses latex2mathml; browsers render MathML natively, so pages need no
math JavaScript. A formula latex2mathml rejects shows its source in a
``<code class="math-error">`` instead of breaking the page.

Display math written inside a paragraph (``text $$x$$ text``) renders as
``<span class="math math-display">`` so the paragraph stays valid HTML; CSS makes it a block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal
from xml.etree.ElementTree import Element, tostring

from latex2mathml.converter import convert_to_element
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
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


def math_plugin(md: MarkdownIt) -> None:
    """Typeset ``$...$`` / ``$$...$$`` server-side so notes show formulas without client JS."""
    md.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    md.add_render_rule("math_inline", _render_inline)
    md.add_render_rule("math_inline_double", _render_inline_display)
    md.add_render_rule("math_block", _render_block)
    md.add_render_rule("math_block_label", _render_block)


@lru_cache(maxsize=2048)
def render_latex(latex: str, display: Literal["inline", "block"] = "inline") -> str:
    """LaTeX -> MathML markup, or an escaped ``math-error`` code element; never raises."""
    if len(latex) > _MAX_LATEX:
        title = f"Formula too long to render ({len(latex)} > {_MAX_LATEX} characters)"
        return f'<code class="math-error" title="{title}">{escapeHtml(latex)}</code>'
    try:
        element = convert_to_element(latex, display=display)
        _decode_char_refs(element)
        return tostring(element, encoding="unicode")
    except Exception as exc:  # latex2mathml raises many types for malformed input
        message = f"Cannot render formula ({type(exc).__name__}): {exc}".rstrip(": ")
        title = escapeHtml(message[:_MAX_ERROR_TITLE])
        return f'<code class="math-error" title="{title}">{escapeHtml(latex)}</code>'


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
