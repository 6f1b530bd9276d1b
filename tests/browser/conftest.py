"""Headless Chromium (Debian's) driven by Playwright against a real `studynotes serve`.

Without Chromium these tests skip, and say so; with ``CI`` set they never skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests, but chromium is not installed")
        pytest.skip("browser tests need Debian's chromium (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def served_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled vault: the one ``server`` serves, for tests that edit it."""
    vault = tmp_path_factory.mktemp("browser") / "notes"
    shutil.copytree(REPO / "notes", vault)
    return vault


@pytest.fixture(scope="session")
def server(session_servers: Any, served_vault: Path) -> str:
    """The bundled vault, served on a free loopback port, stopped at the end."""
    base: str = session_servers.start(served_vault)
    return base


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class PageProblems:
    """JavaScript errors and requests to anywhere but our server, seen during a test."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []


@pytest.fixture
def page(browser: object, server: str) -> Iterator[object]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    problems = PageProblems()
    tab = context.new_page()
    tab.on("pageerror", lambda exc: problems.errors.append(str(exc)))
    tab.on(
        "console",
        lambda msg: problems.errors.append(msg.text) if msg.type == "error" else None,
    )

    def check_request(request: object) -> None:
        url = getattr(request, "url", "")
        # Browser-internal pages (the PDF viewer's chrome-extension:// files) are not network.
        if url.startswith(("http:", "https:", "ws:", "wss:", "ftp:")) and not url.startswith(
            server + "/"
        ):
            problems.foreign.append(url)

    tab.on("request", check_request)
    tab.set_default_timeout(10_000)
    tab.problems = problems  # type: ignore[attr-defined]
    tab.base = server  # type: ignore[attr-defined]
    yield tab
    context.close()
    assert problems.errors == [], f"JavaScript errors: {problems.errors}"
    assert problems.foreign == [], f"requests that left the server: {problems.foreign}"
