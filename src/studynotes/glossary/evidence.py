"""Termhood: whether a phrase written in a definition's shape names a term.

The shapes (``shapes.py``) find places that look like definitions; study notes are full
of labels in the same shapes (``**Size**: 60,000 images``, ``**Remedies**:``). So each
candidate is weighed on evidence the vault gives for it and against it, and kept when the
evidence for it wins. Every piece of evidence has a reason an owner can read
(``studynotes glossary``).

For it: a definition's own form (``X is a ...``, a definition list, a question and its
answer), an expansion (``Mean Squared Error (MSE)``), a note named by the phrase, links
to it, a heading that announces terms ("Key terms") or is the phrase itself, a
definition that opens as a noun phrase ("A technique that ...").

Against it: a definition that is an instruction ("Use the ...", "Using ..."), a value
rather than a sentence ("largest value."), a sentence about something else (under a
heading "t-SNE", "t-SNE is ..."); a name that is an instruction ("Copy recovery codes"),
a judgement ("Complex Model", "Lack of ..."), a lone common word or adjective ("Size",
"Natural"); a heading over options, settings, causes, remedies or steps.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from studynotes.glossary._labels import (
    IMPERATIVES,
    PROCESS_VERBS,
    STEP_VERBS,
    is_plain_word,
    label_key,
    words,
)
from studynotes.glossary.candidate import TermCandidate

__all__ = ["KEEP_AT", "Setting", "VaultNames", "Verdict", "weigh", "weigh_lists", "weigh_vault"]

KEEP_AT = 1  # the evidence for a phrase must outweigh the evidence against it by this


@dataclass(frozen=True, slots=True)
class VaultNames:
    """Names the vault gives things: note titles and aliases, and what links point at."""

    titles: frozenset[str] = frozenset()
    linked: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Setting:
    """Where a candidate is written: the heading above it, if any, and that heading's line
    (0 above the first heading): candidates of one shape under one heading are a list."""

    heading: str | None = None
    section: int = 0


@dataclass(frozen=True, slots=True)
class Verdict:
    score: int
    reasons: tuple[str, ...]

    @property
    def kept(self) -> bool:
        return self.score >= KEEP_AT

    def why(self) -> str:
        return "; ".join(self.reasons)


# --- the words the rules read ------------------------------------------------------------

# Shapes that are definitions by their form: the author wrote "X is a ...", a definition
# list, or asked "What is X?" and answered it.
_DEFINING_SHAPES = {
    "sentence": "written as a sentence that defines it",
    "deflist": "a definition list's term",
    "what-is": "asked and answered as a question",
    "abbr": "an abbreviation written with its long name",
    "note": "a glossary note's title",
    "called": "a sentence names it (called, known as ...)",
}
# Headings over lists of terms.
_TERM_HEADING = re.compile(
    r"\b(?:key\s+terms?|terms|terminology|definitions?|glossary|vocabulary|concepts?"
    r"|notions|components?|types|kinds|elements|building\s+blocks|jargon|nomenclature"
    r"|acronyms|abbreviations|architecture|parts)\b"
)
# Headings over lists of labelled points: causes, remedies, options, settings, steps.
_POINTS_HEADING = re.compile(
    r"\b(?:causes?|remed(?:y|ies)|fix(?:es)?|solutions?|procedure|process|workflow|steps?"
    r"|practices?|tips?|advice|guidelines?|recommendations?|results?|findings|outcomes?"
    r"|problems?|issues?|challenges?|limitations?|(?:dis)?advantages?|pros|cons|benefits?"
    r"|drawbacks?|options?|settings?|preferences|messages?|errors?|warnings?|shortcuts?"
    r"|requirements?|prerequisites?|assumptions?|checklist|troubleshooting|connections?"
    r"|behaviou?rs?|rules?|policy|policies|sort|fit|flow|transitions?|signs?|symptoms?"
    r"|use\s+cases?|applications?|how\s+to|methods\s+for|ways\s+to)\b"
)
# Openings of a definition that read as a noun phrase: "A measure of ...", "This is a ...".
_NOUN_OPENING = re.compile(
    r"^(?:an?|the|any|one|each|this\s+is\s+(?:an?|the)|it\s+is\s+(?:an?|the)"
    r"|(?:a\s+)?(?:type|kind|form|class|family|measure|method|technique|process|set"
    r"|collection|function|model|way|property|metric|algorithm|approach)\s+(?:of|that|which|for"
    r"|used|where|in)|everything|anything|something|whatever"
    r"|[\w-]+\s+(?:whose|where|who)|[\w-]+\s+[\w-]+\s+(?:whose|which|that|where|who))\b",
    re.IGNORECASE,
)
_DEFINITION_VERBS = (
    IMPERATIVES
    | STEP_VERBS
    | PROCESS_VERBS
    | words(
        """skip download upload store assign tap touch press double-click right-click drag use
    opt plot monitor halt define measure grid reduce train ensure make keep go find see
    visit contact install launch log sign buy purchase pay enter provide include send reply
    search sort group rename copy paste restore delete backup back"""
    )
)
# Words that judge rather than name: "Complex Model", "Insufficient Data", "Lack of ...".
_JUDGEMENTS = words(
    """complex simple simpler more less better worse high higher low lower noisy noise
    insufficient inadequate improper poor limited lack lacks potential regular good bad
    great small large larger smaller big huge many few fewer no not non easy hard
    difficult fast slow faster slower cheap expensive costly efficient inefficient
    increased decreased reduced improved excessive overly too very"""
)
# "After rotations", "For future research", "Different techniques for ...": a phrase that
# opens with a preposition or a quantifier is a label or a clause, not a name.
_NOT_NAME_OPENERS = words(
    """after before for during in on at with without by from into onto via per about
    different various several some other many few all each every"""
)
# Lone words that are fields, values or platforms, not concepts.
_FIELDS = words(
    """size type types label labels resolution format formats length duration version name
    names owner status price cost date time value values count total number text audio
    video image images pdf color colour default automatic manual provider model models mac
    windows linux ios android web desktop mobile tags highlights markdown bases empty
    filled unique average median range sum min max earliest latest checked unchecked
    quit save natural specialized specialised structured unstructured stochastic
    deterministic impact scope speed accuracy quality memory storage source target
    input output goal purpose reason result interpretation logic challenge usage meaning
    n.b nb ps"""
)
_ADJECTIVE_END = re.compile(r"(?:ed|ic|ive|ous|ful|less|able|ible|ish)$", re.IGNORECASE)
_ADVERB = re.compile(r"^[a-z]{4,}(?:al|ive|ent|ant|ous|ic|ate|ful|ous)ly$")
_ANOTHER_NAME = re.compile(r"^(?:also|often|sometimes)\s+(?:called|known\s+as)\b", re.I)
_LEAD = re.compile(r"^[\W_]+")


def _first_word(text: str) -> str:
    parts = _LEAD.sub("", text).split()
    return parts[0].strip(",.;:()\"'“”").casefold() if parts else ""


def _heading_subject(heading: str) -> set[str]:
    """What a heading names: "t-Distributed ... (t-SNE)" names both forms."""
    keys = {label_key(heading)}
    inner = re.search(r"\(([^()]+)\)", heading)
    if inner:
        keys.add(label_key(inner.group(1)))
        keys.add(label_key(heading[: inner.start()]))
    return {k for k in keys if k}


def weigh(c: TermCandidate, where: Setting, names: VaultNames) -> Verdict:
    """The evidence for and against ``c`` naming a term, as a score and its reasons."""
    score = 0
    reasons: list[str] = []

    def add(points: int, why: str) -> None:
        nonlocal score
        score += points
        reasons.append(f"{'+' if points > 0 else ''}{points} {why}")

    key = label_key(c.name)
    keys = {key, *(label_key(a) for a in c.aliases)} - {""}
    parts = key.split()
    heading = label_key(where.heading or "").rstrip(":")
    definition = " ".join(c.definition.split())
    opening = _first_word(definition)

    if c.shape in _DEFINING_SHAPES:
        add(2, _DEFINING_SHAPES[c.shape])
    if c.aliases and c.shape not in ("note", "abbr"):
        add(2, f"written with another name ({c.aliases[0]})")
    if keys & names.titles:
        add(2, "a note is named so")
    elif keys & names.linked:
        add(1, "linked to in the vault")
    if heading and key in _heading_subject(where.heading or ""):
        add(2, "the heading above is its name")
    elif heading and _TERM_HEADING.search(heading):
        add(2, f"under a heading that announces terms ({where.heading})")
    elif heading and (_POINTS_HEADING.search(heading) or _imperative(heading)):
        weight = -1 if c.shape in _DEFINING_SHAPES else -2
        add(weight, f"under a heading of points, options or steps ({where.heading})")
    # A statement opens with the name itself: its opening says nothing of the kind.
    noun = c.shape != "statement" and bool(definition) and bool(_NOUN_OPENING.match(definition))
    if noun:
        add(1, "its definition opens as a noun phrase")
    elif _ANOTHER_NAME.match(definition):
        add(1, "its definition gives another name for it")
    elif opening in _DEFINITION_VERBS and c.shape not in ("sentence", "deflist"):
        add(-2, f"its definition is an instruction ({opening} ...)")
    if len(definition.split()) == 1 and not _FORMULA.search(definition) and c.shape != "note":
        add(-2, "its definition is a single word")  # "term: definition" in a syntax demo
    elif _is_value(definition) and not noun and c.shape not in ("note", "deflist"):
        add(-1, "its definition is a value, not a sentence")
    other = _opens_with_a_name(definition, where, names, keys)
    if other:
        add(-2, f"its definition is a sentence about {other}")
    if _FIELD_LIST.match(definition):
        add(-2, "its definition lists fields")
    if len(parts) >= 2 and parts[0] in _DEFINITION_VERBS:
        add(-2, f"its name is an instruction ({parts[0]} ...)")
    elif len(parts) >= 2 and _ADVERB.match(parts[0]):
        add(-2, "its name opens with an adverb")
    elif (len(parts) == 2 and parts[0] in _JUDGEMENTS and not c.aliases) or parts[:2] == [
        "lack",
        "of",
    ]:
        add(-2, f"its name is a judgement ({parts[0]} ...)")
    elif len(parts) >= 2 and parts[0] in ("the", "a", "an"):
        add(-2, "its name opens with an article")
    elif len(parts) >= 2 and parts[0] in _NOT_NAME_OPENERS:
        add(-2, f"its name opens like a phrase, not a name ({parts[0]} ...)")
    if definition.split("?")[0].count(" ") < 12 and "?" in definition[:80]:
        add(-1, "its definition is a question")
    if is_plain_word(c.name):
        if key in _FIELDS:
            add(-2, "a lone word that names a field or a value")
        elif _ADJECTIVE_END.search(key):
            add(-1, "a lone adjective")
    return Verdict(score, tuple(reasons))


_HEADING_VERBS = (
    IMPERATIVES
    | STEP_VERBS
    | words(
        """generate purchase delete customize customise customizing customising manage install
    connect switch upgrade cancel contact report restore create rename move search share
    publish import export sync back set"""
    )
)


_FORMULA = re.compile(r"[=\\≤≥<>∈⊂⊆→]")
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|has|have|can|does|do|means|if|when|\w+ing|\w+ed|\w{3,}ly)\b"
    r"|[=\\≤≥<>∈⊂⊆→]",  # or a formula: "f·g = g·f" defines commutativity
    re.I,
)


def _is_value(definition: str) -> bool:
    """A few words, no verb and no formula: "largest value.", ".md", "iCloud and Drive"."""
    return bool(definition) and len(definition.split()) <= 4 and not _VERBISH.search(definition)


_FIELD_LIST = re.compile(r"^`?[A-Za-z]\w*_\w+`?\s*[:=]")


def _opens_with_a_name(
    definition: str, where: Setting, names: VaultNames, keys: set[str]
) -> str | None:
    """The other thing a definition's first words name, if they name one: the subject of
    the heading above, or a note of the vault (``Obsidian Sync merges ...``)."""
    head = definition.split()[:5]
    subjects = _heading_subject(where.heading) if where.heading else set()
    for n in range(len(head), 0, -1):
        words_ = " ".join(head[:n])
        key = label_key(words_)
        if len(key) < 2 or key in keys or key in _COMMON_OPENINGS:
            continue
        if key in subjects or (key in names.titles and words_[:1].isupper()):
            return words_
    return None


# Openings that are also some vault's note title ("The", "This") but never a subject.
_COMMON_OPENINGS = words("a an the this it its these they one each any some all")


_MIN_LIST = 3


def weigh_vault(
    listed: Mapping[str, list[tuple[TermCandidate, Setting]]], names: VaultNames
) -> dict[str, list[Verdict]]:
    """Every candidate's verdict, note by note, in the order given.

    A phrase with no evidence either way takes the vault's habit: where most phrases that
    do carry evidence are terms (or none does), the author's definitions are terms unless
    something says otherwise; where most are labels (a manual's options and steps), they
    are not.
    Then each note's lists tip their close calls (``weigh_lists``)."""
    first = {
        path: [(c, where, weigh(c, where, names)) for c, where in items]
        for path, items in listed.items()
    }
    judged = [v for items in first.values() for _, _, v in items if v.reasons]
    # A vault that says nothing either way (a few notes) is taken at its word.
    habit = sum(v.kept for v in judged) >= _HABIT * len(judged)
    out: dict[str, list[Verdict]] = {}
    for path, items in first.items():
        if habit:
            items = [
                (c, where, v if v.reasons else _tipped(v, 1, "most defined phrases here are terms"))
                for c, where, v in items
            ]
        out[path] = weigh_lists(items)
    return out


_HABIT = 0.5


def weigh_lists(
    weighed: list[tuple[TermCandidate, Setting, Verdict]],
) -> list[Verdict]:
    """One note's verdicts, each tipped by its list when it is a close call: a phrase with
    no evidence against it among terms is one more term; a phrase barely kept among
    labels is one more label. Lists of fewer than three are left as they are."""
    groups: dict[tuple[int, str], list[int]] = {}
    for index, (c, where, _) in enumerate(weighed):
        groups.setdefault((where.section, c.shape), []).append(index)
    out = [verdict for _, _, verdict in weighed]
    for members in groups.values():
        if len(members) < _MIN_LIST:
            continue
        for index in members:
            verdict = weighed[index][2]
            others = [weighed[j][2].kept for j in members if j != index]
            share = sum(others) / len(others)
            against = any(r.startswith("-") for r in verdict.reasons)
            if verdict.score == KEEP_AT - 1 and not against and share >= 0.5:
                out[index] = _tipped(verdict, 1, "most of its list are terms")
            elif verdict.score == KEEP_AT and share < 0.25:
                out[index] = _tipped(verdict, -1, "most of its list are labels")
    return out


def _tipped(verdict: Verdict, points: int, why: str) -> Verdict:
    reason = f"{'+' if points > 0 else ''}{points} {why}"
    return Verdict(verdict.score + points, (*verdict.reasons, reason))


def _imperative(heading: str) -> bool:
    """ "Add a sort", "Check startup time": a heading that tells the reader to do a thing."""
    parts = heading.split()
    return len(parts) >= 2 and parts[0] in _HEADING_VERBS
