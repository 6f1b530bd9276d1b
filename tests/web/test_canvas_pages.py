"""Canvas pages: a board from the vault, file nodes from the index, errors as pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.web.app import create_app

SmallVault = Callable[[Path, dict[str, str]], tuple[Settings, Engine, Path]]

BOARD = {
    "nodes": [
        {"id": "a", "type": "file", "file": "Topic.md", "x": 0, "y": 0, "width": 300,
         "height": 120},
        {"id": "b", "type": "text", "text": "An idea", "x": 400, "y": 0, "width": 200,
         "height": 80},
    ],
    "edges": [{"id": "e", "fromNode": "a", "toNode": "b", "label": "explains"}],
}  # fmt: skip
NOTES = {
    "Topic.md": "# Topic\n\nGradient descent walks downhill.\n",
    "Map.canvas": json.dumps(BOARD),
    "boards/Broken.canvas": '{"nodes": [{"id": 1}]',
    "Home.md": "See the board: ![[Map.canvas]] and [[Map.canvas|the map]].\n",
}


def test_canvas_pages(tmp_path: Path, small_vault: SmallVault) -> None:
    settings, engine, _ = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        board = client.get("/canvas/Map.canvas")
        broken = client.get("/canvas/boards/Broken.canvas")
        missing = client.get("/canvas/Nope.canvas")
        not_a_board = client.get("/canvas/Topic.md")
        home = client.get("/api/notes/home").json()["html"]
    engine.dispose()
    assert board.status_code == 200
    assert "Gradient descent walks downhill." in board.text and 'href="/notes/topic"' in board.text
    assert "An idea" in board.text and "explains" in board.text
    assert "Linked from" in board.text and 'href="/notes/home">Home</a>' in board.text
    assert broken.status_code == 422
    assert "This canvas cannot be shown" in broken.text and "not valid JSON" in broken.text
    assert missing.status_code == 404 and not_a_board.status_code == 404
    assert 'class="internal-link canvas-embed" href="/canvas/Map.canvas"' in home
    assert '<a class="internal-link" href="/canvas/Map.canvas">the map</a>' in home


def test_boards_are_in_the_graph(tmp_path: Path, small_vault: SmallVault) -> None:
    settings, engine, _ = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        graph = client.get("/api/graph").json()
    engine.dispose()
    boards = [n for n in graph["nodes"] if n["id"].startswith("canvas:")]
    assert sorted((n["title"], n["url"]) for n in boards) == [
        ("Broken (canvas)", "/canvas/boards/Broken.canvas"),
        ("Map (canvas)", "/canvas/Map.canvas"),
    ]
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert ("home", "canvas:Map.canvas") in edges  # the note linking to the board
    assert ("canvas:Map.canvas", "topic") in edges  # the note on the board


def test_boards_are_found_by_search(tmp_path: Path, small_vault: SmallVault) -> None:
    settings, engine, _ = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        by_text = client.get("/api/search", params={"q": "idea"}).json()["boards"]
        by_name = client.get("/api/search", params={"q": "map"}).json()["boards"]
        page = client.get("/search", params={"q": "an idea"}).text
        nothing = client.get("/api/search", params={"q": "zebra"}).json()["boards"]
    engine.dispose()
    assert [(b["name"], b["url"], b["snippet"]) for b in by_text] == [
        ("Map", "/canvas/Map.canvas", "An idea")  # the card the words are on
    ]
    assert [b["name"] for b in by_name] == ["Map"]
    assert "Canvas boards" in page and 'href="/canvas/Map.canvas"' in page
    assert nothing == []


def test_a_note_on_a_board_lists_the_board_with_its_backlinks(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    settings, engine, _ = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        detail = client.get("/api/notes/topic").json()
        page = client.get("/notes/topic").text
        other = client.get("/api/notes/home").json()
    engine.dispose()
    assert detail["boards"] == [{"name": "Map", "url": "/canvas/Map.canvas"}]
    shown = " ".join(page.split())
    assert 'Backlinks <span class="count">1</span>' in shown
    assert (
        '<li class="ref-board"><a class="ref-title internal-link" href="/canvas/Map.canvas">Map</a>'
        ' <span class="badge">canvas</span></li>'
    ) in shown
    assert other["boards"] == []


def test_an_embedded_board_shows_a_picture_of_it(tmp_path: Path, small_vault: SmallVault) -> None:
    settings, engine, _ = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        home = client.get("/api/notes/home").json()["html"]
        picture = client.get("/canvas-preview/Map.canvas")
        broken = client.get("/canvas-preview/boards/Broken.canvas")
        missing = client.get("/canvas-preview/Nope.canvas")
    engine.dispose()
    assert '<img class="canvas-embed-preview" src="/canvas-preview/Map.canvas"' in home
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/svg+xml"
    assert "An idea" in picture.text and "Topic" in picture.text and "<script" not in picture.text
    assert broken.status_code == 200 and "cannot be shown" in broken.text
    assert missing.status_code == 404


def test_links_on_text_cards_are_links_to_their_notes(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    board = {
        "nodes": [
            {"id": "t", "type": "text", "x": 0, "y": 0, "width": 300, "height": 120,
             "text": "Read [[Topic]], [[Topic#Topic|the heading]], [[boards/Deep|deep]] "
                     "and [[Nowhere]]."},
        ]
    }  # fmt: skip
    notes = {
        "Topic.md": "# Topic\n\nGradient descent walks downhill.\n",
        "boards/Deep.md": "Deep note.\n",
        "boards/Links.canvas": json.dumps(board),
    }
    settings, engine, _ = small_vault(tmp_path, notes)
    with TestClient(create_app(settings, engine=engine)) as client:
        page = client.get("/canvas/boards/Links.canvas").text
    engine.dispose()
    assert '<a class="internal-link" href="/notes/topic" data-slug="topic">Topic</a>' in page
    assert 'href="/notes/topic#topic" data-slug="topic" data-anchor="topic">the heading' in page
    assert 'href="/notes/boards/deep" data-slug="boards/deep">deep</a>' in page
    assert 'is-unresolved" data-target="Nowhere"' in page


TEXT_BOARD = {
    "nodes": [
        {"id": "t", "type": "text", "x": 0, "y": 0, "width": 300, "height": 120,
         "text": "## Plan\nRead **photosynthesis** first, then [[Leaf]]."},
        {"id": "g", "type": "group", "x": -20, "y": -40, "width": 400, "height": 200,
         "label": "Week one"},
    ]
}  # fmt: skip
TEXT_NOTES = {
    "Leaf.md": "# Leaf\n\nLeaves are green.\n",
    "Stem.md": "# Stem\n\nStems hold leaves up. Board: [[Plans/Biology.canvas]]\n",
    "Plans/Biology.canvas": json.dumps(TEXT_BOARD),
    "Plans/Photosynthesis Map.canvas": json.dumps({"nodes": []}),
}


def test_boards_are_in_the_explorer_and_their_folder(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    settings, engine, _ = small_vault(tmp_path, TEXT_NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        top = client.get("/api/tree").json()
        plans = client.get("/api/tree", params={"folder": "Plans"}).json()
        folder = client.get("/api/folders/Plans")
        folder_page = client.get("/folders/Plans").text
        explorer = client.get("/notes/leaf").text
    engine.dispose()
    assert {"name": "Plans", "kind": "folder", "path": "Plans", "url": "/folders/Plans",
            "notes": 2} in top  # fmt: skip
    assert [(e["name"], e["kind"], e["url"]) for e in plans] == [
        ("Biology", "canvas", "/canvas/Plans/Biology.canvas"),
        ("Photosynthesis Map", "canvas", "/canvas/Plans/Photosynthesis%20Map.canvas"),
    ]
    assert folder.status_code == 200  # a folder of boards only was "no folder" before
    assert [b["name"] for b in folder.json()["boards"]] == ["Biology", "Photosynthesis Map"]
    assert 'href="/canvas/Plans/Biology.canvas"' in folder_page and "2 canvas boards" in folder_page
    assert 'data-folder="Plans"' in explorer


def test_a_link_on_a_text_card_makes_the_board_a_backlink(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    settings, engine, _ = small_vault(tmp_path, TEXT_NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        leaf = client.get("/api/notes/leaf").json()
        page = " ".join(client.get("/notes/leaf").text.split())
    engine.dispose()
    assert leaf["boards"] == [{"name": "Biology", "url": "/canvas/Plans/Biology.canvas"}]
    assert 'Backlinks <span class="count">1</span>' in page
    assert 'href="/canvas/Plans/Biology.canvas">Biology</a>' in page


def test_a_note_linking_a_board_opens_the_boards_page(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    settings, engine, _ = small_vault(tmp_path, TEXT_NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        stem = client.get("/api/notes/stem").json()["links_out"]
        page = " ".join(client.get("/notes/stem").text.split())
        board = client.get("/canvas/Plans/Biology.canvas").text
    engine.dispose()
    assert [(link["file"], link["kind"]) for link in stem] == [("Plans/Biology.canvas", "link")]
    assert '<a class="link-chip file-link" href="/canvas/Plans/Biology.canvas">' in page
    assert "/files/Plans/Biology.canvas" not in page
    assert 'href="/notes/stem">Stem</a>' in board


def test_search_ranks_a_board_named_by_the_query_before_one_that_mentions_it(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    settings, engine, _ = small_vault(tmp_path, TEXT_NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        hits = client.get("/api/search", params={"q": "photosynthesis"}).json()["boards"]
        plan = client.get("/api/search", params={"q": "plan"}).json()["boards"]
        part = client.get("/api/search", params={"q": "ynthesis"}).json()["boards"]
    engine.dispose()
    assert [h["name"] for h in hits] == ["Photosynthesis Map", "Biology"]
    assert hits[1]["snippet"] == "Plan Read photosynthesis first, then Leaf."  # as read
    assert [h["name"] for h in plan] == ["Biology"]  # by its card, not its folder "Plans"
    assert part == []  # words are found from their start, as note search finds them


def test_the_graph_links_boards_through_their_cards_and_their_links(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    settings, engine, _ = small_vault(tmp_path, TEXT_NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        whole = client.get("/api/graph").json()
        local = client.get("/api/graph", params={"slug": "leaf"}).json()
    engine.dispose()
    board = "canvas:Plans/Biology.canvas"
    kinds = {n["id"]: n["kind"] for n in whole["nodes"]}
    assert kinds[board] == "canvas" and kinds["leaf"] == "note"
    assert {(e["source"], e["target"]) for e in whole["edges"]} == {
        (board, "leaf"),
        ("stem", board),
    }
    assert [n["id"] for n in local["nodes"]] == ["leaf", board]
    assert [(e["source"], e["target"]) for e in local["edges"]] == [(board, "leaf")]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"nodes": [{"id": "a", "type": "text", "x": NaN, "y": 0, "width": 9, "height": 9}]}',
         "not a position"),
        ('{"nodes": [{"id": "a", "type": "text", "x": 1e400, "y": 0, "width": 9, "height": 9}]}',
         "not a position"),
        ("[" * 100_000 + "]" * 100_000, "nests"),
        ('{"nodes": [{"id": "a", "type": "text", "x": 0, "y": 0, "width": 9, "height": 9},'
         ' {"id": "a", "type": "text", "x": 20, "y": 0, "width": 9, "height": 9}]}',
         "already has the id"),
    ],
)  # fmt: skip
def test_a_malformed_board_gets_a_page_saying_why_never_a_server_error(
    tmp_path: Path, small_vault: SmallVault, text: str, why: str
) -> None:
    settings, engine, _ = small_vault(tmp_path, {"Bad.canvas": text})
    with TestClient(create_app(settings, engine=engine)) as client:
        page = client.get("/canvas/Bad.canvas")
        picture = client.get("/canvas-preview/Bad.canvas")
        graph = client.get("/api/graph")
    engine.dispose()
    assert page.status_code == 422 and why in page.text
    assert picture.status_code == 200 and "cannot be shown" in picture.text
    assert graph.status_code == 200


def test_a_boards_json_twin_says_who_links_to_it_and_where_its_cards_land(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    settings, engine, _ = small_vault(tmp_path, {**TEXT_NOTES, "Bad.canvas": '{"nodes": ['})
    with TestClient(create_app(settings, engine=engine)) as client:
        board = client.get("/api/canvas/Plans/Biology.canvas").json()
        bad = client.get("/api/canvas/Bad.canvas").json()
        missing = client.get("/api/canvas/Nope.canvas")
    engine.dispose()
    assert board == {
        "name": "Biology", "path": "Plans/Biology.canvas", "url": "/canvas/Plans/Biology.canvas",
        "error": "",
        "linked_from": [{"slug": "stem", "title": "Stem", "url": "/notes/stem"}],
        "points_at": [
            {"node": "t", "kind": "link", "target": "Leaf", "slug": "leaf", "file": None}
        ],
    }  # fmt: skip
    assert bad["error"].startswith("not valid JSON") and bad["points_at"] == []
    assert missing.status_code == 404
