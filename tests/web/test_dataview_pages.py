"""Query results on note pages: rendered with the page, refreshed when a note they read
changes, errors in place, script blocks shown and never run; inline fields as properties."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.ingest.pipeline import index_vault
from studynotes.web.app import create_app

SmallVault = Callable[[Path, dict[str, str]], tuple[Settings, Engine, Path]]

NOTES = {
    "Dashboard.md": (
        "# Dashboard\n\n```dataview\nTABLE status, due FROM #course SORT file.name\n```\n\n"
        "```dataview\nLIST WHERE nosuch(\n```\n\n"
        "```dataviewjs\ndv.paragraph('hello')\n```\n"
    ),
    "Algebra.md": "---\ntags: [course]\nstatus: open\n---\nDue:: 2024-06-01\n",
    "Physics.md": "#course\n\nstatus:: done\n\nA note about (mood:: calm) physics.\n",
    "Other.md": "Not a course.\n",
}


def _edit(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))  # a new stamp even on coarse clocks


def test_query_results_are_on_the_page_and_follow_edits(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    settings, engine, vault = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        html = client.get("/api/notes/dashboard").json()["html"]
        assert "<td>open</td>" in html and "<td>done</td>" in html
        assert "June 1, 2024" in html and 'href="/notes/algebra"' in html
        # An edit to a note the query reads renders the dashboard again.
        _edit(vault / "Algebra.md", "---\ntags: [course]\nstatus: finished\n---\n")
        index_vault(settings, engine)
        html = client.get("/api/notes/dashboard").json()["html"]
        assert "<td>finished</td>" in html and "June 1, 2024" not in html
        # A note that starts to match appears; one that stops matching goes.
        _edit(vault / "Other.md", "#course\n\nstatus:: new\n")
        _edit(vault / "Physics.md", "No longer a course.\n")
        index_vault(settings, engine)
        html = client.get("/api/notes/dashboard").json()["html"]
        assert "<td>new</td>" in html and 'href="/notes/physics"' not in html
    engine.dispose()


def test_broken_query_and_script_block_are_shown_in_place(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    settings, engine, _ = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        page = client.get("/notes/dashboard").text
    engine.dispose()
    assert "This query cannot run" in page and "LIST WHERE nosuch(" in page
    assert "never run here" in page
    assert 'class="language-javascript"' in page and "hello" in page  # shown as code


def test_inline_fields_are_listed_with_the_properties(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    settings, engine, _ = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        detail = client.get("/api/notes/physics").json()
        page = client.get("/notes/physics").text
    engine.dispose()
    assert [(f["key"], f["value"]) for f in detail["inline_fields"]] == [
        ("status", "done"),
        ("mood", "calm"),
    ]
    assert "Properties" in page and "prop-inline" in page
    # In the text, the key shows as a label; the parenthesised form shows its value alone.
    assert '<span class="inline-field-key">status</span>' in detail["html"]
    assert 'class="inline-field-paren"' in detail["html"]


def test_glossary_terms_are_marked_in_query_results(
    tmp_path: Path, small_vault: SmallVault
) -> None:
    notes = {
        "Glossary/Eigenvector.md": "# Eigenvector\n\nA vector a matrix only scales.\n",
        "Board.md": '# Board\n\n```dataview\nTABLE topic FROM "Topics"\n```\n',
        "Topics/Spectra.md": "topic:: the eigenvector of a map\n",
    }
    settings, engine, _ = small_vault(tmp_path, notes)
    with TestClient(create_app(settings, engine=engine)) as client:
        html = client.get("/api/notes/board").json()["html"]
    engine.dispose()
    assert 'data-term="eigenvector"' in html
    assert 'class="term"' in html.split('class="dataview', 1)[1]
