"""What a reader's reviews add up to: reviews per day, retention, cards by state, and what
falls due in the coming days. Days are the server's local days (it runs on the reader's
machine); the database keeps UTC."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, distinct, func, literal_column, select
from sqlalchemy.orm import Session

from studynotes.db.models import Card, CardReview, CardSchedule
from studynotes.study.schedule import NEW, STATE_NAMES

DAYS = 30
_REVIEW = 2  # fsrs.State.Review: a card past its learning steps


@dataclass(slots=True)
class StudyStats:
    days: list[dt.date]  # the last DAYS days, today last
    reviews: list[int]  # per day of ``days``
    retention: list[float | None]  # per day: share of review-state cards recalled
    retention_all: float | None  # over the whole period
    ahead: list[dt.date]  # today and the next DAYS - 1 days
    due: list[int]  # per day of ``ahead``; today's includes what is overdue
    states: dict[str, int] = field(default_factory=dict)  # new, learning, review, relearning
    total_reviews: int = 0


def _local_day(value: dt.datetime) -> dt.date:
    return value.replace(tzinfo=dt.UTC).astimezone().date()


def study_stats(db: Session, *, reader: str, now: dt.datetime) -> StudyStats:
    today = _local_day(now)
    days = [today - dt.timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    since = now - dt.timedelta(days=DAYS + 1)
    reviews: Counter[dt.date] = Counter()
    recalled: Counter[dt.date] = Counter()
    asked: Counter[dt.date] = Counter()
    for at, rating, before in db.execute(
        select(CardReview.reviewed_at, CardReview.rating, CardReview.state_before).where(
            CardReview.reader == reader, CardReview.reviewed_at >= since
        )
    ):
        day = _local_day(at)
        reviews[day] += 1
        if before == _REVIEW:
            asked[day] += 1
            recalled[day] += rating > 1
    shown = set(days)
    asked_all = sum(n for d, n in asked.items() if d in shown)
    recalled_all = sum(n for d, n in recalled.items() if d in shown)

    ahead = [today + dt.timedelta(days=i) for i in range(DAYS)]
    mine = and_(CardSchedule.reader == reader, CardSchedule.card_key == Card.key)
    due: Counter[dt.date] = Counter()
    live = select(Card.key).distinct().scalar_subquery()
    for (when,) in db.execute(
        select(CardSchedule.due).where(
            CardSchedule.reader == reader, CardSchedule.card_key.in_(live)
        )
    ):
        due[max(_local_day(when), today)] += 1
    states: Counter[str] = Counter({name: 0 for name in STATE_NAMES.values()})
    # One expression, named and grouped by its name: PostgreSQL takes two spellings of it
    # (each with its own bound parameter) for two different expressions.
    state_of = func.coalesce(CardSchedule.state, literal_column(str(int(NEW)))).label("state")
    for state, n in db.execute(
        select(state_of, func.count(distinct(Card.key)))
        .select_from(Card)
        .outerjoin(CardSchedule, mine)
        .group_by(state_of)
    ):
        states[STATE_NAMES.get(state, "new")] += n
    total = db.scalar(select(func.count(CardReview.id)).where(CardReview.reader == reader)) or 0
    return StudyStats(
        days=days,
        reviews=[reviews[d] for d in days],
        retention=[recalled[d] / asked[d] if asked[d] else None for d in days],
        retention_all=recalled_all / asked_all if asked_all else None,
        ahead=ahead,
        due=[due[d] for d in ahead],
        states=dict(states),
        total_reviews=total,
    )
