"""Flashcards written in a note, found in its text: one note in, its cards out.

The syntaxes are the ones students already type for Obsidian's spaced-repetition plugin:

- ``Question::Answer`` on one line: one card; ``Question:::Answer``: one card each way;
- a paragraph split by a line holding only ``?`` (``??``: both ways): question above,
  answer below;
- in a note tagged ``#flashcards`` (or below it), each ``==cloze==`` of a paragraph is a
  card that hides it. Elsewhere ``==text==`` is only a highlight.

A card's identity (its ``key``) is a digest of its question alone, so editing an answer
keeps its history and changing a question makes a new card. Lines inside code, math,
comments and the frontmatter are never cards.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from studynotes.markdown import make_parser
from studynotes.sanitize import sanitize

FLASHCARDS_TAG = "flashcards"
ROOT_DECK = "Vault"  # the deck of cards in notes at the vault's top level


@dataclass(slots=True)
class CardFact:
    key: str
    kind: str  # basic | reversed | multiline | multiline-reversed | cloze
    deck: str
    front: str  # markdown, as written
    back: str
    front_html: str
    back_html: str
    line: int


@dataclass(slots=True)
class CardProblem:
    line: int
    message: str


@dataclass(slots=True)
class FoundCards:
    cards: list[CardFact] = field(default_factory=list)
    problems: list[CardProblem] = field(default_factory=list)
    lines: set[int] = field(default_factory=set)  # lines a syntax card (not a cloze) holds


def card_key(family: str, question: str) -> str:
    """A card's identity: its family and its question, whitespace folded."""
    text = " ".join(question.split())
    return hashlib.blake2b(f"{family}\x00{text}".encode(), digest_size=10).hexdigest()


def is_flashcard_note(tags: list[str]) -> bool:
    return any(t.casefold() == FLASHCARDS_TAG or _below_flashcards(t) for t in tags)


def _below_flashcards(tag: str) -> bool:
    return tag.casefold().startswith(FLASHCARDS_TAG + "/")


def deck_of(path: str, tags: list[str]) -> str:
    """The deck a note's cards go to: below ``#flashcards/`` the tag's path (the first such
    tag), otherwise the note's folder."""
    for tag in tags:
        if _below_flashcards(tag):
            rest = tag[len(FLASHCARDS_TAG) + 1 :].strip("/")
            if rest:
                return rest
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    return folder or ROOT_DECK


_WIKILINK = re.compile(r"!?\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_LIST_MARK = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+(?:\[.\]\s+)?|\d+[.)]\s+)?")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_CLOZE = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
_BLANK = "[…]"
_LINES_ATTR = re.compile(r' data-sn-lines="[^"]*"')


def _masked(line: str) -> str:
    """The line with code spans blanked out, the same length, so ``::`` or ``==`` inside
    code is never taken for syntax."""
    return _CODE_SPAN.sub(lambda m: "`" * len(m.group(0)), line)


def _plain_links(text: str) -> str:
    """Wikilinks as the words they show: a card stands alone, away from its note."""

    def shown(m: re.Match[str]) -> str:
        if m.group(0).startswith("!"):
            return ""
        return (m.group(2) or m.group(1)).strip()

    return _WIKILINK.sub(shown, text)


def render_side(text: str) -> str:
    """One side of a card as HTML, rendered and sanitised as pages are (math, code)."""
    md = make_parser()
    html = md.render(_plain_links(text), {})
    return _LINES_ATTR.sub("", sanitize(html).replace("<p></p>", "")).strip()


_TEXT, _CODE, _HIDDEN = 0, 1, 2


def _body_lines(source: str) -> list[tuple[int, str, int]]:
    """Each line with its number and what it is: text; code or ``$$`` math (part of a card's
    side, never card syntax); hidden (the frontmatter, ``%%`` comments)."""
    lines = source.splitlines()
    out: list[tuple[int, str, int]] = []
    i = 0
    if lines and lines[0].strip() == "---":
        for j in range(1, len(lines)):
            if lines[j].strip() in ("---", "..."):
                out += [(n + 1, lines[n], _HIDDEN) for n in range(j + 1)]
                i = j + 1
                break
    fence: str | None = None
    math = comment = False
    for n in range(i, len(lines)):
        text = lines[n]
        stripped = text.strip()
        kind = _CODE if fence is not None or math else _HIDDEN if comment else _TEXT
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
        elif math:
            math = not stripped.endswith("$$")
        elif comment:
            comment = "%%" not in stripped
        elif (m := _FENCE.match(text)) is not None:
            fence, kind = m.group(1), _CODE
        elif stripped.startswith("$$"):
            kind = _CODE
            math = not (len(stripped) > 2 and stripped.endswith("$$"))
        elif stripped.startswith("%%"):
            kind = _HIDDEN
            comment = stripped.count("%%") == 1
        out.append((n + 1, text, kind))
    return out


def _paragraphs(lines: list[tuple[int, str, int]]) -> list[list[tuple[int, str, bool]]]:
    """Runs of lines between blank lines and headings; each line says whether it is text
    (code and math lines belong to the run without being card syntax)."""
    paras: list[list[tuple[int, str, bool]]] = []
    current: list[tuple[int, str, bool]] = []
    for number, text, kind in lines:
        is_text = kind == _TEXT
        if kind == _HIDDEN or (is_text and (not text.strip() or _HEADING.match(text))):
            if current:
                paras.append(current)
                current = []
            continue
        current.append((number, text, is_text))
    if current:
        paras.append(current)
    return paras


def find_cards(source: str, path: str, tags: list[str]) -> FoundCards:
    """Every card written in one note, and what is wrong with the ones that are malformed."""
    found = FoundCards()
    deck = deck_of(path, tags)
    cloze_note = is_flashcard_note(tags)
    for para in _paragraphs(_body_lines(source)):
        seps = [i for i, (_, t, is_text) in enumerate(para) if is_text and t.strip() in ("?", "??")]
        if seps:
            _multiline([(n, t) for n, t, _ in para], seps[0], deck, found)
            continue
        rest: list[tuple[int, str]] = []
        for number, text, is_text in para:
            if not is_text:
                if rest and cloze_note:
                    _clozes(rest, deck, found)
                rest = []
            elif "::" in _without_fields(_masked(text), cloze_note):
                _one_line(number, text, deck, found)
            else:
                rest.append((number, text))
        if cloze_note and rest:
            _clozes(rest, deck, found)
    return found


# Dataview's inline fields share the separator: `[key:: value]` and `(key:: value)` anywhere,
# and, outside notes tagged for flashcards, a line `Key:: value` whose key reads as a field
# name (a space after `::`, no question). Cards are written `Question::Answer`, and in
# flashcard notes every `::` line is a card, as in the spaced-repetition plugin.
_BRACKETED_FIELD = re.compile(r"\[[^\[\]]*?::[^\[\]]*\]|\([^()]*?::[^()]*\)")
_FIELD_LINE = re.compile(r"^\s*(?:[-*+]\s+)?[^:?\s][^:?]{0,39}(?<!\s)::\s+\S")


def _without_fields(text: str, flashcard_note: bool) -> str:
    text = _BRACKETED_FIELD.sub("", text)
    if not flashcard_note and ":::" not in text and _FIELD_LINE.match(text):
        return ""
    return text


def _add(
    found: FoundCards, kind: str, family: str, deck: str, front: str, back: str, line: int
) -> None:
    found.cards.append(
        CardFact(
            key=card_key(family, front), kind=kind, deck=deck, front=front, back=back,
            front_html=render_side(front), back_html=render_side(back), line=line,
        )
    )  # fmt: skip


def _one_line(number: int, text: str, deck: str, found: FoundCards) -> None:
    body = text[_LIST_MARK.match(text).end() :]  # type: ignore[union-attr]
    masked = _masked(body)
    both = ":::" in masked
    at = masked.index(":::" if both else "::")
    front, back = body[:at].strip(), body[at + (3 if both else 2) :].strip()
    found.lines.add(number)
    if not front or not back:
        side = "question" if not front else "answer"
        found.problems.append(CardProblem(number, f"card with an empty {side}: {text.strip()}"))
        return
    _add(found, "basic", "card", deck, front, back, number)
    if both:
        _add(found, "reversed", "card", deck, back, front, number)


def _multiline(para: list[tuple[int, str]], sep: int, deck: str, found: FoundCards) -> None:
    number = para[0][0]
    found.lines.update(n for n, _ in para)
    both = para[sep][1].strip() == "??"
    front = "\n".join(t for _, t in para[:sep]).strip()
    back = "\n".join(t for _, t in para[sep + 1 :]).strip()
    if not front or not back:
        side = "question" if not front else "answer"
        found.problems.append(CardProblem(number, f"multi-line card with an empty {side}"))
        return
    _add(found, "multiline", "card", deck, front, back, number)
    if both:
        _add(found, "multiline-reversed", "card", deck, back, front, para[sep][0])


def _clozes(para: list[tuple[int, str]], deck: str, found: FoundCards) -> None:
    for number, text in para:
        masked = _masked(text)
        if masked.count("==") % 2:
            found.problems.append(
                CardProblem(number, f"unclosed cloze (== without its closing ==): {text.strip()}")
            )
    text = "\n".join(t for _, t in para)
    masked = _masked(text)
    spans = [m.span() for m in _CLOZE.finditer(masked)]
    for start, end in spans:
        hidden = text[start + 2 : end - 2]
        front = text[:start] + _BLANK + text[end:]
        back = text[:start] + f"=={hidden}==" + text[end:]
        line = para[0][0] + text[:start].count("\n")
        found.cards.append(
            CardFact(
                key=card_key("cloze", front), kind="cloze", deck=deck, front=front, back=back,
                front_html=render_side(_unmark(front)), back_html=render_side(back), line=line,
            )
        )  # fmt: skip


def _unmark(text: str) -> str:
    """The front of a cloze: the other clozes of its paragraph shown as plain words."""
    return _CLOZE.sub(lambda m: m.group(1), text)
