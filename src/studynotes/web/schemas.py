"""The JSON contract. Each HTML page renders the same model its JSON twin returns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field


def _as_utc(value: datetime) -> datetime:
    """The index stores naive UTC; the schema promises RFC 3339 date-times, with an offset."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]


class NoteSummary(BaseModel):
    slug: str
    title: str
    path: str = Field(description="vault-relative, '/' separators, with the .md suffix")
    tags: list[str]
    aliases: list[str]
    updated: UtcDateTime


class HeadingOut(BaseModel):
    level: int
    text: str
    anchor: str


class LinkOut(BaseModel):
    target: str
    resolved_slug: str | None
    heading: str | None
    block: str | None
    anchor: str | None = Field(default=None, description="element id of the heading or block")
    text: str
    kind: Literal["link", "embed"]
    line: int
    file: str | None = Field(default=None, description="vault path of a linked attachment")


class Backlink(BaseModel):
    slug: str
    title: str
    context_html: str = Field(
        description="the paragraph around the link or mention, as safe inline HTML"
    )


class TermSummary(BaseModel):
    slug: str
    term: str
    aliases: list[str]
    definition: str
    definition_html: str
    note_slug: str
    note_title: str = ""
    anchor: str | None
    empty: bool = False


class Crumb(BaseModel):
    name: str
    folder: str


class InlineField(BaseModel):
    key: str
    value: str = Field(description="as written after the '::'")
    line: int


class BoardRef(BaseModel):
    name: str
    url: str


class NoteDetail(BaseModel):
    slug: str
    title: str
    path: str
    tags: list[str]
    aliases: list[str]
    frontmatter: dict[str, Any]
    inline_fields: list[InlineField] = Field(
        default_factory=list, description="`key:: value` fields written in the note's text"
    )
    boards: list[BoardRef] = Field(
        default_factory=list, description="canvas boards with this note on one of their cards"
    )
    headings: list[HeadingOut]
    html: str
    links_out: list[LinkOut]
    backlinks: list[Backlink]
    terms_defined: list[TermSummary]
    unlinked_mentions: list[Backlink]
    breadcrumbs: list[Crumb]
    updated: UtcDateTime
    banner: str | None = Field(description="URL of the banner image, if any")
    icon: str | None


class Occurrence(BaseModel):
    note_slug: str
    note_title: str
    context_html: str = Field(description="the place it is used, as safe inline HTML")


class TermDetail(TermSummary):
    occurrences: list[Occurrence]


class Preview(BaseModel):
    title: str
    html: str


class GraphNode(BaseModel):
    id: str
    title: str
    folder: str
    tags: list[str]
    degree: int
    url: str | None = Field(default=None, description="where the node opens, if not a note")


class GraphEdge(BaseModel):
    source: str
    target: str


class Graph(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class BrokenLink(BaseModel):
    source_slug: str
    source_path: str
    target: str
    line: int
    kind: Literal["link", "embed"]


class TagCount(BaseModel):
    name: str
    count: int


class TagPage(BaseModel):
    tag: str
    notes: list[NoteSummary]
    children: list[TagCount]


class FolderCount(BaseModel):
    folder: str
    count: int


class FolderPage(BaseModel):
    folder: str
    notes: list[NoteSummary]
    subfolders: list[FolderCount]


class Stats(BaseModel):
    notes: int
    links: int
    unresolved: int
    terms: int
    tags: int
    attachments: int


class Home(BaseModel):
    recent: list[NoteSummary]
    folders: list[FolderCount]
    tags: list[TagCount]
    glossary: list[TermSummary]
    stats: Stats


class TermHitOut(BaseModel):
    slug: str
    term: str
    aliases: list[str]
    definition: str
    note_slug: str
    anchor: str | None
    match: str


class NoteHitOut(BaseModel):
    slug: str
    title: str
    path: str
    snippet_html: str
    tags: list[str]


class BoardHitOut(BaseModel):
    name: str
    path: str
    url: str
    snippet: str = Field(default="", description="text on the board around the first match")


class SearchOut(BaseModel):
    query: str
    terms: list[TermHitOut]
    notes: list[NoteHitOut]
    boards: list[BoardHitOut] = Field(default_factory=list, description="canvas boards")
    notes_for: str | None = None  # the term a misspelled query was taken for, if any


class ErrorOut(BaseModel):
    detail: str
