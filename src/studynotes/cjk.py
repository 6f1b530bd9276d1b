"""What counts as CJK text, in one place for search, the glossary and term labels.

CJK is written without spaces between words, so code that splits text into words treats
these characters apart: kana, the CJK ideographs (extension A, the unified block, the
compatibility block and the supplementary planes' extensions) and Hangul syllables.
"""

from __future__ import annotations

import re

__all__ = ["CJK_CHAR", "CJK_CLASS", "has_cjk"]

# A regular-expression character class, for patterns that need CJK inside a larger rule.
CJK_CLASS = (
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]"
)
CJK_CHAR = re.compile(CJK_CLASS)


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a CJK character (ASCII text is answered without a scan)."""
    return not text.isascii() and CJK_CHAR.search(text) is not None
