"""Scheduling with FSRS (the ``fsrs`` package): rate a card, undo the last rating, pick the
next card. Everything is written to the database, per reader; nothing to the vault."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State
from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from studynotes.db.models import Card, CardReview, CardSchedule

NEW = 0  # a card never rated: no schedule row yet
STATE_NAMES = {NEW: "new", 1: "learning", 2: "review", 3: "relearning"}
# A card in its learning steps comes back this early when nothing else is due, as in Anki:
# otherwise a session would end with the last new cards ten minutes short of their step.
LEARN_AHEAD = dt.timedelta(minutes=20)


@lru_cache(maxsize=8)
def scheduler(retention: float, fuzz: bool) -> Scheduler:
    return Scheduler(desired_retention=retention, enable_fuzzing=fuzz)


def utcnow() -> dt.datetime:
    """Now, as the database keeps times: UTC without a zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None else None


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value is not None else None


def to_fsrs(row: CardSchedule | None, now: dt.datetime) -> FsrsCard:
    """The reader's schedule of a card as fsrs's card; a new card when there is none."""
    if row is None:
        return FsrsCard(card_id=0, due=_aware(now))
    return FsrsCard(
        card_id=0, state=State(row.state), step=row.step, stability=row.stability,
        difficulty=row.difficulty, due=_aware(row.due), last_review=_aware(row.last_review),
    )  # fmt: skip


def _saved(row: CardSchedule) -> dict[str, Any]:
    return {
        "state": row.state, "step": row.step, "stability": row.stability,
        "difficulty": row.difficulty, "due": row.due.isoformat(),
        "last_review": row.last_review.isoformat() if row.last_review else None,
    }  # fmt: skip


def rate(
    db: Session, *, reader: str, key: str, rating: int, sched: Scheduler,
    now: dt.datetime | None = None,
) -> CardSchedule:  # fmt: skip
    """Rate one card (1 Again, 2 Hard, 3 Good, 4 Easy) and keep the rating for undo."""
    now = now or utcnow()
    row = db.get(CardSchedule, (reader, key))
    before = _saved(row) if row is not None else None
    state_before = row.state if row is not None else NEW
    card, _log = sched.review_card(to_fsrs(row, now), Rating(rating), _aware(now))
    if row is None:
        row = CardSchedule(reader=reader, card_key=key)
        db.add(row)
    row.state, row.step = int(card.state), card.step
    row.stability, row.difficulty = card.stability, card.difficulty
    row.due = _naive(card.due) or now
    row.last_review = _naive(card.last_review)
    db.add(
        CardReview(
            reader=reader, card_key=key, rating=rating, reviewed_at=now,
            state_before=state_before, before=before, state=row.state, due=row.due,
            stability=row.stability, difficulty=row.difficulty,
        )
    )  # fmt: skip
    db.commit()
    return row


def undo(db: Session, *, reader: str) -> str | None:
    """Take back the reader's last rating: the card's schedule as it was before it. The key
    of that card, or None when there is nothing to undo."""
    last = db.scalars(
        select(CardReview).where(CardReview.reader == reader).order_by(CardReview.id.desc())
    ).first()
    if last is None:
        return None
    key = last.card_key
    row = db.get(CardSchedule, (reader, key))
    if last.before is None:
        if row is not None:
            db.delete(row)
    else:
        b = last.before
        if row is None:
            row = CardSchedule(reader=reader, card_key=key)
            db.add(row)
        row.state, row.step = b["state"], b["step"]
        row.stability, row.difficulty = b["stability"], b["difficulty"]
        row.due = dt.datetime.fromisoformat(b["due"])
        row.last_review = dt.datetime.fromisoformat(b["last_review"]) if b["last_review"] else None
    db.execute(delete(CardReview).where(CardReview.id == last.id))
    db.commit()
    return key


def in_deck(deck: str) -> ColumnElement[bool]:
    """A deck and the decks below it (``llm`` holds ``llm/eval``)."""
    escaped = deck.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(Card.deck == deck, Card.deck.like(escaped + "/%", escape="\\"))


def next_card(
    db: Session, *, reader: str, deck: str | None = None, note_id: int | None = None,
    now: dt.datetime | None = None,
) -> Card | None:  # fmt: skip
    """The card to show next: the longest overdue first, then new cards in vault order,
    then a card in its learning steps due within ``LEARN_AHEAD``."""
    now = now or utcnow()
    where: list[ColumnElement[bool]] = []
    if deck:
        where.append(in_deck(deck))
    if note_id is not None:
        where.append(Card.note_id == note_id)
    mine = and_(CardSchedule.reader == reader, CardSchedule.card_key == Card.key)
    due = (
        select(Card).join(CardSchedule, mine).where(CardSchedule.due <= now, *where)
        .order_by(CardSchedule.due, Card.id).limit(1)
    )  # fmt: skip
    card = db.scalars(due).first()
    if card is not None:
        return card
    new = select(Card).where(~exists().where(mine), *where).order_by(Card.id).limit(1)
    card = db.scalars(new).first()
    if card is not None:
        return card
    ahead = (
        select(Card).join(CardSchedule, mine)
        .where(CardSchedule.due <= now + LEARN_AHEAD, CardSchedule.state != int(State.Review),
               *where)
        .order_by(CardSchedule.due, Card.id).limit(1)
    )  # fmt: skip
    return db.scalars(ahead).first()
