"""``studynotes check``: the vault's problems, like a compiler's diagnostics."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, select

from studynotes.db.models import Link, Note, Term


@dataclass(slots=True, frozen=True)
class Problem:
    path: str
    line: int
    kind: str
    message: str

    def as_text(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.kind}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _link_ref(link: Link) -> str:
    ref = link.raw_target
    if link.heading:
        ref += "#" + link.heading
    if link.block:
        ref += "#^" + link.block
    return ("![[" if link.kind == "embed" else "[[") + ref + "]]"


def find_problems(engine: Engine) -> list[Problem]:
    """Everything a reader would trip over, sorted by file and line."""
    problems: list[Problem] = []
    with engine.connect() as conn:
        paths = {nid: path for nid, path in conn.execute(select(Note.id, Note.path))}
        rows = conn.execute(
            select(
                Link.source_id, Link.line, Link.kind, Link.raw_target, Link.heading, Link.block,
                Link.resolved, Link.ambiguous, Link.missing_anchor, Link.via_alias,
            )
        ).all()  # fmt: skip
        for r in rows:
            path = paths[r.source_id]
            ref = Link(raw_target=r.raw_target, heading=r.heading, block=r.block, kind=r.kind)
            shown = _link_ref(ref)
            if not r.resolved:
                kind = "unresolved-embed" if r.kind == "embed" else "unresolved-link"
                problems.append(Problem(path, r.line, kind, f"{shown}: no such note or file"))
            elif r.ambiguous:
                problems.append(
                    Problem(path, r.line, "ambiguous-link", f"{shown} matches more than one file")
                )
            if r.resolved and r.missing_anchor:
                what = "block" if r.block else "heading"
                problems.append(
                    Problem(path, r.line, f"missing-{what}", f"{shown}: no such {what}")
                )
        by_name: dict[str, list[str]] = defaultdict(list)
        for path in paths.values():
            by_name[posixpath.basename(path).casefold()].append(path)
        for same in by_name.values():
            if len(same) > 1:
                for path in same:
                    others = ", ".join(p for p in same if p != path)
                    problems.append(Problem(path, 0, "duplicate-name", f"same name as {others}"))
        for path, warnings in conn.execute(select(Note.path, Note.warnings)):
            for w in warnings:
                kind = "invalid-frontmatter" if "frontmatter" in w else "warning"
                problems.append(Problem(path, 1 if kind == "invalid-frontmatter" else 0, kind, w))
        for path, parsed in conn.execute(select(Note.path, Note.parsed)):
            for card in (parsed or {}).get("card_problems", []):
                problems.append(Problem(path, card["line"], "malformed-card", card["message"]))
        for term in conn.execute(
            select(Term.name, Term.line, Term.note_id).where(Term.empty.is_(True))
        ):
            problems.append(
                Problem(
                    paths[term.note_id],
                    term.line,
                    "empty-term",
                    f"**{term.name}** has no definition",
                )
            )
    problems.sort(key=lambda p: (p.path, p.line, p.kind))
    return problems
