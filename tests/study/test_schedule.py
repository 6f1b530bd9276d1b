"""Scheduling: what fsrs gives, the desired retention, undo, readers, and history that
outlives a card's row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studynotes.db.models import Card, CardReview, CardSchedule
from studynotes.ingest.pipeline import index_vault
from studynotes.web.views import study

T0 = dt.datetime(2026, 3, 1, 9, 0)


def _key(engine: Any, kind: str = "basic") -> str:
    with Session(engine) as db:
        return db.scalars(select(Card.key).where(Card.kind == kind)).one()


def test_the_schedule_after_a_fixed_sequence_of_ratings_is_the_one_fsrs_gives(
    study_vault: Callable[..., Any],
) -> None:
    settings, engine, _ = study_vault(review_fuzz=False, desired_retention=0.85)
    key = _key(engine)
    ratings = [3, 3, 1, 2, 4, 3]
    gaps = [0, 15, 60 * 24 * 3, 30, 60 * 24, 60 * 24 * 9]  # minutes before each rating
    reference = Scheduler(desired_retention=0.85, enable_fuzzing=False)
    expected = FsrsCard(card_id=1, due=T0.replace(tzinfo=dt.UTC))
    now = T0
    with Session(engine) as db:
        for rating, gap in zip(ratings, gaps, strict=True):
            now += dt.timedelta(minutes=gap)
            got = study.review(
                db, reader="local", card_id=key, rating=rating, settings=settings, now=now
            )
            expected, _ = reference.review_card(
                expected, Rating(rating), now.replace(tzinfo=dt.UTC)
            )
            assert got.due == expected.due
            assert got.state == expected.state.name.lower()
            assert got.stability == expected.stability
            assert got.difficulty == expected.difficulty
        assert db.scalar(select(func.count(CardReview.id))) == len(ratings)


def test_a_higher_desired_retention_brings_cards_back_sooner(
    study_vault: Callable[..., Any],
) -> None:
    dues = []
    for retention in (0.8, 0.95):
        settings, engine, _ = study_vault(review_fuzz=False, desired_retention=retention)
        key = _key(engine)
        with Session(engine) as db:
            db.query(CardSchedule).delete()
            db.commit()
            got = study.review(db, reader="local", card_id=key, rating=4, settings=settings, now=T0)
        dues.append(got.due)
    assert dues[1] < dues[0]


def test_undo_puts_back_the_schedule_the_card_had(study_vault: Callable[..., Any]) -> None:
    settings, engine, _ = study_vault(review_fuzz=False)
    key = _key(engine)
    with Session(engine) as db:
        first = study.review(db, reader="local", card_id=key, rating=3, settings=settings, now=T0)
        study.review(db, reader="local", card_id=key, rating=1, settings=settings, now=T0)
        back = study.undo(db, reader="local")
        assert back is not None and back.id == key
        row = db.get(CardSchedule, ("local", key))
        assert row is not None and row.due.replace(tzinfo=dt.UTC) == first.due
        assert study.undo(db, reader="local") is not None
        assert db.get(CardSchedule, ("local", key)) is None  # new again
        assert study.undo(db, reader="local") is None


def test_each_reader_has_their_own_history(study_vault: Callable[..., Any]) -> None:
    settings, engine, _ = study_vault(review_fuzz=False)
    key = _key(engine)
    with Session(engine) as db:
        study.review(db, reader="ada", card_id=key, rating=4, settings=settings)
        assert study.next_card(db, reader="ada", deck="llm") is None  # not due for days
        bobs = study.next_card(db, reader="bob", deck="llm")
        assert bobs is not None and bobs.id == key
        assert db.get(CardSchedule, ("local", key)) is None


def test_a_card_keeps_its_history_through_edits_and_absence(
    study_vault: Callable[..., Any],
) -> None:
    settings, engine, vault = study_vault(review_fuzz=False)
    key = _key(engine)
    with Session(engine) as db:
        study.review(db, reader="local", card_id=key, rating=4, settings=settings, now=T0)
    note = vault / "Decks" / "Basics.md"
    head = "---\ntags: [flashcards/llm]\n---\n"

    def reindex(text: str) -> set[str]:
        note.write_text(head + text, encoding="utf-8")
        index_vault(settings, engine)
        with Session(engine) as db:
            return set(db.scalars(select(Card.key).where(Card.kind == "basic")))

    assert reindex("What is RAG?::Retrieval first, generation second.\n") == {key}
    assert reindex("Nothing to study here.\n") == set()
    with Session(engine) as db:  # gone from the vault, its history kept
        assert db.get(CardSchedule, ("local", key)) is not None
        assert db.scalar(select(func.count(CardReview.id))) == 1
    assert reindex("What is RAG?::Back again.\n") == {key}
    changed = reindex("What does RAG stand for?::Retrieval-augmented generation.\n")
    assert changed and key not in changed
    with Session(engine) as db:
        assert study.next_card(db, reader="local", deck="llm", now=T0) is not None  # new card


def test_term_cards_go_both_ways(study_vault: Callable[..., Any]) -> None:
    _, engine, _ = study_vault()
    with Session(engine) as db:
        note_cards = study.note_cards(db, "glossary/softmax")
    by_kind = {c.kind: c for c in note_cards}
    assert by_kind["term"].front_html == "Softmax"
    assert "probabilities" in by_kind["term"].back_html
    assert by_kind["term-reversed"].back_html == "Softmax"
    assert {c.deck for c in note_cards} == {"Glossary"}
