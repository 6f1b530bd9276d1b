"""Find glossary definitions in the token stream of one note.

Precision comes before recall: every false term becomes a wrong tooltip on every page,
so each shape below is narrow and every candidate must also pass the non-term filters
in ``_labels.py``. The extractor sees only one note; vault-wide rules live in
``collect.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from studynotes.cjk import CJK_CLASS
from studynotes.glossary._labels import (
    is_abbreviation,
    normalise_space,
    reject_alias,
    reject_name,
    reject_question_subject,
    words,
)
from studynotes.sanitize import sanitize

__all__ = ["TermCandidate", "extract_terms"]


@dataclass(slots=True)
class TermCandidate:
    """One place in a note that looks like it defines a term."""

    name: str
    aliases: list[str]
    definition: str
    definition_html: str
    line: int
    shape: str
    anchor: str | None = None


_BREAKS = frozenset({"softbreak", "hardbreak"})
# Children that show no prose of their own: a definition made only of these is no definition.
_NO_PROSE = frozenset({"image", "embed", "html_inline", "wikilink"})
_LISTS = frozenset({"bullet_list_open", "ordered_list_open"})

_EMBED_TEXT = re.compile(r"!?\[\[[^\]]*\]\]|!\[[^\]]*\]\([^)]*\)")
_URL = re.compile(r"https?://\S+|www\.\S+")
_LETTER = re.compile(r"[^\W\d_]")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s")
# A line that opens with its own short "label:" defines that label, not the bold above it.
_LABEL_LINE = re.compile(r"^\s*[^\s:\uff1a][^:\uff1a]{0,40}[:\uff1a](?:\s|$)")
_CJK_RUN = re.compile(CJK_CLASS + "{2}")  # two CJK characters in a row
_CALLOUT_TITLE = re.compile(r"^\s*\[![^\]]*\]")

_COLON = re.compile(r"^\s*[:\uff1a]\s*")
_PAREN_COLON = re.compile(r"^\s*\((?P<inner>[^()]{1,80})\)\s*[:\uff1a]\s*")
_ABBR_CLOSE = re.compile(r"^\)\s*[:\uff1a]\s*")
_LONG_NAME_OPEN = re.compile(
    r"^(?P<long>[^\W\d_][^()\n.:;!?。\uff1a\uff1b\uff01\uff1f]{0,80}?)\s*\($"
)
_QUESTION_MARK = re.compile(r"^\s*[?\uff1f]\s*")
_WHAT_IS = re.compile(
    r"^(?:what\s+(?:is|are)|what's)\s+(?:(?:an?|the)\s+)?(?P<x>.+?)\s*[?\uff1f]$", re.IGNORECASE
)
_WHAT_IS_CJK = re.compile(r"^(?:什么是(?P<a>.+?)|(?P<b>.+?)是什么)\s*[?\uff1f]$")
_PAREN = re.compile(r"^(?P<pre>[^()]*)\((?P<inner>[^()]+)\)(?P<post>[^()]*)$")

# `**X** is a ...`: the verb, then the word after it decides whether this is a definition.
_SENTENCE = re.compile(
    r"^\s*(?:\((?P<inner>[^()]{1,80})\)\s*)?"
    r"(?P<verb>refers?\s+to|means|denotes|describes|stands\s+for"
    r"|(?:is|are)\s+(?:defined|known)\s+as|is|are)\s+(?=(?P<next>[^\s]+))",
    re.IGNORECASE,
)
_IS_NEXT = frozenset({"a", "an", "the", "one", "any", "when", "where"})
# After `are` a bare plural noun is common ("are dense vectors"); these words are not nouns.
_ARE_NOT_NEXT = words(
    """not no also very often usually always never sometimes just only still really quite too
    so all both more less much most many few important useful used similar different better
    worse good bad great key crucial essential necessary helpful hard easy common rare popular
    expensive cheap slow fast possible likely able available here there now then what why which
    how like in on at for from to with by of about as into than that this these those"""
)


@dataclass(slots=True)
class _Block:
    """Where an inline token sits, as far as the term rules care."""

    in_ordered_item: bool = False  # the paragraph opens an ordered list item
    callout_first: bool = False  # first paragraph of a blockquote (line 0 may be a title)
    followed_by_list: bool = False
    anchor: str | None = None


def extract_terms(tokens: list[Token], md: MarkdownIt, env: dict[str, Any]) -> list[TermCandidate]:
    """Return the term candidates defined in one parsed note, in document order."""
    found: list[TermCandidate] = []
    stack: list[Token] = []
    for i, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(token)
            if token.type == "dt_open":
                candidate = _deflist_term(tokens, i, stack, md, env)
                if candidate is not None:
                    found.append(candidate)
        elif token.nesting == -1:
            if stack:
                stack.pop()
        elif token.type == "inline" and token.children and _is_prose_paragraph(stack):
            block = _describe_block(tokens, i, stack)
            found.extend(_paragraph_terms(token, block, md, env))
    return found


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


def _describe_block(tokens: Sequence[Token], i: int, stack: Sequence[Token]) -> _Block:
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
    return _Block(
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


# --- text helpers --------------------------------------------------------------------------


def _text(children: Sequence[Token], *, prose_only: bool = False) -> str:
    """Plain text of inline children; unknown token types contribute their content."""
    out: list[str] = []
    in_link = 0
    for child in children:
        kind = child.type
        if kind == "link_open":
            in_link += 1
        elif kind == "link_close":
            in_link = max(0, in_link - 1)
        elif child.nesting != 0:
            continue
        elif kind in _BREAKS:
            out.append("\n")
        elif prose_only and (kind in _NO_PROSE or in_link):
            continue
        elif kind == "image":
            out.append(_text(child.children or []))
        elif kind == "html_inline":
            continue
        elif kind == "tag":
            out.append(child.content if child.content.startswith("#") else "#" + child.content)
        else:
            out.append(child.content)
    return "".join(out)


def _has_prose(children: Sequence[Token]) -> bool:
    """Whether the children hold real words, not only links, embeds, URLs or numbers."""
    text = _URL.sub("", _EMBED_TEXT.sub("", _text(children, prose_only=True)))
    return bool(_LETTER.search(text))


def _is_blank(token: Token) -> bool:
    return token.type == "text" and not token.content.strip()


def _trimmed(children: Sequence[Token], prefix: re.Pattern[str] | None = None) -> list[Token]:
    """Copy of ``children`` without a matched prefix, outer breaks and outer whitespace."""
    part = list(children)
    if prefix is not None and part and part[0].type == "text":
        match = prefix.match(part[0].content)
        if match:
            part[0] = part[0].copy(content=part[0].content[match.end() :])
    while part and (part[0].type in _BREAKS or _is_blank(part[0])):
        part.pop(0)
    while part and (part[-1].type in _BREAKS or _is_blank(part[-1])):
        part.pop()
    if part and part[0].type == "text":
        part[0] = part[0].copy(content=part[0].content.lstrip())
    if part and part[-1].type == "text":
        part[-1] = part[-1].copy(content=part[-1].content.rstrip())
    return part


def _definition(children: Sequence[Token], md: MarkdownIt, env: dict[str, Any]) -> tuple[str, str]:
    if not children:
        return "", ""
    text = "\n".join(line.strip() for line in _text(children).split("\n")).strip()
    renderer = md.renderer
    if isinstance(renderer, RendererHTML):
        html = renderer.renderInline(list(children), md.options, env)
    else:  # any other renderer still knows how to render an inline token
        html = renderer.render([Token("inline", "", 0, children=list(children))], md.options, env)
    return text, sanitize(html.strip())  # raw HTML in a definition reaches every tooltip


# --- one paragraph, line by line -------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    number: int  # breaks before this line inside the inline token
    start: int  # index of the first non-blank child
    end: int  # index one past the last child of the line (its break, if any)

    def opens_bold(self, children: Sequence[Token]) -> bool:
        return self.start < self.end and children[self.start].type == "strong_open"


def _lines(children: Sequence[Token]) -> list[_Line]:
    lines: list[_Line] = []
    begin = 0
    for index in range(len(children) + 1):
        if index == len(children) or children[index].type in _BREAKS:
            start = begin
            while start < index and _is_blank(children[start]):
                start += 1
            lines.append(_Line(len(lines), start, index))
            begin = index + 1
    return lines


def _matching_close(children: Sequence[Token], start: int, end: int) -> int | None:
    depth = 0
    for index in range(start, end):
        kind = children[index].type
        if kind == "strong_open":
            depth += 1
        elif kind == "strong_close":
            depth -= 1
            if depth == 0:
                return index
    return None


def _paragraph_terms(
    inline: Token, block: _Block, md: MarkdownIt, env: dict[str, Any]
) -> list[TermCandidate]:
    children = inline.children or []
    lines = _lines(children)
    base = (inline.map[0] if inline.map else 0) + 1
    found: list[TermCandidate] = []
    # next_bold[k]: the first line from k on that opens in bold, found in one backward pass
    # (searching forward from every line was quadratic in a paragraph's line count).
    next_bold = [len(lines)] * (len(lines) + 1)
    for k in range(len(lines) - 1, -1, -1):
        next_bold[k] = k if lines[k].opens_bold(children) else next_bold[k + 1]
    for k, line in enumerate(lines):
        if k == 0 and block.callout_first and _CALLOUT_TITLE.match(_text(children[: line.end])):
            continue  # `> [!type] Title`: a callout title is never a definition
        # The definition may run on over the next lines, up to the next line opening in bold.
        stop = next_bold[k + 1]
        seg_end = lines[stop - 1].end
        ctx = _LineContext(children, lines, k, seg_end, block, md, env)
        candidate = _bold_first(ctx) if line.opens_bold(children) else _abbr_first(ctx)
        if candidate is not None:
            candidate.line = base + line.number
            candidate.anchor = block.anchor
            found.append(candidate)
    return found


@dataclass(slots=True)
class _LineContext:
    children: Sequence[Token]
    lines: list[_Line]
    k: int
    seg_end: int
    block: _Block
    md: MarkdownIt
    env: dict[str, Any]

    @property
    def line(self) -> _Line:
        return self.lines[self.k]

    @property
    def is_item_start(self) -> bool:
        return self.k == 0

    def render(
        self, start: int, prefix: re.Pattern[str] | None = None
    ) -> tuple[str, str, list[Token]]:
        """The definition from child ``start`` to the end of the segment."""
        part = _trimmed(self.children[start : self.seg_end], prefix)
        text, html = _definition(part, self.md, self.env)
        return text, html, part


def _bold_first(ctx: _LineContext) -> TermCandidate | None:
    """Shapes whose line opens with bold text: colon, bold-line, what-is, sentence."""
    children, line = ctx.children, ctx.line
    if ctx.block.in_ordered_item and ctx.is_item_start:
        return None  # `1. **Tokenise**: ...` is a numbered step, not a glossary entry
    close = _matching_close(children, line.start, line.end)
    if close is None:
        return None
    raw = normalise_space(_text(children[line.start + 1 : close]))
    after = children[close + 1 : line.end]
    after_text = _text(after)
    first_after = after[0].content if after and after[0].type == "text" else ""

    if not raw.endswith(("?", "\uff1f")) and _QUESTION_MARK.match(first_after):
        raw += "?"
        return _what_is(ctx, raw, close + 1, _QUESTION_MARK)
    if raw.endswith(("?", "\uff1f")):
        return _what_is(ctx, raw, close + 1, None)

    if raw.endswith((":", "\uff1a")):
        name = raw[:-1].rstrip()
        return _colon_term(ctx, name, None, close + 1, None)
    if _COLON.match(first_after):
        return _colon_term(ctx, raw, None, close + 1, _COLON)
    paren = _PAREN_COLON.match(first_after)
    if paren:
        return _colon_term(ctx, raw, paren.group("inner"), close + 1, _PAREN_COLON)

    if not after_text.strip():
        return _bold_line(ctx, raw)

    sentence = _SENTENCE.match(first_after)
    if sentence and _defining_verb(sentence):
        return _sentence_term(ctx, raw, sentence, close + 1)
    return None


def _abbr_first(ctx: _LineContext) -> TermCandidate | None:
    """``Long Name (**ABBR**): definition``: the abbreviation is the term."""
    children, line = ctx.children, ctx.line
    s = line.start
    if s + 4 >= line.end:
        return None
    opener, bold, abbr, close, rest = children[s : s + 5]
    if not (
        opener.type == "text"
        and bold.type == "strong_open"
        and abbr.type == "text"
        and close.type == "strong_close"
        and rest.type == "text"
    ):
        return None
    long_match = _LONG_NAME_OPEN.match(opener.content)
    if long_match is None or not _ABBR_CLOSE.match(rest.content):
        return None
    name = abbr.content.strip()
    long_name = normalise_space(long_match.group("long"))
    if not is_abbreviation(name) or reject_name(name) or reject_alias(long_name):
        return None
    if not (_expands(name, long_name) or _is_title_cased(long_name)):
        return None  # "We then use a metric (**X**): ..." is prose, not a long name
    text, html, part = ctx.render(s + 4, _ABBR_CLOSE)
    if not _definition_ok(ctx, text, part):
        return None
    return TermCandidate(name, [long_name], text, html, 0, "abbr")


def _is_title_cased(phrase: str) -> bool:
    """Every word longer than three letters is capitalised, as in a proper name."""
    content = [w for w in phrase.split() if len(w) > 3]
    return bool(content) and all(w[0].isupper() for w in content)


def _split_parenthetical(raw: str) -> tuple[str, list[str]] | None:
    """``Exact Match (EM)`` -> ("Exact Match", ["EM"]); ``RLHF (Long Name)`` -> long first."""
    if "(" not in raw and ")" not in raw:
        return raw, []
    match = _PAREN.match(raw)
    if match is None:
        return None
    pre, inner, post = (normalise_space(match.group(g)) for g in ("pre", "inner", "post"))
    if not pre:
        return None
    if is_abbreviation(inner):
        name = normalise_space(f"{pre} {post}")
        alias = normalise_space(f"{inner} {post}")
        return name, [alias]
    if not post and is_abbreviation(pre) and len(inner.split()) >= 2:
        return inner, [pre]  # the full name is canonical, the abbreviation an alias
    # A lower-case qualifier such as "(sampling)" is not part of the name.
    return normalise_space(f"{pre} {post}"), []


def _named(raw: str, extra: str | None) -> tuple[str, list[str]] | None:
    """Name and aliases from bold text plus an optional ``(...)`` written just after it."""
    split = _split_parenthetical(raw)
    if split is None:
        return None
    name, aliases = split
    if extra is not None:
        extra = normalise_space(extra)
        if is_abbreviation(extra) or (is_abbreviation(name) and len(extra.split()) >= 2):
            aliases.append(extra)
    if reject_name(name, raw=raw):
        return None
    aliases = [a for a in aliases if not reject_alias(a) and a.casefold() != name.casefold()]
    return name, aliases


def _definition_ok(ctx: _LineContext, text: str, part: Sequence[Token]) -> bool:
    """An empty definition is kept (flagged later); a non-empty one must read as prose."""
    if not text:
        return not (ctx.block.followed_by_list and ctx.k == len(ctx.lines) - 1)
    if not _has_prose(part):
        return False  # `**Paper**: [link](...)`, `**Accuracy**: 0.93`
    return not (text.endswith((":", "\uff1a")) and ctx.block.followed_by_list)


def _colon_term(
    ctx: _LineContext, raw: str, extra: str | None, start: int, prefix: re.Pattern[str] | None
) -> TermCandidate | None:
    named = _named(raw, extra)
    if named is None:
        return None
    text, html, part = ctx.render(start, prefix)
    if not _definition_ok(ctx, text, part):
        return None
    return TermCandidate(named[0], named[1], text, html, 0, "colon")


def _bold_line(ctx: _LineContext, raw: str) -> TermCandidate | None:
    """A bold line alone, defined by the next line of the same paragraph."""
    if ctx.k + 1 >= len(ctx.lines) or ctx.seg_end <= ctx.line.end:
        return None  # a bold line with nothing under it (or a list under it) is a label
    nxt = ctx.lines[ctx.k + 1]
    next_text = _text(ctx.children[nxt.start : nxt.end])
    if _LIST_MARKER.match(next_text) or _LABEL_LINE.match(next_text):
        return None
    wordy = _has_prose(ctx.children[nxt.start : nxt.end]) and len(next_text.split()) >= 2
    if not wordy and not _CJK_RUN.search(next_text):
        return None
    named = _named(raw, None)
    if named is None:
        return None
    text, html, part = ctx.render(nxt.start)
    if not text or not _definition_ok(ctx, text, part):
        return None
    return TermCandidate(named[0], named[1], text, html, 0, "bold-line")


def _what_is(
    ctx: _LineContext, raw: str, start: int, prefix: re.Pattern[str] | None
) -> TermCandidate | None:
    match = _WHAT_IS.match(raw)
    subject: str | None = match.group("x") if match else None
    if subject is None:
        cjk = _WHAT_IS_CJK.match(raw)
        subject = (cjk.group("a") or cjk.group("b")) if cjk else None
    if subject is None:
        return None  # "Why does this work?" and other questions are headings in disguise
    subject = normalise_space(subject)
    if reject_question_subject(subject):
        return None
    named = _named(subject, None)
    if named is None:
        return None
    name, aliases = named
    # The rest of the question's own line is often the expansion: "**What is RAG?** Retrieval…"
    same_line = normalise_space(_text(ctx.children[start : ctx.line.end]).lstrip("?\uff1f "))
    if same_line and _expands(name, same_line) and not reject_alias(same_line):
        aliases.append(same_line)
    text, html, part = ctx.render(start, prefix)
    if text and not _has_prose(part):
        return None
    return TermCandidate(name, aliases, text, html, 0, "what-is")


def _defining_verb(match: re.Match[str]) -> bool:
    verb = normalise_space(match.group("verb")).casefold()
    nxt = match.group("next").strip("*_\"'“”(),.:;").casefold()
    if verb == "is":
        return nxt in _IS_NEXT
    if verb == "are":
        if nxt in _IS_NEXT:
            return True
        return (
            bool(nxt)
            and nxt.isalpha()
            and nxt not in _ARE_NOT_NEXT
            and not nxt.endswith(("ed", "ly", "ing"))
        )
    return True


_STRIP_IS_VERB = re.compile(r"^\s*(?:\([^()]*\)\s*)?(?:is|are)\s+", re.IGNORECASE)


def _sentence_term(
    ctx: _LineContext, raw: str, match: re.Match[str], start: int
) -> TermCandidate | None:
    named = _named(raw, match.group("inner"))
    if named is None:
        return None
    verb = normalise_space(match.group("verb")).casefold()
    # Keep "a/the ..." after a bare is/are; drop the whole verb phrase otherwise.
    prefix = _STRIP_IS_VERB if verb in ("is", "are") else re.compile(re.escape(match.group(0)))
    text, html, part = ctx.render(start, prefix)
    if not text or not _has_prose(part):
        return None
    return TermCandidate(named[0], named[1], text, html, 0, "sentence")


def _expands(abbr: str, phrase: str) -> bool:
    """Whether ``phrase`` reads as the expansion of ``abbr`` (letters in order, same start)."""
    letters = [c.casefold() for c in abbr if c.isalpha()]
    parts = [w for w in re.split(r"[\s\-]+", phrase) if w]
    if len(letters) < 2 or not 2 <= len(parts) <= len(letters) + 2:
        return False
    if not _LETTER.match(phrase) or phrase[0].casefold() != letters[0]:
        return False
    if re.search(r"[.,;:!?。\uff0c\uff1b\uff1a\uff01\uff1f]", phrase):
        return False
    pool = iter(phrase.casefold())
    return all(letter in pool for letter in letters)


# --- definition lists -------------------------------------------------------------------------


def _deflist_term(
    tokens: Sequence[Token], i: int, stack: Sequence[Token], md: MarkdownIt, env: dict[str, Any]
) -> TermCandidate | None:
    """``Term`` / ``: definition``: the dt text is the term, the first dd its definition."""
    if i + 1 >= len(tokens) or tokens[i + 1].type != "inline":
        return None
    inline = tokens[i + 1]
    raw = normalise_space(_text(inline.children or []))
    named = _named(raw.rstrip(":\uff1a"), None)
    if named is None or raw.endswith(("?", "\uff1f")):
        return None
    dd_inlines = _first_dd_inlines(tokens, i + 2)
    parts = [p for p in (_trimmed(t.children or []) for t in dd_inlines) if p]
    rendered = [_definition(p, md, env) for p in parts]
    text = "\n".join(t for t, _ in rendered).strip()
    html = " ".join(h for _, h in rendered).strip()
    if text and not any(_has_prose(p) for p in parts):
        return None
    line = (inline.map[0] if inline.map else 0) + 1
    return TermCandidate(named[0], named[1], text, html, line, "deflist", _anchor(stack))


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
