from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.web.app import create_app


def test_notes_list_has_the_documented_fields(client: TestClient) -> None:
    notes = client.get("/api/notes").json()
    by_path = {n["path"]: n for n in notes}
    lora = by_path["LoRA.md"]
    assert set(lora) == {"slug", "title", "path", "tags", "aliases", "updated"}
    assert lora["aliases"] == ["Low-Rank Adaptation"]
    assert "a/Overview.md" in by_path and "b/Overview.md" in by_path


def test_note_detail_has_links_backlinks_and_terms(client: TestClient) -> None:
    note = client.get("/api/notes/uses-terms").json()
    assert note["path"] == "Uses Terms.md"
    assert note["tags"] == ["eval/metrics"]
    targets = {
        (link["target"], link["resolved_slug"], link["heading"]) for link in note["links_out"]
    }
    assert ("Transformers", "transformers", "Attention") in targets
    assert ("Nowhere Yet", None, None) in targets
    assert 'data-term="bleu"' in note["html"]

    transformers = client.get("/api/notes/transformers").json()
    back = {b["slug"]: b["context_html"] for b in transformers["backlinks"]}
    assert "uses-terms" in back and "BLEU" in back["uses-terms"]
    assert [h["anchor"] for h in transformers["headings"]][:2] == ["transformers", "attention"]

    source = client.get("/api/notes/glossary-source").json()
    assert {t["term"] for t in source["terms_defined"]} >= {"BLEU", "Perplexity"}


def test_unlinked_mentions_find_the_title_without_a_link(client: TestClient) -> None:
    lora = client.get("/api/notes/transformers").json()
    mentions = {m["slug"] for m in lora["unlinked_mentions"]}
    assert "uses-terms" not in mentions  # it links, so it is a backlink instead
    models = client.get("/api/notes/models/transformers").json()
    assert "uses-terms" in {m["slug"] for m in models["unlinked_mentions"]}


def test_a_note_page_folds_its_unlinked_mentions_and_their_page_lists_them(
    client: TestClient,
) -> None:
    page = client.get("/notes/models/transformers").text
    panel = page[page.index('class="panel mentions-panel"') :]
    panel = panel[: panel.index("</details>")]
    assert 'data-mentions="/mentions/models/transformers"' in panel
    assert "uses-terms" not in panel  # found only when the reader opens the panel
    listed = client.get("/mentions/models/transformers")
    assert listed.status_code == 200
    assert 'data-slug="uses-terms"' in listed.text
    twin = client.get("/api/mentions/models/transformers").json()
    assert twin["title"] == "Transformers"
    assert "uses-terms" in {m["slug"] for m in twin["mentions"]}
    assert client.get("/mentions/no-such-note").status_code == 404
    assert client.get("/api/mentions/no-such-note").status_code == 404


def test_terms_and_one_term_with_occurrences(client: TestClient) -> None:
    terms = {t["slug"]: t for t in client.get("/api/terms").json()}
    bleu = terms["bleu"]
    assert bleu["aliases"] == ["Bilingual Evaluation Understudy"]
    assert bleu["note_slug"] == "glossary-source"
    assert "n-grams" in bleu["definition_html"]
    detail = client.get("/api/terms/bleu").json()
    assert any(o["note_slug"] == "uses-terms" for o in detail["occurrences"])


def test_preview_of_a_heading_and_a_block(client: TestClient) -> None:
    section = client.get("/api/preview/transformers", params={"heading": "attention"}).json()
    assert section["title"] == "Transformers > Attention"
    assert "Every token looks" in section["html"] and "T5" not in section["html"]
    block = client.get("/api/preview/transformers", params={"block": "points"}).json()
    assert "second point" in block["html"] and "first point" not in block["html"]
    whole = client.get("/api/preview/lora").json()
    assert whole["title"] == "LoRA"


def test_preview_finds_a_heading_as_a_link_names_it(client: TestClient) -> None:
    """Forgiving about case, punctuation and nesting, as ``[[Note#Heading]]`` links are."""
    for written in ("Scaled dot product", "Attention#Scaled Dot-Product", "t5 2019"):
        found = client.get("/api/preview/transformers", params={"heading": written})
        assert found.status_code == 200, written
    nested = client.get(
        "/api/preview/transformers", params={"heading": "Attention#Scaled Dot-Product"}
    ).json()
    assert nested["title"] == "Transformers > Scaled Dot-Product"


def test_graph_nodes_and_edges(client: TestClient) -> None:
    graph = client.get("/api/graph").json()
    ids = {n["id"] for n in graph["nodes"]}
    assert {"transformers", "lora", "uses-terms"} <= ids
    ids = [n["id"] for n in graph["nodes"]]
    assert ("uses-terms", "transformers") in {(ids[a], ids[b]) for a, b in graph["links"]}
    assert graph["level"] == "notes" and graph["total_notes"] == len(graph["nodes"])
    local = client.get("/api/graph", params={"slug": "uses-terms"}).json()
    assert {n["id"] for n in local["nodes"]} == {"uses-terms", "transformers"}


def test_broken_links_list(client: TestClient) -> None:
    broken = client.get("/api/broken-links").json()
    assert {
        "source_slug": "uses-terms",
        "source_path": "Uses Terms.md",
        "target": "Nowhere Yet",
        "line": 6,
        "kind": "link",
    } in broken


def test_search_puts_terms_first(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "bleu"}).json()
    assert found["terms"][0]["slug"] == "bleu"
    assert any(n["slug"] == "uses-terms" for n in found["notes"])


def test_a_misspelled_search_says_which_term_its_notes_are_for(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "bleuu"}).json()
    assert found["terms"][0]["slug"] == "bleu" and found["notes_for"] == "BLEU"
    assert any(n["slug"] == "uses-terms" for n in found["notes"])
    page = client.get("/search", params={"q": "bleuu"}).text
    assert "for “BLEU”" in page
    assert client.get("/api/search", params={"q": "bleu"}).json()["notes_for"] is None


def test_search_accepts_any_string(client: TestClient) -> None:
    for q in ['"', "NEAR(", "*", "a OR", "\x00", "x" * 5000, "#", ""]:
        assert client.get("/api/search", params={"q": q}).status_code == 200


def test_unknown_slugs_are_404_with_a_json_body(client: TestClient) -> None:
    for path in ["/api/notes/nope", "/api/terms/nope", "/api/preview/nope", "/api/tags/nope"]:
        response = client.get(path)
        assert response.status_code == 404
        assert "detail" in response.json()


def test_bad_parameters_are_4xx_with_a_json_body(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "x", "limit": "many"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("invalid request")


def test_openapi_schema_is_published(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/notes/{slug}" in schema["paths"]
    assert client.get("/docs").status_code == 200


def test_tags_with_nested_counts_and_one_tag(client: TestClient) -> None:
    tags = {t["name"]: t["count"] for t in client.get("/api/tags").json()}
    assert tags["eval"] == 1 and tags["eval/metrics"] == 1
    page = client.get("/api/tags/eval").json()
    assert page["tag"] == "eval"
    assert [n["slug"] for n in page["notes"]] == ["uses-terms"]
    assert page["children"] == [{"name": "eval/metrics", "count": 1}]


def test_folder_lists_its_notes_and_subfolders(client: TestClient) -> None:
    root = client.get("/api/folders/").json()
    assert {"folder": "a", "count": 2} in root["subfolders"]
    folder = client.get("/api/folders/a").json()
    assert {n["path"] for n in folder["notes"]} == {"a/Overview.md", "a/Linker.md"}
    assert client.get("/api/folders/nope").status_code == 404


def test_home_has_stats_recent_notes_and_glossary(client: TestClient) -> None:
    home = client.get("/api/home").json()
    assert home["stats"]["notes"] == len(client.get("/api/notes").json())
    assert home["stats"]["unresolved"] >= 1
    assert home["recent"] and home["glossary"]


def test_a_very_long_query_still_answers_200(client: TestClient) -> None:
    assert client.get("/api/search", params={"q": "lora " * 4000}).status_code == 200


def _walk(client: TestClient, url: str) -> tuple[list[dict[str, object]], int]:
    """Every item of a paged list, following its Link headers; and the number of pages."""
    items: list[dict[str, object]] = []
    pages = 0
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url)
        assert response.status_code == 200
        items.extend(response.json())
        pages += 1
        link = response.headers.get("link")
        next_url = link[1 : link.index(">")] if link else None
    return items, pages


def test_lists_come_in_pages_linked_one_to_the_next(client: TestClient) -> None:
    for name, key in [("notes", "slug"), ("terms", "slug"), ("tags", "name")]:
        whole = client.get(f"/api/{name}").json()
        assert len(whole) >= 2
        size = max(1, len(whole) // 3)
        paged, pages = _walk(client, f"/api/{name}?limit={size}")
        assert [i[key] for i in paged] == [i[key] for i in whole]  # same order, nothing twice
        assert pages == -(-len(whole) // size)
    assert client.get("/api/notes?limit=1001").status_code == 422  # the page size is bounded
    bad = client.get("/api/notes?cursor=*nope*")
    assert bad.status_code == 422 and "cursor" in bad.json()["detail"]


def test_a_large_vault_is_drawn_as_folders_then_note_by_note(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph_view = sys.modules["studynotes.web.views.graph"]  # the module, not its function
    whole = client.get("/api/graph").json()
    monkeypatch.setattr(graph_view, "NOTES_UP_TO", 3)  # this vault is now "large"
    top = client.get("/api/graph").json()
    assert top["level"] == "folders" and top["total_notes"] == len(whole["nodes"])
    assert all(n["kind"] == "folder" and n["id"].startswith("folder:") for n in top["nodes"])
    assert sum(n["count"] for n in top["nodes"]) == len(whole["nodes"])
    folder = next(n["folder"] for n in top["nodes"] if n["folder"] and n["count"] <= 3)
    inside = client.get("/api/graph", params={"folder": folder}).json()
    assert inside["level"] == "notes" and inside["folder"] == folder
    assert inside["nodes"] and all(n["folder"].startswith(folder) for n in inside["nodes"])
    tagged = client.get("/api/graph", params={"tag": "#architecture"}).json()
    assert 0 < len(tagged["nodes"]) <= 3


def test_a_large_flat_vault_graph_is_its_most_linked_notes_within_a_megabyte(
    tmp_path: Path,
    small_vault: Callable[[Path, dict[str, str]], tuple[Settings, Engine, Path]],
) -> None:
    links = " ".join(f"[[Note {i}]]" for i in range(12))  # every note links to the first 12
    notes = {f"Note {i}.md": f"# Note {i}\n\n{links} and [[Note {(i + 1) % 2_100}]].\n"
             for i in range(2_100)}  # fmt: skip
    settings, engine, _ = small_vault(tmp_path, notes)
    with TestClient(create_app(settings, engine=engine)) as client:
        answer = client.get("/api/graph")
    engine.dispose()
    graph = answer.json()
    assert graph["level"] == "notes" and graph["total_notes"] == 2_100
    assert len(graph["nodes"]) == 2_000  # not one "Vault" folder that opens onto itself
    assert {f"note-{i}" for i in range(12)} <= {n["id"] for n in graph["nodes"]}
    assert len(answer.content) < 1_000_000


def test_a_folders_or_tags_graph_holds_only_its_own_notes(
    tmp_path: Path,
    small_vault: Callable[[Path, dict[str, str]], tuple[Settings, Engine, Path]],
) -> None:
    """A folder or tag is matched as written: ``_`` and ``%`` are no wildcards, and case
    counts (SQLite's LIKE ignores it)."""
    notes = {
        "My_Notes/A.md": "# A\n\n#a_b\n",
        "MyXNotes/B.md": "# B\n\n#aXb/c\n",
        "my_notes/C.md": "# C\n\n#A_B/d\n",
        "100%/D.md": "# D\n",
        "100 percent/E.md": "# E\n",
    }
    settings, engine, _ = small_vault(tmp_path, notes)
    with TestClient(create_app(settings, engine=engine)) as client:

        def ids(**params: str) -> set[str]:
            found = client.get("/api/graph", params=params).json()
            return {n["id"] for n in found["nodes"]}

        assert ids(folder="My_Notes") == {"my-notes/a"}
        assert ids(folder="100%") == {"100/d"}
        assert ids(tag="a_b") == {"my-notes/a"}
    engine.dispose()
