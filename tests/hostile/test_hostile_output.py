"""Safe output: whatever the vault holds, no page or API answer can run script in our origin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

FindUnsafe = Callable[..., list[str]]


def _page_paths(client: TestClient) -> list[str]:
    """Every page the hostile vault has: each note, term, tag and folder, and the fixed ones."""
    notes = client.get("/api/notes").json()
    terms = client.get("/api/terms").json()
    tags = client.get("/api/tags").json()
    folders = {n["path"].rsplit("/", 1)[0] for n in notes if "/" in n["path"]}
    paths = ["/", "/glossary", "/tags", "/graph", "/broken-links", "/docs", "/folders/"]
    paths += ["/notes/" + quote(n["slug"], safe="/") for n in notes]
    paths += ["/glossary/" + quote(t["slug"], safe="") for t in terms]
    paths += ["/tags/" + quote(t["name"], safe="/") for t in tags]
    paths += ["/folders/" + quote(f, safe="/") for f in folders]
    for q in ["script", "alert", "onerror", "<script>", '"><img src=x onerror=alert(1)>', "#plain"]:
        paths.append("/search?q=" + quote(q))
    return paths


def test_the_hostile_vault_indexes_every_note(hostile_client: TestClient) -> None:
    slugs = {n["slug"] for n in hostile_client.get("/api/notes").json()}
    assert {"evil", "target", "uses"} <= slugs
    assert len(hostile_client.get("/api/terms").json()) >= 2


def test_every_page_of_a_hostile_vault_is_safe(
    hostile_client: TestClient, find_unsafe: FindUnsafe
) -> None:
    problems: dict[str, list[str]] = {}
    paths = _page_paths(hostile_client)
    assert len(paths) > 20
    for path in paths:
        response = hostile_client.get(path)
        assert response.status_code == 200, path
        found = find_unsafe(response.text, page=True)
        if found:
            problems[path] = found
    assert not problems


def test_attacker_text_is_shown_escaped_not_dropped(hostile_client: TestClient) -> None:
    html = hostile_client.get("/notes/evil").text
    # title, frontmatter values, link display text and callout titles all reach the page...
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;iframe src=" in html  # the frontmatter value, as text
    # ...and every attribute they reach stays one attribute
    assert 'onmouseover="alert(1)"' not in html
    assert "<img src=x" not in html and "<script>" not in html


@pytest.mark.parametrize(
    "path",
    ["/api/notes/evil", "/api/notes/uses", "/api/preview/evil", "/api/terms", "/api/home"],
)
def test_html_in_the_json_api_is_sanitised(
    hostile_client: TestClient, find_unsafe: FindUnsafe, path: str
) -> None:
    def html_fields(value: object) -> list[str]:
        if isinstance(value, dict):
            out = [v for k, v in value.items() if k.endswith("html") and isinstance(v, str)]
            return out + [h for v in value.values() for h in html_fields(v)]
        if isinstance(value, list):
            return [h for v in value for h in html_fields(v)]
        return []

    response = hostile_client.get(path)
    assert response.status_code == 200
    fields = html_fields(response.json())
    assert fields
    for html in fields:
        assert find_unsafe(html) == [], html


def test_search_snippets_are_sanitised(hostile_client: TestClient, find_unsafe: FindUnsafe) -> None:
    for q in ["script", "alert", "img", "onerror", "iframe"]:
        found = hostile_client.get("/api/search", params={"q": q}).json()
        for hit in found["notes"]:
            assert find_unsafe(hit["snippet_html"]) == [], hit


def test_term_tooltips_cannot_close_their_script_element(hostile_client: TestClient) -> None:
    for term in hostile_client.get("/api/terms").json():
        html = hostile_client.get("/glossary/" + quote(term["slug"], safe="")).text
        data = html.split('<script type="application/json" id="sn-terms">', 1)[1]
        data = data.split("</script>", 1)[0]
        assert "<" not in data and ">" not in data


# --- headers ----------------------------------------------------------------------------------


def _csp(value: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize(
    "path", ["/", "/notes/evil", "/api/notes", "/api/notes/nope", "/no/such/page", "/docs"]
)
def test_every_answer_carries_the_security_headers(hostile_client: TestClient, path: str) -> None:
    response = hostile_client.get(path)
    csp = _csp(response.headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval, no other origin
    assert csp["style-src"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in ("same-origin", "no-referrer")


def test_static_files_carry_the_security_headers(hostile_client: TestClient) -> None:
    response = hostile_client.get("/static/app.css")
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in response.headers


# --- attachments ------------------------------------------------------------------------------


def test_svg_attachments_are_sandboxed(hostile_client: TestClient) -> None:
    response = hostile_client.get("/files/evil.svg")
    assert response.status_code == 200
    csp = _csp(response.headers["content-security-policy"])
    assert "sandbox" in csp and "allow-scripts" not in csp["sandbox"]
    assert csp["default-src"] == ["'none'"]


@pytest.mark.parametrize("name", ["evil.html", "evil.xhtml", "evil.xml"])
def test_html_like_attachments_download_in_a_sandbox(hostile_client: TestClient, name: str) -> None:
    response = hostile_client.get("/files/" + name)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == "attachment"
    csp = _csp(response.headers["content-security-policy"])
    assert "sandbox" in csp and csp["default-src"] == ["'none'"]


@pytest.mark.parametrize("name", ["evil.js", "evil.css"])
def test_script_and_style_attachments_are_served_as_plain_text(
    hostile_client: TestClient, name: str
) -> None:
    """With nosniff, a browser refuses to run text/plain, even from our own origin."""
    response = hostile_client.get("/files/" + name)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-content-type-options"] == "nosniff"


# --- /files/ serves only regular files inside the vault ----------------------------------------

TRAVERSALS = [
    "/files/../conftest.py",
    "/files/..%2f..%2f..%2fetc%2fpasswd",
    "/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/files/%252e%252e/%252e%252e/etc/passwd",
    "/files/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "/files/..%5c..%5c..%5cetc%5cpasswd",
    "/files/..\\..\\..\\etc\\passwd",
    "/files/%5c%5c..%5cetc%5cpasswd",
    "/files//etc/passwd",
    "/files/%2fetc%2fpasswd",
    "/files/%2F%2Fetc%2Fpasswd",
    "/files/C:%5cWindows%5cwin.ini",
    "/files/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/files/pic.png/..%2f..%2f..%2fetc%2fpasswd",
    "/files/escape/secret.png",  # a folder symlink inside the vault pointing outside
    "/files/secret.png",  # a file symlink inside the vault pointing outside
    "/files/config/workspace.json",  # a symlink to the hidden .obsidian folder
    "/files/.obsidian/workspace.json",
    "/files/%2eobsidian/workspace.json",
    "/files/assets",  # a folder, not a file
    "/files/",
    "/files/nope.png",
    "/files/pic.png%00.txt",
    "/files/%00",
    "/files/" + "a" * 5000,
    "/files/" + "a/" * 3000 + "x",
    "/files/~/.bashrc",
    "/files/%7e/.bashrc",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_files_outside_the_vault_are_refused(hostile_client: TestClient, path: str) -> None:
    response = hostile_client.get(path)
    assert response.status_code == 404, response.text[:200]
    assert b"TOP-SECRET-BYTES" not in response.content
    assert b"root:" not in response.content


def test_files_inside_the_vault_are_served(hostile_client: TestClient, hostile_vault: Path) -> None:
    response = hostile_client.get("/files/pic.png")
    assert response.status_code == 200
    assert response.content == (hostile_vault / "pic.png").read_bytes()
    assert hostile_client.get("/files/assets/Pasted%20image%201.png").status_code == 200


def test_the_api_refuses_traversal_in_slugs(hostile_client: TestClient) -> None:
    for path in ["/api/notes/..%2f..%2fetc%2fpasswd", "/api/folders/..%2f..%2f", "/api/tags/%00"]:
        response = hostile_client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/json")
