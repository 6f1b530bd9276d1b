"""Shared fixtures: the small fixture vault, a renderer that places a note inside it, and
databases on both engines (SQLite files, and a throwaway PostgreSQL server)."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from studynotes.ingest.discover import discover
from studynotes.ingest.parse import ParsedNote, parse_note
from studynotes.ingest.render import Vault, render_note
from studynotes.ingest.resolve import resolve_all
from studynotes.paths import VaultPath, path_slug

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_VAULT = FIXTURES / "vault"

Render = Callable[..., str]


@pytest.fixture(scope="session")
def fixture_notes() -> tuple[dict[VaultPath, ParsedNote], list[VaultPath]]:
    inventory = discover(FIXTURE_VAULT, max_bytes=1_000_000)
    notes = {
        f.path: parse_note(f.path, (FIXTURE_VAULT / f.path).read_text(encoding="utf-8"))
        for f in inventory.notes
    }
    return notes, [a.path for a in inventory.attachments]


@pytest.fixture
def render(fixture_notes: tuple[dict[VaultPath, ParsedNote], list[VaultPath]]) -> Render:
    """Render ``text`` as if it were the note ``path`` of the fixture vault."""

    def _render(text: str, path: str = "Case.md") -> str:
        base, attachments = fixture_notes
        notes = dict(base)
        notes[VaultPath(path)] = parse_note(VaultPath(path), text)
        slugs = {p: path_slug(p) for p in notes}
        vault = Vault(notes, dict(slugs), resolve_all(notes, attachments))
        return render_note(vault, VaultPath(path))

    return _render


@pytest.fixture
def vault_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture vault."""
    target = tmp_path / "vault"
    shutil.copytree(FIXTURE_VAULT, target)
    return target


class Servers:
    """Starts `studynotes serve` processes on free loopback ports; stops each one it started."""

    def __init__(self, tmp: Path) -> None:
        self._tmp = tmp
        self._procs: list[subprocess.Popen[str]] = []

    def start(self, vault: Path, *args: str, timeout: float = 60, db: str | None = None) -> str:
        """A server of ``vault`` on ``db`` (by default a new SQLite file); its base URL."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        url = db or f"sqlite:///{self._tmp / f'index-{port}.sqlite3'}"
        cmd = [sys.executable, "-m", "studynotes", "serve", str(vault), "--port", str(port)]
        cmd += ["--db", url, *args]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
        )
        self._procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.stop(proc)}")
            try:
                httpx.get(base + "/api/notes", timeout=1)
                return base
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self, proc: subprocess.Popen[str]) -> str:
        """Stop one server (SIGINT, as Ctrl+C) and return what it printed on stderr."""
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        return err or ""

    def stop_all(self) -> list[str]:
        return [self.stop(p) for p in self._procs]

    @property
    def last(self) -> subprocess.Popen[str]:
        return self._procs[-1]


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    started = Servers(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture(scope="session")
def session_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    started = Servers(tmp_path_factory.mktemp("servers"))
    yield started
    started.stop_all()


# --- databases: every test that touches the index runs on SQLite and on PostgreSQL ----------

ENGINES = ["sqlite", "postgresql"]


def _pg_bindir() -> Path | None:
    """Where Debian (or PATH) keeps initdb and pg_ctl; the newest version wins."""
    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return Path(initdb).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """A throwaway cluster in a temporary folder, run as ``postgres`` when we are root
    (PostgreSQL refuses to run as root), on a free loopback port with its socket beside it."""

    def __init__(self, bindir: Path) -> None:
        self._bin = bindir
        self.root = Path(tempfile.mkdtemp(prefix="studynotes-pg-"))
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self.port = _free_port()
        self._data = self.root / "data"

    def _run(self, *cmd: str) -> None:
        done = subprocess.run([*self._as, *cmd], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {done.stdout}{done.stderr}")

    def start(self) -> str:
        self._run(
            str(self._bin / "initdb"), "-D", str(self._data), "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.root} -c max_connections=400 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self._bin / "pg_ctl"), "-D", str(self._data), "-o", options,
            "-l", str(self.root / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(str(self._bin / "pg_ctl"), "-D", str(self._data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database: ``STUDYNOTES_TEST_PG_URL``,
    or a server started for this session. Without one the PostgreSQL tests skip, but not
    under CI, which must run them."""
    given = os.environ.get("STUDYNOTES_TEST_PG_URL")
    if given:
        yield given
        return
    bindir = _pg_bindir()
    if bindir is None:
        why = "PostgreSQL is not installed (no initdb): apt-get install postgresql"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests, but {why}")
        pytest.skip(why)
    server = PostgresServer(bindir)
    try:
        yield server.start()
    finally:
        server.stop()


_names = itertools.count()
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _remember(conn: Connection) -> None:
    if conn.engine.url.get_backend_name() == "postgresql":
        _engines.add(conn.engine)


def _dispose(names: set[str]) -> None:
    """Close the pooled connections of the engines tests made on these databases."""
    for engine in list(_engines):
        if engine.url.database in names:
            engine.dispose()


NewDatabase = Callable[[str], str]


@pytest.fixture(scope="session")
def postgres_databases(postgres_url: str) -> Iterator[NewDatabase]:
    """Makes empty databases on the server, each with its own name; drops them at the end."""
    admin = create_engine(postgres_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    made: list[str] = []
    prefix = f"sn_{os.getpid()}_"

    def new(_hint: str) -> str:
        name = f"{prefix}{next(_names)}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
        made.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield new
    _dispose(set(made))
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _databases(kind: str, request: pytest.FixtureRequest, folder: Path) -> NewDatabase:
    if kind == "postgresql":
        made: NewDatabase = request.getfixturevalue("postgres_databases")
        return made
    # A folder per database: a test may compare a database's folder before and after.
    return lambda name: f"sqlite:///{folder / name / name}.sqlite3"


@pytest.fixture(params=ENGINES)
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewDatabase]:
    """``new_database(name)``: the URL of a new, empty database on this test's engine."""
    made: set[str] = set()
    databases = _databases(request.param, request, tmp_path)

    def new(name: str) -> str:
        url = databases(name)
        made.add(url.rsplit("/", 1)[-1])
        return url

    yield new
    _dispose(made)


@pytest.fixture(scope="session", params=ENGINES)
def session_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> NewDatabase:
    """The same, for session-scoped fixtures: everything built on it runs once per engine."""
    return _databases(request.param, request, tmp_path_factory.mktemp("db"))
