"""The bold lead-ins a note opens lines with: ``**Example:**``, ``**Proof**:``.

A phrase one note seems to define is a label when many notes open lines with it in bold,
most of them with nothing a definition would say (``**Esempio:**`` above a worked example
in forty notes). The per-note step only lists them; ``collect`` counts them vault-wide,
in any language, where the label word lists of ``_labels`` know only English.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

from studynotes.glossary._labels import label_key
from studynotes.glossary.paragraph import lines, matching_close
from studynotes.markdown.inline import inline_text

__all__ = ["bold_leads"]

_COLONS = (":", "\uff1a")
_LONGEST = 60  # characters: a longer bold run opening a line is a sentence, not a label


def bold_leads(tokens: Sequence[Token]) -> list[str]:
    """The label keys (``label_key``) of the bold runs that open a line of this note and
    end in a colon, inside the bold or just after it; each once, sorted."""
    found: set[str] = set()
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        for line in lines(children):
            if not line.opens_bold(children):
                continue
            close = matching_close(children, line.start, line.end)
            if close is None:
                continue
            bold = inline_text(children[line.start + 1 : close]).strip()
            after = children[close + 1] if close + 1 < line.end else None
            colon = bold.endswith(_COLONS) or (
                after is not None and after.type == "text" and after.content.startswith(_COLONS)
            )
            key = label_key(bold).rstrip(":\uff1a").strip()
            if colon and key and len(key) <= _LONGEST:
                found.add(key)
    return sorted(found)
