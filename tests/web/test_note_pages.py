"""Note pages: the link panels, and pages and tooltips that follow every index run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from studynotes.config import Settings
from studynotes.ingest.pipeline import index_vault
from studynotes.web.app import create_app
from studynotes.web.pagecache import PageCache

NOTES = {
    "Words.md": "# Words\n\n**Tensor**: a grid of numbers.\n\n**Gradient**: the loss slope.\n",
    "Reader.md": (
        "# Reader\n\nA tensor flows through [[Other]], [[Other]] again, [[Other#Part]], "
        "[[Reader#Aside]] and [[Missing]].\n\n## Aside\n\nMore.\n"
    ),
    "Other.md": "# Other\n\nA tensor here too, back to [[Reader]].\n\n## Part\n\nText.\n",
    "Third.md": "# Third\n\nA tensor, and [[Reader]].\n",
}
WORDS_WITH_SLOPE = (
    "# Words\n\n**Tensor**: an array with axes.\n\n**Slope**: the rise over the run.\n"
)


class Live:
    """An app over its own vault, which a test may change and index again."""

    def __init__(self, vault: Path, settings: Settings, engine: Engine, client: TestClient):
        self.vault, self.settings, self.engine, self.client = vault, settings, engine, client

    def write(self, name: str, text: str) -> None:
        (self.vault / name).write_text(text, encoding="utf-8")

    def reindex(self) -> None:
        index_vault(self.settings, self.engine)

    @property
    def page_cache(self) -> PageCache:
        cache: PageCache = self.client.app.state.page_cache  # type: ignore[attr-defined]
        return cache


SmallVault = Callable[[Path, dict[str, str]], tuple[Settings, Engine, Path]]


@pytest.fixture
def live(tmp_path: Path, small_vault: SmallVault) -> Iterator[Live]:
    settings, engine, vault = small_vault(tmp_path, NOTES)
    with TestClient(create_app(settings, engine=engine)) as client:
        yield Live(vault, settings, engine, client)
    engine.dispose()


def _tooltips(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="sn-terms">(.*?)</script>', html, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _panel(html: str, start: str, end: str) -> str:
    found = re.search(re.escape(start) + ".*?" + re.escape(end), html, re.S)
    assert found is not None, start
    return found.group(0)


def test_outgoing_links_list_each_target_once_with_its_heading(live: Live) -> None:
    html = live.client.get("/notes/reader").text
    panel = _panel(html, '<section class="panel" aria-labelledby="outgoing-h">', "</section>")
    items = [re.sub("<[^>]+>", "", li).strip() for li in re.findall("<li>(.*?)</li>", panel, re.S)]
    into = "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"
    assert items == ["Other", f"Other {into} Part", f"Reader {into} Aside", "Missing unresolved"]
    assert 'Outgoing links <span class="count">4</span>' in panel
    assert 'href="/notes/other#part" data-slug="other" data-anchor="part"' in panel
    assert "“Missing” does not exist yet (line 3)" in panel


def test_local_graph_lists_notes_linked_either_way_once_and_not_itself(live: Live) -> None:
    html = live.client.get("/notes/reader").text
    fallback = _panel(html, '<div class="graph-fallback">', "</div>")
    assert re.findall(r'data-slug="([^"]+)"', fallback) == ["other", "third"]
    assert 'Local graph <span class="count">2</span>' in html


def test_tooltips_carry_only_the_terms_the_page_marks(live: Live) -> None:
    html = live.client.get("/notes/reader").text
    assert 'data-term="tensor"' in html
    tips = _tooltips(html)
    assert set(tips) == {"tensor"}
    assert tips["tensor"]["definition_html"] == "a grid of numbers."
    assert tips["tensor"]["source"].startswith("/notes/words")


def test_first_view_after_an_index_run_has_the_new_definitions(live: Live) -> None:
    """The index changed, and the server has not yet noticed (it looks once a second): a page
    rendered now must still not mix the new note with the old glossary."""
    assert _tooltips(live.client.get("/notes/reader").text)["tensor"]["definition_html"] == (
        "a grid of numbers."
    )
    live.write("Words.md", WORDS_WITH_SLOPE)
    live.write("Third.md", "# Third\n\nA tensor has a slope, and [[Reader]].\n")
    live.reindex()
    tips = _tooltips(live.client.get("/notes/third").text)
    assert set(tips) == {"tensor", "slope"}
    assert tips["tensor"]["definition_html"] == "an array with axes."
    assert "gradient" not in live.client.get("/api/terms").text


def test_a_page_seen_before_an_index_run_is_rendered_again_after_it(live: Live) -> None:
    first = live.client.get("/notes/reader")
    assert "flows through" in first.text
    live.write("Reader.md", NOTES["Reader.md"].replace("flows through", "passes through"))
    live.write("Words.md", "# Words\n\n**Tensor**: an array with axes.\n")
    live.reindex()
    live.page_cache.check()  # what the server does each second
    again = live.client.get("/notes/reader", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200
    assert "passes through" in again.text
    assert _tooltips(again.text)["tensor"]["definition_html"] == "an array with axes."


def test_a_page_rendered_from_an_older_index_is_not_kept(live: Live) -> None:
    """A page rendered while an index run committed may show the old index: once the cache
    has been emptied for that run, such a page is served but not kept."""
    cache = PageCache(live.engine)
    before = cache.generation
    cache.clear()  # an index run finished while the page was being rendered
    served = cache.fill("reader", b"<p>old</p>", generation=before)
    assert served.body == b"<p>old</p>"
    assert cache.get("reader") is None
    kept = cache.fill("reader", b"<p>new</p>", generation=cache.generation)
    assert cache.get("reader") is kept


def test_a_first_view_reads_its_note_in_one_statement_outside_a_transaction(
    live: Live,
) -> None:
    """A first view's database work is one statement; on PostgreSQL it and the stamp check
    run outside a transaction, as ending one drops the connection's prepared statements."""
    live.client.get("/notes/other")  # what every page of the run shares is read once
    seen: list[tuple[str, bool]] = []

    def _record(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        status = getattr(
            getattr(conn.connection.dbapi_connection, "info", None), "transaction_status", None
        )
        seen.append((statement, status is not None and status.name != "IDLE"))

    event.listen(live.engine, "after_cursor_execute", _record)
    try:
        page = live.client.get("/notes/reader")
        live.page_cache.check()
    finally:
        event.remove(live.engine, "after_cursor_execute", _record)
    assert page.status_code == 200
    backlinks = _panel(page.text, 'id="backlinks-h"', "</section>")
    assert "Other" in backlinks and "Third" in backlinks
    reads = [s for s, _ in seen if s != "BEGIN"]  # SQLite's own: it keeps its transaction
    # The page's statement, then the stamp check; the app's own timer may check the stamp
    # once more meanwhile, on a busy machine.
    stamps = [s for s in reads if s.startswith("SELECT meta.value")]
    assert len(reads) - len(stamps) == 1 and 1 <= len(stamps) <= 2, reads
    if live.engine.dialect.name == "postgresql":
        assert not any(in_transaction for _, in_transaction in seen)


def test_a_page_first_sent_plain_comes_compressed_when_asked(live: Live) -> None:
    plain = live.client.get("/notes/other", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    zipped = live.client.get("/notes/other", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["etag"] == plain.headers["etag"]
    assert zipped.text == plain.text


def _properties(html: str) -> dict[str, str]:
    table = _panel(html, '<details class="properties">', "</details>")
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table, re.S)
    return {key: value.strip() for key, value in rows}


def test_properties_show_each_kind_of_value(live: Live) -> None:
    live.write(
        "Props.md",
        "---\nnothing: null\ndone: true\nnone_yet: []\nwords: [one, '<b>two</b>']\n"
        "grid: [[1, 2], [3]]\nmixed: [a, {b: 1}]\nmeta: {x: '<i>'}\nsize: 3.5\n"
        "text: 'a & b'\n---\n# Props\n",
    )
    live.reindex()
    shown = _properties(live.client.get("/notes/props").text)
    assert shown == {
        "nothing": '<span class="muted">—</span>',
        "done": "true",
        "none_yet": '<span class="muted">—</span>',
        "words": '<ul class="prop-list"><li>one</li><li>&lt;b&gt;two&lt;/b&gt;</li></ul>',
        "grid": "<code>[[1, 2], [3]]</code>",
        "mixed": '<code>["a", {"b": 1}]</code>',
        "meta": '<code>{"x": "\\u003ci\\u003e"}</code>',
        "size": "3.5",
        "text": "a &amp; b",
    }


def test_contents_leave_out_the_heading_that_repeats_the_title(live: Live) -> None:
    live.write("Deep & Dark.md", "# Deep & Dark\n\n### Low\n\n#### Lower\n\n### Low again\n")
    live.write("Plain.md", "Text first.\n\n## One\n\n## Two\n")
    live.write("Single.md", "# Single\n\n## Only\n")
    live.reindex()
    deep = live.client.get("/notes/deep-dark").text
    assert 'class="note-body has-title-h1"' in deep
    toc = _panel(deep, '<nav class="note-toc"', "</nav>")
    assert re.findall(r'<li class="toc-l(\d)"><a href="#[^"]+">([^<]+)</a>', toc) == [
        ("1", "Low"),
        ("2", "Lower"),
        ("1", "Low again"),
    ]
    plain = live.client.get("/notes/plain").text
    assert "has-title-h1" not in plain
    assert re.findall(r'class="toc-l(\d)"', plain) == ["1", "1"]
    assert 'class="note-toc"' not in live.client.get("/notes/single").text  # one entry: none


def test_terms_a_note_defines_follow_an_index_run(live: Live) -> None:
    def defined() -> list[str]:
        return [t["term"] for t in live.client.get("/api/notes/words").json()["terms_defined"]]

    assert defined() == ["Gradient", "Tensor"]
    live.write("Words.md", WORDS_WITH_SLOPE)
    live.reindex()
    assert defined() == ["Slope", "Tensor"]
    html = live.client.get("/notes/words").text
    panel = _panel(html, '<section class="panel" aria-labelledby="defined-h">', "</section>")
    assert re.findall(r'<a href="(/glossary/[^"]+)">', panel) == [
        "/glossary/slope",
        "/glossary/tensor",
    ]
