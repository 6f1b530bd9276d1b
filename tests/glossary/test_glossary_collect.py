from studynotes.glossary.collect import (
    GlossaryNote,
    GlossaryTerm,
    collect_terms,
    term_key,
    term_slug,
)
from studynotes.glossary.extract import TermCandidate


def cand(
    name: str,
    definition: str = "some definition",
    *,
    line: int = 1,
    aliases: list[str] | None = None,
    shape: str = "colon",
) -> TermCandidate:
    html = f"<em>{definition}</em>" if definition else ""
    return TermCandidate(name, aliases or [], definition, html, line, shape, None)


def note(path: str, title: str, aliases: list[str] | None = None, text: str = "x") -> GlossaryNote:
    return GlossaryNote(path, title, aliases or [], text, f"<p>{text}</p>" if text else "")


def names(terms: list[GlossaryTerm]) -> list[tuple[str, str]]:
    return [(t.note_path, t.name) for t in terms]


def test_phrase_defined_in_two_notes_is_dropped_as_label() -> None:
    terms = collect_terms(
        {
            "a.md": [cand("Limitations"), cand("Beam Search")],
            "b.md": [cand("limitations:", "other text")],
            "c.md": [cand("LIMITATIONS")],
        },
        glossary_notes=[],
    )
    assert names(terms) == [("a.md", "Beam Search")]


def test_glossary_note_wins_a_repeated_phrase() -> None:
    terms = collect_terms(
        {"BLEU.md": [], "metrics.md": [cand("BLEU", "n-gram precision")]},
        glossary_notes=[note("BLEU.md", "BLEU", text="A translation metric.")],
    )
    [term] = terms
    assert (term.note_path, term.name, term.shape, term.definition) == (
        "BLEU.md",
        "BLEU",
        "note",
        "A translation metric.",
    )
    assert term.definition_html == "<p>A translation metric.</p>"


def test_glossary_note_alias_also_wins_over_other_notes() -> None:
    terms = collect_terms(
        {"metrics.md": [cand("Bilingual Evaluation Understudy")]},
        glossary_notes=[note("BLEU.md", "BLEU", ["Bilingual Evaluation Understudy"])],
    )
    assert names(terms) == [("BLEU.md", "BLEU")]
    assert terms[0].aliases == ["Bilingual Evaluation Understudy"]


def test_phrase_claimed_by_two_glossary_notes_is_dropped() -> None:
    terms = collect_terms(
        {"x.md": [cand("Attention")]},
        glossary_notes=[note("a/Attention.md", "Attention"), note("b/Attention.md", "Attention")],
    )
    assert terms == []


def test_term_inside_a_glossary_note_body_is_kept() -> None:
    terms = collect_terms(
        {"Attention.md": [cand("Self-Attention", line=5)]},
        glossary_notes=[note("Attention.md", "Attention")],
    )
    assert [(t.name, t.shape, t.line) for t in terms] == [
        ("Attention", "note", 1),
        ("Self-Attention", "colon", 5),
    ]


def test_first_non_empty_definition_in_a_note_wins() -> None:
    terms = collect_terms(
        {
            "a.md": [
                cand("Dropout", "", line=2),
                cand("dropout", "zeroes activations", line=7),
                cand("Dropout", "a later definition", line=9),
            ]
        },
        glossary_notes=[],
    )
    [term] = terms
    assert (term.definition, term.line, term.empty) == ("zeroes activations", 7, False)


def test_empty_definitions_are_kept_and_flagged() -> None:
    [term] = collect_terms({"a.md": [cand("Zero-shot Inference", "")]}, glossary_notes=[])
    assert term.empty is True
    assert (term.definition, term.definition_html) == ("", "")


def test_slugs_are_unique_and_deterministic() -> None:
    by_note = {
        "b.md": [cand("C++", line=3), cand("GPT 4", line=1)],
        "a.md": [cand("C", line=9), cand("GPT-4!", line=2)],
    }
    first = collect_terms(by_note, glossary_notes=[])
    second = collect_terms(dict(reversed(by_note.items())), glossary_notes=[])
    assert [(t.note_path, t.line, t.slug) for t in first] == [
        ("a.md", 2, "gpt-4"),
        ("a.md", 9, "c"),
        ("b.md", 1, "gpt-4-2"),
        ("b.md", 3, "c-2"),
    ]
    assert [t.slug for t in first] == [t.slug for t in second]


def test_slug_keeps_unicode_letters() -> None:
    assert term_slug("注意力 机制") == "注意力-机制"
    assert term_slug("Café Crème") == "café-crème"
    assert term_slug("Question-Answer System") == "question-answer-system"
    assert term_slug("!!!") == "term"


def test_name_comparison_ignores_case_and_surrounding_punctuation() -> None:
    assert term_key("**Limitations:**") == term_key("limitations") == "limitations"
    assert term_key("“Context Window”") == "context window"
    assert term_key("C++") == "c++"


def test_aliases_repeating_the_name_are_dropped() -> None:
    [term] = collect_terms(
        {"a.md": [cand("Exact Match", aliases=["EM", "exact match", "EM"])]}, glossary_notes=[]
    )
    assert term.aliases == ["EM"]


def test_terms_are_sorted_by_note_path_then_line() -> None:
    terms = collect_terms(
        {"z.md": [cand("Beta", line=1)], "a.md": [cand("Gamma", line=8), cand("Alpha", line=3)]},
        glossary_notes=[],
    )
    assert [(t.note_path, t.line) for t in terms] == [("a.md", 3), ("a.md", 8), ("z.md", 1)]


def test_alias_owned_by_a_glossary_note_is_removed_from_other_terms() -> None:
    terms = collect_terms(
        {"qa.md": [cand("Exact Match", aliases=["EM"])]},
        glossary_notes=[note("EM.md", "EM")],
    )
    assert [(t.name, t.aliases) for t in terms] == [("EM", []), ("Exact Match", [])]
