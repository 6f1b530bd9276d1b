"""A whole review session in the browser, by keyboard and by tap, on the bundled vault; the
vault's files are byte for byte what they were before it."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

REPO = Path(__file__).parents[2]


def _digest(vault: Path) -> dict[str, str]:
    return {
        str(p.relative_to(vault)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(vault.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def study_server(
    session_servers: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, dict[str, str]]]:
    vault = tmp_path_factory.mktemp("review") / "notes"
    shutil.copytree(REPO / "notes", vault)
    before = _digest(vault)
    base: str = session_servers.start(vault)
    yield base, vault, before
    assert _digest(vault) == before, "reviewing wrote to the vault"


@pytest.fixture
def open_tab(browser: Browser) -> Iterator[Callable[..., tuple[Page, list[str]]]]:
    """``open_tab(base, **context_options)``: a tab, and the problems it meets (script
    errors, requests that leave the server); every context is closed afterwards."""
    contexts: list[BrowserContext] = []

    def make(base: str, **options: Any) -> tuple[Page, list[str]]:
        context = browser.new_context(**options)
        contexts.append(context)
        tab = context.new_page()
        problems: list[str] = []
        tab.on("pageerror", lambda exc: problems.append(str(exc)))
        tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        tab.on(
            "request",
            lambda r: problems.append(r.url) if not r.url.startswith((base, "data:")) else None,
        )
        tab.set_default_timeout(10_000)
        return tab, problems

    yield make
    for context in contexts:
        context.close()


def _state(tab: Page, state: str) -> None:
    expect(tab.locator("#sn-review")).to_have_attribute("data-state", state)


def test_a_whole_session_by_keyboard_with_undo(
    open_tab: Callable[..., tuple[Page, list[str]]],
    study_server: tuple[str, Path, dict[str, str]],
) -> None:
    base, _, _ = study_server
    tab, problems = open_tab(base, viewport={"width": 1280, "height": 900})
    tab.goto(f"{base}/review?deck=llm/eval")
    seen: list[str] = []
    for _ in range(10):
        if tab.locator("#sn-review[data-state=done]").count():
            break
        _state(tab, "front")
        seen.append(tab.locator("#sn-review").get_attribute("data-card") or "")
        expect(tab.locator("#sn-review-ratings")).to_be_hidden()
        tab.keyboard.press("Space")
        _state(tab, "back")
        expect(tab.locator("#sn-review-back")).to_be_visible()
        tab.keyboard.press("4")
        tab.wait_for_function(
            "(last) => document.querySelector('#sn-review').dataset.card !== last"
            " || document.querySelector('#sn-review').dataset.state === 'done'",
            arg=seen[-1],
        )
    _state(tab, "done")
    assert len(seen) == len(set(seen)) == 4  # the deck's four cards, each once
    expect(tab.locator("#sn-review-count")).to_have_text("4 rated this session")
    tab.keyboard.press("u")
    _state(tab, "front")
    expect(tab.locator("#sn-review")).to_have_attribute("data-card", seen[-1])
    tab.keyboard.press("Space")
    tab.keyboard.press("4")
    _state(tab, "done")
    expect(tab.locator("#sn-review-count")).to_have_text("4 rated this session")
    assert problems == []


def test_a_whole_session_by_tap_on_a_phone(
    open_tab: Callable[..., tuple[Page, list[str]]],
    study_server: tuple[str, Path, dict[str, str]],
) -> None:
    base, _, _ = study_server
    tab, problems = open_tab(
        base, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    tab.goto(f"{base}/review?deck=Architectures")
    count = 0
    while not tab.locator("#sn-review[data-state=done]").count() and count < 10:
        _state(tab, "front")
        card = tab.locator("#sn-review").get_attribute("data-card")
        tab.locator("#sn-review-flip").tap()
        _state(tab, "back")
        easy = tab.locator("#sn-review-ratings button[data-rating='4']")
        box = easy.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 120  # a thumb's target
        easy.tap()
        tab.wait_for_function(
            "(last) => document.querySelector('#sn-review').dataset.card !== last"
            " || document.querySelector('#sn-review').dataset.state === 'done'",
            arg=card,
        )
        count += 1
    _state(tab, "done")
    assert count == 4  # two glossary terms, each both ways
    assert problems == []


def test_the_source_note_is_one_click_away_and_the_header_counts_what_is_due(
    open_tab: Callable[..., tuple[Page, list[str]]],
    study_server: tuple[str, Path, dict[str, str]],
) -> None:
    base, _, _ = study_server
    tab, problems = open_tab(base, viewport={"width": 1280, "height": 900})
    tab.goto(f"{base}/notes/retrieval/rag")
    badge = tab.locator("#sn-due-badge")
    expect(badge).to_be_visible()
    due = int(badge.inner_text())
    tab.get_by_role("link", name="Study this note").click()
    _state(tab, "front")
    tab.locator("#sn-review-source").click()
    expect(tab).to_have_url(f"{base}/notes/retrieval/rag")
    tab.go_back()
    _state(tab, "front")
    tab.keyboard.press("Space")
    tab.keyboard.press("4")
    expect(tab.locator("#sn-due-badge")).to_have_text(str(due - 1))
    assert problems == []
