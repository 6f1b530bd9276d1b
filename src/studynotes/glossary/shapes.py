"""The shapes of one line that define a term: ``**X**: ...``, ``**X** is a ...``, a bold
line over its definition, ``**What is X?**``, and ``Long Name (**ABBR**): ...``.

Each shape is narrow on purpose (see ``extract``): precision comes before recall.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from markdown_it.token import Token

from studynotes.cjk import CJK_CLASS
from studynotes.glossary._labels import (
    AFTER_IMPERATIVE,
    is_abbreviation,
    normalise_space,
    opens_like_a_step,
    reject_alias,
    reject_name,
    reject_question_subject,
    words,
)
from studynotes.glossary.candidate import LETTER, TermCandidate, has_prose
from studynotes.glossary.paragraph import LineContext, matching_close
from studynotes.markdown.inline import inline_text

__all__ = ["abbr_first", "bold_first", "is_callout_title", "split_name"]

_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s")
# A line that opens with its own short "label:" defines that label, not the bold above it.
_LABEL_LINE = re.compile(r"^\s*[^\s:\uff1a][^:\uff1a]{0,40}[:\uff1a](?:\s|$)")
_CJK_RUN = re.compile(CJK_CLASS + "{2}")  # two CJK characters in a row

# "**IRI**s: ..." and "**LLM**s are ...": a plural ending after the bold is not a word.
_PLURAL = r"(?:e?s(?=[\s:\uff1a(]))?"
# "**X**: ...", and the signs students use the same way: "**X** = ...", "**X** — ...".
_COLON = re.compile(r"^" + _PLURAL + r"\s*(?:[:\uff1a=\u2014\u2013]|-(?=\s))\s*")
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
    r"^" + _PLURAL + r"\s*(?:\((?P<inner>[^()]{1,80})\)\s*)?"
    r"(?P<verb>refers?\s+to|means|denotes|describes?|stands\s+for"
    r"|(?:is|are)\s+(?:defined|known)\s+as|is|are)\s+(?=(?P<next>[^\s]+))",
    re.IGNORECASE,
)
_IS_NEXT = frozenset({"a", "an", "the", "one", "any", "when", "where", "to"})
# After `are` a bare plural noun is common ("are dense vectors"); these words are not nouns.
_ARE_NOT_NEXT = words(
    """not no also very often usually always never sometimes just only still really quite too
    so all both more less much most many few important useful used similar different better
    worse good bad great key crucial essential necessary helpful hard easy common rare popular
    expensive cheap slow fast possible likely able available here there now then what why which
    how like in on at for from to with by of about as into than that this these those"""
)
_CALLOUT_TITLE = re.compile(r"^\s*\[![^\]]*\]")


def _names_a_step(raw: str) -> bool:
    """A numbered item's bold opening names a step unless it reads as a name: an acronym
    (``1. **FGSM**: ...``), or several words that do not open like an instruction
    (``2. **Adversarial Training**: ...`` but not ``2. **Embed the Pieces**: ...``)."""
    name = raw.strip(":\uff1a").strip()
    parts = name.casefold().split()
    if is_abbreviation(name):
        return False
    if len(parts) < 2 or not name[:1].isupper():
        return True  # `1. **Crawl**: ...`, `1. **tokenise**: ...`
    return (
        opens_like_a_step(name) or parts[1] in AFTER_IMPERATIVE or parts[0].endswith(("ise", "ize"))
    )


def bold_first(ctx: LineContext) -> TermCandidate | None:
    """Shapes whose line opens with bold text: colon, bold-line, what-is, sentence."""
    children, line = ctx.children, ctx.line
    close = matching_close(children, line.start, line.end)
    if close is None:
        return None
    raw = normalise_space(inline_text(children[line.start + 1 : close]))
    after = children[close + 1 : line.end]
    after_text = inline_text(after)
    first_after = after[0].content if after and after[0].type == "text" else ""
    if ctx.block.in_ordered_item and ctx.is_item_start and _names_a_step(raw):
        # `1. **Tokenise**: ...` is a numbered step; `1. **FGSM**: ...` a term, and so is
        # `4. **Soundness** means that ...`: a step is not said to mean anything.
        sentence = _SENTENCE.match(first_after)
        if sentence and _defining_verb(sentence):
            return _sentence_term(ctx, raw, sentence, close + 1)
        return None

    if not raw.endswith(("?", "\uff1f")) and _QUESTION_MARK.match(first_after):
        raw += "?"
        return _what_is(ctx, raw, close + 1, _QUESTION_MARK)
    if raw.endswith(("?", "\uff1f")):
        return _what_is(ctx, raw, close + 1, None)

    if first_after.lstrip().startswith("::") or raw.endswith("::"):
        return None  # `**Key**:: value` is a field or a card, never a definition
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
    marked = _marked_paren(ctx, raw, after, close)
    if marked is not None:
        return marked
    aside = _aside(ctx, raw, after, close)
    if aside is not None:
        return aside
    if ctx.is_item_start or ctx.k == 0:
        told = _statement(ctx, raw, first_after)
        if told is not None:
            return told
    # "**Union** $\cup$ is an operation ...": its symbol, then the sentence.
    if len(after) >= 2 and not first_after.strip() and after[1].type in _SYMBOLS:
        rest = after[2].content if len(after) > 2 and after[2].type == "text" else ""
        sentence = _SENTENCE.match(rest)
        if sentence and _defining_verb(sentence):
            return _sentence_term(ctx, raw, sentence, close + 3)
    return None


# `**Microformats** use attribute values ...`: the name, then what it does, told by one of
# these verbs. A sentence that is about the name but not of what it does (`is crucial`,
# `can be used`, `has been used`, `keywords are ...`) is no explanation of it.
_DOES = (
    "use add apply assign calculate capture combine compare compute contain convert count "
    "create decode detect divide encode encompass estimate extend extract find generate give "
    "group hold identify learn link map mandate mark measure merge model normalise normalize "
    "perform predict produce project rank reduce remove replace represent return sample "
    "score select separate split store sum take transform translate update weigh"
)
_STATEMENT = re.compile(
    r"^" + _PLURAL + r"\s+(?:(?:also|further|simply|then|only|always|usually|often)\s+)?"
    r"(?P<verb>(?:" + "|".join(_DOES.split()) + r")(?:e?s)?)\s+(?=\S)",
)


def _statement(ctx: LineContext, raw: str, first_after: str) -> TermCandidate | None:
    """A line that opens with the name and says what it does: its tooltip is that line."""
    parts = raw.split()
    if _STATEMENT.match(first_after) is None or (len(parts) > 1 and parts[0].endswith("ing")):
        return None  # `**Lowering the threshold** gives ...` tells of an action, not a name
    named = split_name(raw, None, defined=True)
    if named is None:
        return None
    text, markup, part = ctx.render(ctx.line.start)
    if len(text.split()) < 4 or not has_prose(part):
        return None
    return TermCandidate(named[0], named[1], text, markup, 0, "statement")


_SYMBOLS = frozenset({"math_inline", "code_inline"})
_IN_PAREN = frozenset({"text", "code_inline", "strong_open", "strong_close", "em_open", "em_close"})
_AFTER_PAREN_COLON = re.compile(r"^[^)]*\)\s*[:\uff1a]\s*")


def _marked_paren(
    ctx: LineContext, raw: str, after: Sequence[Token], close: int
) -> TermCandidate | None:
    """``**Recurrent Neural Networks** (**RNN**s) is a family ...`` and
    ``**content-aware scene detection** (`detect-content`): uses ...``: the parenthesis
    after the name holds bold or code, so it spans tokens; then a colon or a defining verb."""
    if len(after) < 3 or after[0].type != "text" or after[0].content.strip() != "(":
        return None
    for j in range(1, len(after)):
        token = after[j]
        if token.type not in _IN_PAREN or "(" in token.content.partition(")")[0]:
            return None
        if token.type == "text" and ")" in token.content:
            break
    else:
        return None
    before, _, rest = after[j].content.partition(")")
    inner = normalise_space(inline_text(after[1:j]) + before)
    if inner.endswith("s") and is_abbreviation(inner[:-1]):
        inner = inner[:-1]  # (**RNN**s): the plural of the abbreviation
    if not inner:
        return None
    if re.match(r"^\s*[:\uff1a]", rest):
        return _colon_term(ctx, raw, inner, close + 1 + j, _AFTER_PAREN_COLON)
    sentence = _SENTENCE.match(rest.lstrip())
    if sentence is None or sentence.group("inner") or not _defining_verb(sentence):
        return None
    named = split_name(raw, inner, defined=True)
    if named is None:
        return None
    verb = normalise_space(sentence.group("verb")).casefold()
    kept = r"\s*(?:is|are)\s+" if verb in ("is", "are") else r"\s*" + re.escape(sentence.group(0))
    text, markup, part = ctx.render(close + 1 + j, re.compile(r"^[^)]*\)" + kept))
    if not text or not has_prose(part):
        return None
    return TermCandidate(named[0], named[1], text, markup, 0, "sentence")


_PAREN_LINE = re.compile(r"^\s*\((?P<inner>[^()]+)\)\s*$")
_COMMA = re.compile(r"^\s*,\s+")


def _aside(ctx: LineContext, raw: str, after: Sequence[Token], close: int) -> TermCandidate | None:
    """``**Soundex** (classes of words by sound)`` and ``**Local analysis**, analyse the
    top results``: an explanation set off after the name, of three words or more."""
    if any(t.type == "strong_open" for t in after):
        return None  # "**A**, **B**, **C**": a list of names, not a name and its gloss
    first = after[0].content if after and after[0].type == "text" else ""
    paren = _PAREN_LINE.match(first) if len(after) == 1 else None
    if paren is not None:
        inner = normalise_space(paren.group("inner"))
        named = split_name(raw, None)
        if named is None or len(inner.split()) < 3 or reject_alias(inner) == "formula":
            return None
        return TermCandidate(named[0], named[1], inner, html.escape(inner), 0, "aside")
    if not _COMMA.match(first):
        return None
    named = split_name(raw, None)
    if named is None:
        return None
    text, markup, part = ctx.render(close + 1, _COMMA)
    if len(text.split()) < 3 or not has_prose(part):
        return None
    return TermCandidate(named[0], named[1], text, markup, 0, "aside")


def abbr_first(ctx: LineContext) -> TermCandidate | None:
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


def split_name(
    raw: str, extra: str | None, *, defined: bool = False
) -> tuple[str, list[str]] | None:
    """Name and aliases from bold text plus an optional ``(...)`` written just after it."""
    split = _split_parenthetical(raw)
    if split is None:
        return None
    name, aliases = split
    if extra is not None:
        extra = normalise_space(extra)
        if is_abbreviation(extra) or (is_abbreviation(name) and len(extra.split()) >= 2):
            aliases.append(extra)
    if reject_name(name, raw=raw, defined=defined):
        return None
    aliases = [a for a in aliases if not reject_alias(a) and a.casefold() != name.casefold()]
    return name, aliases


def _definition_ok(ctx: LineContext, text: str, part: Sequence[Token]) -> bool:
    """An empty definition is kept (flagged later); a non-empty one must read as prose."""
    if not text:
        return not (ctx.block.followed_by_list and ctx.k == len(ctx.lines) - 1)
    if not has_prose(part):
        return False  # `**Paper**: [link](...)`, `**Accuracy**: 0.93`
    return not (text.endswith((":", "\uff1a")) and ctx.block.followed_by_list)


def _colon_term(
    ctx: LineContext, raw: str, extra: str | None, start: int, prefix: re.Pattern[str] | None
) -> TermCandidate | None:
    named = split_name(raw, extra)
    if named is None:
        return None
    text, html, part = ctx.render(start, prefix)
    if not _definition_ok(ctx, text, part):
        return None
    return TermCandidate(named[0], named[1], text, html, 0, "colon")


def _bold_line(ctx: LineContext, raw: str) -> TermCandidate | None:
    """A bold line alone, defined by the next line of the same paragraph."""
    if ctx.k + 1 >= len(ctx.lines) or ctx.seg_end <= ctx.line.end:
        return None  # a bold line with nothing under it (or a list under it) is a label
    nxt = ctx.lines[ctx.k + 1]
    next_text = inline_text(ctx.children[nxt.start : nxt.end])
    if _LIST_MARKER.match(next_text) or _LABEL_LINE.match(next_text):
        return None
    wordy = has_prose(ctx.children[nxt.start : nxt.end]) and len(next_text.split()) >= 2
    if not wordy and not _CJK_RUN.search(next_text):
        return None
    named = split_name(raw, None)
    if named is None:
        return None
    text, html, part = ctx.render(nxt.start)
    if not text or not _definition_ok(ctx, text, part):
        return None
    return TermCandidate(named[0], named[1], text, html, 0, "bold-line")


def _what_is(
    ctx: LineContext, raw: str, start: int, prefix: re.Pattern[str] | None
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
    named = split_name(subject, None)
    if named is None:
        return None
    name, aliases = named
    # The rest of the question's own line is often the expansion: "**What is RAG?** Retrieval…"
    same_line = normalise_space(inline_text(ctx.children[start : ctx.line.end]).lstrip("?\uff1f "))
    if same_line and _expands(name, same_line) and not reject_alias(same_line):
        aliases.append(same_line)
    text, html, part = ctx.render(start, prefix)
    if text and not has_prose(part):
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


_STRIP_IS_VERB = re.compile(r"^" + _PLURAL + r"\s*(?:\([^()]*\)\s*)?(?:is|are)\s+", re.IGNORECASE)


def _sentence_term(
    ctx: LineContext, raw: str, match: re.Match[str], start: int
) -> TermCandidate | None:
    named = split_name(raw, match.group("inner"), defined=True)
    if named is None:
        return None
    verb = normalise_space(match.group("verb")).casefold()
    # Keep "a/the ..." after a bare is/are; drop the whole verb phrase otherwise.
    prefix = _STRIP_IS_VERB if verb in ("is", "are") else re.compile(re.escape(match.group(0)))
    text, html, part = ctx.render(start, prefix)
    if not text or not has_prose(part):
        return None
    return TermCandidate(named[0], named[1], text, html, 0, "sentence")


def _expands(abbr: str, phrase: str) -> bool:
    """Whether ``phrase`` reads as the expansion of ``abbr`` (letters in order, same start)."""
    letters = [c.casefold() for c in abbr if c.isalpha()]
    parts = [w for w in re.split(r"[\s\-]+", phrase) if w]
    if len(letters) < 2 or not 2 <= len(parts) <= len(letters) + 2:
        return False
    if not LETTER.match(phrase) or phrase[0].casefold() != letters[0]:
        return False
    if re.search(r"[.,;:!?。\uff0c\uff1b\uff1a\uff01\uff1f]", phrase):
        return False
    pool = iter(phrase.casefold())
    return all(letter in pool for letter in letters)


# "... are called **zombies**", "... also referred to as **virtual addresses**".
def is_callout_title(text: str) -> bool:
    """``> [!type] Title``: a callout's title line is never a definition."""
    return bool(_CALLOUT_TITLE.match(text))
