"""A large glossary comes one letter a page, with the A-Z index on each; a small one stays
on one page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.web.app import create_app
from studynotes.web.views.glossary_pages import ONE_PAGE_UP_TO, letter_of

WORDS = ["Alpha", "Beta", "Gamma", "Delta", "Épsilon", "Zeta", "7-bit"]


def test_accents_file_under_their_letter_and_digits_under_hash() -> None:
    assert [letter_of(w) for w in ("épsilon", "Beta", "7-bit", "语言")] == ["E", "B", "#", "#"]


def test_a_large_glossary_is_one_letter_a_page(
    tmp_path: Path,
    small_vault: Callable[[Path, dict[str, str]], tuple[Settings, Engine, Path]],
) -> None:
    count = ONE_PAGE_UP_TO + 30
    lines = [
        f"- **{WORDS[i % len(WORDS)]} unit {i}**: a measure of how far item {i} goes."
        for i in range(count)
    ]
    settings, engine, _ = small_vault(tmp_path, {"Terms.md": "# Terms\n\n" + "\n".join(lines)})
    with TestClient(create_app(settings, engine=engine)) as client:
        first = client.get("/glossary").text
        beta = client.get("/glossary", params={"letter": "b"}).text
        none = client.get("/glossary", params={"letter": "Q"})
    engine.dispose()
    assert f"<h1>{count} terms</h1>" in first
    assert re.search(r'href="/glossary\?letter=A" aria-current="page"', first)
    shown = re.findall(r'class="term-entry" id="term-([^"]+)"', first)
    assert shown and all(slug.startswith("alpha-unit") for slug in shown)
    in_beta = re.findall(r'class="term-entry" id="term-([^"]+)"', beta)
    assert len(in_beta) == len(range(1, count, len(WORDS)))
    assert 'href="/glossary?letter=%23"' in beta  # "7-bit" files under #
    assert none.status_code == 200 and "No terms under Q" in none.text
    assert len(first.encode()) < 1_000_000
