"""One file in, one ``ParsedNote`` out. Knows nothing of other notes, so it runs in parallel
and its result is cached by content hash."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markdown_it.token import Token

from studynotes.dataview.literals import read_inline
from studynotes.frontmatter import parse_frontmatter
from studynotes.glossary.candidate import definition
from studynotes.glossary.extract import TermCandidate, extract_terms
from studynotes.glossary.leads import bold_leads
from studynotes.markdown import PARSER_VERSION, make_parser
from studynotes.markdown.facts import BlockFact, HeadingFact, RawLink, TagFact, facts
from studynotes.markdown.fields import DataviewFacts, dataview_facts
from studynotes.markdown.inline import inline_text
from studynotes.paths import VaultPath, note_title
from studynotes.sanitize import sanitize
from studynotes.study.cards import CardFact, CardProblem, find_cards


@dataclass(slots=True)
class Section:
    """The stretch of a note's HTML that a heading opens, for ``![[Note#Heading]]``."""

    anchor: str
    level: int
    start: int
    end: int


@dataclass(slots=True)
class GlossaryEntry:
    """The first paragraph of a one-concept note, when the note is a glossary entry."""

    text: str
    html: str


@dataclass(slots=True)
class ParsedNote:
    path: VaultPath
    title: str
    frontmatter: dict[str, Any] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    tags: list[TagFact] = field(default_factory=list)
    cssclasses: list[str] = field(default_factory=list)
    created: str | None = None
    headings: list[HeadingFact] = field(default_factory=list)
    blocks: list[BlockFact] = field(default_factory=list)
    block_html: dict[str, str] = field(default_factory=dict)
    links: list[RawLink] = field(default_factory=list)
    html: str = ""
    sections: list[Section] = field(default_factory=list)
    text: str = ""
    terms: list[TermCandidate] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)  # bold lead-ins (``glossary.leads``)
    first_paragraph: GlossaryEntry | None = None
    glossary_flag: bool = False
    glossary_off: bool = False  # ``glossary: false``: the owner says nothing here is a term
    opens_with_paragraph: bool = False  # its first block (past #tags) is its first paragraph
    # It opens with a definition callout (``> [!def]``) of its own title: a glossary entry
    # by the author's own mark, whose first paragraph is that callout's.
    opens_with_definition: bool = False
    words: int = 0
    cards: list[CardFact] = field(default_factory=list)
    card_problems: list[CardProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What queries read (``studynotes.dataview``): properties and inline fields merged,
    # the inline fields as written ([key, value, line]), tasks ([text, done, line]), and
    # the note's own ``dataview`` fences.
    fields: dict[str, Any] = field(default_factory=dict)
    inline_fields: list[list[Any]] = field(default_factory=list)
    tasks: list[list[Any]] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    version: str = PARSER_VERSION

    def facts_dict(self) -> dict[str, Any]:
        """The facts record, JSON-ready: everything the whole-vault steps read (links, names,
        headings, blocks, tags, term candidates). Written by hand because
        ``dataclasses.asdict`` deep-copies every value and was a tenth of the indexing time."""
        out = {name: getattr(self, name) for name in _FACT_SCALARS}
        out["tags"] = [{"name": t.name, "line": t.line} for t in self.tags]
        out["headings"] = [
            {"level": h.level, "text": h.text, "anchor": h.anchor, "line": h.line}
            for h in self.headings
        ]
        out["blocks"] = [{"id": b.id, "line": b.line} for b in self.blocks]
        out["links"] = [_fields(link) for link in self.links]
        out["terms"] = [_fields(term) for term in self.terms]
        out["cards"] = [_fields(card) for card in self.cards]
        out["card_problems"] = [_fields(p) for p in self.card_problems]
        fp = self.first_paragraph
        out["first_paragraph"] = {"text": fp.text, "html": fp.html} if fp else None
        return out

    def body_dict(self) -> dict[str, Any]:
        """The rest of the parse that rendering reads: the placeholder HTML and its parts."""
        return {
            "html": self.html,
            "block_html": self.block_html,
            "sections": [_fields(section) for section in self.sections],
        }

    @classmethod
    def from_parts(
        cls,
        facts: dict[str, Any],
        body: dict[str, Any] | None = None,
        *,
        text: str = "",
        frontmatter: dict[str, Any] | None = None,
    ) -> ParsedNote:
        """The parse as stored: its facts record, and its body when rendering needs it."""
        d = dict(facts)
        d["tags"] = [TagFact(**t) for t in d.get("tags", [])]
        d["headings"] = [HeadingFact(**h) for h in d.get("headings", [])]
        d["blocks"] = [BlockFact(**b) for b in d.get("blocks", [])]
        d["links"] = [RawLink(**link) for link in d.get("links", [])]
        d["terms"] = [TermCandidate(**t) for t in d.get("terms", [])]
        d["cards"] = [CardFact(**c) for c in d.get("cards", [])]
        d["card_problems"] = [CardProblem(**p) for p in d.get("card_problems", [])]
        fp = d.get("first_paragraph")
        d["first_paragraph"] = GlossaryEntry(**fp) if fp else None
        if body is not None:
            d["html"] = body.get("html", "")
            d["block_html"] = dict(body.get("block_html", {}))
            d["sections"] = [Section(**s) for s in body.get("sections", [])]
        return cls(**d, text=text, frontmatter=dict(frontmatter or {}))

    def facts_only(self) -> ParsedNote:
        """This note without its body, text and frontmatter: what the whole-vault steps need."""
        if not self.html and not self.block_html and not self.text and not self.frontmatter:
            return self
        return replace(self, html="", block_html={}, sections=[], text="", frontmatter={})


_FACT_SCALARS = (
    "path", "title", "aliases", "cssclasses", "created", "glossary_flag", "glossary_off",
    "opens_with_paragraph", "opens_with_definition", "words", "warnings", "fields",
    "inline_fields", "tasks", "queries", "leads", "version",
)  # fmt: skip


def _fields(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}


def _segments(tokens: list[Token]) -> list[tuple[int, int]]:
    """Token ranges of the top-level blocks, each rendered and sanitised on its own."""
    ranges: list[tuple[int, int]] = []
    start = 0
    depth = 0
    for i, token in enumerate(tokens):
        depth += token.nesting
        if depth == 0:
            ranges.append((start, i + 1))
            start = i + 1
    if start < len(tokens):
        ranges.append((start, len(tokens)))
    return ranges


def _block_range(tokens: list[Token], start: int) -> int:
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth <= 0:
            return j + 1
    return len(tokens)


def _is_glossary_flag(data: dict[str, Any]) -> bool:
    flag = data.get("glossary")
    kind = str(data.get("type", "")).strip().lower()
    return flag is True or str(flag).lower() in ("true", "yes") or kind in ("glossary", "term")


# Callout types that math and study vaults use for a definition (a theme's or plugin's).
_DEFINITION_CALLOUTS = frozenset({"def", "defn", "definition", "dfn"})


def _defines_title(token: Token, title: str) -> bool:
    """A definition callout with no title of its own, or with the note's title."""
    if token.type != "callout_open" or not isinstance(token.meta, dict):
        return False
    if str(token.meta.get("type", "")).casefold() not in _DEFINITION_CALLOUTS:
        return False
    own = " ".join(str(token.meta.get("title", "")).split()).casefold()
    return not own or own == " ".join(title.split()).casefold()


def _callout_paragraph(tokens: Sequence[Token], start: int) -> list[Token] | None:
    """The inline children of the first paragraph in the callout opened at ``start``."""
    depth = 0
    for i in range(start, len(tokens)):
        token = tokens[i]
        if token.type == "callout_open":
            depth += 1
        elif token.type == "callout_close":
            depth -= 1
            if depth == 0:
                return None
        elif (
            token.type == "paragraph_open"
            and depth == 1
            and i + 1 < len(tokens)
            and tokens[i - 1].type == "callout_content_open"
        ):
            return tokens[i + 1].children or None
    return None


def _only_tags(children: list[Token]) -> bool:
    """A paragraph of tags alone, such as ``#rl, #language``."""
    return any(c.type == "tag" for c in children) and all(
        c.type in ("tag", "softbreak", "hardbreak")
        or (c.type == "text" and not c.content.strip(" \t,;·|"))
        for c in children
    )


def _is_glossary_off(data: dict[str, Any]) -> bool:
    flag = data.get("glossary", "")
    return flag is False or str(flag).strip().lower() in ("false", "no", "off")


def parse_note(path: VaultPath, source: str) -> ParsedNote:
    """Parse one note's text into facts and placeholder HTML (links resolved later)."""
    md = make_parser()
    env: dict[str, Any] = {}
    tokens = md.parse(source, env)
    found = facts(env)
    note = ParsedNote(path=path, title=note_title(path))

    for token in tokens:
        if token.type == "front_matter":
            fm = parse_frontmatter(token.content)
            note.frontmatter, note.aliases, note.cssclasses = fm.data, fm.aliases, fm.cssclasses
            note.created, note.warnings = fm.created, list(fm.warnings)
            note.title = fm.title or note.title
            note.tags = [TagFact(t, 1) for t in fm.tags]
            note.glossary_flag = _is_glossary_flag(fm.data)
            note.glossary_off = _is_glossary_off(fm.data)
            break

    seen_tags = {t.name.casefold() for t in note.tags}
    for tag in found.tags:
        if tag.name.casefold() not in seen_tags:
            seen_tags.add(tag.name.casefold())
            note.tags.append(tag)
    note.headings, note.blocks, note.links = found.headings, found.blocks, found.links
    _dataview(note, dataview_facts(env))

    options = md.options
    parts: list[str] = []
    offset = 0
    open_sections: list[Section] = []
    for start, end in _segments(tokens):
        head = tokens[start]
        if head.type == "heading_open":
            level = int(head.tag[1:])
            while open_sections and open_sections[-1].level >= level:
                open_sections.pop().end = offset
            section = Section(str(head.attrGet("id") or ""), level, offset, -1)
            note.sections.append(section)
            open_sections.append(section)
        html = sanitize(md.renderer.render(tokens[start:end], options, env)).replace("<p></p>", "")
        parts.append(html)
        offset += len(html)
    for section in open_sections:
        section.end = offset
    note.html = "".join(parts)

    opened = False  # a block other than a paragraph came first
    for i, token in enumerate(tokens):
        block_id = token.attrGet("id")
        if token.nesting == 1 and isinstance(block_id, str) and block_id.startswith("^"):
            end = _block_range(tokens, i)
            rendered = md.renderer.render(tokens[i:end], options, env)
            if token.type == "list_item_open":  # a list item needs its list around it
                list_tag = "ol" if token.markup in (".", ")") else "ul"
                rendered = f"<{list_tag}>{rendered}</{list_tag}>"
            note.block_html[block_id[1:]] = sanitize(rendered)
        if token.level == 0 and token.nesting >= 0 and note.first_paragraph is None:
            if not opened and _defines_title(token, note.title):
                opening = _callout_paragraph(tokens, i)
                if opening is not None:
                    note.first_paragraph = GlossaryEntry(*definition(opening, md, env))
                    note.opens_with_paragraph = note.opens_with_definition = True
                    continue
            if token.type != "paragraph_open":
                opened = opened or token.type != "front_matter"
                continue
            children = tokens[i + 1].children or []
            if _only_tags(children):  # a line of #tags above the text is not its opening
                continue
            # A glossary note's first paragraph is its term's definition: rendered as one.
            text, html = definition(children, md, env)
            note.first_paragraph = GlossaryEntry(text=text, html=html)
            note.opens_with_paragraph = not opened

    note.text = "\n".join(  # what search reads and quotes; code keeps its backticks
        inline_text(t.children, code_ticks=True)
        for t in tokens
        if t.type == "inline" and t.children
    )
    note.words = len(note.text.split())
    found_cards = find_cards(source, path, [t.name for t in note.tags])
    note.cards, note.card_problems = found_cards.cards, found_cards.problems
    try:
        # A card's line (``Question::Answer``) is a question, never a glossary label.
        terms = extract_terms(tokens, md, env)
        note.leads = bold_leads(tokens)
        note.terms = [t for t in terms if t.line not in found_cards.lines]
    except Exception as exc:  # a glossary bug must not cost the reader the note
        note.warnings.append(f"glossary extraction failed: {type(exc).__name__}: {exc}")
    return note


def _dataview(note: ParsedNote, found: DataviewFacts) -> None:
    """Properties first, then inline fields, each read as Dataview reads it (a list when
    its items are literals); a key written more than once, in the properties or inline,
    holds the list of its values, as in Dataview."""
    merged: dict[str, Any] = dict(note.frontmatter)
    inline: dict[str, list[Any]] = {}
    for key, value, _ in found.fields:
        inline.setdefault(key, []).append(read_inline(value))
    for key, values in inline.items():
        if key in merged:
            values = [merged[key], *values]
        merged[key] = values[0] if len(values) == 1 else values
    note.fields = merged
    note.inline_fields = [[k, v, line] for k, v, line in found.fields]
    note.tasks = [[text, done, line] for text, done, line in found.tasks]
    note.queries = list(found.queries)


def folder_of(path: VaultPath) -> str:
    return posixpath.dirname(path)
