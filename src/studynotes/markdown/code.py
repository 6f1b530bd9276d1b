"""Fenced code: Pygments highlighting on the server, Mermaid fences kept as diagram source.

``highlight_code`` is markdown-it's ``options["highlight"]`` hook: it returns a complete
``<pre class="highlight"><code class="language-x">`` block of Pygments ``<span>``s, which
markdown-it then emits as is. ``pygments_css`` writes the matching stylesheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererProtocol
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name

__all__ = ["code_plugin", "highlight_code", "pygments_css"]

_SCOPE = ".highlight"
_FORMATTER = HtmlFormatter(nowrap=True)
# Language names reach a class attribute: keep them to characters real names use.
_UNSAFE_LANG_CHARS_RE = re.compile(r"[^a-z0-9_+#.-]")
# Clears what light-theme token rules set, so the dark theme starts from plain text.
_RESET = (
    "{ color: inherit; background-color: transparent; font-weight: inherit; "
    "font-style: inherit; text-decoration: inherit; border: none }"
)

_RenderRule = Callable[[Sequence[Token], int, OptionsDict, EnvType], str]


def code_plugin(md: MarkdownIt, *, highlight: bool = True) -> None:
    """Keep ```` ```mermaid ```` fences as diagram source and highlight other fences."""
    if highlight and not md.options.get("highlight"):
        md.options["highlight"] = highlight_code
    rules: dict[str, Any] = getattr(md.renderer, "rules", {})
    previous: _RenderRule | None = rules.get("fence")

    def render_fence(
        self: RendererProtocol,
        tokens: Sequence[Token],
        idx: int,
        options: OptionsDict,
        env: EnvType,
    ) -> str:
        """Mermaid fences go to the diagram renderer untouched, query fences become
        placeholders, script fences are shown as code; others go on as before."""
        token = tokens[idx]
        language = _language(token.info)
        if language == "mermaid":
            return f'<pre class="mermaid">{escapeHtml(token.content)}</pre>\n'
        if language == "dataview" and "query" in token.meta:
            # Filled with the query's results when the page is rendered (``dataview``).
            return f'<div class="dataview-query" data-sn-query="{token.meta["query"]}"></div>\n'
        if language == "dataviewjs":
            return (
                '<div class="dataview-js"><p class="dataview-js-note">This dataviewjs block '
                "is shown as written: scripts from notes never run here.</p>"
                f"{highlight_code(token.content, 'javascript', '')}</div>\n"
            )
        if previous is not None:
            return previous(tokens, idx, options, env)
        return highlight_code(token.content, _language(token.info), "") + "\n"

    md.add_render_rule("fence", render_fence)


def highlight_code(code: str, lang: str, attrs: str) -> str:
    """Highlight one fence for markdown-it; unknown languages come back escaped, never raises."""
    name = _safe_language(lang)
    class_attr = f' class="language-{name}"' if name else ""
    return f'<pre class="highlight"><code{class_attr}>{_highlight_body(code, name)}</code></pre>'


def pygments_css(style: str = "default", *, dark_style: str | None = "github-dark") -> str:
    """CSS for ``.highlight`` blocks: ``style`` by default, ``dark_style`` in dark mode.

    Dark mode means the OS prefers dark and the page does not set ``data-theme="light"``
    on ``<html>``, or the page sets ``data-theme="dark"``.
    """
    background, tokens = _style_rules(style, _SCOPE)
    parts = [f"/* Pygments style {style!r} */", *background, *tokens]
    if dark_style is None:
        return "\n".join(parts) + "\n"

    for scope, wrap_in_media in (
        (f':root:not([data-theme="light"]) {_SCOPE}', True),
        (f':root[data-theme="dark"] {_SCOPE}', False),
    ):
        background, tokens = _style_rules(dark_style, scope)
        # `scope span` outranks the light token rules and loses to the dark ones.
        rules = [*background, f"{scope} span {_RESET}", *tokens]
        parts.append(f"/* Pygments style {dark_style!r} (dark mode) */")
        if wrap_in_media:
            parts.append("@media (prefers-color-scheme: dark) {")
            parts.extend(f"  {rule}" for rule in rules)
            parts.append("}")
        else:
            parts.extend(rules)
    return "\n".join(parts) + "\n"


def _style_rules(style: str, scope: str) -> tuple[list[str], list[str]]:
    """A Pygments style's background rules and token rules, each selector under ``scope``."""
    formatter = HtmlFormatter(style=style)
    background: list[str] = formatter.get_background_style_defs(scope)  # type: ignore[no-untyped-call]
    tokens: list[str] = formatter.get_token_style_defs(scope)  # type: ignore[no-untyped-call]
    return background, tokens


def _language(info: str) -> str:
    """The language named first in a fence's info string, lowercased."""
    words = unescapeAll(info).strip().split(maxsplit=1)
    return words[0].lower() if words else ""


def _safe_language(lang: str) -> str:
    """Lowercase the language name and strip anything unsafe inside a class attribute."""
    return _UNSAFE_LANG_CHARS_RE.sub("", lang.lower())


@lru_cache(maxsize=128)
def _lexer(lang: str) -> Lexer:
    """Finding and building a lexer costs more than highlighting a short block with it."""
    return get_lexer_by_name(lang, stripnl=False)


def _highlight_body(code: str, lang: str) -> str:
    """Pygments spans for ``code`` in ``lang``, or the escaped code when that fails."""
    if not lang:
        return escapeHtml(code)
    try:
        return pygments_highlight(code, _lexer(lang), _FORMATTER)
    except Exception:  # an unknown language (ClassNotFound), or a lexer bug
        return escapeHtml(code)
