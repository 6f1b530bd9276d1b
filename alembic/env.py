"""Alembic environment: metadata from the models, connection from studynotes' settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from studynotes.config import Settings
from studynotes.db.models import Base
from studynotes.db.search import include_in_schema
from studynotes.db.session import make_engine

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_in_schema,  # the FTS tables belong to migrations, not models
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # The engine studynotes configured (``alembic_config``); the settings' database otherwise.
    engine = context.config.attributes.get("connection_engine")
    if engine is None:
        engine = make_engine(Settings().database_url())
    with engine.begin() as conn:
        _run(conn)


if context.is_offline_mode():
    context.configure(
        url=Settings().database_url(),
        target_metadata=target_metadata,
        include_name=include_in_schema,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
