"""The one CJK rule: which characters search and the glossary treat as CJK."""

from __future__ import annotations

import pytest

from studynotes.cjk import CJK_CHAR, has_cjk


@pytest.mark.parametrize(
    "text", ["注意力", "ひらがな", "カタカナ", "한국어", "\uf900", "\U00020000"]
)
def test_chinese_japanese_and_korean_text_counts_as_cjk(text: str) -> None:
    assert has_cjk(text)
    assert CJK_CHAR.fullmatch(text[0])


@pytest.mark.parametrize("text", ["", "attention", "café", "Ελληνικά", "\u3001\u3002", "\uff01"])
def test_latin_greek_and_cjk_punctuation_do_not(text: str) -> None:
    assert not has_cjk(text)
