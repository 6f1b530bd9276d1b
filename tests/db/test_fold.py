"""Words as the search index keeps them: lower case, without diacritics, whatever the text."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from studynotes.db.search.query import fold


def _each_character(text: str) -> str:
    """The rule, one character at a time."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@given(st.text())
@example("Café naïve — Ærøskøbing, \ufb01 \uff26\uff55\uff4c\uff4c, Å\u0301, 東京")
def test_folding_drops_every_combining_mark_and_nothing_else(text: str) -> None:
    assert fold(text) == _each_character(text)


def test_a_word_with_accents_is_found_by_its_plain_letters() -> None:
    assert fold("Café Crème") == "cafe creme"
