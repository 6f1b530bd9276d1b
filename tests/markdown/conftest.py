"""The parser each plugin test renders with: the app's CommonMark settings plus one plugin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from markdown_it import MarkdownIt

Plugin = Callable[[MarkdownIt], None]
MakeMd = Callable[[Plugin], MarkdownIt]


@pytest.fixture
def make_md() -> MakeMd:
    """Build a parser with only ``plugin`` added, so each test isolates its plugin."""

    def build(plugin: Plugin) -> MarkdownIt:
        return (
            MarkdownIt("commonmark", {"breaks": True, "html": True})
            .enable(["table", "strikethrough"])
            .use(plugin)
        )

    return build
