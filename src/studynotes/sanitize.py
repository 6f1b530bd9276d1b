"""The HTML allowlists everything shown passes through (nh3, a maintained Rust sanitiser).

Notes may contain raw HTML; ``sanitize`` keeps what reads well (formatting, tables, media)
and drops anything that runs code: scripts, iframes, event handlers, ``javascript:`` URLs.
``sanitize_inline`` is for a line of text shown inside another page (a backlink's
context, a term's definition in a tooltip): formatting, code, math and web links only, no
ids, data attributes or media, so nothing in it can collide with or act on the page
around it.
"""

from __future__ import annotations

import nh3

from studynotes.excerpts import excerpt, excerpts
from studynotes.htmltext import TAG, VOID

_TEXT = {
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small",
    "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "audio", "video", "source",
    "picture", "track", "aside", "header", "footer", "nav", "center", "font",
}  # fmt: skip
_MATHML = {
    "math", "maction", "menclose", "merror", "mfenced", "mfrac", "mi", "mmultiscripts", "mn",
    "mo", "mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace",
    "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder",
    "munderover", "none", "semantics", "annotation",
}  # fmt: skip
_MATHML_ATTRS = {
    "accent", "accentunder", "align", "columnalign", "columnlines", "columnspacing", "close",
    "denomalign", "depth", "display", "displaystyle", "fence", "form", "frame", "height",
    "largeop", "linethickness", "lspace", "mathbackground", "mathcolor", "mathsize",
    "mathvariant", "maxsize", "minsize", "movablelimits", "notation", "numalign", "open",
    "rowalign", "rowlines", "rowspacing", "rspace", "scriptlevel", "separator", "separators",
    "stretchy", "symmetric", "width", "xmlns", "encoding",
}  # fmt: skip
_COMMON = {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-hidden", "tabindex"}

_ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON,
    "a": {"href", "rel", "target"},
    "img": {"src", "alt", "width", "height", "loading"},
    "audio": {"src", "controls"},
    "video": {"src", "controls", "width", "height", "poster"},
    "source": {"src", "type"},
    "input": {"type", "checked", "disabled"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "col": {"span"},
    "colgroup": {"span"},
    **{tag: set(_MATHML_ATTRS) for tag in _MATHML},
}


_CLEANER = nh3.Cleaner(
    tags=_TEXT | _MATHML,
    clean_content_tags={"script", "style"},
    attributes=_ATTRIBUTES,
    generic_attribute_prefixes={"data-"},
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel=None,
    strip_comments=True,
)  # built once: handing the allowlist to nh3 on every call cost more than the cleaning


# html5ever checks the stack of open elements for every block tag, so a note of nothing but
# `<div>` took minutes; tags nested deeper than this are dropped (their text is kept).
MAX_DEPTH = 256
_NO_DEPTH = VOID | {
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
    "colgroup", "caption", "rb", "rt", "rp", "html", "head", "body",  # end tag optional
}  # fmt: skip


def _flatten(html: str) -> str:
    """``html`` without the tags nested past ``MAX_DEPTH``, in one linear pass."""
    opened: dict[str, int] = {}
    dropped: dict[str, int] = {}
    depth = 0
    parts: list[str] = []
    last = 0
    for match in TAG.finditer(html):
        name = match.group(2).lower()
        if name in _NO_DEPTH or match.group(0).endswith("/>"):
            continue
        drop = False
        if match.group(1):  # a closing tag closes the innermost element of its name
            if dropped.get(name):
                dropped[name] -= 1
                drop = True
            elif opened.get(name):
                opened[name] -= 1
                depth -= 1
        elif depth >= MAX_DEPTH:
            dropped[name] = dropped.get(name, 0) + 1
            drop = True
        else:
            opened[name] = opened.get(name, 0) + 1
            depth += 1
        if drop:
            parts.append(html[last : match.start()])
            last = match.end()
    if not parts:
        return html
    parts.append(html[last:])
    return "".join(parts)


def sanitize(html: str) -> str:
    """Only allowlisted tags, attributes and URL schemes survive; comments are dropped."""
    if html.count("<") > MAX_DEPTH:
        html = _flatten(html)
    return _CLEANER.clean(html)


# Inline formatting only; classes limited to those our own renderers give these elements.
_INLINE = {
    "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "u", "var",
    "wbr",
}  # fmt: skip
_INLINE_CLEANER = nh3.Cleaner(
    tags=_INLINE | _MATHML | {"a"},
    clean_content_tags={"script", "style"},
    attributes={
        "*": {"title", "lang"},  # text only: a formula's error, a word's language
        "a": {"href", "data-sn-link"},
        **{t: set(_MATHML_ATTRS) for t in _MATHML},
    },
    allowed_classes={
        "span": {"math", "math-inline", "math-display", "ref-link", "ref-embed", "tag"},
        "code": {"math-error"},
    },
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",  # a link into the vault has landed only where rendering made it
    link_rel=None,
    strip_comments=True,
)


def sanitize_inline(html: str) -> str:
    """``html`` as safe inline HTML: formatting, code, math and web links; the rest as text."""
    if html.count("<") > MAX_DEPTH:
        html = _flatten(html)
    # A class nh3 does not allow leaves ``class=""``: it says nothing, so it goes.
    return _INLINE_CLEANER.clean(html).replace(' class=""', "")


CONTEXT_WIDTH = 240


def inline_excerpts(html: str, places: list[int], width: int = CONTEXT_WIDTH) -> list[str]:
    """The contexts around positions ``places`` of ``html`` (see ``excerpts.excerpts``),
    sanitised: what every backlink, mention and shortened definition shows."""
    cuts = excerpts(html, places, width)
    clean = {cut: sanitize_inline(cut) for cut in set(cuts)}  # links close together share one
    return [clean[cut] for cut in cuts]


def inline_excerpt(html: str, at: int, width: int = CONTEXT_WIDTH) -> str:
    """The sanitised context around position ``at`` of ``html`` (a whole note, say): only
    the stretch near ``at`` is read."""
    return sanitize_inline(excerpt(html, at, width))
