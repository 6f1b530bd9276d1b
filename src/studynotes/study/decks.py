"""Decks and what is due in them, for one reader. A deck holds the decks below it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from studynotes.db.models import Card, CardSchedule


@dataclass(slots=True)
class DeckCount:
    deck: str
    cards: int = 0
    due: int = 0  # due now, new cards included
    new: int = 0

    @property
    def name(self) -> str:
        """The deck's own name, without the decks above it."""
        return self.deck.rsplit("/", 1)[-1]

    @property
    def depth(self) -> int:
        return self.deck.count("/")


def _parents(deck: str) -> list[str]:
    parts = deck.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def deck_counts(db: Session, *, reader: str, now: dt.datetime) -> list[DeckCount]:
    """Every deck with its cards, due and new counts (its sub-decks' included), in order."""
    mine = and_(CardSchedule.reader == reader, CardSchedule.card_key == Card.key)
    rows = db.execute(
        select(
            Card.deck,
            func.count(Card.id),
            func.sum(case((CardSchedule.due.is_(None), 1), (CardSchedule.due <= now, 1), else_=0)),
            func.sum(case((CardSchedule.due.is_(None), 1), else_=0)),
        )
        .outerjoin(CardSchedule, mine)
        .group_by(Card.deck)
    ).all()
    decks: dict[str, DeckCount] = {}
    for deck, cards, due, new in rows:
        for name in (*_parents(deck), deck):
            count = decks.setdefault(name, DeckCount(name))
            count.cards += cards
            count.due += int(due or 0)
            count.new += int(new or 0)
    return [decks[name] for name in sorted(decks, key=lambda d: d.casefold())]


def total_due(counts: list[DeckCount]) -> int:
    return sum(c.due for c in counts if c.depth == 0)
