"""A small vault of study notes, parsed, as the table queries run over."""

from __future__ import annotations

import pytest

from studynotes.dataview.pages import Table, build_table
from studynotes.ingest.parse import parse_note
from studynotes.paths import VaultPath

# A student's notes: properties, inline fields in all three forms, tasks, tags, links.
NOTES = {
    "Courses/Linear Algebra.md": (
        "---\ntags: [course, math]\nstatus: active\ndifficulty: 4\naliases: [LinAlg]\n---\n"
        "# Linear Algebra\n\nExam:: 2024-06-10\nSee [[Eigenvalues]] and [[Matrices]].\n\n"
        "- [ ] revise chapter 3\n- [x] hand in sheet 2\n"
    ),
    "Courses/Statistics.md": (
        "---\ntags: [course, math/stats]\nstatus: done\ndifficulty: 2\n---\n"
        "Grade [grade:: 1.3] and effort (effort:: 3 hours).\nUses [[Matrices]].\n\n"
        "- [ ] read the errata\n"
    ),
    "Topics/Eigenvalues.md": (
        "#math\n\nstatus:: learning\ndifficulty:: 5\nLinks back to [[Linear Algebra]].\n"
    ),
    "Topics/Matrices.md": "---\nstatus: done\ndifficulty: 1\n---\nPlain notes, #math/basics.\n",
    "Inbox/2024-05-01.md": "Daily note. mood:: fine\n\n- [x] shopping\n",
    "Archive/Old Course.md": "---\ntags: [course]\nstatus: dropped\n---\nNothing here.\n",
}


@pytest.fixture(scope="session")
def table() -> Table:
    return make_table(NOTES, {"linalg": "Courses/Linear Algebra.md"})


def make_table(notes: dict[str, str], aliases: dict[str, str] | None = None) -> Table:
    """The table of ``notes`` (path: text), parsed; links land by note name or ``aliases``."""
    parsed = {VaultPath(p): parse_note(VaultPath(p), text) for p, text in notes.items()}
    names = {p.rsplit("/", 1)[-1].removesuffix(".md").casefold(): p for p in parsed}
    names.update(aliases or {})
    rows = []
    for i, (path, note) in enumerate(sorted(parsed.items())):
        targets = [names.get(link.target.casefold()) for link in note.links]
        rows.append((path, note, targets, 1_700_000_000_000_000_000 + i * 10**9, 100 + i))
    slugs = {p: p.removesuffix(".md").lower().replace(" ", "-") for p in parsed}
    return build_table(rows, slugs)
