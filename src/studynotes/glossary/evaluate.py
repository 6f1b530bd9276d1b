"""Score the glossary against a hand-labelled corpus of phrases from real vaults.

The corpus (``tests/glossary/corpus/labels.tsv``) says, for bold or defined phrases at a
(path, line) of a vault, whether each is a ``term``, a ``label`` or ``ambiguous``. This
module only compares: which vault to index and how is the caller's business
(``bench/glossary_eval.py``), so the scoring is tested on made-up data without a vault.

Precision is the share of extracted terms labelled ``term`` among those labelled ``term``
or ``label`` (ambiguous ones count for neither side). Recall is the share of ``term``
phrases the glossary explains: some extracted term of the vault has that name or alias, so
the reader gets its tooltip there, wherever in the vault it was defined.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from studynotes.glossary.collect import term_key

__all__ = [
    "LABELS",
    "Extracted",
    "Label",
    "LabelledPhrase",
    "VaultScore",
    "format_details",
    "format_table",
    "phrase_keys",
    "read_corpus",
    "score_vault",
]

Label = Literal["term", "label", "ambiguous"]
LABELS: tuple[Label, ...] = ("term", "label", "ambiguous")
COLUMNS = ("vault", "commit", "path", "line", "phrase", "label")


@dataclass(frozen=True, slots=True)
class LabelledPhrase:
    vault: str
    commit: str
    path: str
    line: int
    phrase: str
    label: Label


@dataclass(frozen=True, slots=True)
class Extracted:
    """A term as the glossary shows it: where it is defined, its name and aliases."""

    path: str
    line: int
    name: str
    aliases: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        return {k for k in (term_key(n) for n in (self.name, *self.aliases)) if k}


@dataclass(slots=True)
class VaultScore:
    vault: str
    extracted: int = 0
    correct: list[Extracted] = field(default_factory=list)
    false_positives: list[tuple[Extracted, LabelledPhrase]] = field(default_factory=list)
    ambiguous: list[Extracted] = field(default_factory=list)
    unlabelled: list[Extracted] = field(default_factory=list)  # in labelled notes, no row
    outside: int = 0  # extracted in notes the corpus does not cover
    found: list[LabelledPhrase] = field(default_factory=list)
    misses: list[LabelledPhrase] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        judged = len(self.correct) + len(self.false_positives)
        return len(self.correct) / judged if judged else None

    @property
    def recall(self) -> float | None:
        wanted = len(self.found) + len(self.misses)
        return len(self.found) / wanted if wanted else None


def read_corpus(path: Path) -> list[LabelledPhrase]:
    """The labelled rows of a TSV file with the ``COLUMNS`` header, checked as read."""
    rows: list[LabelledPhrase] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or tuple(header) != COLUMNS:
            raise ValueError(f"{path}: the header must be {'/'.join(COLUMNS)}, got {header}")
        for number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(COLUMNS) or row[5] not in LABELS or not row[3].isdigit():
                raise ValueError(f"{path}:{number}: not a labelled row: {row}")
            vault, commit, note, line, phrase, label = row
            rows.append(LabelledPhrase(vault, commit, note, int(line), phrase, cast(Label, label)))
    return rows


_PAREN = re.compile(r"\s*\([^()]*\)\s*")
_WHAT_IS = re.compile(r"^(?:what\s+(?:is|are)|what's)\s+(?:(?:an?|the)\s+)?", re.IGNORECASE)


def phrase_keys(phrase: str) -> set[str]:
    """Names a phrase may be shown under: as written, without its ``(…)``, or as the subject
    of ``What is X?`` (``Exact Match (EM)`` is shown as ``Exact Match``, alias ``EM``)."""
    forms = {phrase, _PAREN.sub(" ", phrase), _WHAT_IS.sub("", phrase.rstrip("?\uff1f "))}
    return {k for k in map(term_key, forms) if k}


def _match(term: Extracted, rows: Sequence[LabelledPhrase]) -> LabelledPhrase | None:
    """The row a term came from: its line and name, else the only row on its line, else
    the nearest row of its note with its name (a glossary note's term is its title)."""
    keys = term.keys()
    same_name = [row for row in rows if phrase_keys(row.phrase) & keys]
    same_line = [row for row in rows if row.line == term.line]
    for row in same_name:
        if row.line == term.line:
            return row
    if len(same_line) == 1:
        return same_line[0]
    return min(same_name, key=lambda row: abs(row.line - term.line), default=None)


def score_vault(
    vault: str, labelled: Iterable[LabelledPhrase], extracted: Iterable[Extracted]
) -> VaultScore:
    """Compare one vault's extracted terms with its labelled rows (other vaults ignored)."""
    by_note: dict[str, list[LabelledPhrase]] = defaultdict(list)
    for row in labelled:
        if row.vault == vault:
            by_note[row.path].append(row)
    score = VaultScore(vault)
    explained: set[str] = set()
    for term in extracted:
        score.extracted += 1
        explained |= term.keys()
        if term.path not in by_note:
            score.outside += 1
            continue
        source = _match(term, by_note[term.path])
        if source is None:
            score.unlabelled.append(term)
        elif source.label == "term":
            score.correct.append(term)
        elif source.label == "label":
            score.false_positives.append((term, source))
        else:
            score.ambiguous.append(term)
    for rows in by_note.values():
        for row in rows:
            if row.label == "term":
                hit = bool(phrase_keys(row.phrase) & explained)
                (score.found if hit else score.misses).append(row)
    return score


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def format_table(scores: Sequence[VaultScore]) -> str:
    """One line per vault: precision, recall and the counts behind them."""
    head = (
        "vault",
        "precision",
        "recall",
        "extracted",
        "term",
        "label",
        "ambig",
        "unlab",
        "missed",
    )
    lines = [head]
    for s in scores:
        lines.append(
            (
                s.vault,
                _percent(s.precision),
                _percent(s.recall),
                str(s.extracted - s.outside),
                str(len(s.correct)),
                str(len(s.false_positives)),
                str(len(s.ambiguous)),
                str(len(s.unlabelled)),
                f"{len(s.misses)}/{len(s.misses) + len(s.found)}",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def format_details(score: VaultScore, *, limit: int = 10) -> str:
    """The worst false positives (labels most often taken for terms) and misses."""
    out = [f"== {score.vault}"]
    if score.outside:
        out.append(f"   ({score.outside} terms extracted in notes the corpus does not cover)")
    counts: dict[str, int] = defaultdict(int)
    for _, row in score.false_positives:
        counts[row.phrase] += 1
    worst = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))[:limit]
    if worst:
        out.append("   false positives: " + ", ".join(_times(p, n) for p, n in worst))
    missed: dict[str, int] = defaultdict(int)
    for row in score.misses:
        missed[row.phrase] += 1
    if missed:
        top = sorted(missed.items(), key=lambda item: (-item[1], item[0].casefold()))[:limit]
        out.append("   misses: " + ", ".join(_times(p, n) for p, n in top))
    if score.unlabelled:
        names = [f"{t.name} ({t.path}:{t.line})" for t in score.unlabelled[:limit]]
        out.append("   unlabelled (add rows to the corpus): " + ", ".join(names))
    return "\n".join(out)


def _times(phrase: str, count: int) -> str:
    return f"{phrase} x{count}" if count > 1 else phrase
