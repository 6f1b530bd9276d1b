"""Query text to tokens: words, numbers, strings, tags, links and operators."""

from __future__ import annotations

import re
from dataclasses import dataclass

from studynotes.dataview.errors import QueryError

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<link>!?\[\[[^\]\n]*\]\])
  | (?P<number>\d+(?:\.\d+)?(?!\w))
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<tag>\#[^\s,()\[\]"#!=<>+*/%.][^\s,()\[\]"#!=<>+*%]*)
  | (?P<word>[^\W\d][\w]*(?:-[^\W\d][\w]*)*|\d[\w-]*[^\W\d][\w-]*)
  | (?P<op><=|>=|!=|[=<>+\-*/%(),.\[\]!{}:])
    """,
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\(.)")


@dataclass(slots=True, frozen=True)
class Tok:
    kind: str  # word | number | string | tag | link | op | end
    text: str
    pos: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.lower() in words


def tokenize(source: str) -> list[Tok]:
    out: list[Tok] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            raise QueryError(f"unexpected character {source[pos]!r}", pos, source)
        kind = m.lastgroup or "op"
        if kind != "space":
            text = m.group(0)
            if kind == "string":
                text = _ESCAPE.sub(lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)),
                                   text[1:-1])  # fmt: skip
            out.append(Tok(kind, text, pos))
        pos = m.end()
    out.append(Tok("end", "", len(source)))
    return out
