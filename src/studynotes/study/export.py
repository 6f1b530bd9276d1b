"""A deck as an Anki package (``.apkg``, through ``genanki``): each card with its front and
back as the pages render them, and its source note. Only the cards; no review history."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass

import genanki
from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.db.models import Card, Note
from studynotes.study.schedule import in_deck

_CSS = """.card { font-family: system-ui, sans-serif; font-size: 20px; text-align: left;
  max-width: 40em; margin: 0 auto; line-height: 1.5; }
.source { margin-top: 1.5em; font-size: 14px; color: #777; }
mark { background: #ffe58a; }"""


def _id(text: str) -> int:
    """A stable 31-bit id: Anki matches models and decks by id across imports."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest()) >> 1


_MODEL = genanki.Model(
    _id("studynotes card model v1"),
    "studynotes card",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
    templates=[
        {
            "name": "Card",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<div class="source">{{Source}}</div>',
        }
    ],
    css=_CSS,
)


@dataclass(slots=True)
class Exported:
    data: bytes
    cards: int
    filename: str


def deck_package(db: Session, deck: str) -> Exported:
    """The deck ``deck`` and the decks below it, as one ``.apkg``; each card's Anki id is
    its key, so importing again updates cards rather than doubling them."""
    rows = db.execute(
        select(Card, Note.title, Note.path)
        .join(Note, Note.id == Card.note_id)
        .where(in_deck(deck))
        .order_by(Card.deck, Card.id)
    ).all()
    decks: dict[str, genanki.Deck] = {}
    seen: set[str] = set()
    for card, title, path in rows:
        if card.key in seen:  # the same question twice in the vault: one card
            continue
        seen.add(card.key)
        name = card.deck.replace("/", "::")
        target = decks.setdefault(name, genanki.Deck(_id(f"deck:{card.deck}"), name))
        target.add_note(
            genanki.Note(
                model=_MODEL,
                fields=[card.front_html, card.back_html, f"{title} ({path}:{card.line})"],
                guid=card.key,
            )
        )
    fd, tmp = tempfile.mkstemp(suffix=".apkg")
    os.close(fd)
    try:
        genanki.Package(list(decks.values())).write_to_file(tmp)
        with open(tmp, "rb") as f:
            data = f.read()
    finally:
        os.unlink(tmp)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in deck).strip("-") or "deck"
    return Exported(data, len(seen), f"{safe}.apkg")
