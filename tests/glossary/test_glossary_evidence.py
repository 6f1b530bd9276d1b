"""Termhood from evidence: the same shape is a term or a label by what the vault says."""

from studynotes.glossary.collect import Decision
from studynotes.ingest.glossary import vault_terms
from studynotes.ingest.parse import ParsedNote, parse_note
from studynotes.paths import VaultPath


def _notes(files: dict[str, str]) -> dict[VaultPath, ParsedNote]:
    return {VaultPath(p): parse_note(VaultPath(p), text) for p, text in files.items()}


def terms_of(files: dict[str, str]) -> dict[str, str]:
    """Term name -> definition, as the vault's glossary has them."""
    found = vault_terms(_notes(files), folders=[], tags=[])
    return {t.name: t.definition for t in found if not t.empty}


def decisions_of(files: dict[str, str]) -> dict[str, Decision]:
    out: list[Decision] = []
    vault_terms(_notes(files), folders=[], tags=[], decisions=out)
    return {d.phrase: d for d in out}


OPTIONS = """# Summaries

## Numbers

- **Max**: largest value.
- **Min**: smallest value.
- **Sum**: total of all values.
- **Median**: median value.
"""

TERMS = """# Retrieval

## Key terms

- **Recall at k**: the share of relevant documents found in the first k results.
- **Reranker**: a model that orders candidate passages by relevance to the query.
- **Dense retrieval**: a search that compares embeddings instead of words.
"""


def test_an_option_list_gives_no_terms_where_a_key_terms_list_does() -> None:
    assert terms_of({"options.md": OPTIONS}) == {}
    assert set(terms_of({"terms.md": TERMS})) == {"Recall at k", "Reranker", "Dense retrieval"}


def test_instructions_are_not_definitions() -> None:
    text = """## Recovery codes

- **Copy recovery codes**: Copy the codes to paste them somewhere safe.
- **Download recovery codes**: Download a text file that holds your codes.
"""
    decisions = decisions_of({"codes.md": text})
    assert terms_of({"codes.md": text}) == {}
    why = decisions["Copy recovery codes"].reason
    assert not decisions["Copy recovery codes"].kept
    assert "instruction" in why and "heading of points" not in why  # it says which evidence


def test_fields_of_a_thing_are_labels_and_a_noun_phrase_definition_is_a_term() -> None:
    dataset = """## ImageNet

- **Size**: about 1.3 million images in 1,000 classes.
- **Resolution**: images of varied, mostly high resolution.
"""
    series = """## Decomposition

- **Trend**: The long-term movement or direction in the data.
"""
    assert terms_of({"data.md": dataset, "series.md": series}) == {
        "Trend": "The long-term movement or direction in the data."
    }


def test_a_sentence_about_the_heading_subject_does_not_define_the_bold_label() -> None:
    text = """## t-SNE

- **Local Structure**: t-SNE keeps close points close and lets far ones drift.
- **Perplexity**: a number that sets how many neighbours each point weighs.
"""
    decisions = decisions_of({"tsne.md": text})
    assert not decisions["Local Structure"].kept
    assert "about t-SNE" in decisions["Local Structure"].reason
    assert "Perplexity" in terms_of({"tsne.md": text})


def test_a_close_call_follows_its_list() -> None:
    attacks = """# Attacks

- **White-box Attack**: A setting where the attacker knows the whole model.
- **Black-box Attack**: A setting where only the model's outputs can be seen.
- **Fast Gradient Sign Method (FGSM)**: One step along the sign of the gradient.
- **DeepFool**: Iteratively perturbs the input until the decision flips.
"""
    assert "DeepFool" in terms_of({"attacks.md": attacks})


def test_a_phrase_with_no_evidence_takes_the_vault_habit() -> None:
    one = {"one.md": "- **DeepFool**: Iteratively perturbs the input.\n"}
    assert set(terms_of(one)) == {"DeepFool"}  # nothing says otherwise: taken at its word
    # In a vault whose other definitions are options and steps, it is one more label.
    steps = """## Import settings

- **Attachment size limit**: Skip attachments larger than this size.
- **Minimum image size**: Skip images smaller than this size.
- **Copy codes**: Copy the codes somewhere safe.
"""
    assert terms_of({**one, "settings.md": steps, "options.md": OPTIONS}) == {}


def test_a_term_defined_in_several_notes_is_kept_once_where_the_evidence_is_strongest() -> None:
    files = {
        "Manage vaults.md": "A **vault** is a folder on disk that holds your notes.\n",
        "Glossary.md": "## Vault\n\nA **vault** is a folder that holds notes and settings.\n",
        "Misc.md": "- **Limitations**: none worth noting.\n",
        "Other.md": "- **Limitations**: a few, listed below.\n",
    }
    found = vault_terms(_notes(files), folders=[], tags=[])
    assert [(t.name, t.note_path) for t in found if not t.empty] == [("vault", "Glossary.md")]


def test_a_sentence_that_names_what_it_describes_defines_it() -> None:
    text = (
        "- A process whose parent did not wait for it is called a **zombie**\n"
        "- To start, create a note called **Eiffel Tower** and link to it.\n"
    )
    found = terms_of({"procs.md": text})
    assert list(found) == ["zombie"]
    assert found["zombie"].startswith("A process whose parent did not wait")


def test_a_note_title_speaks_for_a_lone_word() -> None:
    text = "## Ways to keep files\n\n- **Backup**: a copy kept somewhere else.\n"
    assert terms_of({"keep.md": text}) == {}
    with_note = {"keep.md": text, "Backup.md": "How we back up.\n"}
    assert "Backup" in terms_of(with_note)


def test_a_syntax_demo_does_not_take_a_real_term_from_the_vault() -> None:
    files = {
        "Cheat sheet.md": "## Definition list\n\nterm\n: definition\n",
        "IR.md": "- **Term** is a word or phrase as stored in the index.\n",
    }
    found = vault_terms(_notes(files), folders=[], tags=[])
    assert [(t.name, t.note_path) for t in found if not t.empty] == [("Term", "IR.md")]
    assert not next(t for t in found if t.name == "Term").marked  # an everyday word, weakly
