"""What a browser test watches for on a page it opens itself (the ``page`` fixture watches
its own): script errors, console errors (CSP violations among them), other origins."""

from __future__ import annotations

from playwright.sync_api import Page


def watch(tab: Page, base: str) -> list[str]:
    """Script errors, console errors (CSP violations among them) and other origins."""
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on(
        "request",
        lambda r: (
            problems.append(r.url)
            if r.url.startswith(("http:", "https:")) and not r.url.startswith(base + "/")
            else None
        ),
    )
    return problems
