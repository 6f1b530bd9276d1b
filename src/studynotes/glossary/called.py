"""Sentences that name what they describe: ``Words with several senses are called
**polysemous**``, and ``Also known as **weight decay**`` under the heading it renames."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from markdown_it.token import Token

from studynotes.glossary._labels import is_advice_heading, normalise_space, words
from studynotes.glossary.candidate import TermCandidate, has_prose
from studynotes.glossary.paragraph import LineContext, matching_close
from studynotes.glossary.shapes import split_name
from studynotes.markdown.inline import inline_text

__all__ = ["called"]


_CALLED = re.compile(
    r"\b(?:is|are|was|were|be|been|also|often|sometimes|commonly|usually|then)\s+"
    r"(?:called|referred\s+to\s+as|known\s+as|termed|named)\s+(?:(?:an?|the)\s+)?$",
    re.IGNORECASE,
)
_VAGUE_SUBJECT = words("if when they it this these those he she we you one such there")


def called(ctx: LineContext) -> TermCandidate | None:
    """A sentence that names what it describes: ``Words with several senses are called
    **polysemous**``. The sentence is the definition; its subject must be a description,
    not a pronoun ("they are called **X**" says nothing on its own)."""
    children, line = ctx.children, ctx.line
    for i in range(line.start, line.end - 3):
        lead, bold = children[i], children[i + 1]
        if lead.type != "text" or bold.type != "strong_open" or not _CALLED.search(lead.content):
            continue
        close = matching_close(children, i + 1, line.end)
        if close is None:
            return None
        before = inline_text(children[line.start : i + 1])
        subject = _CALLED.split(before)[0].split()
        if _of_the_section(subject):
            return _another_name(ctx, children, i, close)
        if len(subject) < 3 or subject[0].casefold().strip(",") in _VAGUE_SUBJECT:
            return None
        named = split_name(normalise_space(inline_text(children[i + 2 : close])), None)
        if named is None:
            return None
        text, html, part = ctx.render(line.start)
        if not text or not has_prose(part):
            return None
        return TermCandidate(named[0], named[1], text, html, 0, "called")
    return None


# "Also known as **X**", "It is sometimes called **X**", "1990: Also known as **X**": no
# subject but the section's; the words that may stand before the verb then.
_SECTION_SUBJECT = words("it is also sometimes often commonly usually which")
_YEAR = re.compile(r"^\d{4}s?:?$")


def _of_the_section(subject: list[str]) -> bool:
    kept = [w.casefold().strip(",:;") for w in subject if not _YEAR.match(w)]
    return all(w in _SECTION_SUBJECT for w in kept)


def _another_name(
    ctx: LineContext, children: Sequence[Token], i: int, close: int
) -> TermCandidate | None:
    """Another name for what the section is about: its heading names it, and its opening
    paragraph (often an italic summary) says what it is."""
    section, lead = ctx.block.section, ctx.block.lead
    if not section or is_advice_heading(section):
        return None
    named = split_name(normalise_space(inline_text(children[i + 2 : close])), None)
    if named is None or named[0].casefold() == section.casefold():
        return None
    text = f"Another name for {section}."
    markup = f"Another name for <em>{html.escape(section, quote=False)}</em>."
    if lead is not None and lead[0]:
        text, markup = f"{text} {lead[0]}", f"{markup} {lead[1]}"
    return TermCandidate(named[0], named[1], text, markup, 0, "called")
