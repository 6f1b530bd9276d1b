from collections.abc import Callable

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from studynotes.glossary.extract import TermCandidate, extract_terms


def _make_parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"breaks": True, "html": True})
        .enable(["table", "strikethrough"])
        .use(deflist_plugin)
    )


@pytest.fixture
def new_parser() -> Callable[[], MarkdownIt]:
    """A factory, for tests that change the parser or need front matter."""
    return _make_parser


@pytest.fixture(scope="session")
def md() -> MarkdownIt:
    return _make_parser()


@pytest.fixture(scope="session")
def md_frontmatter() -> MarkdownIt:
    return _make_parser().use(front_matter_plugin)


@pytest.fixture(scope="session")
def extract(md: MarkdownIt) -> Callable[[str], list[TermCandidate]]:
    def run(text: str) -> list[TermCandidate]:
        env: dict[str, object] = {}
        return extract_terms(md.parse(text, env), md, env)

    return run
