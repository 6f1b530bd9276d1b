"""The static site (`studynotes build`) read in a browser, served by Python's http.server:
at the root of a host and under a sub-path, with no server of ours behind it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import REPO
from tests.browser.watch import watch

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault
from studynotes.site.build import build_site

SHOTS = Path(os.environ.get("STUDYNOTES_SHOTS", "")) if os.environ.get("STUDYNOTES_SHOTS") else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _http_server(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, base
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.05)


@pytest.fixture(scope="session")
def static_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The bundled vault built twice (at a host's root, and under /notes/), each served by
    http.server on a free loopback port; stopped at the end."""
    tmp = tmp_path_factory.mktemp("static")
    vault = tmp / "vault"
    shutil.copytree(REPO / "notes", vault)
    settings = Settings(vault=vault, db=f"sqlite:///{tmp / 'index.sqlite3'}")
    engine = open_database(settings.database_url())
    index_vault(settings, engine)
    build_site(settings, engine, tmp / "root", base="/")
    build_site(settings, engine, tmp / "host" / "notes", base="/notes/")
    engine.dispose()
    started = [_http_server(tmp / "root"), _http_server(tmp / "host")]
    yield {"root": started[0][1], "sub": started[1][1] + "/notes"}
    for proc, _ in started:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=["root", "sub"])
def site(
    request: pytest.FixtureRequest, browser: Browser, static_sites: dict[str, str]
) -> Iterator[Any]:
    """A tab on one of the two sites; any script or console error, or a request to another
    origin, fails the test."""
    prefix = static_sites[request.param]
    origin = prefix.split("/notes")[0] if request.param == "sub" else prefix
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems = watch(tab, origin)
    tab.set_default_timeout(10_000)
    tab.base = prefix  # type: ignore[attr-defined]
    tab.path = prefix[len(origin) :] + "/"  # type: ignore[attr-defined]
    tab.kind = request.param  # type: ignore[attr-defined]
    yield tab
    context.close()
    assert problems == [], problems


def _shot(tab: Page, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"{name}.png"))


def test_a_term_shows_its_definition_and_links_into_the_site(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/notes/evaluation/overview/")
    term = tab.locator("#note-body span.term").first
    term.hover()
    tooltip = tab.locator("[role=tooltip].term-tooltip")
    expect(tooltip).to_be_visible()
    slug = term.get_attribute("data-term")
    expect(tooltip.locator(f'a[href="{site.path}glossary/{slug}/"]').first).to_be_visible()
    if SHOTS is not None:
        tab.wait_for_timeout(400)  # the tooltip fades in
    _shot(tab, f"tooltip-{site.kind}")


def test_a_link_shows_a_preview_of_its_target(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/notes/start-here/")
    link = tab.locator("#note-body a.internal-link[data-slug]").first
    link.hover()
    preview = tab.locator(".link-preview[role=tooltip]").first
    expect(preview).to_be_visible(timeout=5000)
    expect(preview).not_to_be_empty()


def test_a_link_to_a_heading_previews_that_section(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/notes/start-here/")
    links = tab.locator("#note-body a.internal-link[data-anchor]:not([data-anchor^='^'])")
    if links.count() == 0:
        pytest.skip("no link to a heading on this page")
    links.first.hover()
    expect(tab.locator(".link-preview[role=tooltip]").first).not_to_be_empty()


def _search(tab: Page, query: str) -> Any:
    tab.locator("#search-input").click()
    tab.keyboard.type(query)
    results = tab.locator("#search-results")
    expect(results).to_be_visible()
    return results


def test_search_puts_terms_first_and_forgives_a_typo(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/notes/start-here/")
    results = _search(tab, "ruoge")
    expect(results.locator("[role=option]").first).to_contain_text("ROUGE")
    expect(results.locator(".sr-group-label").last).to_have_text("Notes for “ROUGE”")
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    tab.wait_for_url(f"**{site.path}glossary/rouge/")


def test_search_finds_a_term_before_the_notes_that_use_it(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/")
    results = _search(tab, "lora")
    expect(results.locator("[role=option]").first).to_have_class("sr-option sr-term")
    expect(results.locator(".sr-note").first).to_be_visible()
    _shot(tab, f"search-{site.kind}")


def test_search_offers_a_canvas_board_by_its_name_and_its_words(site: Any) -> None:
    """Boards are found in a static site as on the server: by their name, and by the words
    on their cards, quoting the card."""
    tab: Page = site
    tab.goto(site.base + "/notes/start-here/")
    results = _search(tab, "study map")
    board = results.locator(".sr-board")
    expect(board).to_have_count(1)
    expect(board).to_contain_text("Study Map")
    tab.locator("#search-input").fill("")
    results = _search(tab, "cheapest")  # a word on one of its cards only
    expect(results.locator(".sr-board")).to_contain_text("cheapest start")
    results.locator(".sr-board").click()
    tab.wait_for_url(f"**{site.path}canvas/Study%20Map.canvas/")


def test_typing_searches_at_once_and_draws_after_the_pause(site: Any) -> None:
    """A keystroke starts the search, so the files it reads (the word's shard, then the
    chunk of its best notes) are fetched while the box waits for the reader to pause: with
    the page's timers stopped, nothing is drawn, yet both are asked for. Once the pause
    ends, the answer is drawn without asking for anything more."""
    tab: Page = site
    tab.goto(site.base + "/")
    tab.locator("#search-input").click()
    tab.wait_for_load_state("networkidle")  # the focus has loaded the shard list
    tab.clock.install()
    tab.clock.pause_at(time.time() + 3600)
    with (
        tab.expect_request(lambda r: r.url.endswith("/search/w/6c-6f.json")),
        tab.expect_request(lambda r: "/search/n/" in r.url),
    ):
        tab.keyboard.type("lora")
    tab.wait_for_load_state("networkidle")
    expect(tab.locator("#search-results")).to_be_hidden()
    later: list[str] = []
    tab.on("request", lambda r: later.append(r.url))
    tab.clock.run_for(1000)
    expect(tab.locator("#search-results .sr-note").first).to_be_visible()
    assert [url for url in later if "/search/" in url] == []


def test_search_by_tag_and_in_chinese(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/")
    results = _search(tab, "#prompting")
    expect(results.locator(".sr-note").first).to_be_visible()
    tab.keyboard.press("Escape")
    tab.locator("#search-input").fill("")
    results = _search(tab, "词向量")
    expect(results.locator(".sr-note").first).to_be_visible()
    expect(results.locator(".sr-note").first).to_contain_text("Embedding")


def test_the_search_page_answers_its_query(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/search/?q=attention")
    expect(tab.locator(".result-section").first).to_be_visible()
    expect(tab.locator("h1")).to_have_text("Results for “attention”")


def test_the_graph_is_drawn(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/graph/")
    tab.wait_for_function(
        """() => {
            const c = document.querySelector('#graph-canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let seen = new Set();
            for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);
            return seen.size > 2;
        }"""
    )
    tab.wait_for_timeout(1500)  # let the layout settle for the picture
    _shot(tab, f"graph-{site.kind}")


def test_dark_mode_is_kept_across_pages(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/notes/retrieval/rag/")
    background = "getComputedStyle(document.body).backgroundColor"
    before = tab.evaluate(background)
    tab.locator("#theme-toggle").click()
    assert tab.evaluate(background) != before
    tab.goto(site.base + "/glossary/")
    assert tab.evaluate(background) != before
    tab.goto(site.base + "/notes/retrieval/rag/")
    figure = tab.locator("figure.mermaid-figure").first
    expect(figure.locator("svg")).to_be_visible(timeout=20_000)
    _shot(tab, f"dark-{site.kind}")


def test_phone_width_never_scrolls_sideways(site: Any) -> None:
    tab: Page = site
    tab.set_viewport_size({"width": 390, "height": 844})
    for path in ["/", "/notes/evaluation/metrics/", "/notes/fine-tuning/lora/", "/glossary/"]:
        tab.goto(site.base + path)
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways: {width}px"
    _shot(tab, f"phone-{site.kind}")


def test_nothing_that_needs_a_server_is_linked(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/notes/start-here/")
    for gone in ("decks", "review", "stats", "api/", "export"):
        assert tab.locator(f'a[href*="/{gone}"]').count() == 0, gone
    expect(tab.locator(".study-note")).to_have_count(0)


def test_the_explorer_opens_a_folder(site: Any) -> None:
    tab: Page = site
    tab.goto(site.base + "/notes/start-here/")
    closed = tab.locator("a[role=treeitem][aria-expanded=false]").first
    if closed.count() == 0:
        pytest.skip("every folder is open")
    name = closed.inner_text()
    closed.click()
    opened = tab.locator("a[role=treeitem][aria-expanded=true]", has_text=name).first
    expect(opened).to_be_visible()
    expect(opened.locator("xpath=..").locator("ul[role=group] a").first).to_be_visible()
