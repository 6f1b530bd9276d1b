"""Study mode over HTTP: decks, a note's cards, a review session, undo, statistics, the Anki
export, and the vault left exactly as it was."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from studynotes.cli import main
from studynotes.web.app import create_app

NOTES = {
    "Decks/Basics.md": (
        "---\ntags: [flashcards/llm]\n---\n# Basics\n\nWhat is RAG?::Retrieval, then generation.\n"
        "Temperature:::Sharpens or flattens sampling.\n\n"
        "A block is ==attention== and an MLP.\n"
    ),
    "Decks/Eval.md": "#flashcards/llm/eval\n\nWhat does BLEU compare?::N-grams with references.\n",
    "Glossary/Softmax.md": "**Softmax**: turns a vector of scores into probabilities.\n",
    "Plain.md": "# Plain\n\nNo cards, but a ==highlight==.\n",
}


@pytest.fixture
def vault_client(
    tmp_path: Path, small_vault: Callable[..., Any]
) -> Iterator[tuple[TestClient, Path]]:
    settings, engine, vault = small_vault(tmp_path, NOTES)
    settings = settings.model_copy(update={"review_fuzz": False})
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client, vault


def _vault_bytes(vault: Path) -> dict[str, str]:
    return {
        str(p.relative_to(vault)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(vault.rglob("*"))
        if p.is_file()
    }


def test_decks_count_their_cards_and_those_below_them(
    vault_client: tuple[TestClient, Path],
) -> None:
    client, _ = vault_client
    decks = {d["deck"]: d for d in client.get("/api/decks").json()}
    assert set(decks) == {"llm", "llm/eval", "Glossary"}
    assert decks["llm/eval"] == {"deck": "llm/eval", "name": "eval", "cards": 1, "due": 1, "new": 1}
    assert decks["llm"]["cards"] == 5 and decks["llm"]["due"] == 5  # 4 of its own, 1 below
    assert decks["Glossary"]["cards"] == 2  # a term each way
    page = client.get("/decks")
    assert page.status_code == 200 and 'Review all <span class="count">7 due</span>' in page.text
    assert 'href="/review?deck=llm/eval"' in page.text


def test_a_notes_cards_come_with_the_fields_the_api_promises(
    vault_client: tuple[TestClient, Path],
) -> None:
    client, _ = vault_client
    cards = client.get("/api/cards", params={"note": "decks/basics"}).json()
    assert [(c["kind"], c["line"]) for c in cards] == [
        ("basic", 6), ("basic", 7), ("reversed", 7), ("cloze", 9),
    ]  # fmt: skip
    first = cards[0]
    assert {"id", "deck", "kind", "front_html", "back_html", "note_slug", "line"} <= set(first)
    assert first["note_slug"] == "decks/basics" and first["deck"] == "llm"
    assert "<mark>attention</mark>" in cards[3]["back_html"] and "[…]" in cards[3]["front_html"]
    assert client.get("/api/cards", params={"note": "plain"}).json() == []
    assert client.get("/api/cards", params={"note": "nowhere"}).status_code == 404


def test_a_whole_session_ends_with_nothing_due_and_leaves_the_vault_as_it_was(
    vault_client: tuple[TestClient, Path],
) -> None:
    client, vault = vault_client
    before = _vault_bytes(vault)
    seen = []
    for _ in range(20):
        got = client.get("/api/review/next", params={"deck": "llm"})
        if got.status_code == 204:
            break
        card = got.json()
        seen.append(card["id"])
        rated = client.post("/api/review", json={"card_id": card["id"], "rating": 4})
        assert rated.status_code == 200
        body = rated.json()
        assert set(body) == {"card_id", "due", "state", "stability", "difficulty"}
        assert body["card_id"] == card["id"] and body["state"] == "review"
    else:
        raise AssertionError("the session never ended")
    assert len(seen) == len(set(seen)) == 5
    assert client.get("/api/review/next", params={"deck": "Glossary"}).status_code == 200
    assert client.get("/api/decks").json()[1]["due"] == 0  # llm
    undone = client.post("/api/review/undo")
    assert undone.status_code == 200 and undone.json()["id"] == seen[-1]
    assert client.get("/api/review/next", params={"deck": "llm"}).json()["id"] == seen[-1]
    client.get("/stats")
    client.get("/export/anki/llm")
    assert _vault_bytes(vault) == before


def test_ratings_are_checked(vault_client: tuple[TestClient, Path]) -> None:
    client, _ = vault_client
    card = client.get("/api/review/next").json()
    assert client.post("/api/review", json={"card_id": card["id"], "rating": 5}).status_code == 422
    assert client.post("/api/review", json={"card_id": "nope", "rating": 3}).status_code == 404
    assert client.post("/api/review/undo").status_code == 204  # nothing rated yet


def test_a_page_elsewhere_cannot_rate_cards_with_a_plain_form_post(
    vault_client: tuple[TestClient, Path],
) -> None:
    """A cross-site form can send text/plain without asking; only JSON is taken."""
    client, _ = vault_client
    card = client.get("/api/review/next").json()
    body = f'{{"card_id": "{card["id"]}", "rating": 4}}'
    sent = client.post("/api/review", content=body, headers={"Content-Type": "text/plain"})
    assert sent.status_code == 422
    assert client.get("/api/review/next").json()["id"] == card["id"]  # still due


def test_only_a_note_with_cards_offers_to_study_it(vault_client: tuple[TestClient, Path]) -> None:
    client, _ = vault_client
    assert "Study this note" not in client.get("/notes/plain").text
    assert client.get("/api/notes/plain").json()["has_cards"] is False
    softmax = client.get("/notes/glossary/softmax").text  # its term's cards
    assert 'href="/review?note=glossary/softmax"' in softmax
    assert client.get("/api/notes/glossary/softmax").json()["has_cards"] is True


def test_study_this_note_reviews_only_its_cards(vault_client: tuple[TestClient, Path]) -> None:
    client, _ = vault_client
    page = client.get("/notes/decks/eval").text
    assert 'href="/review?note=decks/eval"' in page and "Study this note" in page
    card = client.get("/api/review/next", params={"note": "decks/eval"}).json()
    assert card["note_slug"] == "decks/eval"
    client.post("/api/review", json={"card_id": card["id"], "rating": 4})
    assert client.get("/api/review/next", params={"note": "decks/eval"}).status_code == 204
    review = client.get("/review", params={"note": "decks/eval"})
    assert review.status_code == 200 and 'data-note="decks/eval"' in review.text


def test_stats_are_svg_drawn_on_the_server(vault_client: tuple[TestClient, Path]) -> None:
    client, _ = vault_client
    card = client.get("/api/review/next").json()
    rated = client.post("/api/review", json={"card_id": card["id"], "rating": 3}).json()
    page = client.get("/stats")
    assert page.status_code == 200
    assert page.text.count("<svg") == 4 and "<script>" not in page.text.split("<main")[1]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    stats = client.get("/api/stats").json()
    assert stats["total_reviews"] == 1 and sum(d["value"] for d in stats["reviews_per_day"]) == 1
    assert stats["states"]["learning"] == 1 and stats["states"]["new"] == 6
    # A card learnt now is due again in minutes: today, or tomorrow late in the day.
    due = [d["day"] for d in stats["due_ahead"] if d["value"]]
    assert len(stats["due_ahead"]) == 30 and due == [rated["due"][:10]]
    assert due[0] in (stats["due_ahead"][0]["day"], stats["due_ahead"][1]["day"])


def _apkg_fronts(data: bytes, tmp_path: Path) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.anki2") as conn:
        return sorted(r[0].split("\x1f")[0] for r in conn.execute("SELECT flds FROM notes"))


def test_a_deck_exports_to_anki_from_its_page(
    vault_client: tuple[TestClient, Path], tmp_path: Path
) -> None:
    client, _ = vault_client
    page = client.get("/decks/llm").text
    assert 'href="/export/anki/llm"' in page
    twin = client.get("/api/decks/llm").json()
    assert twin["deck"]["cards"] == 5 and [d["deck"] for d in twin["subdecks"]] == ["llm/eval"]
    assert len(twin["cards"]) == 5 and twin["cards"][0]["front_html"] in page
    got = client.get("/export/anki/llm")
    assert got.status_code == 200 and 'filename="llm.apkg"' in got.headers["content-disposition"]
    fronts = _apkg_fronts(got.content, tmp_path)
    assert len(fronts) == 5 and "<p>What does BLEU compare?</p>" in fronts
    assert client.get("/export/anki/nothing").status_code == 404


def test_cli_exports_a_deck_and_check_reports_malformed_cards(
    tmp_path: Path, small_vault: Callable[..., Any]
) -> None:
    notes = dict(NOTES)
    notes["Broken.md"] = "#flashcards\n\nOK::yes\n::no question\n\nAn ==open cloze\n"
    settings, _, vault = small_vault(tmp_path, notes)
    db = ["--db", settings.database_url()]
    out = tmp_path / "eval.apkg"
    runner = CliRunner()
    done = runner.invoke(
        main, ["export-anki", str(vault), *db, "--deck", "llm/eval", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert _apkg_fronts(out.read_bytes(), tmp_path) == ["<p>What does BLEU compare?</p>"]
    missing = runner.invoke(main, ["export-anki", str(vault), *db, "--deck", "nope"])
    assert missing.exit_code == 2 and "no deck" in missing.output
    check = runner.invoke(main, ["check", str(vault), *db])
    assert "Broken.md:4: malformed-card: card with an empty question" in check.output
    assert "Broken.md:6: malformed-card: unclosed cloze" in check.output
