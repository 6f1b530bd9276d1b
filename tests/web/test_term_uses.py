"""Which notes a term's page lists as using it, and what it shows of each: the place in the
note as it reads, or the index's words where the note's text splits the name."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.web.conftest import index_notes

from studynotes.web import views
from studynotes.web.app import create_app

_FILLER = " ".join(f"filler{i}" for i in range(120))  # longer than a snippet
NOTES = {
    "Glossary.md": (
        "# Glossary\n\n**RAG**: a model that reads retrieved passages before it answers.\n\n"
        "**Context Window**: how many tokens a model sees at once.\n"
    ),
    # The index finds "rag" first; the note writes the acronym only far after it.
    "Retrieval.md": f"# Retrieval\n\nA rag doll sat on the shelf. {_FILLER}. Then RAG helped.\n",
    "Toys.md": "# Toys\n\nA rag doll and a ball.\n",
    # The name's words are split by emphasis: the HTML never shows them side by side.
    "Split.md": "# Split\n\nThe Context *Window* is short.\n",
    "Self Attention.md": "# Self Attention\n\nEvery token looks at every other.\n",
    "Musing.md": "# Musing\n\nWhy does Self *Attention* scale badly?\n",
}


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, session_database: Callable[[str], str]
) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("term-uses")
    settings, engine, _ = index_notes(root, NOTES, session_database("term_uses"))
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client
    engine.dispose()


def _uses(client: TestClient, slug: str) -> dict[str, str]:
    found = client.get(f"/api/terms/{slug}")
    assert found.status_code == 200
    return {o["note_slug"]: o["context_html"] for o in found.json()["occurrences"]}


def test_an_acronym_is_found_where_the_note_writes_it_after_a_lower_case_word(
    client: TestClient,
) -> None:
    uses = _uses(client, "rag")
    assert "<mark>RAG</mark> helped" in uses["retrieval"]
    assert "toys" not in uses  # "rag" in lower case is another word
    page = client.get("/glossary/rag").text
    assert 'href="/notes/retrieval"' in page and 'href="/notes/toys"' not in page


def test_a_name_split_by_formatting_is_shown_in_the_index_words(client: TestClient) -> None:
    uses = _uses(client, "context-window")
    assert "Context Window is short" in uses["split"]
    assert "<mark>" not in uses["split"]  # the index's words, escaped, with nothing marked


def test_an_unlinked_mention_split_by_formatting_is_shown_in_the_index_words(
    client: TestClient,
) -> None:
    note = client.get("/api/notes/self-attention").json()
    mentions = {m["slug"]: m["context_html"] for m in note["unlinked_mentions"]}
    assert "Self Attention scale badly" in mentions["musing"]


def test_a_terms_page_reads_the_same_term_from_the_glossary_as_from_the_index(
    client: TestClient,
) -> None:
    with Session(client.app.state.reader) as db:
        glossary = views.load_glossary(db)
        assert glossary.terms
        for slug in glossary.terms:
            assert views.term_detail(db, slug, glossary) == views.term_detail(db, slug)
        with pytest.raises(views.NotFound):
            views.term_detail(db, "no-such-term", glossary)
