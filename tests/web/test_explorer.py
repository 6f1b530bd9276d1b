"""The explorer beside every note: folders first, natural order, open along the path to the
note, the rest asked for by folder; a nested list of links that works without JavaScript."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.web.app import create_app
from studynotes.web.explorer import ON_PAGE, explorer_html
from studynotes.web.views.tree import PAGE_ITEMS, FolderTree, natural_key


def test_folders_come_first_and_numbers_sort_as_numbers() -> None:
    tree = FolderTree.build(
        [("Week 10.md", "w10"), ("Week 2.md", "w2"), ("zeta/a.md", "a"), ("Alpha.md", "al")]
    )
    assert [e.name for e in tree.page("")] == ["zeta", "Alpha", "Week 2", "Week 10"]
    assert sorted(["Lab 3", "lab 12", "Lab 1b"], key=natural_key) == ["Lab 1b", "Lab 3", "lab 12"]


def test_a_page_carries_only_the_folders_open_on_it() -> None:
    tree = FolderTree.build(
        [("A/B/deep.md", "a/b/deep"), ("A/side.md", "a/side"), ("C/far.md", "c/far")]
    )
    html = explorer_html(tree, "A/B/deep.md")
    assert 'aria-current="page">deep</a>' in html
    assert html.count('aria-expanded="true"') == 2  # A and A/B, the folders above the note
    assert 'aria-expanded="false" href="/folders/C"' in html
    assert "far" not in html  # C is closed: its notes are asked for when it opens


def test_a_large_folder_sends_its_start_and_still_shows_the_current_note() -> None:
    notes = [(f"big/n{i:05}.md", f"big/n{i:05}") for i in range(ON_PAGE + 50)]
    tree = FolderTree.build(notes)
    html = explorer_html(tree, "big/n00070.md")
    assert html.count('class="tree-note"') == ON_PAGE + 1
    assert 'aria-current="page">n00070<' in html
    assert 'data-folder="big" data-offset="40">50 more<' in html
    assert explorer_html(tree, "big/n00070.md") is html  # kept for the next reader


NOTES = {
    "Start.md": "# Start\n\nHello.\n",
    "Course/Week 2.md": "# Two\n",
    "Course/Week 10.md": "# Ten\n",
    "Course/Labs/Lab 1.md": "# Lab\n",
    "Other/Far.md": "# Far\n",
}


def test_note_page_and_api_give_the_tree(
    tmp_path: Path,
    small_vault: Callable[[Path, dict[str, str]], tuple[Settings, Engine, Path]],
) -> None:
    settings, engine, _ = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        page = client.get("/notes/course/week-10").text
        top = client.get("/api/tree").json()
        course = client.get("/api/tree", params={"folder": "Course"}).json()
        missing = client.get("/api/tree", params={"folder": "Nowhere"})
        head = client.head("/api/tree", params={"folder": "Course"})
        too_many = client.get("/api/tree", params={"limit": PAGE_ITEMS + 1})
    engine.dispose()
    nav = re.search(r'<nav class="explorer".*?</nav>', page, re.S)
    assert nav is not None
    names = re.findall(r'role="treeitem"[^>]*>([^<]+)</a>', nav.group(0))
    assert names == ["Course", "Labs", "Week 2", "Week 10", "Other", "Start"]
    assert [(e["name"], e["kind"], e["notes"]) for e in top] == [
        ("Course", "folder", 3),
        ("Other", "folder", 1),
        ("Start", "note", 0),
    ]
    assert [e["url"] for e in course] == [
        "/folders/Course/Labs",
        "/notes/course/week-2",
        "/notes/course/week-10",
    ]
    assert missing.status_code == 404 and "Nowhere" in missing.json()["detail"]
    assert head.status_code == 200
    assert too_many.status_code == 422


def test_a_wrong_address_finds_close_names_among_many_quickly() -> None:
    from studynotes.web.views.similar import NameIndex

    words = ["attention", "gradient", "week", "lecture", "network", "matrix", "kernel", "loss"]
    notes = []
    for i in range(20_000):
        title = f"{words[i % 8]} {words[(i // 8) % 8]} {words[(i // 64) % 8]} {i}"
        notes.append((f"f{i % 40}/" + title.replace(" ", "-"), title))
    index = NameIndex.build(notes)
    started = time.perf_counter()
    found = index.similar("atention-gradiant-week-136")  # two typos and a number
    elapsed = time.perf_counter() - started
    assert found[0] == "f16/attention-gradient-week-136"
    assert elapsed < 0.05
    assert index.similar("qqqq") == []
