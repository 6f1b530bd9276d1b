"""Values written with commas, fields written twice, and ``file.frontmatter``: the rows a
query gives, as Dataview gives them in Obsidian."""

from __future__ import annotations

import pytest
from tests.dataview.conftest import make_table

from studynotes.dataview.evaluate import Result, run_query
from studynotes.dataview.pages import Table
from studynotes.dataview.parser import parse_query
from studynotes.dataview.values import Link, plain

NOTES = {
    "Algebra.md": "A course.\n",
    "Geometry.md": "Another course.\n",
    "Reading/Proofs.md": (
        "---\nsource: book\nmy key: 7\nreviewed: 2024-03-01\nparent: '[[Algebra]]'\n---\n"
        "related:: [[Algebra]], [[Geometry]]\n"
        "topics:: #algebra, #geometry\n"
        "scores:: 1, 2.5, 3\n"
        "words:: one, two, three\n"
        "source:: [[Algebra]]\n"
        'pair:: "x, y", "z"\n'
        "Also [related:: [[Missing]]].\n"
    ),
    "Reading/Lemma.md": 'related:: [[Geometry]]\nwords:: two\nquote:: "hello"\n',
}


@pytest.fixture(scope="module")
def vault() -> Table:
    return make_table(NOTES)


def run(table: Table, query: str) -> Result:
    return run_query(parse_query(query), table, "Algebra.md")


def names(result: Result) -> list[str]:
    return [plain(ident) for ident, _ in result.rows]


def test_links_written_with_commas_are_a_list_of_links(vault: Table) -> None:
    assert names(run(vault, "LIST WHERE contains(related, [[Algebra]])")) == ["Proofs"]
    assert names(run(vault, "LIST WHERE contains(related, [[Geometry]])")) == ["Lemma", "Proofs"]
    ((_, (count,)),) = run(vault, 'TABLE length(related) FROM "Reading/Lemma"').rows
    assert count == 1


def test_flatten_gives_a_row_for_each_linked_note(vault: Table) -> None:
    rows = run(vault, 'TABLE r FROM "Reading/Lemma" OR "Reading/Proofs" FLATTEN related AS r')
    values = [(plain(ident), v[0]) for ident, v in rows.rows]
    # Proofs writes ``related`` twice: its two values are the list of links and the link.
    assert values == [
        ("Lemma", Link("Geometry.md", "Geometry")),
        ("Proofs", [Link("Algebra.md", "Algebra"), Link("Geometry.md", "Geometry")]),
        ("Proofs", Link(None, "Missing")),
    ]


def test_tags_numbers_and_quoted_text_with_commas_are_lists(vault: Table) -> None:
    ((_, values),) = run(
        vault, 'TABLE topics, scores, pair, length(scores) FROM "Reading/Proofs"'
    ).rows
    assert values == [["#algebra", "#geometry"], [1, 2.5, 3], ["x, y", "z"], 3]
    assert names(run(vault, 'LIST WHERE contains(topics, "#geometry")')) == ["Proofs"]
    assert names(run(vault, "LIST WHERE contains(scores, 2.5)")) == ["Proofs"]


def test_plain_text_with_commas_stays_one_text(vault: Table) -> None:
    ((_, (words, count)),) = run(vault, 'TABLE words, length(words) FROM "Reading/Proofs"').rows
    assert words == "one, two, three" and count == len("one, two, three")
    rows = run(vault, "TABLE w FLATTEN words AS w WHERE w SORT file.name").rows
    assert [v[0] for _, v in rows] == ["two", "one, two, three"]


def test_quoted_text_is_the_text_inside(vault: Table) -> None:
    assert names(run(vault, 'LIST WHERE quote = "hello"')) == ["Lemma"]


def test_a_property_written_again_inline_holds_both_values(vault: Table) -> None:
    ((_, (source,)),) = run(vault, 'TABLE source FROM "Reading/Proofs"').rows
    assert source == ["book", Link("Algebra.md", "Algebra")]
    assert names(run(vault, 'LIST WHERE contains(source, "book")')) == ["Proofs"]


def test_file_frontmatter_is_the_properties_as_written(vault: Table) -> None:
    query = (
        'TABLE file.frontmatter.reviewed, file.frontmatter.parent, file.frontmatter["my key"],'
        " file.frontmatter.source, reviewed WHERE file.frontmatter.source"
    )
    ((ident, values),) = run(vault, query).rows
    # As Dataview gives it: the property's own value, not typed as fields are, and not
    # merged with the inline field of the same name.
    assert plain(ident) == "Proofs"
    assert values[:4] == ["2024-03-01", "[[Algebra]]", 7, "book"]
    assert plain(values[4]) == "March 1, 2024"


def test_file_frontmatter_of_a_note_without_properties_is_empty(vault: Table) -> None:
    ((_, (fm, n)),) = run(
        vault, 'TABLE file.frontmatter, length(file.frontmatter) FROM "Reading/Lemma"'
    ).rows
    assert fm == {} and n == 0
