"""What the parser learns about one note, handed from the markdown plugins to ingest.

Plugins record facts in the ``env`` dict given to ``md.parse(src, env)``; ``facts(env)``
reads them back typed. Nothing here knows about other notes.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any, Literal

LinkKind = Literal["link", "embed"]


@dataclass(slots=True)
class RawLink:
    """A link as written: ``[[target#heading^block|display]]`` or a markdown link to a note."""

    target: str
    heading: str | None = None
    block: str | None = None
    display: str | None = None
    kind: LinkKind = "link"
    line: int = 0
    width: int | None = None
    height: int | None = None
    markdown: bool = False
    context: str = ""  # the text of the paragraph or item around the link


@dataclass(slots=True)
class HeadingFact:
    level: int
    text: str
    anchor: str
    line: int


@dataclass(slots=True)
class BlockFact:
    id: str
    line: int


@dataclass(slots=True)
class TagFact:
    name: str
    line: int


@dataclass(slots=True)
class Facts:
    links: list[RawLink] = field(default_factory=list)
    headings: list[HeadingFact] = field(default_factory=list)
    blocks: list[BlockFact] = field(default_factory=list)
    tags: list[TagFact] = field(default_factory=list)


def facts(env: MutableMapping[str, Any]) -> Facts:
    """The facts collected in ``env``, created on first use."""
    found = env.get("facts")
    if not isinstance(found, Facts):
        found = Facts()
        env["facts"] = found
    return found
