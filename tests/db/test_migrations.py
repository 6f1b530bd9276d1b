from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from studynotes.db.models import Base
from studynotes.db.search import include_in_schema
from studynotes.db.session import open_database


def test_migrations_create_exactly_the_models_schema(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_in_schema})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_opening_twice_keeps_data_and_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    open_database(url)
    engine = open_database(url)
    tables = set(inspect(engine).get_table_names())
    assert {"notes", "links", "terms", "tags", "headings", "alembic_version"} <= tables
