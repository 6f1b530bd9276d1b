"""Who reads: the local reader by default, the one a trusted proxy header names, and a
shared token that keeps everyone else out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault
from studynotes.web.app import create_app


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("readers")
    (root / "vault").mkdir()
    (root / "vault" / "Note.md").write_text("# Note\n\nA note.\n")
    settings = Settings(vault=root / "vault", db=f"sqlite:///{root / 'i.sqlite3'}", workers=1)
    engine = open_database(settings.database_url())
    index_vault(settings, engine)
    engine.dispose()
    return settings


def _client(settings: Settings, **extra: str) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update=extra))) as client:
        yield client


def test_without_configuration_everyone_is_the_local_reader(indexed: Settings) -> None:
    for client in _client(indexed):
        assert client.get("/api/reader").json() == {"reader": "local"}
        assert client.get("/notes/note").status_code == 200


def test_a_trusted_header_names_the_reader(indexed: Settings) -> None:
    for client in _client(indexed, reader_header="Remote-User"):
        got = client.get("/api/reader", headers={"Remote-User": "ada"})
        assert got.json() == {"reader": "ada"}
        assert client.get("/api/reader", headers={"remote-user": "grace"}).json() == {
            "reader": "grace"
        }
        refused = client.get("/notes/note")
        assert refused.status_code == 401
        assert "Remote-User" in refused.json()["detail"]


def test_a_token_keeps_out_requests_without_it(indexed: Settings) -> None:
    for client in _client(indexed, token="s3cret"):
        assert client.get("/notes/note").status_code == 401
        assert (
            client.get("/api/notes", headers={"Authorization": "Bearer wrong"}).status_code == 401
        )
        ok = client.get("/api/notes", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        assert [n["title"] for n in ok.json()] == ["Note"]


def test_a_token_in_the_address_once_is_kept_in_a_cookie(indexed: Settings) -> None:
    for client in _client(indexed, token="s3cret"):
        first = client.get("/notes/note?token=s3cret")
        assert first.status_code == 200
        assert "studynotes_token=s3cret" in first.headers["set-cookie"]
        assert "HttpOnly" in first.headers["set-cookie"]
        assert client.get("/notes/note").status_code == 200  # the cookie carries it now


def test_readers_named_by_the_proxy_study_apart(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("readers-study")
    (root / "vault").mkdir()
    (root / "vault" / "Cards.md").write_text("# Cards\n\nWhat is FSRS::A review scheduler.\n")
    settings = Settings(
        vault=root / "vault", db=f"sqlite:///{root / 'i.sqlite3'}", workers=1,
        reader_header="Remote-User",
    )  # fmt: skip
    engine = open_database(settings.database_url())
    index_vault(settings, engine)
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        ada, bob = {"Remote-User": "ada"}, {"Remote-User": "bob"}
        card = client.get("/api/review/next", headers=ada).json()
        rated = client.post("/api/review", json={"card_id": card["id"], "rating": 4}, headers=ada)
        assert rated.status_code == 200
        assert client.get("/api/review/next", headers=ada).status_code == 204  # due in days
        assert client.get("/api/review/next", headers=bob).json()["id"] == card["id"]  # still new
