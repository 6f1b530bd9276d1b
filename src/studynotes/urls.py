"""The one place that builds URLs; templates and renderers never concatenate paths."""

from __future__ import annotations

from urllib.parse import quote


def note_url(slug: str, anchor: str | None = None) -> str:
    url = "/notes/" + quote(slug, safe="/")
    return f"{url}#{quote(anchor, safe='^')}" if anchor else url


def tag_url(tag: str) -> str:
    return "/tags/" + quote(tag, safe="/")


def file_url(path: str) -> str:
    return "/files/" + quote(path, safe="/")


def term_url(slug: str) -> str:
    return "/glossary/" + quote(slug, safe="")


def canvas_url(path: str) -> str:
    return "/canvas/" + quote(path, safe="/")


def attachment_url(path: str) -> str:
    """Where a link to a file that is not a note opens: a board's page, or the file."""
    return canvas_url(path) if path.lower().endswith(".canvas") else file_url(path)


def canvas_preview_url(path: str) -> str:
    return "/canvas-preview/" + quote(path, safe="/")
