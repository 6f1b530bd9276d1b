"""Score the extractor on a realistic study note against a hand-labelled term list."""

from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from studynotes.glossary.collect import term_key
from studynotes.glossary.extract import TermCandidate, extract_terms

FIXTURES = Path(__file__).parent / "fixtures"


def _expected() -> list[set[str]]:
    lines = (FIXTURES / "study_note.expected").read_text(encoding="utf-8").splitlines()
    return [
        {term_key(name) for name in line.split(" | ")}
        for line in lines
        if line.strip() and not line.startswith("#")
    ]


@pytest.fixture(scope="module")
def found(md_frontmatter: MarkdownIt) -> list[TermCandidate]:
    md = md_frontmatter
    env: dict[str, Any] = {}
    text = (FIXTURES / "study_note.md").read_text(encoding="utf-8")
    return extract_terms(md.parse(text, env), md, env)


def _names(candidate: TermCandidate) -> set[str]:
    return {term_key(candidate.name), *(term_key(a) for a in candidate.aliases)}


def test_extractor_precision_and_recall_on_a_realistic_note(found: list[TermCandidate]) -> None:
    expected = _expected()
    true_positives = [c for c in found if any(_names(c) & names for names in expected)]
    recalled = [names for names in expected if any(_names(c) & names for c in found)]
    false_positives = sorted(c.name for c in found if c not in true_positives)
    precision = len(true_positives) / len(found)
    recall = len(recalled) / len(expected)
    assert precision >= 0.9, f"precision {precision:.2f}; false terms: {false_positives}"
    assert recall >= 0.8, f"recall {recall:.2f}"


def test_no_label_from_the_realistic_note_becomes_a_term(found: list[TermCandidate]) -> None:
    labels = {
        "resources",
        "summary",
        "key terms",
        "skip pointers",
        "indexing pipeline",
        "crawl",
        "parse",
        "index",
        "note",
        "complexity",
        "parameters",
        "k1",
        "pros",
        "cons",
        "boolean model",
        "vector space model",
        "example",
        "metrics",
        "datasets",
        "evaluation campaigns",
        "step 1",
        "trade-offs",
        "limitations",
        "important",
        "intuition",
        "back to",
    }
    assert {term_key(c.name) for c in found} & labels == set()
