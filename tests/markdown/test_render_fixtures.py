"""Every Obsidian construct, rendered inside the fixture vault, against reviewed HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

CASES_DIR = Path(__file__).parents[1] / "fixtures" / "render"


def load_cases(path: Path) -> list[tuple[str, str, str]]:
    """Cases are ``title / . / input / . / expected / .`` blocks, as in markdown-it's fixtures."""
    cases: list[tuple[str, str, str]] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title = lines[i]
        parts: list[list[str]] = [[], []]
        i += 2  # skip the title and the first "."
        for part in parts:
            while lines[i] != ".":
                part.append(lines[i])
                i += 1
            i += 1
        cases.append((title, "\n".join(parts[0]) + "\n", "\n".join(parts[1])))
    return cases


CASES = [
    pytest.param(source, expected, id=f"{path.stem}: {title}")
    for path in sorted(CASES_DIR.glob("*.md"))
    for title, source, expected in load_cases(path)
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_renders_like_obsidian(render: Callable[[str], str], source: str, expected: str) -> None:
    assert render(source).strip() == expected.strip()
