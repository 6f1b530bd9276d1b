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


class TreeEntryOut(BaseModel):
    name: str
    kind: Literal["folder", "note", "canvas"]
    path: str
    url: str
    notes: int = Field(description="for a folder, the notes anywhere below it")


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
    has_cards: bool = Field(
        default=False, description="whether the note holds flashcards, its own or its terms'"
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


class Mentions(BaseModel):
    """A note's unlinked mentions, for the panel its page loads when the reader opens it."""

    slug: str
    title: str
    mentions: list[Backlink]


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
    kind: Literal["note", "folder", "canvas"] = "note"
    count: int = Field(default=1, description="for a folder node, the notes it stands for")
    url: str | None = Field(default=None, description="where the node opens, if not a note")


class GraphEdge(BaseModel):
    source: str
    target: str
    weight: int = Field(
        default=1, description="for an edge between folders, the links it stands for"
    )


class Graph(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge] = Field(
        description="edges between folders (weighted) and to or from canvas boards"
    )
    links: list[tuple[int, int]] = Field(
        default_factory=list,
        description="links between notes, as positions in `nodes` (source, target)",
    )
    level: Literal["notes", "folders"] = Field(
        default="notes", description="a node per note, or (for a large vault) a node per folder"
    )
    folder: str | None = Field(default=None, description="the folder drawn, when one was asked")
    total_notes: int = 0


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
    boards: list[BoardRef] = Field(default_factory=list, description="canvas boards in it")
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


class NoteRef(BaseModel):
    slug: str
    title: str
    url: str


class BoardPointer(BaseModel):
    node: str = Field(description="the id of the card it is on")
    kind: Literal["card", "link"] = Field(description="a file card, or a [[link]] on a text card")
    target: str = Field(description="as written")
    slug: str | None = Field(default=None, description="the note it lands on, if one")
    file: str | None = Field(default=None, description="the other file it lands on, if one")


class BoardDetail(BaseModel):
    name: str
    path: str
    url: str
    error: str = Field(default="", description="why the board cannot be drawn; empty if it can")
    linked_from: list[NoteRef] = Field(description="notes that link to or embed the board")
    points_at: list[BoardPointer] = Field(description="its file cards and links, in order")


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


CardKind = Literal[
    "basic", "reversed", "multiline", "multiline-reversed", "cloze", "term", "term-reversed"
]
CardState = Literal["learning", "review", "relearning"]


class DeckOut(BaseModel):
    deck: str = Field(description="the deck's full name: a folder, or a #flashcards/ tag's path")
    name: str = Field(description="the last part of the deck's name")
    cards: int = Field(description="cards in the deck and the decks below it")
    due: int = Field(description="cards due now, new ones included")
    new: int = 0


class CardOut(BaseModel):
    id: str = Field(description="the card's identity: stays while its question stays")
    deck: str
    kind: CardKind
    front_html: str
    back_html: str
    note_slug: str
    line: int
    note_title: str = ""
    note_url: str = ""


class DeckPage(BaseModel):
    deck: DeckOut
    subdecks: list[DeckOut]
    cards: list[CardOut]


class ReviewIn(BaseModel):
    card_id: str = Field(max_length=32)
    rating: int = Field(ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy")


class ReviewOut(BaseModel):
    card_id: str
    due: UtcDateTime
    state: CardState
    stability: float | None
    difficulty: float | None


class DayCount(BaseModel):
    day: str = Field(description="YYYY-MM-DD, the server's local day")
    value: float | None


class StudyStatsOut(BaseModel):
    reviews_per_day: list[DayCount]
    retention_per_day: list[DayCount]
    retention: float | None = Field(description="share of due reviews recalled, last 30 days")
    due_ahead: list[DayCount] = Field(description="today (with what is overdue) and 29 days")
    states: dict[str, int] = Field(description="cards by state: new, learning, review, ...")
    total_reviews: int


class ReaderOut(BaseModel):
    """Who the server takes this request to be from (``local`` unless a proxy says)."""

    reader: str
