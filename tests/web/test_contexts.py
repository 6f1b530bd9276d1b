"""What a reader sees of other notes on a page: backlink contexts, unlinked mentions and
term definitions keep code, emphasis and math, show links by their words, and never show
link syntax or anything a note's raw HTML could run."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault
from studynotes.web.app import create_app

PICTURE = Path(__file__).parents[1] / "fixtures" / "vault" / "assets" / "Pasted image 1.png"

NOTES = {
    "Attention.md": "# Attention\n\nScores every pair of tokens.\n",
    "Paper.md": (
        "# Paper\n\nWe call `softmax(QK^T)` on **every** row of $x^2$, see "
        "[[Attention|the attention note]] and ![[Diagram.png]].\n"
    ),
    "Musing.md": "# Musing\n\nHow does *Attention* relate to `KV caches`? Nobody knows.\n",
    "Words.md": (
        "# Words\n\n**Context Window**: how many `tokens` a [[Attention|model]] sees, "
        "see ![[Diagram.png]].\n"
    ),
    "Reader.md": "# Reader\n\nThe context window is short.\n",
    "Hostile.md": (
        '# Hostile\n\nSee <script>alert(1)</script> <b onclick="x()">bold</b> <i>unclosed '
        '[[Attention]] and <img src=x onerror=alert(1)> <a href="javascript:alert(1)">js</a> '
        '<span id="dup" style="color:red">styled</span>.\n'
    ),
}


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, session_database: Callable[[str], str]
) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("contexts")
    vault = root / "vault"
    vault.mkdir()
    for name, text in NOTES.items():
        (vault / name).write_text(text, encoding="utf-8")
    shutil.copy(PICTURE, vault / "Diagram.png")
    settings = Settings(vault=vault, db=session_database("contexts"), workers=1)
    engine = open_database(settings.database_url())
    index_vault(settings, engine)
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client
    engine.dispose()


def _items(html: str, section: str) -> dict[str, str]:
    """The contexts of a note page's panel, by the slug of the note each comes from."""
    panel = re.search(f'aria-labelledby="{section}">(.*?)</section>', html, re.S)
    assert panel is not None, section
    found = re.findall(
        r'data-slug="([^"]+)">[^<]*</a>\s*<p class="ref-context inline-html">(.*?)</p>',
        panel.group(1),
        re.S,
    )
    return dict(found)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and whether every element was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "wbr"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing"


def _tags(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    assert not parser.open, f"left open: {parser.open}"
    return parser


def test_backlink_shows_code_bold_math_and_link_words_not_link_syntax(
    client: TestClient,
) -> None:
    context = _items(client.get("/notes/attention").text, "backlinks-h")["paper"]
    assert "<code>softmax(QK^T)</code>" in context
    assert "<strong>every</strong>" in context
    assert "<math" in context and "$x^2$" not in context
    assert '<span class="ref-link">the attention note</span>' in context
    assert '<span class="ref-embed">Diagram.png</span>' in context
    assert "[[" not in context and "![[" not in context
    _tags(context)


def test_backlink_from_hostile_html_is_neutralised(client: TestClient) -> None:
    context = _items(client.get("/notes/attention").text, "backlinks-h")["hostile"]
    parsed = _tags(context)
    assert "<b>bold</b>" in context and "styled" in context
    assert not any(name in ("script", "img", "iframe") for name, _ in parsed.tags)
    attributes = {key for _, attrs in parsed.tags for key in attrs}
    assert attributes <= {"class"}, attributes
    assert "alert(1)" not in context


def test_unlinked_mention_keeps_emphasis_and_code_and_marks_the_name(
    client: TestClient,
) -> None:
    context = _items(client.get("/mentions/attention").text, "mentions-h")["musing"]
    assert "<em><mark>Attention</mark></em>" in context
    assert "<code>KV caches</code>" in context
    _tags(context)


def test_backlinks_json_twin_carries_the_same_html(client: TestClient) -> None:
    note = client.get("/api/notes/attention").json()
    back = {b["slug"]: b["context_html"] for b in note["backlinks"]}
    assert "<code>softmax(QK^T)</code>" in back["paper"]
    mentions = {m["slug"]: m["context_html"] for m in note["unlinked_mentions"]}
    assert "<mark>Attention</mark>" in mentions["musing"]


def _tooltips(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="sn-terms">(.*?)</script>', html, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_definition_is_html_in_the_tooltip_json_with_its_link_landed(client: TestClient) -> None:
    html = client.get("/notes/reader").text
    definition = _tooltips(html)["context-window"]["definition_html"]
    assert "<code>tokens</code>" in definition
    assert re.search(r'<a class="internal-link" href="/notes/attention"[^>]*>model</a>', definition)
    assert '<span class="ref-embed">Diagram.png</span>' in definition
    assert "[[" not in definition and "<img" not in definition


def test_definition_is_html_on_the_glossary_and_term_pages(client: TestClient) -> None:
    for page in ("/glossary", "/glossary/context-window"):
        html = client.get(page).text
        assert "how many <code>tokens</code> a" in html, page
        assert "[[" not in html, page


def test_term_page_shows_where_the_term_is_used_as_the_note_reads(client: TestClient) -> None:
    html = client.get("/glossary/context-window").text
    assert "The <mark>context window</mark> is short." in html


def test_short_definition_in_a_note_keeps_code_and_closes_its_tags(client: TestClient) -> None:
    html = client.get("/notes/words").text
    found = re.search(r'<p class="term-preview inline-html">(.*?)</p>', html, re.S)
    assert found is not None
    assert "<code>tokens</code>" in found.group(1)
    _tags(found.group(1))
