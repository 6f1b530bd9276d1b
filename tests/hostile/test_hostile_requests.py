"""Hostile requests: malformed input is a 4xx with a clear JSON error, never a 500, and nothing
a client sends changes the vault or the index.

The API is fuzzed with schemathesis against our own OpenAPI schema, in process over ASGI:
positive cases (valid by the schema) must succeed and match the documented response schema,
negative cases (invalid by the schema) must be refused with a documented 4xx.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault
from studynotes.web.app import create_app

FIXTURE_VAULT = Path(__file__).parents[1] / "fixtures" / "vault"
EXAMPLES = 20  # per operation and generation mode: about 400 requests, a few seconds in all


@dataclass(slots=True)
class Indexed:
    settings: Settings
    vault: Path
    db: Path  # the SQLite file's folder; on PostgreSQL an empty folder, and the rows count


def _rows(url: str) -> dict[str, str]:
    """On PostgreSQL, a hash of every table's rows: what a request must not change."""
    if not url.startswith("postgresql"):
        return {}
    engine = create_engine(url, poolclass=NullPool)
    out: dict[str, str] = {}
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).scalars()
        for table in list(tables):
            rows = conn.execute(
                text(f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM \"{table}\" t")
            )
            out[table] = str(rows.scalar())
    engine.dispose()
    return out


def _snapshot(*roots: Path) -> dict[str, str]:
    """Every file under ``roots`` (or the file itself) by path, with a hash of its bytes."""
    out: dict[str, str] = {}
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def indexed(
    tmp_path_factory: pytest.TempPathFactory, session_database: Callable[[str], str]
) -> Indexed:
    root = tmp_path_factory.mktemp("requests")
    vault = root / "vault"
    shutil.copytree(FIXTURE_VAULT, vault)
    (vault / "Odd #%? name.md").write_text("# Odd\n\n**Term**: a term. #tag [[Transformers]]\n")
    url = session_database("requests")
    db = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else root / "none"
    indexed = Indexed(Settings(vault=vault, db=url, workers=1), vault, db)
    engine = open_database(indexed.settings.database_url())
    index_vault(indexed.settings, engine)
    engine.dispose()  # checkpointed: the database is one file from here on
    return indexed


@pytest.fixture
def app(indexed: Indexed) -> Iterator[FastAPI]:
    """A fresh app over the index; afterwards the vault and the database are byte-identical."""
    url = indexed.settings.database_url()
    before = _snapshot(indexed.vault, indexed.db.parent), _rows(url)
    engine = open_database(url)
    yield create_app(indexed.settings, engine=engine)
    engine.dispose()
    assert (_snapshot(indexed.vault, indexed.db.parent), _rows(url)) == before


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_survives_schemathesis(app: FastAPI, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    sent = 0
    fuzzed = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: schemathesis.Case) -> None:
            nonlocal sent
            sent += 1
            response = case.call_and_validate()  # no 5xx, documented status and schema
            if response.status_code >= 400:
                assert isinstance(response.json()["detail"], str)

        try:
            run()
            fuzzed += 1
        except Unsatisfiable:  # nothing about this operation can be invalid (no parameters)
            assert mode is GenerationMode.NEGATIVE
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    assert fuzzed >= (10 if mode is GenerationMode.POSITIVE else 3)
    assert sent >= fuzzed * 5


# --- beyond the schema -------------------------------------------------------------------------

API = [
    "/api/notes",
    "/api/notes/transformers",
    "/api/terms",
    "/api/tags",
    "/api/home",
    "/api/search?q=x",
    "/api/graph",
    "/api/broken-links",
    "/api/preview/transformers",
    "/api/folders/a",
]
PAGES = ["/", "/notes/transformers", "/glossary", "/tags", "/search?q=x", "/graph", "/docs"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_methods_are_refused_everywhere(app: FastAPI, method: str) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        for path in [*API, *PAGES, "/files/assets/Pasted%20image%201.png"]:
            response = client.request(method, path, content=b'{"title": "pwned"}')
            assert response.status_code == 405, (method, path)
            assert isinstance(response.json()["detail"], str)


MALFORMED = [
    "/api/search?limit=abc",
    "/api/search?limit=0",
    "/api/search?limit=-1",
    "/api/search?limit=1e9",
    "/api/search?limit=99999999999999999999999999",
    "/api/search?limit=",
    "/api/search?limit=1&limit=x",
    "/api/preview/transformers?heading=" + "h" * 1_001,
    "/api/preview/transformers?block=" + "b" * 256,
    "/api/graph?slug=" + "s" * 1_025,
    "/api/notes/%00",
    "/api/notes/%ff%fe",
    "/api/notes/%c0%af",
    "/api/notes/" + "x" * 4_000,
    "/api/notes/..%2f..%2fetc%2fpasswd",
    "/api/terms/%2e%2e",
    "/api/tags/%00%00",
    "/api/folders/%ff",
    "/api/preview/nope?heading=%00",
    "/api/nothing-here",
    "/api/",
]


@pytest.mark.parametrize("path", MALFORMED)
def test_malformed_api_requests_get_a_json_4xx(app: FastAPI, path: str) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(path)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail


ODD_QUERIES = [
    "",
    " ",
    "\x00",
    '"',
    '""',
    "'",
    "*",
    "^",
    "-",
    "(",
    ")",
    "((((((((((",
    "NEAR(a b)",
    "a OR b AND NOT c",
    "col:value",
    "#",
    "#tag",
    "\\",
    "%",
    "_",
    "[",
    "{}",
    "😀" * 50,
    "注意力",
    "a" * 10_000,
    "' OR 1=1 --",
    "'); DROP TABLE notes; --",
    "<script>alert(1)</script>",
    "\ud7ff\ue000\uffff",
    "a\nb\rc\td",
]


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_search_accepts_any_string(app: FastAPI, q: str) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        found = client.get("/api/search", params={"q": q})
        page = client.get("/search", params={"q": q})
    assert found.status_code == 200, found.text
    assert len(found.json()["query"]) <= 200  # bounded
    assert page.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/notes/%00",
        "/notes/%ff%fe",
        "/notes/" + "x" * 4_000,
        "/folders/%00",
        "/tags/%ff",
        "/glossary/%00",
        "/glossary/" + quote("a/b", safe=""),
        "/search?q=%ff%fe",
        "/search?q=%00",
        "/files/%ff",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fpyproject.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/" + "a/" * 2_000,
    ],
)
def test_malformed_page_requests_are_4xx_never_5xx(app: FastAPI, path: str) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(path)
    assert response.status_code < 500
    assert b"[tool.ruff]" not in response.content and b"root:" not in response.content


@pytest.mark.parametrize(
    "headers",
    [
        {"Range": "bytes=999999999-"},
        {"Range": "bytes=abc"},
        {"Range": "bytes=5-1"},
        {"Range": "bytes=" + ",".join(f"{i}-{i}" for i in range(500))},
        {"If-None-Match": "*" * 1000},
        {"If-Modified-Since": "not a date"},
        {"Accept": "\x7f"},
        {"Accept-Encoding": "gzip;q=abc"},
    ],
)
def test_odd_headers_on_attachments_are_not_errors(app: FastAPI, headers: dict[str, str]) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/files/assets/Pasted%20image%201.png", headers=headers)
    assert response.status_code < 500
