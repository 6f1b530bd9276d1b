"""The command line: thin wrappers over the library (index, check, serve)."""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.db.session import DatabaseError, open_database
from studynotes.ingest.discover import VaultError, check_vault
from studynotes.ingest.pipeline import IndexReport, Progress, index_vault

_VAULT = click.argument("vault", required=False, type=click.Path(path_type=Path))
_DB = click.option("--db", "db", metavar="URL", help="SQLAlchemy database URL.")


def _settings(**flags: Any) -> Settings:
    """Environment variables first, then the flags the user actually gave."""
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise click.UsageError(f"invalid setting: {exc.errors()[0]['msg']}") from exc


def _fail(message: str) -> None:
    click.echo(f"studynotes: error: {message}", err=True)
    sys.exit(2)


def _open(settings: Settings) -> Engine:
    try:
        check_vault(settings.vault)
        return open_database(settings.database_url())
    except (VaultError, DatabaseError) as exc:
        _fail(str(exc))
        raise AssertionError from exc  # unreachable: _fail exits


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("parsing"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
        task = bar.add_task("parse", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _index(settings: Settings, engine: Engine, *, quiet: bool = False) -> IndexReport:
    """Index, naming every skipped file on stderr unless ``quiet`` (the caller reports them)."""
    try:
        with _progress(not quiet and sys.stderr.isatty()) as progress:
            report = index_vault(settings, engine, progress=progress)
    except VaultError as exc:
        _fail(str(exc))
        raise AssertionError from exc
    if not quiet:
        for path, why in report.skipped:
            click.echo(f"warning: skipped {path}: {why}", err=True)
    return report


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="studynotes")
def main() -> None:
    """Turn an Obsidian vault of study notes into a browsable, searchable knowledge base."""


@main.command()
@_VAULT
@_DB
@click.option("--timings", is_flag=True, help="Also say where the time went, step by step.")
def index(vault: Path | None, db: str | None, timings: bool) -> None:
    """Build or update the index of VAULT (default: ./notes)."""
    settings = _settings(vault=vault, db=db)
    engine = _open(settings)
    report = _index(settings, engine)
    for path, warning in report.warnings:
        click.echo(f"warning: {path}: {warning}", err=True)
    click.echo(report.summary())
    if timings:
        click.echo(f"timings: {report.timings()}")


@main.command()
@_VAULT
@click.option("--kept", "only", flag_value="kept", help="Only the phrases taken as terms.")
@click.option("--rejected", "only", flag_value="rejected", help="Only the phrases left out.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def glossary(vault: Path | None, only: str | None, fmt: str) -> None:
    """Say, for every bold or defined phrase in VAULT, whether it is a glossary term and why.

    Reads the vault's files (the index is not needed). Where you disagree, put
    `glossary: false` in a note's frontmatter or the phrase in STUDYNOTES_GLOSSARY_IGNORE.
    """
    from studynotes.explain import explain_vault  # only this command needs it

    settings = _settings(vault=vault, db=None)
    try:
        decisions = explain_vault(settings)
    except VaultError as exc:
        raise click.ClickException(str(exc)) from exc
    kept = sum(d.kept for d in decisions)
    summary = f"{kept} terms, {len(decisions) - kept} phrases left out"
    if only is not None:
        decisions = [d for d in decisions if d.kept == (only == "kept")]
    if fmt == "json":
        rows = [
            {"path": d.path, "line": d.line, "phrase": d.phrase, "kept": d.kept,
             "reason": d.reason}
            for d in decisions
        ]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for d in decisions:
        click.echo(
            f"{d.path}:{d.line}: {'term    ' if d.kept else 'not term'}  {d.phrase}  ({d.reason})"
        )
    click.echo(summary, err=True)


@main.command()
@_VAULT
@_DB
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def check(vault: Path | None, db: str | None, fmt: str) -> None:
    """Report broken links, duplicate names, bad frontmatter and empty terms in VAULT.

    Skipped files are named too, but are not problems. Exit status: 0 clean, 1 problems
    found, 2 usage error.
    """
    settings = _settings(vault=vault, db=db)
    engine = _open(settings)
    report = _index(settings, engine, quiet=True)
    from studynotes.check import find_problems  # only this command needs it

    problems = find_problems(engine)
    if fmt == "json":
        payload = {
            "problems": [p.as_dict() for p in problems],
            "skipped": [{"path": p, "reason": r} for p, r in report.skipped],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for path, why in sorted(report.skipped):
            click.echo(f"{path}: skipped: {why}")
        for problem in problems:
            click.echo(problem.as_text())
        files = len({p.path for p in problems})
        skipped = len(report.skipped)
        checked = f"{report.notes} notes checked" + (
            f", {skipped} file{'s' * (skipped != 1)} skipped" if skipped else ""
        )
        click.echo(
            f"{len(problems)} problem{'s' * (len(problems) != 1)} in {files} "
            f"file{'s' * (files != 1)} ({checked})"
            if problems
            else f"no problems ({checked})"
        )
    sys.exit(1 if problems else 0)


@main.command("export-anki")
@_VAULT
@_DB
@click.option(
    "--deck", required=True, help="The deck (with the decks below it), as /decks lists it."
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Where to write (default: DECK.apkg)."
)
def export_anki(vault: Path | None, db: str | None, deck: str, output: Path | None) -> None:
    """Write a deck of VAULT's flashcards as an Anki package (.apkg), for Anki to import."""
    from sqlalchemy.orm import Session

    from studynotes.study.decks import deck_counts
    from studynotes.study.export import deck_package
    from studynotes.study.schedule import utcnow

    settings = _settings(vault=vault, db=db)
    engine = _open(settings)
    _index(settings, engine)
    with Session(engine) as session:
        known = [d.deck for d in deck_counts(session, reader="", now=utcnow())]
        if deck not in known:
            _fail(f"no deck {deck!r}; the decks are: {', '.join(known) or 'none'}")
        package = deck_package(session, deck)
    target = output or Path(package.filename)
    target.write_bytes(package.data)
    click.echo(f"{package.cards} cards of deck {deck} written to {target}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_DB
@click.option(
    "--base-url", default="/", metavar="PATH", help="Where the site will live (default /)."
)
def build(paths: tuple[Path, ...], db: str | None, base_url: str) -> None:
    """Write the site of VAULT (default: ./notes) as static files into OUT.

    Usage: studynotes build [VAULT] OUT. A second build writes only the files that changed.
    """
    if len(paths) > 2:
        raise click.UsageError("give at most VAULT and OUT")
    vault, out = (paths[0], paths[1]) if len(paths) == 2 else (None, paths[0])
    settings = _settings(vault=vault, db=db)
    from studynotes.site.build import build_site, start_early  # only this command needs it
    from studynotes.site.output import OutputError, check_output

    try:
        check_output(out, settings.vault)
    except OutputError as exc:
        _fail(str(exc))
    engine = _open(settings)
    start_early(settings, engine, out)
    report = _index(settings, engine)
    click.echo(report.summary())
    try:
        built = build_site(settings, engine, out, base=base_url)
    except OutputError as exc:
        _fail(str(exc))
        return
    click.echo(f"site: {built.summary()} in {out}")


_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@main.command()
@_VAULT
@_DB
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 8000).")
@click.option("--no-watch", is_flag=True, help="Do not follow changes in the vault.")
@click.option(
    "--workers", type=int, default=None, help="Server processes over one database (default 1)."
)
@click.option(
    "--reader-header",
    default=None,
    metavar="NAME",
    help="Behind a reverse proxy: the trusted header that names the reader (Remote-User).",
)
@click.option("--token", default=None, help="A shared secret every request must carry (no proxy).")
def serve(
    vault: Path | None,
    db: str | None,
    host: str | None,
    port: int | None,
    no_watch: bool,
    workers: int | None,
    reader_header: str | None,
    token: str | None,
) -> None:
    """Index VAULT (only what changed), then serve it on http://HOST:PORT."""
    import uvicorn

    from studynotes.web.app import WORKER_SETTINGS, create_app

    settings = _settings(
        vault=vault, db=db, host=host, port=port, serve_workers=workers,
        reader_header=reader_header, token=token,
    )  # fmt: skip
    engine = _open(settings)
    report = _index(settings, engine)
    click.echo(report.summary())
    if settings.host not in _LOOPBACK and not (settings.reader_header or settings.token):
        click.echo(
            f"warning: serving on {settings.host}, not loopback: there is no login, so anyone "
            "who can reach this address can read the vault (use --reader-header behind an "
            "authenticating proxy, or --token)",
            err=True,
        )
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    many = settings.serve_workers > 1
    click.echo(
        f"serving {settings.vault} on http://{shown}:{settings.port}"
        + (f" with {settings.serve_workers} workers" if many else "")
        + "  (Ctrl+C stops)"
    )
    if many:
        # Each worker builds its own app (uvicorn starts them); they learn the settings,
        # the database URL resolved once here, from the environment.
        engine.dispose()
        fixed = settings.model_copy(update={"db": settings.database_url()})
        os.environ[WORKER_SETTINGS] = json.dumps(
            {"settings": fixed.model_dump(mode="json"), "watch": not no_watch}
        )
        target: Any = "studynotes.web.app:worker_app"
        options: dict[str, Any] = {"factory": True, "workers": settings.serve_workers}
    else:
        target, options = create_app(settings, engine=engine, watch=not no_watch), {}
    # What start-up made (modules, the app, the index run's survivors) lives as long as the
    # server: out of the collector's sight, it cost each first view of a page ~0.3 ms of
    # garbage collection on average, and now and then a pause of 100 ms. Here, not in the
    # app: tests build many apps in one process.
    gc.collect()
    gc.freeze()
    try:
        uvicorn.run(target, host=settings.host, port=settings.port, log_level="warning", **options)
    except OSError as exc:
        _fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}")
