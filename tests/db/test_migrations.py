from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

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


def test_head_revision_is_alembics_own_head() -> None:
    from alembic.script import ScriptDirectory

    from studynotes.db.session import alembic_config, head_revision, make_engine

    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    assert head_revision() == script.get_current_head()


def test_an_up_to_date_database_opens_without_loading_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    open_database(url)  # creates the schema
    probe = (
        "import sys; from studynotes.db.session import open_database; "
        f"open_database({url!r}); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_database_behind_the_newest_migration_is_upgraded(tmp_path: Path) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from studynotes.db.session import alembic_config, head_revision

    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    cfg = alembic_config(engine)
    previous = ScriptDirectory.from_config(cfg).get_revision(head_revision()).down_revision
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, str(previous))
    with engine.connect() as conn:
        behind = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert behind != head_revision()
    engine = open_database(str(engine.url))
    with engine.connect() as conn:
        now = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert now == head_revision()
