"""Tell glossary terms from the bold labels that study notes are full of.

Each ``reject_*`` function returns the reason a phrase is not a term, or ``None``; the
reason only helps tests and debugging, callers treat any reason as "no".
"""

from __future__ import annotations

import re
import unicodedata

from studynotes.cjk import CJK_CHAR

__all__ = [
    "is_abbreviation",
    "is_advice_heading",
    "is_plain_word",
    "label_key",
    "normalise_space",
    "reject_alias",
    "reject_name",
    "reject_question_subject",
    "words",
]


def words(text: str) -> frozenset[str]:
    """A word set written as one readable block of whitespace-separated words."""
    return frozenset(text.split())


MAX_WORDS = 6
MAX_CHARS = 60
MAX_CJK_CHARS = 12
MAX_ALIAS_WORDS = 10

# Words that structure a note rather than name a concept. Compared case-insensitively,
# after a trailing colon is dropped. Domain nouns (Temperature, Recall, Attention, Bias)
# are deliberately absent.
LABEL_WORDS = frozenset(
    w.strip()
    for w in """
    example|examples|e.g.|eg|ex|for example|for instance|demo
    pros|cons|pros and cons|pro|con|advantage|advantages|disadvantage|disadvantages
    benefit|benefits|drawback|drawbacks|strength|strengths|weakness|weaknesses
    limitation|limitations|trade-off|trade-offs|tradeoff|tradeoffs|trade offs
    note|notes|nb|n.b.|n.b|ps|p.s.|p.s|side note|aside|fun fact|trivia|remark|remarks|comments
    observation|observations|reminder|remember|caution|careful|danger|warning
    warnings|important|heads up|tip|tips|hint|hints|trick|tricks
    fix|fixes|caveat|caveats|gotcha|gotchas|pitfall|pitfalls|mistake|mistakes|bug|bugs
    issue|issues|problem|problems|solution|solutions|answer|answers|question|questions
    q|a|q&a|faq|exercise|exercises|homework|assignment|task|tasks|todo|to do|to-do
    use case|use cases|usage|uses|use|application|applications|applied|when to use
    back to|see|see also|related|links|link|resources|resource|reading|readings
    further reading|reference|references|ref|refs|source|sources|citation|citations
    paper|papers|book|books|video|videos|course|courses|lecture|lectures|slides|code
    repo|repository|github|website|url|docs|documentation|author|authors|date|year
    characteristics|characteristic|properties|property|features|components
    structure|types|kinds|variants|variations|categories
    update rule|rule|rules|formula|formulas|formulae|equation|equations|proof|theorem
    lemma|corollary|claim|given|find|let|assume|assumption|assumptions|requirement
    requirements|prerequisite|prerequisites|constraint|constraints|condition|conditions
    summary|summaries|recap|review|overview|background|context|motivation|intro
    introduction|conclusion|conclusions|discussion|analysis|explanation|explained
    intuition|intuitively|insight|insights|takeaway|takeaways|key takeaway|key takeaways
    bottom line|in short|in summary|in other words|tl;dr|tldr|i.e.|ie|aka
    rule of thumb|rules of thumb
    definition|definitions|defined|meaning|idea|ideas|key idea|key ideas|main idea
    big idea|core idea|key point|key points|main point|main points|point|points
    key terms|key term|terms|terminology|vocabulary|glossary|keywords|key words
    key concepts|concepts|concept|topics|topic|agenda|outline|contents|toc
    table of contents|abstract|chapter|section|part|module|unit|week|day|lesson
    goal|goals|objective|objectives|aim|aims|purpose|purposes
    result|results|outcome|outcomes|finding|findings|conclusion|performance
    input|inputs|output|outputs|returns|return|parameters|params|arguments|args
    step|steps|stage|stages|phase|phases|procedure|methods|methodology
    approach|approaches|algorithm|pseudocode|implementation|setup|set up|installation
    install|configuration|config|datasets|data|metrics|tools|libraries
    frameworks|models|evaluation|experiments|experiment|benchmarks|baselines
    time complexity|space complexity|complexity|costs|status|update|edit
    why|how|when|where|what|who|which|whom|whose|because|therefore|thus|hence|so|also
    however|but|and|or|then|now|later|first|second|third|finally|next|last|before|after
    old|new|good|bad|better|worse|best|worst|right|wrong|correct|incorrect|true|false
    yes|no|ok|done|optional|bonus|misc|miscellaneous|other|others|general|basics|basic
    fundamentals|main|key|more|less|comparison|compare|difference|differences
    similarity|similarities|vs|versus|tl;dr
    """.replace("\n", "|").split("|")
    if w.strip()
)

# Imperative verbs that head the steps of a procedure: `**Select**: choose a model`.
STEP_VERBS = words(
    """select choose pick adapt align evaluate deploy train test build define collect clean
    prepare preprocess run install configure check verify compare analyze analyse review
    read write plan start finish repeat initialize initialise iterate apply add remove create
    delete load save import export call try avoid consider tune split merge sort
    download upload open close submit"""
)

# Openings of labels that introduce a list or a section rather than name a concept.
LABEL_PREFIXES = (
    "types of ",
    "kinds of ",
    "examples of ",
    "example of ",
    "advantages of ",
    "disadvantages of ",
    "benefits of ",
    "drawbacks of ",
    "limitations of ",
    "pros of ",
    "cons of ",
    "properties of ",
    "components of ",
    "parts of ",
    "steps ",
    "step-by-step",
    "how ",
    "why ",
    "when ",
    "where ",
    "which ",
    "who ",
    "what ",
    "see ",
    "back to",
    "notes on ",
    "note on ",
    "note to ",
    "intro to ",
    "introduction to ",
    "overview of ",
    "summary of ",
    "comparison ",
    "difference between",
    "differences between",
    "list of ",
    "uses of ",
    "use of ",
    "applications of ",
    "problems with ",
    "issues with ",
    "challenges ",
    "questions ",
)

# "Key Ideas", "Common Mistakes": a modifier before a label word is still a label.
LABEL_MODIFIERS = words(
    """key main core big important general common other more additional further final quick
    short brief practical useful typical known major minor real-world"""
)
# A phrase ending in one of these introduces a list of things: "Training Tips".
LIST_NOUNS = words(
    """examples tips tricks mistakes pitfalls notes resources references links questions
    exercises takeaways trade-offs tradeoffs pros cons advantages disadvantages limitations
    benefits drawbacks steps ideas insights observations remarks readings papers caveats
    gotchas considerations recommendations guidelines properties characteristics features
    differences similarities applications use-cases"""
)

# Phrases that open clauses, not names: "**but not always**", "**you should**".
NON_NOUN_OPENERS = words(
    """and or but so then also however therefore thus hence because if when while although
    though not no yes very only just always never do don't does did can cannot can't should
    must will won't would could may might i we you he she they it this that these those my
    our your their its let's please"""
)

# "What is the difference between A and B?" asks about a relation, not a term.
QUESTION_NOISE = words(
    """difference differences between vs vs. versus purpose point goal reason idea meaning
    role use it this that these those going happening wrong next best worst better problem
    issue answer output result intuition catch deal matter main key same"""
)

_NUMBERED_LABEL = re.compile(
    r"^(?:step|part|chapter|lecture|lesson|week|day|exercise|question|q|example|case|phase"
    r"|stage|round|section|lab|problem|task|option|method|approach|version|level|rule|theorem"
    r"|lemma|definition|figure|fig\.?|table|eq\.?|equation|module|unit|hw|homework|slide"
    r"|page|item|point|note|tip|trick|idea|reason|mistake|fix)\s*#?\s*[\divxlc]+[a-z]?"
    r"(?:[.\-]\d+)*\s*$",
    re.IGNORECASE,
)
_STARTS_NUMBERED = re.compile(r"^\(?\d+\s*[.):]")
_FORMULA_CHARS = re.compile(r"[=<>$≈≤≥→←⇒\\^{}|]")
_SENTENCE_PUNCT = re.compile(r"[,;。\uff0c\uff1b\uff01\uff1f、]|\.\s|[.!?…]$")
_URLISH = re.compile(r"https?://|www\.|\.(?:com|org|io|net|md|png|jpe?g|pdf)\b", re.IGNORECASE)
_ABBREVIATION = re.compile(r"^[^\W\d_][\w&+\-/.]{0,11}$")


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


def _digits(text: str) -> int:
    return sum(1 for c in text if c.isdigit())


def label_key(text: str) -> str:
    """Lower-case form with surrounding punctuation dropped, used for every comparison."""
    text = normalise_space(unicodedata.normalize("NFKC", text)).casefold()
    return text.strip(_STRIP)


_PUNCT_AND_SPACE = frozenset(
    chr(c)
    for c in range(0x20, 0x3040)
    if unicodedata.category(chr(c)).startswith(("P", "Z", "S")) and chr(c) not in "+#"
) | frozenset("「」『』【】\uff08\uff09《》〈〉\uff1a\uff1b\uff0c。\uff01\uff1f、")
_STRIP = "".join(sorted(_PUNCT_AND_SPACE))  # joined once: label_key runs for every bold run


def is_abbreviation(text: str) -> bool:
    """``EM``, ``LoRA``, ``CoT``, ``GPT-4``, ``F1``: short, with capitals or a digit."""
    text = text.strip()
    if not _ABBREVIATION.match(text):
        return False
    upper = sum(1 for c in text if c.isupper())
    return upper >= 2 or (upper >= 1 and _digits(text) >= 1 and len(text) <= 6)


def is_plain_word(name: str) -> bool:
    """One ordinary word: no capitals inside, no digits or hyphens, not an abbreviation."""
    return (
        len(name.split()) == 1
        and name.isalpha()
        and not is_abbreviation(name)
        and name[1:] == name[1:].lower()
    )


def _too_long(text: str) -> bool:
    if len(text) > MAX_CHARS:
        return True
    cjk = len(CJK_CHAR.findall(text))
    if cjk > MAX_CJK_CHARS:
        return True
    return len(text.split()) > MAX_WORDS


def _is_label(key: str, *, list_nouns: bool = True) -> bool:
    key = key.rstrip(":\uff1a").strip()
    if key in LABEL_WORDS or key in STEP_VERBS:
        return True
    if key.startswith(LABEL_PREFIXES):
        return True
    words = key.split()
    if len(words) >= 2 and (
        (list_nouns and words[-1] in LIST_NOUNS)
        or (words[0] in LABEL_MODIFIERS and " ".join(words[1:]) in LABEL_WORDS)
    ):
        return True
    return bool(_NUMBERED_LABEL.match(key))


# Code identifiers are field and variable names in a list of them, not concepts.
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$")
# "Keep an open mind", "Drag a note", "Try before asking": an instruction, not a name.
IMPERATIVES = words(
    """keep drag drop enable disable try click press tap open close turn move make get
    give take ask follow stop hold pin type paste copy rename toggle show hide change
    edit avoid use add remove select choose pick set go read write check start let"""
)
# Verbs that open the steps of a procedure ("1. **Pool Vectors**: ..."); also nouns, so
# they mark a step only where a step is expected (a numbered item), never a name alone.
PROCESS_VERBS = words(
    """pool embed crawl index parse chunk encode decode compute calculate estimate fit
    predict sample filter rank retrieve store fetch map reduce aggregate average normalise
    normalize tokenise tokenize generate update measure score label annotate freeze prune
    quantise quantize distil distill concatenate project scale shift shuffle batch
    feed pass send receive return wrap unwrap mask pad detect enter track initialize
    initialise"""
)
AFTER_IMPERATIVE = words(
    """a an the your my our this that these those it them all any some every before after
    to with into from on off up out down for"""
)
# Places and platforms name where something applies, in lists of options.
PLACES = frozenset(
    {
        "asia", "europe", "africa", "america", "north america", "south america",
        "latin america", "oceania", "australia", "antarctica", "middle east", "ios",
        "ipados", "android", "windows", "linux", "macos", "mac os x", "windows/linux",
        "chromeos",
    }
)  # fmt: skip
# A verb in the middle makes the phrase a statement: "All the following are true".
_FINITE = words("is are was were has have does doesn't isn't aren't")
# "Key idea 1", "Premise 2": a numbered label.
_NUMBERED_TAIL = re.compile(
    r"^(?:key idea|idea|premise|point|item|fact|reason|argument|observation|takeaway"
    r"|scenario|hypothesis|principle|assumption|claim|insight|lesson|tip)\s+\d+$"
)


# Headings and lead-ins over lists of labelled points rather than of defined terms.
ADVICE_HEADINGS = frozenset(
    {
        "advantages", "disadvantages", "pros", "cons", "pros and cons", "benefits",
        "drawbacks", "limitations", "challenges", "best practices", "tips", "use cases",
        "applications", "steps", "key results", "results", "problems", "issues", "plan",
        "options", "settings", "faq", "tl;dr", "tldr", "summary", "strengths",
        "weaknesses", "troubleshooting", "requirements", "recommendations", "guidelines",
        "dos and don'ts", "do's and don'ts", "encouraged behaviors", "lessons learned",
    }
)  # fmt: skip


def opens_like_a_step(name: str) -> bool:
    """``Initialize System``, ``Detect Proximity``: a step of a procedure, not a name."""
    first = label_key(name).split()[0] if label_key(name).split() else ""
    return first in STEP_VERBS or first in IMPERATIVES or first in PROCESS_VERBS


def is_advice_heading(text: str) -> bool:
    key = label_key(text).rstrip(":\uff1a").strip()
    return key in ADVICE_HEADINGS or key.startswith(("how to ", "tips for ", "steps to "))


def reject_name(name: str, *, raw: str | None = None, defined: bool = False) -> str | None:
    """Why ``name`` (bold text ``raw`` as written) is not a term, or ``None`` if it may be.
    ``defined``: a sentence defines it ("**Note properties** are properties ..."), so a
    name ending like a list's title ("... properties") may still be a term."""
    written = normalise_space(raw if raw is not None else name)
    name = normalise_space(name)
    if not name:
        return "empty"
    if _FORMULA_CHARS.search(written):
        return "formula"
    if _STARTS_NUMBERED.match(written):
        return "numbered"
    if _URLISH.search(written):
        return "link"
    if _SENTENCE_PUNCT.search(name) or ":" in name or "\uff1a" in name:
        return "sentence"
    if written.endswith(("?", "\uff1f", "!", "\uff01", ".", "。")):
        return "sentence"
    if not any(c.isalpha() for c in name):
        return "no letters"
    if _digits(name) > _letters(name):
        return "number"
    if _too_long(name):
        return "too long"
    if "(" in name or ")" in name or "[" in name or "]" in name:
        return "bracketed"
    if _IDENTIFIER.match(name):
        return "identifier"
    key = label_key(name)
    if _is_label(key, list_nouns=not defined) or _NUMBERED_TAIL.match(key):
        return "label"
    parts = key.split()
    first = parts[0] if parts else ""
    if first in NON_NOUN_OPENERS or any(w in _FINITE for w in parts[1:]):
        return "clause"
    if len(parts) >= 2 and first in IMPERATIVES and parts[1] in AFTER_IMPERATIVE:
        return "instruction"
    if key in PLACES:
        return "place"
    return None


def reject_alias(alias: str) -> str | None:
    """Aliases (expansions, abbreviations) may be longer than names but not sentences."""
    alias = normalise_space(alias)
    if not alias or not any(c.isalpha() for c in alias):
        return "empty"
    if _FORMULA_CHARS.search(alias) or _URLISH.search(alias):
        return "formula"
    if _SENTENCE_PUNCT.search(alias) or ":" in alias:
        return "sentence"
    if len(alias.split()) > MAX_ALIAS_WORDS or len(alias) > 2 * MAX_CHARS:
        return "too long"
    if label_key(alias).split()[0] in NON_NOUN_OPENERS:
        return "clause"
    return None


def reject_question_subject(subject: str) -> str | None:
    """``What is X?`` names a term only when X is a name, not "the difference between…"."""
    words = [w.strip("\"'“”") for w in label_key(subject).split()]
    if any(w in QUESTION_NOISE for w in words):
        return "not a name"
    return None
