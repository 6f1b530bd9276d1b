"""The glossary's scoring against a labelled corpus, on a tiny made-up corpus."""

from pathlib import Path

import pytest

from studynotes.glossary.evaluate import (
    Extracted,
    LabelledPhrase,
    format_details,
    format_table,
    read_corpus,
    score_vault,
)

CORPUS = Path(__file__).parent / "corpus"
HEADER = "vault\tcommit\tpath\tline\tphrase\tlabel\n"
ROWS = [
    ("v", "c0", "ml.md", 3, "Dropout", "term"),
    ("v", "c0", "ml.md", 5, "Exact Match (EM)", "term"),
    ("v", "c0", "ml.md", 7, "Example", "label"),
    ("v", "c0", "ml.md", 9, "Scalability", "ambiguous"),
    ("v", "c0", "ml.md", 11, "Weight Decay", "term"),
    ("v", "c0", "Glossary/Logit.md", 2, "Logit", "term"),
    ("other", "c1", "ml.md", 3, "Pros", "label"),
]


def _corpus(tmp_path: Path, rows: list[tuple[str, str, str, int, str, str]]) -> Path:
    path = tmp_path / "labels.tsv"
    lines = ["\t".join(str(cell) for cell in row) + "\n" for row in rows]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def labelled(tmp_path: Path) -> list[LabelledPhrase]:
    return read_corpus(_corpus(tmp_path, ROWS))


def test_precision_counts_terms_against_labels_and_leaves_ambiguous_out(
    labelled: list[LabelledPhrase],
) -> None:
    extracted = [
        Extracted("ml.md", 3, "Dropout"),
        Extracted("ml.md", 7, "Example"),
        Extracted("ml.md", 9, "Scalability"),
    ]
    score = score_vault("v", labelled, extracted)
    assert score.precision == pytest.approx(1 / 2)
    assert [row.phrase for _, row in score.false_positives] == ["Example"]
    assert [t.name for t in score.ambiguous] == ["Scalability"]


def test_a_term_shown_under_another_form_of_its_phrase_is_recalled(
    labelled: list[LabelledPhrase],
) -> None:
    extracted = [
        Extracted("ml.md", 5, "Exact Match", ("EM",)),  # "(EM)" became an alias
        Extracted("Glossary/Logit.md", 1, "Logit"),  # a glossary note: its title, line 1
    ]
    score = score_vault("v", labelled, extracted)
    assert score.precision == 1.0
    assert {row.phrase for row in score.found} == {"Exact Match (EM)", "Logit"}
    assert {row.phrase for row in score.misses} == {"Dropout", "Weight Decay"}
    assert score.recall == pytest.approx(2 / 4)


def test_a_term_defined_in_another_note_is_recalled_where_it_is_written(
    labelled: list[LabelledPhrase],
) -> None:
    # "Weight Decay" is bold in ml.md and defined in another note: its tooltip explains it.
    score = score_vault("v", labelled, [Extracted("optim.md", 4, "Weight decay")])
    assert {row.phrase for row in score.found} == {"Weight Decay"}
    assert score.outside == 1


def test_terms_outside_the_labelled_notes_are_counted_apart_from_unlabelled_ones(
    labelled: list[LabelledPhrase],
) -> None:
    extracted = [
        Extracted("unlabelled note.md", 1, "Anything"),
        Extracted("ml.md", 20, "Batch Norm"),
    ]
    score = score_vault("v", labelled, extracted)
    assert score.outside == 1
    assert [t.name for t in score.unlabelled] == ["Batch Norm"]
    assert score.precision is None
    assert "Batch Norm (ml.md:20)" in format_details(score)


def test_rows_of_other_vaults_do_not_count(labelled: list[LabelledPhrase]) -> None:
    score = score_vault("other", labelled, [Extracted("ml.md", 3, "Pros")])
    assert score.precision == 0.0
    assert score.recall is None
    table = format_table([score])
    assert table.splitlines()[1].split()[:3] == ["other", "0%", "-"]


def test_a_row_with_an_unknown_label_is_refused(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [("v", "c0", "a.md", 1, "Dropout", "maybe")])
    with pytest.raises(ValueError, match="not a labelled row"):
        read_corpus(path)


def test_the_shipped_corpus_covers_three_real_vaults_with_400_phrases() -> None:
    rows = read_corpus(CORPUS / "labels.tsv")
    vaults = (CORPUS / "vaults.tsv").read_text(encoding="utf-8").splitlines()[1:]
    listed = {line.split("\t")[0] for line in vaults}
    real = {row.vault for row in rows} - {"bundled"}
    assert {row.vault for row in rows} <= listed
    assert len(real) >= 3
    assert sum(1 for row in rows if row.vault != "bundled") >= 400
    keys = [(row.vault, row.path, row.line, row.phrase.casefold()) for row in rows]
    assert len(keys) == len(set(keys)), "a phrase is labelled twice"
