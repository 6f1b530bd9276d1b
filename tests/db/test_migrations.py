from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from studynotes.db.models import Base
from studynotes.db.search import include_in_schema
from studynotes.db.session import head_revision, open_database


def test_migrations_create_exactly_the_models_schema(new_database: Callable[[str], str]) -> None:
    engine = open_database(new_database("db"))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_in_schema})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_opening_twice_keeps_data_and_schema(new_database: Callable[[str], str]) -> None:
    url = new_database("db")
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


def test_workers_starting_together_migrate_once(new_database: Callable[[str], str]) -> None:
    """Four processes open a new database at the same moment, as ``serve --workers 4``
    does: all of them start, and the schema is made once."""
    url = new_database("together")
    probe = (
        "import sys, time; from studynotes.db.session import open_database; "
        "time.sleep(max(0.0, float(sys.argv[1]) - time.time())); open_database(sys.argv[2])"
    )
    import time

    start = f"{time.time() + 1.5:.3f}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", probe, start, url], stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    engine = open_database(url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
        assert list(versions) == [head_revision()]
