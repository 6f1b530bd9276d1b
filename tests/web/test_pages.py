from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "Transformers"),
        ("/notes/transformers", "Every token looks at every other token."),
        ("/notes/%E4%B8%AD%E6%96%87%E7%AC%94%E8%AE%B0", "自注意力机制"),
        ("/folders/a", "Overview"),
        ("/glossary", "Bilingual Evaluation Understudy"),
        ("/glossary/bleu", "n-grams"),
        ("/tags", "eval/metrics"),
        ("/tags/eval", "Uses Terms"),
        ("/search?q=attention", "Transformers"),
        ("/graph", "graph"),
        ("/broken-links", "Nowhere Yet"),
    ],
)
def test_every_page_kind_renders(client: TestClient, path: str, expected: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert expected in response.text
    assert re.search(r'<input[^>]*type="search"', response.text)


def test_note_page_carries_term_definitions_for_tooltips(client: TestClient) -> None:
    html = client.get("/notes/uses-terms").text
    assert 'data-term="bleu" tabindex="0"' in html
    data = re.search(r'<script type="application/json" id="sn-terms">(.*?)</script>', html, re.S)
    assert data is not None and '"bleu"' in data.group(1)


def test_unknown_note_is_a_404_page_suggesting_similar_notes(client: TestClient) -> None:
    response = client.get("/notes/transformer")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'href="/notes/transformers"' in response.text


def test_unknown_page_is_a_404_page(client: TestClient) -> None:
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/glossary/nope").status_code == 404
    assert client.get("/tags/nope").status_code == 404


def test_security_headers_on_pages(client: TestClient) -> None:
    response = client.get("/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_pages_reference_no_other_origin(client: TestClient) -> None:
    for path in ["/", "/notes/transformers", "/glossary", "/graph", "/docs"]:
        html = client.get(path).text
        assert not re.search(r'(src|href)="(https?:)?//', html), path


def test_attachment_served_with_its_type(client: TestClient) -> None:
    response = client.get("/files/assets/Pasted%20image%201.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    "path",
    [
        "/files/../conftest.py",
        "/files/%2e%2e/%2e%2e/etc/passwd",
        "/files//etc/passwd",
        "/files/.obsidian/app.json",
        "/files/assets",
        "/files/assets/nope.png",
    ],
)
def test_files_outside_the_vault_or_hidden_are_refused(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_svg_attachments_cannot_run_script_in_our_origin(client: TestClient) -> None:
    response = client.get("/files/assets/evil.svg")
    assert response.status_code == 200
    assert "sandbox" in response.headers["content-security-policy"]


def test_static_files_are_versioned_and_cached_long(client: TestClient) -> None:
    html = client.get("/").text
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', html)
    assert css is not None
    response = client.get(css.group(1))
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]


def test_note_pages_revalidate_with_etag_and_come_compressed(client: TestClient) -> None:
    first = client.get("/notes/lora")
    etag = first.headers["etag"]
    again = client.get("/notes/lora", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["content-security-policy"].startswith("default-src 'self'")
    zipped = client.get("/notes/lora", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.text == first.text  # decoded by the client: the same page


def test_head_is_answered_wherever_get_is_with_the_same_headers(client: TestClient) -> None:
    """Link checkers and caches ask with HEAD; a 405 there read as a broken link."""
    urls = [
        "/", "/notes/transformers", "/glossary", "/tags", "/graph", "/api/notes",
        "/api/terms", "/api/graph", "/search?q=attention", "/files/assets/Pasted%20image%201.png",
        "/static/app.css", "/no-such-page",
    ]  # fmt: skip
    for url in urls:
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code, url
        assert head.content == b"", url
        for name in ("content-type", "content-length", "etag"):
            assert head.headers.get(name) == got.headers.get(name), (url, name)
    events = client.head("/api/events")  # never ends as GET: HEAD still answers at once
    assert events.status_code == 200
    assert events.headers["content-type"].startswith("text/event-stream")
