"""Pathological markdown parses and renders fast, without RecursionError, and stays sanitised."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from itertools import pairwise

import pytest

from studynotes.frontmatter import parse_frontmatter
from studynotes.ingest.parse import parse_note
from studynotes.ingest.render import Vault, render_note
from studynotes.ingest.resolve import resolve_all
from studynotes.paths import VaultPath
from studynotes.sanitize import sanitize

TimeLimit = Callable[[float], AbstractContextManager[None]]
FindUnsafe = Callable[..., list[str]]

BUDGET = 2.0  # seconds for one note, parse and render; each case takes a fraction of it


def _render(text: str) -> str:
    path = VaultPath("Note.md")
    note = parse_note(path, text)
    vault = Vault({path: note}, {path: "note"}, resolve_all({path: note}, []))
    return render_note(vault, path)


def _timed(text: str, time_limit: TimeLimit) -> tuple[str, float]:
    started = time.perf_counter()
    with time_limit(10 * BUDGET):
        html = _render(text)
    return html, time.perf_counter() - started


N = 100_000
PATHOLOGICAL = {
    "100k [[": "[[" * N,
    "100k [[ then ]]": "[[" * N + "]]",
    "100k ![[": "![[" * N,
    "100k $": "$" * N,
    "50k $x": "$x" * (N // 4),
    "100k ==": "==" * N,
    "100k %%": "%%" * N,
    "100k %% lines": "%%\n" * N,
    "100k [": "[" * N,
    "100k ^[": "^[" * N,
    "100k [^": "[^" * N,
    "100k <": "<" * N,
    "100k (": "(" * N,
    "100k *": "*" * N,
    "100k `": "`" * N,
    "100k ~~": "~~" * N,
    "100k #": "#" * N,
    "[[ with 100k pipes ]]": "[[" + "|" * N + "]]",
    "5,000 nested > on one line": ">" * 5_000 + " deep",
    "5,000 nested '> ' on one line": "> " * 5_000 + "deep",
    "5,000 nested > on many lines": "\n".join(">" * 5_000 + f" line {i}" for i in range(20)),
    "5,000 nested callouts": "> [!note] t\n" * 5_000,
    "10,000 nested - items": "- " * 10_000 + "deep",
    "10,000 nested 1. items": "1. " * 10_000 + "deep",
    "10,000 nested quote-list": "> - " * 5_000 + "deep",
    "2,000 tab-indented list levels": "".join("\t" * i + "- x\n" for i in range(2_000)),
    "10,000 nested emphasis": "*a " * 10_000 + "a*" * 10_000,
    "10,000 nested links": "[a" * 10_000 + "](x)" * 10_000,
    "100k nested <div>": "<div>" * N,
    "20k nested <ul><li>": "<ul><li>" * 20_000,
    "10k nested <details>": "<details><summary>s</summary>" * 10_000,
    "10,000 nested footnotes": "^[" * 10_000 + "]" * 10_000,
    "10,000 nested math braces": "$" + "{" * 10_000 + "x" + "}" * 10_000 + "$",
    "a 200 kB formula": "$$\n" + "x^" * 100_000 + "\n$$",
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_renders_fast_and_safe(
    text: str, time_limit: TimeLimit, find_unsafe: FindUnsafe
) -> None:
    html, seconds = _timed(text, time_limit)
    assert seconds < BUDGET
    assert find_unsafe(html) == []


# Shapes that were quadratic before (each many times a 160 kB note took half a minute): a
# list, footnotes, definition lists, task lists, headings, table-like lines, links in one
# paragraph, comments between lines. Four times the input may cost at most ~8 times the time.
SCALING = {
    "list items under an item": "- a\n  ",
    "footnote definitions": "[^a]: b\n",
    "definition list lines": ": a\n",
    "task items": "- [ ] a\n",
    "equal headings": "# a\n",
    "pipe lines": "a|b\n",
    "links with headings": "[[a#b]]\n",
    "comment lines": "a\n%%\n",
    "bold lines": "**a**: b\n",
    "reference links": "[a]: b\n[a]\n",
}


@pytest.mark.parametrize("unit", SCALING.values(), ids=SCALING.keys())
def test_repeated_shapes_scale_linearly(unit: str, time_limit: TimeLimit) -> None:
    # The best of three: one slow run (another process on the core) is no quadratic.
    small = min(_timed(unit * 1_500, time_limit)[1] for _ in range(3))
    large = min(_timed(unit * 6_000, time_limit)[1] for _ in range(3))
    assert large < 8 * small + 0.1, (small, large)
    assert large < BUDGET


def test_deep_raw_html_is_flattened_not_lost() -> None:
    html = sanitize("<div>" * 1_000 + "kept text" + "</div>" * 1_000)
    assert "kept text" in html
    assert html.count("<div>") <= 256


def test_a_long_run_still_lets_a_link_after_it_resolve() -> None:
    path, target = VaultPath("Note.md"), VaultPath("Target.md")
    notes = {
        path: parse_note(path, "[" * 500 + "[[Target]] and " + "$" * 500),
        target: parse_note(target, "# Target\n"),
    }
    vault = Vault(notes, {path: "note", target: "target"}, resolve_all(notes, []))
    assert 'href="/notes/target"' in render_note(vault, path)


# --- frontmatter ------------------------------------------------------------------------------


def _laughs(levels: int) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in pairwise("abcdefghijklmnop"[:levels]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "yaml",
    [
        _laughs(9),  # 300 bytes that expand to 387 million strings
        "a: &a [*a]",  # a list that contains itself
        "a: &a {b: *a}",
        "x: " + "[" * 5_000 + "]" * 5_000,
        "x: " + "{a: " * 2_000 + "1" + "}" * 2_000,
        "[unclosed\n: : :",
        "- just\n- a list",
        "key: value\nkey: duplicate",
        "? [complex, key]\n: value",
        "!!python/object/apply:os.system ['echo pwned']",
        "x: !!binary aGVsbG8=",
        "x: 1e999999\ny: .nan\nz: 2024-13-45",
        "\t: tabs",
        "x: '\x00\x01'",
    ],
)
def test_hostile_frontmatter_is_a_warning_and_the_body_still_renders(
    yaml: str, time_limit: TimeLimit
) -> None:
    with time_limit(10):
        started = time.perf_counter()
        fm = parse_frontmatter(yaml)
        html = _render(f"---\n{yaml}\n---\n# Body\n\nStill here.\n")
    assert time.perf_counter() - started < BUDGET
    assert "Still here." in html
    assert len(repr(fm.data)) < 1_000_000


def test_alias_bombs_are_refused_with_a_warning() -> None:
    fm = parse_frontmatter(_laughs(9))
    assert fm.data == {}
    assert fm.warnings and "frontmatter" in fm.warnings[0]
