"""One note per term: a folder whose notes are short and open with a definition of their
title is read as a glossary, without the owner declaring it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from studynotes.config import Settings
from studynotes.db.models import Term, TermAlias
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault

# The CC BY 4.0 machine-learning glossary vault (attribution in shared/vaults/README.md).
ML_GLOSSARY = Path(
    os.environ.get(
        "STUDYNOTES_ML_GLOSSARY",
        str(Path(__file__).parents[3] / "shared" / "vaults" / "ml-glossary"),
    )
)

OPENINGS = [
    "A method that {x}.",
    "An estimate of {x}.",
    "The part of a model that {x}.",
    "In statistics, a measure of {x}.",
    "Abbreviation for [[Dropout]].",
]


def _index(vault: Path, tmp: Path) -> Engine:
    engine = open_database(f"sqlite:///{tmp / 'index.sqlite3'}")
    index_vault(Settings(vault=vault, workers=1), engine)
    return engine


def _terms(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as conn:
        names = dict(conn.execute(select(Term.id, Term.name).where(Term.empty.is_(False))).all())
        out: dict[str, list[str]] = {name: [] for name in names.values()}
        for tid, alias in conn.execute(select(TermAlias.term_id, TermAlias.name)):
            if tid in names:
                out[names[tid]].append(alias)
    return out


def _write_glossary(folder: Path, count: int) -> list[str]:
    folder.mkdir(parents=True)
    titles = [f"Concept {chr(65 + i % 26)}{i}" for i in range(count)]
    for i, title in enumerate(titles):
        body = OPENINGS[i % len(OPENINGS)].format(x=f"thing number {i}")
        (folder / f"{title}.md").write_text(f"#ml\n\n{body}\n\nMore detail follows here.\n")
    return titles


def test_a_folder_of_short_definitions_is_a_glossary(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    titles = _write_glossary(vault / "Terms", 24)
    (vault / "Terms" / "Rectified Linear Unit (ReLU).md").write_text(
        "An activation that keeps positive inputs and zeroes the rest.\n"
    )
    (vault / "Journal").mkdir()
    for day in range(25):  # short notes too, but not definitions of their titles
        (vault / "Journal" / f"2026-11-{day + 1:02d}.md").write_text(
            "The lecture ran long; I reviewed the notes afterwards.\n"
        )
    terms = _terms(_index(vault, tmp_path))
    assert set(titles) <= set(terms)
    assert terms["Rectified Linear Unit"] == ["ReLU"]  # the title's acronym is a name too
    assert not any(name.startswith("2026-") for name in terms)


def test_a_few_short_notes_are_not_a_glossary(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    _write_glossary(vault / "Ideas", 5)
    assert _terms(_index(vault, tmp_path)) == {}


def test_a_note_that_opens_with_a_definition_callout_defines_its_title(tmp_path: Path) -> None:
    """Math vaults mark definitions with a callout (``> [!def]``), one note per concept,
    among theorems and proofs: each such note is its title's glossary entry."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Abelian Group.md").write_text(
        "---\ntags: [algebra]\naliases: [commutative group]\n---\n"
        ">[!def]\n>A [[Group]] $G$ is *Abelian* if its operation is commutative.\n"
    )
    (vault / "Coset.md").write_text("> [!definition] Coset\n> A translate $gH$ of a subgroup.\n")
    (vault / "Lagrange.md").write_text("> [!thm]\n> The order of a subgroup divides |G|.\n")
    (vault / "Ring.md").write_text("> [!def] Ideal\n> A subring closed under products.\n")
    (vault / "Group.md").write_text("A set with an associative operation, and more.\n")
    (vault / "Notes.md").write_text("Every abelian group is a group; see the coset note.\n")
    engine = _index(vault, tmp_path)
    terms = _terms(engine)
    assert terms == {"Abelian Group": ["commutative group"], "Coset": []}
    with engine.connect() as conn:
        definition = conn.execute(
            select(Term.definition).where(Term.name == "Abelian Group")
        ).scalar_one()
    assert definition.startswith("A Group G is Abelian")


@pytest.mark.skipif(not ML_GLOSSARY.is_dir(), reason="the ml-glossary vault is not here")
def test_the_one_note_per_term_vault_yields_its_terms(tmp_path: Path) -> None:
    terms = _terms(_index(ML_GLOSSARY, tmp_path))
    assert len(terms) >= 550
    assert {"AUC", "overfitting", "node (decision tree)", "retrieval-augmented generation"} <= set(
        terms
    )


def test_a_bold_lead_in_many_notes_open_lines_with_is_a_label_not_a_term(
    tmp_path: Path,
) -> None:
    """``**Esempio:**`` opens a worked example in note after note; the one note where text
    follows it on the same line does not make it a term. A phrase two notes use stays one."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Limiti.md").write_text(
        "# Limiti\n\n**Esempio:** il limite di 1/x per x che tende a infinito è zero.\n\n"
        "**Asintoto**: una retta a cui il grafico si avvicina indefinitamente.\n"
    )
    for name in ("Derivate", "Integrali", "Serie"):
        (vault / f"{name}.md").write_text(f"# {name}\n\n**Esempio:**\n\n- un caso\n- un altro\n")
    (vault / "Funzioni.md").write_text("# Funzioni\n\n**Asintoto:**\n\n- verticale\n")
    terms = _terms(_index(vault, tmp_path))
    assert "Esempio" not in terms
    assert "Asintoto" in terms
