"""The concept graph: typed SQLAlchemy 2 models. Alembic migrations must agree with these."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(1024), unique=True)
    slug: Mapped[str] = mapped_column(String(1024), unique=True)
    title: Mapped[str] = mapped_column(String(512))
    frontmatter: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(BigInteger)
    created: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    updated: Mapped[datetime] = mapped_column(DateTime, index=True)
    indexed_at: Mapped[datetime] = mapped_column(DateTime)
    html: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    parsed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the parse's facts
    # ``key:: value`` fields as [key, value, line]: pages read them without the parse above.
    inline_fields: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default="[]")
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    links_fp: Mapped[str] = mapped_column(String(64), default="", server_default="")
    render_deps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)

    headings: Mapped[list[Heading]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="Heading.position"
    )
    links_out: Mapped[list[Link]] = relationship(
        back_populates="source",
        cascade="all, delete-orphan",
        foreign_keys="Link.source_id",
        order_by="Link.position",
    )


class Heading(Base):
    __tablename__ = "headings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(1024))
    anchor: Mapped[str] = mapped_column(String(1024))
    line: Mapped[int] = mapped_column(Integer)

    note: Mapped[Note] = relationship(back_populates="headings")


class Block(Base):
    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("note_id", "block_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    block_id: Mapped[str] = mapped_column(String(255))
    line: Mapped[int] = mapped_column(Integer)


class Link(Base):
    __tablename__ = "links"
    __table_args__ = (Index("ix_links_raw_target", "raw_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("notes.id", ondelete="SET NULL"), nullable=True, index=True
    )
    target_file: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    raw_target: Mapped[str] = mapped_column(String(1024))
    heading: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    block: Mapped[str | None] = mapped_column(String(255), nullable=True)
    anchor: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    missing_anchor: Mapped[bool] = mapped_column(Boolean, default=False)
    display: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    kind: Mapped[str] = mapped_column(String(8))  # "link" | "embed"
    context: Mapped[str] = mapped_column(Text, default="")
    line: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[bool] = mapped_column(Boolean)
    via_alias: Mapped[bool] = mapped_column(Boolean, default=False)
    ambiguous: Mapped[bool] = mapped_column(Boolean, default=False)

    source: Mapped[Note] = relationship(back_populates="links_out", foreign_keys=[source_id])
    target: Mapped[Note | None] = relationship(foreign_keys=[target_id])


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    parent: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)


class NoteTag(Base):
    __tablename__ = "note_tags"

    note_id: Mapped[int] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Alias(Base):
    __tablename__ = "aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(512), index=True)


class NoteField(Base):
    """One value a query reads of a note (``dataview.stored``): a property or inline field
    by its normalised key, or a file fact (``$name``, ``$folder``...). Typed columns let
    ``WHERE`` and ``SORT`` run as SQL; ``raw`` is the value as written, for Python."""

    __tablename__ = "note_fields"
    __table_args__ = (Index("ix_note_fields_key_note", "key", "note_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))  # null bool number date text link list object
    rank: Mapped[int] = mapped_column(Integer)  # the kind's place in the sort order
    num: Mapped[float | None] = mapped_column(Float, nullable=True)  # bool, number, date
    fold: Mapped[str | None] = mapped_column(Text, nullable=True)  # text, link: as sorted
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # text; a link's target
    raw: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON text


class NoteTask(Base):
    """A task of a note, as ``TASK`` queries read it."""

    __tablename__ = "note_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(Boolean)
    line: Mapped[int] = mapped_column(Integer)


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(1024), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)


class Board(Base):
    """A canvas board (``.canvas``) as indexed: what the pages around it read (the
    explorer, folders, search, backlinks, the graph) without opening its file. ``error``
    says why a malformed board cannot be drawn ("" for a good one)."""

    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(1024), unique=True)
    name: Mapped[str] = mapped_column(String(512))
    text: Mapped[str] = mapped_column(Text, default="")  # its words, one card a line
    fold: Mapped[str] = mapped_column(Text, default="")  # name and words, casefolded
    error: Mapped[str] = mapped_column(Text, default="")


class BoardLink(Base):
    """What a board points at: a file card (``card``) or a ``[[link]]`` on a text card
    (``link``), and where it lands (a note, another file, or nowhere)."""

    __tablename__ = "board_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    node: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))  # "card" | "link"
    raw_target: Mapped[str] = mapped_column(String(1024))
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("notes.id", ondelete="SET NULL"), nullable=True, index=True
    )
    target_file: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    context: Mapped[str] = mapped_column(Text, default="")


class Term(Base):
    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(512), unique=True)
    name: Mapped[str] = mapped_column(String(512), index=True)
    definition: Mapped[str] = mapped_column(Text, default="")
    definition_html: Mapped[str] = mapped_column(Text, default="")
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    anchor: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    line: Mapped[int] = mapped_column(Integer)
    shape: Mapped[str] = mapped_column(String(32))
    empty: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether pages mark it (an everyday word only when a glossary note defines it): what
    # the server needs to mark terms in query results as the index run marked the rest.
    marked: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    aliases: Mapped[list[TermAlias]] = relationship(
        back_populates="term", cascade="all, delete-orphan"
    )


class TermAlias(Base):
    __tablename__ = "term_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(512), index=True)

    term: Mapped[Term] = relationship(back_populates="aliases")


LOCAL_READER = "local"  # the one reader of a vault served on its owner's machine


class Card(Base):
    """A flashcard as the vault defines it now: rewritten with its note. Its history is not
    here but under its ``key`` (a digest of its question), so it outlives the row."""

    __tablename__ = "cards"
    __table_args__ = (Index("ix_cards_deck_key", "deck", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    deck: Mapped[str] = mapped_column(String(512))
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    front_html: Mapped[str] = mapped_column(Text)
    back_html: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)


class CardSchedule(Base):
    """Where one reader stands with one card (FSRS's card state). Never written by an index
    run: a card that leaves the vault keeps it, and finds it again if it comes back."""

    __tablename__ = "card_schedules"
    __table_args__ = (Index("ix_card_schedules_reader_due", "reader", "due"),)

    reader: Mapped[str] = mapped_column(
        String(64), primary_key=True, default=LOCAL_READER, server_default=LOCAL_READER
    )
    card_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[int] = mapped_column(Integer)  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)
    due: Mapped[datetime] = mapped_column(DateTime)
    last_review: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class CardReview(Base):
    """One rating, kept for statistics and undo, with the schedule it replaced."""

    __tablename__ = "card_reviews"
    __table_args__ = (Index("ix_card_reviews_reader_at", "reader", "reviewed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reader: Mapped[str] = mapped_column(
        String(64), default=LOCAL_READER, server_default=LOCAL_READER
    )
    card_key: Mapped[str] = mapped_column(String(32), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime)
    state_before: Mapped[int] = mapped_column(Integer)  # 0: the card was new
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    state: Mapped[int] = mapped_column(Integer)
    due: Mapped[datetime] = mapped_column(DateTime)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)


class Meta(Base):
    """Facts about the index as a whole (vault path, parser version, last run)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
