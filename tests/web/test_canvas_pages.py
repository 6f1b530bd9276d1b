"""Canvas pages: a board from the vault, file nodes from the index, errors as pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

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
        ("Map", "/canvas/Map.canvas", "An idea\nexplains".replace("\n", " "))
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
    assert 'On a board: <a class="internal-link" href="/canvas/Map.canvas">Map</a>' in shown
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
