"""Mermaid diagrams: drawn from the copy the app serves, under the strict policy (the page
fixture fails on any console error, CSP violations included), in the theme's colours; a
diagram that cannot be drawn shows its source and the error; without JavaScript, the source."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from tests.browser.watch import watch

from studynotes.resources import resource_dir

Tab = Any  # a Page carrying .base and .problems (see conftest)


@pytest.fixture(autouse=True)
def _library() -> None:
    if not (resource_dir("static") / "vendor" / "mermaid.min.js").is_file():
        if os.environ.get("CI"):
            pytest.fail("CI must draw diagrams, but `make install` did not fetch mermaid")
        pytest.skip("mermaid is not installed here (make install fetches it)")


def test_a_diagram_is_drawn_and_redrawn_in_dark(page: Tab) -> None:
    tab: Page = page
    tab.goto(page.base + "/notes/retrieval/rag")
    figure = tab.locator("figure.mermaid-figure").first
    expect(figure.locator("svg")).to_be_visible(timeout=20_000)
    expect(figure).to_contain_text("Retriever")
    expect(tab.locator("iframe.diagram-frame")).to_have_count(1)
    light = figure.locator("svg").get_attribute("id")
    tab.click("#theme-toggle")
    expect(tab.locator("figure.mermaid-figure svg").first).not_to_have_attribute(
        "id", light or "", timeout=20_000
    )


def test_a_broken_diagram_shows_its_source_and_why(
    browser: Any, session_servers: Any, tmp_path: Path
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Broken.md").write_text(
        "# Broken\n\n```mermaid\nflowchart LR\n  A -->\n  not a diagram ))\n```\n"
    )
    base = session_servers.start(vault)
    context = browser.new_context()
    tab = context.new_page()
    problems = watch(tab, base)
    tab.goto(base + "/notes/broken")
    expect(tab.locator(".mermaid-error")).to_contain_text("could not be drawn", timeout=20_000)
    expect(tab.locator("pre.mermaid")).to_contain_text("not a diagram")
    context.close()
    assert problems == []


def test_without_javascript_a_diagram_is_its_source(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + "/notes/retrieval/rag")
    expect(tab.locator("pre.mermaid").first).to_contain_text("sequenceDiagram")
    context.close()
