"""Engines and sessions; every command upgrades the schema to head before use."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from studynotes.db import jsontext, locks
from studynotes.resources import resource_dir

if TYPE_CHECKING:
    from alembic.config import Config


class DatabaseError(Exception):
    """A database URL we cannot use; the message is meant for the user."""


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # The sqlite3 module begins a transaction only before a write, so each SELECT of a page
    # saw whatever was committed last: a page that read the notes, then the links, while the
    # watcher committed in between, mixed two indexes (a 500 on /api/graph). SQLAlchemy
    # emits BEGIN instead (``_sqlite_begin``): one snapshot per session, readers see the old
    # index or the new one. The recipe is SQLAlchemy's ("sqlite_transactions" in its docs).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {k: _no_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_no_nul(v) for v in value)
    return value


def _pg_without_nul(
    conn: Connection, cursor: Any, statement: str, params: Any, context: Any, many: bool
) -> tuple[str, Any]:
    """PostgreSQL's text cannot hold NUL, and refuses a query that sends one: a request for
    ``/api/tags/%00`` was a 500. As U+FFFD it matches nothing, as any odd name would."""
    return statement, _no_nul(params)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and foreign keys, and its folder is created."""
    try:
        parsed: URL = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r}") from exc
    options: dict[str, Any] = {"json_serializer": jsontext.dumps}
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            try:
                Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create the database folder for {db}: {exc}") from exc
        if db and db != ":memory:":
            # A connection for each of the server's 40 threads, and spares: a SQLite
            # connection is only a file handle and a page cache. With the default 15, a
            # loaded server queued requests behind the pool for up to 30 s, and a wait on
            # the event loop stalled every request.
            options |= {"pool_size": 40, "max_overflow": 32}
    elif parsed.get_backend_name() == "postgresql":
        # A server connection is a process on the server: 16 per worker, kept open, and the
        # threads beyond them wait for one (in their thread, not on the event loop). With
        # 8 kept and 8 more "overflow" ones, a loaded worker opened and closed connections
        # all the time, and forking those server processes took the CPU a second worker
        # needed (first views: 2 workers 1.07x one; now 1.6x). Four workers stay well
        # inside PostgreSQL's default of 100 connections.
        options |= {"pool_size": 16, "max_overflow": 0}
    try:
        engine = create_engine(parsed, **options)
    except Exception as exc:  # missing driver, bad options
        raise DatabaseError(f"cannot use database {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif parsed.get_backend_name() == "postgresql":
        event.listen(engine, "before_cursor_execute", _pg_without_nul, retval=True)
    return engine


def page_reader(engine: Engine) -> Engine:
    """``engine`` for requests that only read, such as a note page's first view.

    On PostgreSQL its statements run without a transaction: under READ COMMITTED each one
    sees the latest committed data anyway, so the BEGIN before them and the ROLLBACK when
    the session closes bought nothing but two round trips (a quarter of a first view).
    SQLite keeps its transaction: there it is what makes a page's reads one snapshot."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resource_dir("alembic")))
    cfg.attributes["connection_engine"] = engine
    return cfg


_REVISION = re.compile(r'^revision(?:: str)? = "([^"]+)"', re.MULTILINE)
_DOWN = re.compile(r'^down_revision(?:: str \| None)? = (?:"([^"]+)"|None)', re.MULTILINE)


def head_revision() -> str | None:
    """The newest migration's id, read from the migration files without loading Alembic
    (a third of every command's start-up time); None if they cannot be read."""
    revisions: dict[str, str | None] = {}
    for path in (resource_dir("alembic") / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev is None or down is None:
            return None
        revisions[rev.group(1)] = down.group(1)
    heads = set(revisions) - set(revisions.values())
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return list(current) == [head]
    except Exception:  # no version table yet, or not a database: let Alembic say
        return False


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration; cheap when it is already there."""
    if _at_head(engine):
        return
    from alembic import command

    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        # Several workers (or commands) starting together: one migrates, the others wait
        # for it and then find the schema at head (Alembic reads the version under the lock).
        with locks.hold(engine, locks.MIGRATE), engine.begin() as conn:
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except DatabaseError:
        raise
    except Exception as exc:
        raise DatabaseError(f"cannot open database {engine.url!r}: {exc}") from exc


def open_database(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed whole, or rolled back whole."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def index_lock(engine: Engine) -> Iterator[None]:
    """One index run at a time per database, across processes (``studynotes check`` while
    ``serve`` indexes): two runs reading the same old index both inserted the same new
    notes, and the second died on a UNIQUE constraint. Held around every ``index_vault``."""
    with locks.hold(engine, locks.INDEX):
        yield


def settle(engine: Engine) -> None:
    """After a large index run, tidy the database now rather than later.

    PostgreSQL: ``VACUUM (ANALYZE)`` rather than when autovacuum gets round to it: served
    straight after indexing 3,000 notes, each first read of a row also wrote its visibility
    hint, and plans were made for empty tables (a worker answered 86 pages a second instead
    of 210). SQLite: copy the write-ahead log into the database and empty it; a server that
    indexed 3,000 notes at start otherwise kept a 150 MB log beside the database, which
    every read consulted."""
    if engine.url.get_backend_name() == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM (ANALYZE)"))
    elif engine.url.get_backend_name() == "sqlite":
        raw = engine.raw_connection()  # outside the BEGIN that SQLAlchemy's sessions open
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
