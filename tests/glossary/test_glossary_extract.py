import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from studynotes.glossary.extract import TermCandidate, extract_terms
from studynotes.ingest.parse import parse_note
from studynotes.paths import VaultPath

FIXTURES = Path(__file__).parent / "fixtures"
Extract = Callable[[str], list[TermCandidate]]

Row = tuple[str, str, int, tuple[str, ...], str]


def _cases(name: str) -> list[Any]:
    return [
        pytest.param(text, expected, id=title.replace(" ", "-"))
        for _, title, text, expected in read_fixture_file(FIXTURES / name)
    ]


def _parse_expected(block: str) -> list[Row]:
    rows: list[Row] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        name, shape, number, aliases, definition = (part.strip() for part in line.split("|"))
        alias_list = tuple(a.strip() for a in aliases.split(";") if a.strip())
        rows.append((name, shape, int(number), alias_list, definition.replace("\\n", "\n")))
    return rows


def _row(c: TermCandidate) -> Row:
    return (c.name, c.shape, c.line, tuple(c.aliases), c.definition)


@pytest.mark.parametrize(("text", "expected"), _cases("terms.md"))
def test_glossary_shape_yields_expected_terms(extract: Extract, text: str, expected: str) -> None:
    assert [_row(c) for c in extract(text)] == _parse_expected(expected)


@pytest.mark.parametrize(("text", "expected"), _cases("nonterms.md"))
def test_bold_label_is_not_a_term(extract: Extract, text: str, expected: str) -> None:
    assert expected.strip() == ""
    assert [_row(c) for c in extract(text)] == []


LABEL_WORDS = [
    "Example",
    "Examples",
    "Pros",
    "Cons",
    "Note",
    "Fix",
    "Caveat",
    "Use Case",
    "Back to",
    "Characteristics",
    "Update Rule",
    "Summary",
    "Intuition",
    "Limitations",
    "Advantages",
    "Disadvantages",
    "Definition",
    "Idea",
    "Key Idea",
    "Problem",
    "Solution",
    "Goal",
    "Result",
    "Results",
    "Input",
    "Output",
    "Step",
    "Tip",
    "Warning",
    "Important",
    "Source",
    "References",
    "TL;DR",
    "Why",
    "How",
    "When",
    "Overview",
    "Motivation",
    "Takeaway",
    "Question",
    "Answer",
    "Hint",
    "Remember",
    "See also",
]


@pytest.mark.parametrize("word", LABEL_WORDS)
def test_label_word_with_colon_is_not_a_term(extract: Extract, word: str) -> None:
    prose = "this line reads like an ordinary explanation of something."
    for text in (f"**{word}**: {prose}", f"- **{word}:** {prose}", f"**{word.upper()}**: {prose}"):
        assert extract(text) == [], text


def test_bold_label_followed_by_list_is_not_a_term(extract: Extract) -> None:
    text = "**Scheduling Policies**\n- round robin\n- shortest job first\n"
    assert extract(text) == []


def test_same_bold_line_with_a_definition_line_is_a_term(extract: Extract) -> None:
    text = "**Round Robin**\nEach process gets the processor for one fixed time slice in turn.\n"
    assert [c.name for c in extract(text)] == ["Round Robin"]


def test_empty_definition_in_a_list_item_is_kept_with_empty_html(extract: Extract) -> None:
    [term] = extract("- **Zero Redundancy Optimiser**:\n- another item\n")
    assert (term.name, term.definition, term.definition_html) == (
        "Zero Redundancy Optimiser",
        "",
        "",
    )


def test_definition_html_is_rendered_inline(extract: Extract) -> None:
    [term] = extract("**Softmax**: turns *scores* into `probabilities` via [exp](https://e.org).")
    assert term.definition == "turns scores into probabilities via exp."
    assert term.definition_html == (
        'turns <em>scores</em> into <code>probabilities</code> via <a href="https://e.org">exp</a>.'
    )
    assert "<p>" not in term.definition_html


def test_multiline_definition_html_keeps_the_line_break(extract: Extract) -> None:
    [term] = extract("- **Warmup**: raises the rate\n  over the first steps.\n")
    assert term.definition_html == "raises the rate<br>\nover the first steps."


def test_line_number_counts_soft_breaks(extract: Extract) -> None:
    text = "\n\nSome intro line.\nAnother line.\n**Weight Tying**: shares the embeddings.\n"
    [term] = extract(text)
    assert term.line == 5


def test_line_number_includes_frontmatter(md_frontmatter: MarkdownIt) -> None:
    parser = md_frontmatter
    text = (
        "---\ntitle: x\ntags: [a]\n---\n\n**Weight Tying**: shares input and output embeddings.\n"
    )
    env: dict[str, Any] = {}
    [term] = extract_terms(parser.parse(text, env), parser, env)
    assert term.line == 6


def test_unknown_inline_tokens_contribute_their_content(
    new_parser: Callable[[], MarkdownIt],
) -> None:
    md = new_parser()
    env: dict[str, Any] = {}
    tokens = md.parse("**Residual Stream**: PLACEHOLDER carried through every layer.", env)
    inline = tokens[1]
    assert inline.children is not None
    text_token = inline.children[-1]
    head, tail = text_token.content.split("PLACEHOLDER")
    wikilink = text_token.copy(type="wikilink", content="the hidden state")
    inline.children[-1:] = [
        text_token.copy(content=head),
        wikilink,
        text_token.copy(content=tail),
    ]
    md.add_render_rule("wikilink", lambda self, tokens, idx, options, env: "<a>link</a>")
    [term] = extract_terms(tokens, md, env)
    assert term.definition == "the hidden state carried through every layer."
    assert "<a>link</a>" in term.definition_html


def test_anchor_is_the_id_of_the_enclosing_block(md: MarkdownIt) -> None:
    env: dict[str, Any] = {}
    tokens = md.parse("- **KV Cache Reuse**: keeps keys and values between calls.\n", env)
    item = next(t for t in tokens if t.type == "list_item_open")
    item.attrSet("id", "^kv")
    [term] = extract_terms(tokens, md, env)
    assert term.anchor == "^kv"


def test_anchor_is_none_without_an_id(extract: Extract) -> None:
    [term] = extract("**Weight Tying**: shares input and output embeddings.")
    assert term.anchor is None


def test_cjk_term_is_a_term(extract: Extract) -> None:
    [term] = extract("**注意力机制**: 在每一步为输入的各部分分配权重。")
    assert term.name == "注意力机制"
    assert term.shape == "colon"


def test_what_is_expansion_becomes_an_alias(extract: Extract) -> None:
    [term] = extract("**What is RoPE?** Rotary Position Embedding\nRotates query and key pairs.")
    assert term.name == "RoPE"
    assert term.aliases == ["Rotary Position Embedding"]
    assert term.definition.startswith("Rotary Position Embedding\n")


def test_what_is_other_text_is_not_an_alias(extract: Extract) -> None:
    [term] = extract("**What is RoPE?** A way to encode positions by rotation.")
    assert term.aliases == []


_FRAGMENTS = [
    *("**", "*", ":", "\uff1a", "(", ")", "?", "What is ", "- ", "1. ", "> ", "[!note] "),
    *("\n", "\n\n", " is a ", "Term", "ABC", "word ", "| a | b |\n|---|---|\n", ": ", "\t"),
    *("![[x.png]]", "[l](u)", "`c`", "=", "2019", "注意"),
]


def test_extractor_never_fails_and_reports_lines_inside_the_note(extract: Extract) -> None:
    rng = random.Random(20240118)
    for _ in range(2000):
        text = "".join(rng.choices(_FRAGMENTS, k=rng.randint(1, 30)))
        for term in extract(text):
            assert term.name and term.name == term.name.strip(), text
            assert 1 <= term.line <= text.count("\n") + 1, text


def test_definition_with_code_links_and_an_embed_is_html_without_link_syntax() -> None:
    note = parse_note(
        VaultPath("Words.md"),
        "**Context Window**: how many `tokens` a [[Transformers|model]] sees, see "
        "![[Diagram.png]] and [[Attention#Heads]].\n",
    )
    [term] = note.terms
    assert term.definition == (
        "how many tokens a model sees, see Diagram.png and Attention > Heads."
    )
    html = term.definition_html
    assert "<code>tokens</code>" in html
    # Links keep the placeholders that rendering turns into links once they land.
    assert '<a data-sn-link="0">model</a>' in html
    assert '<a data-sn-link="2">Attention &gt; Heads</a>' in html
    assert '<span class="ref-embed">Diagram.png</span>' in html
    assert "[[" not in html and "data-sn-embed" not in html


def test_raw_html_in_a_definition_keeps_only_inline_formatting() -> None:
    note = parse_note(
        VaultPath("Words.md"),
        '**Trap**: <b onclick="x()">bold</b> <img src=x onerror=alert(1)> <div id="d">text '
        "<script>alert(1)</script> <i>left open\n",
    )
    [term] = note.terms
    assert term.definition_html == "<b>bold</b>  text  <i>left open</i>"


@pytest.mark.parametrize(
    "line",
    [
        "- **frame_number**: the index of the frame in the clip.",  # a field name
        "- **Keep an open mind**: people come from different places.",  # advice
        "- **Drag a note**: moves it to the folder you drop it on.",  # a step
        "- **Asia**: servers in Singapore.",  # a place among options
        "- **Android**: from the Play Store.",  # a platform among options
        "- **All the following are true**: an and statement.",  # a statement
        "- **Key idea 1**: attention weighs tokens by relevance.",  # a numbered label
    ],
)
def test_fields_advice_places_and_statements_are_not_terms(extract: Extract, line: str) -> None:
    assert extract(line + "\n") == []


@pytest.mark.parametrize(
    "line, name",
    [
        ("- **Search engine**: a system that finds documents for a query.", "Search engine"),
        ("- **Set theory**: the study of collections of objects.", "Set theory"),
        ("- **Llama 2**: an open-weights language model family.", "Llama 2"),
    ],
)
def test_terms_that_open_like_instructions_or_end_in_numbers_stay_terms(
    extract: Extract, line: str, name: str
) -> None:
    assert [c.name for c in extract(line + "\n")] == [name]


def test_numbered_items_that_name_things_are_terms_and_steps_are_not(extract: Extract) -> None:
    text = (
        "1. **FGSM**: a one-step attack along the sign of the gradient.\n"
        "2. **Adversarial Training**: training on attacked examples too.\n"
        "3. **Crawl**: fetch every page.\n"
        "4. **Pool Vectors**: average them into one.\n"
        "5. **Embed the Pieces**: map each piece to a vector.\n"
    )
    assert [c.name for c in extract(text)] == ["FGSM", "Adversarial Training"]


def test_a_bold_name_after_an_article_defined_by_is_a_is_a_term(extract: Extract) -> None:
    text = (
        "A **vault** is a folder of notes on your disk.\n\n"
        "The **graph view** shows links between notes.\n\n"  # shows: not a definition
        "An **Example** is a case worked below.\n"  # a label, whatever the sentence says
    )
    assert [(c.name, c.definition) for c in extract(text)] == [
        ("vault", "a folder of notes on your disk.")
    ]


def test_points_under_pros_cons_and_steps_are_labels_not_terms(extract: Extract) -> None:
    text = (
        "## Advantages\n\n- **Efficiency**: trains in an hour.\n\n"
        "## Key terms\n\n- **Dropout**: randomly zeroing activations.\n\n"
        "Disadvantages:\n\n- **Limited Scope**: only works on text.\n"
    )
    assert [c.name for c in extract(text)] == ["Dropout"]


def test_a_bold_item_over_a_nested_list_is_defined_by_its_first_sub_item(
    extract: Extract,
) -> None:
    text = (
        "* **BIO-encoding**\n    * tags each token as the Begin, Inside or Outside of a span\n"
        "    * used for named entities\n"
        "* **Initialize System**\n    * set every counter to zero\n\n"
        "**General approach**\n- split the text first\n"
    )
    found = extract(text)
    assert [(c.name, c.definition) for c in found] == [
        ("BIO-encoding", "tags each token as the Begin, Inside or Outside of a span")
    ]
