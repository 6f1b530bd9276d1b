"""Cards written in a note: each syntax, what is never a card, decks, and card identity."""

from __future__ import annotations

import pytest

from studynotes.ingest.parse import parse_note
from studynotes.paths import VaultPath
from studynotes.study.cards import deck_of, find_cards

FLASH = "---\ntags: [flashcards]\n---\n"


def cards(text: str, path: str = "Notes/A.md") -> list[tuple[str, str, str, int]]:
    note = parse_note(VaultPath(path), text)
    return [(c.kind, c.front, c.back, c.line) for c in note.cards]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("What is RAG?::Retrieval-augmented generation\n",
         [("basic", "What is RAG?", "Retrieval-augmented generation", 1)]),
        ("- Softmax :: turns scores into probabilities\n",
         [("basic", "Softmax", "turns scores into probabilities", 1)]),
        ("Intro\n\nLoRA:::Low-rank adapters\n",
         [("basic", "LoRA", "Low-rank adapters", 3), ("reversed", "Low-rank adapters", "LoRA", 3)]),
        ("Why scale\nmodels?\n?\nLoss falls\nwith compute.\n",
         [("multiline", "Why scale\nmodels?", "Loss falls\nwith compute.", 1)]),
        ("Transformer\n??\nAttention layers stacked.\n",
         [("multiline", "Transformer", "Attention layers stacked.", 1),
          ("multiline-reversed", "Attention layers stacked.", "Transformer", 2)]),
        (FLASH + "Capital of France:: Paris\n",  # in a flashcard note, any `::` line
         [("basic", "Capital of France", "Paris", 4)]),
        (FLASH + "The ==model== uses ==attention==.\n",
         [("cloze", "The […] uses ==attention==.", "The ==model== uses ==attention==.", 4),
          ("cloze", "The ==model== uses […].", "The ==model== uses ==attention==.", 4)]),
    ],
)  # fmt: skip
def test_each_card_syntax_makes_its_cards(text: str, want: list[tuple[str, str, str, int]]) -> None:
    assert cards(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "The ==transformer== uses attention.\n",  # a highlight outside a flashcard note
        "Call `std::vector` or `a::b` in code.\n",
        "```cpp\nstd::vector<int> v;\nQ::A\n```\n",
        "$$\na::b\n$$\n",
        "%%\nQ::A\n%%\n",
        "---\ntitle: a::b\n---\nText.\n",
        "Last reviewed:: 2024-02-12\n",  # a Dataview field, outside a flashcard note
        "Rated [difficulty:: 3] and (status:: done).\n",
    ],
)
def test_what_is_never_a_card(text: str) -> None:
    assert cards(text) == []


def test_a_highlight_outside_flashcard_notes_stays_a_highlight() -> None:
    note = parse_note(VaultPath("A.md"), "The ==transformer== uses attention.\n")
    assert note.cards == []
    assert "<mark>transformer</mark>" in note.html


def test_card_sides_render_math_and_code_as_pages_do() -> None:
    note = parse_note(VaultPath("A.md"), "Softmax of $z$?::`exp(z) / sum(exp(z))`\n")
    (card,) = note.cards
    assert "<math" in card.front_html
    assert "<code>exp(z) / sum(exp(z))</code>" in card.back_html


def test_wikilinks_on_a_card_show_their_words() -> None:
    note = parse_note(VaultPath("A.md"), "What does [[RAG|retrieval]] add?::[[Embeddings]]\n")
    (card,) = note.cards
    assert "retrieval" in card.front_html and "[[" not in card.front_html
    assert "Embeddings" in card.back_html and "data-sn" not in card.back_html


def test_malformed_cards_are_reported_with_their_line() -> None:
    found = find_cards("Intro\n\nGood::card\n::no question\nNo answer::\n", "A.md", [])
    assert [(p.line, p.message.split(":")[0]) for p in found.problems] == [
        (4, "card with an empty question"),
        (5, "card with an empty answer"),
    ]
    found = find_cards("An ==open cloze here\n", "A.md", ["flashcards"])
    assert [p.line for p in found.problems] == [1]
    assert "unclosed cloze" in found.problems[0].message


def test_a_question_answer_line_is_never_a_glossary_label() -> None:
    note = parse_note(VaultPath("A.md"), FLASH + "**RAG**:: retrieval then generation\n")
    assert note.terms == []
    assert [c.front for c in note.cards] == ["**RAG**"]
    field = parse_note(VaultPath("A.md"), "**RAG**:: retrieval then generation\n")
    assert field.terms == [] and field.cards == []  # outside flashcard notes: a Dataview field
    plain = parse_note(VaultPath("A.md"), "**RAG**: retrieval then generation.\n")
    assert [t.name for t in plain.terms] == ["RAG"]


@pytest.mark.parametrize(
    ("path", "tags", "deck"),
    [
        ("Retrieval/RAG.md", [], "Retrieval"),
        ("Retrieval/Deep/RAG.md", ["flashcards"], "Retrieval/Deep"),
        ("Top.md", [], "Vault"),
        ("Retrieval/RAG.md", ["topic", "flashcards/llm/eval"], "llm/eval"),
        ("Retrieval/RAG.md", ["Flashcards/LLM"], "LLM"),
    ],
)
def test_a_deck_is_a_flashcards_tag_or_else_the_folder(
    path: str, tags: list[str], deck: str
) -> None:
    assert deck_of(path, tags) == deck


def test_a_card_is_known_by_its_question() -> None:
    (before,) = parse_note(VaultPath("A.md"), "What is RAG?::retrieval\n").cards
    (answer,) = parse_note(VaultPath("B/C.md"), "Intro\n\nWhat is  RAG?::generation\n").cards
    (question,) = parse_note(VaultPath("A.md"), "What is RAG, really?::retrieval\n").cards
    assert answer.key == before.key  # answer, place and spacing edited: the same card
    assert question.key != before.key
    (cloze,) = parse_note(VaultPath("A.md"), FLASH + "It uses ==attention==.\n").cards
    (edited,) = parse_note(VaultPath("A.md"), FLASH + "It uses ==self-attention==.\n").cards
    assert cloze.key == edited.key  # what a cloze hides is its answer
