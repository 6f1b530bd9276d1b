"""A link's context: the paragraph around it as safe inline HTML, as it reads in the note.

Each fixture case is a note, then the context of each of its links in order, one
``target → context`` line per link; the expected HTML was reviewed by eye.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from markdown_it.utils import read_fixture_file

from studynotes.markdown import make_parser
from studynotes.markdown.facts import facts
from studynotes.sanitize import sanitize_inline

CASES = read_fixture_file(Path(__file__).parent / "fixtures" / "contexts.md")


def _contexts(source: str) -> str:
    env: dict[str, Any] = {}
    make_parser().parse(source, env)
    return "\n".join(f"{link.target} → {link.context}" for link in facts(env).links)


@pytest.mark.parametrize(("line", "title", "source", "expected"), CASES, ids=[c[1] for c in CASES])
def test_link_context_reads_as_the_note_shows_it(
    line: int, title: str, source: str, expected: str
) -> None:
    assert _contexts(source) == expected.rstrip("\n")


def test_contexts_of_many_links_in_one_paragraph_are_each_around_their_link() -> None:
    words = [f"w{i}" for i in range(400)]
    source = " ".join(f"[[{w}]]" if i % 50 == 0 else w for i, w in enumerate(words))
    env: dict[str, Any] = {}
    make_parser().parse(source, env)
    for link in facts(env).links:
        assert f'<span class="ref-link">{link.target}</span>' in link.context
        assert len(link.context) < 600
        assert sanitize_inline(link.context) == link.context
