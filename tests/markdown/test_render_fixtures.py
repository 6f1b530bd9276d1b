"""Every Obsidian construct, rendered inside the fixture vault, against reviewed HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

CASES_DIR = Path(__file__).parents[1] / "fixtures" / "render"


CASES = [
    pytest.param(source, expected, id=f"{path.stem}: {title}")
    for path in sorted(CASES_DIR.glob("*.md"))
    for _, title, source, expected in read_fixture_file(path)
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_renders_like_obsidian(render: Callable[[str], str], source: str, expected: str) -> None:
    assert render(source).strip() == expected.strip()
