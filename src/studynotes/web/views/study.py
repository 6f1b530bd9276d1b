"""Study mode's pages and their JSON twins: decks, a note's cards, the next card, ratings,
undo and statistics. Reviews go to the database only, under the reader who gave them."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.config import Settings
from studynotes.db.models import Card, Note
from studynotes.study import schedule
from studynotes.study.decks import DeckCount, deck_counts
from studynotes.study.stats import study_stats
from studynotes.urls import note_url
from studynotes.web import schemas as s
from studynotes.web.views.common import NotFound


def _deck_out(c: DeckCount) -> s.DeckOut:
    return s.DeckOut(deck=c.deck, name=c.name, cards=c.cards, due=c.due, new=c.new)


def decks(db: Session, *, reader: str, now: dt.datetime | None = None) -> list[s.DeckOut]:
    return [_deck_out(c) for c in deck_counts(db, reader=reader, now=now or schedule.utcnow())]


def _card_out(card: Card, slug: str, title: str) -> s.CardOut:
    return s.CardOut(
        id=card.key, deck=card.deck, kind=cast(s.CardKind, card.kind), front_html=card.front_html,
        back_html=card.back_html, note_slug=slug, line=card.line, note_title=title,
        note_url=note_url(slug),
    )  # fmt: skip


def _with_notes(db: Session, cards: list[Card]) -> list[s.CardOut]:
    ids = {c.note_id for c in cards}
    notes = {
        nid: (slug, title)
        for nid, slug, title in db.execute(
            select(Note.id, Note.slug, Note.title).where(Note.id.in_(ids))
        )
    }
    return [_card_out(c, *notes[c.note_id]) for c in cards]


def deck_page(db: Session, deck: str, *, reader: str, now: dt.datetime | None = None) -> s.DeckPage:
    counts = decks(db, reader=reader, now=now)
    found = next((d for d in counts if d.deck == deck), None)
    if found is None:
        raise NotFound(f"no deck {deck!r}")
    below = [d for d in counts if d.deck.startswith(deck + "/")]
    in_deck = schedule.in_deck(deck)
    cards = db.scalars(select(Card).where(in_deck).order_by(Card.deck, Card.id)).all()
    return s.DeckPage(deck=found, subdecks=below, cards=_with_notes(db, list(cards)))


def note_title(db: Session, slug: str) -> str:
    title = db.scalar(select(Note.title).where(Note.slug == slug))
    if title is None:
        raise NotFound(f"no note {slug!r}")
    return title


def note_cards(db: Session, slug: str) -> list[s.CardOut]:
    note = db.execute(select(Note.id, Note.slug, Note.title).where(Note.slug == slug)).first()
    if note is None:
        raise NotFound(f"no note {slug!r}")
    cards = db.scalars(select(Card).where(Card.note_id == note.id).order_by(Card.id)).all()
    return [_card_out(c, note.slug, note.title) for c in cards]


def next_card(
    db: Session, *, reader: str, deck: str | None = None, note: str | None = None,
    now: dt.datetime | None = None,
) -> s.CardOut | None:  # fmt: skip
    """The next card due for ``reader``, in a deck or a note; None when nothing is due."""
    note_id = None
    if note:
        note_id = db.scalar(select(Note.id).where(Note.slug == note))
        if note_id is None:
            raise NotFound(f"no note {note!r}")
    card = schedule.next_card(db, reader=reader, deck=deck, note_id=note_id, now=now)
    if card is None:
        return None
    slug, title = db.execute(select(Note.slug, Note.title).where(Note.id == card.note_id)).one()
    return _card_out(card, slug, title)


def review(
    db: Session, *, reader: str, card_id: str, rating: int, settings: Settings,
    now: dt.datetime | None = None,
) -> s.ReviewOut:  # fmt: skip
    if db.scalar(select(Card.id).where(Card.key == card_id).limit(1)) is None:
        raise NotFound(f"no card {card_id!r} in the vault")
    sched = schedule.scheduler(settings.desired_retention, settings.review_fuzz)
    row = schedule.rate(db, reader=reader, key=card_id, rating=rating, sched=sched, now=now)
    return s.ReviewOut(
        card_id=card_id, due=row.due, state=cast(s.CardState, schedule.STATE_NAMES[row.state]),
        stability=row.stability, difficulty=row.difficulty,
    )  # fmt: skip


def undo(db: Session, *, reader: str) -> s.CardOut | None:
    """Take back the last rating; the card it was given to, to be shown again."""
    key = schedule.undo(db, reader=reader)
    if key is None:
        return None
    card = db.scalars(select(Card).where(Card.key == key).order_by(Card.id).limit(1)).first()
    return _with_notes(db, [card])[0] if card is not None else None


def stats(db: Session, *, reader: str, now: dt.datetime | None = None) -> s.StudyStatsOut:
    found = study_stats(db, reader=reader, now=now or schedule.utcnow())
    return s.StudyStatsOut(
        reviews_per_day=[
            s.DayCount(day=d.isoformat(), value=n)
            for d, n in zip(found.days, found.reviews, strict=True)
        ],
        retention_per_day=[
            s.DayCount(day=d.isoformat(), value=r)
            for d, r in zip(found.days, found.retention, strict=True)
        ],
        retention=found.retention_all,
        due_ahead=[
            s.DayCount(day=d.isoformat(), value=n)
            for d, n in zip(found.ahead, found.due, strict=True)
        ],
        states=found.states,
        total_reviews=found.total_reviews,
    )
