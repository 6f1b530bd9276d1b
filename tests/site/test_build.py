"""`studynotes build`: what a rebuild rewrites, what it removes, where it refuses to write,
and that every link of a built site lands on a file of the site."""

from __future__ import annotations

import hashlib
import html
import importlib
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault
from studynotes.site.build import BuildReport, build_site, normal_base
from studynotes.site.output import MANIFEST, OutputError
from studynotes.web import views

REPO = Path(__file__).parents[2]
graph_view = importlib.import_module("studynotes.web.views.graph")  # not its function


def _build(vault: Path, out: Path, db: str, base: str = "/") -> BuildReport:
    config = Settings(vault=vault, db=db)
    engine = open_database(db)
    try:
        index_vault(config, engine)
        return build_site(config, engine, out, base=base)
    finally:
        engine.dispose()


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    target = tmp_path / "vault"
    shutil.copytree(REPO / "notes", target)
    return target


def test_a_rebuild_of_an_unchanged_vault_writes_nothing(
    vault: Path, tmp_path: Path, new_database: object
) -> None:
    url = new_database("site")  # type: ignore[operator]
    first = _build(vault, tmp_path / "out", url)
    assert first.written.files == len(first.written.written) > 100
    again = _build(vault, tmp_path / "out", url)
    assert again.written.written == [] and again.written.removed == []
    assert again.written.files == first.written.files


def test_editing_one_note_rewrites_its_page_and_little_else(vault: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'index.sqlite3'}"
    out = tmp_path / "out"
    first = _build(vault, out, db)
    before = _hashes(out)
    note = vault / "Evaluation" / "Metrics.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nA new word: zebrafish.\n", "utf-8")
    report = _build(vault, out, db)
    after = _hashes(out)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed - {MANIFEST} == set(report.written.written)
    assert "notes/evaluation/metrics/index.html" in changed
    assert "api/preview/evaluation/metrics/index.json" in changed
    assert "search/w/7a-65.json" in changed  # "zebrafish" is now a word of the index
    # Other notes' pages do not change: nothing on them depends on this edit.
    other_notes = {n for n in changed if n.startswith("notes/")}
    assert other_notes == {"notes/evaluation/metrics/index.html"}
    assert len(changed) < first.written.files / 20


def test_deleting_a_note_removes_its_files(vault: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'index.sqlite3'}"
    out = tmp_path / "out"
    _build(vault, out, db)
    assert (out / "notes/evaluation/metrics/index.html").is_file()
    (vault / "Evaluation" / "Metrics.md").unlink()
    report = _build(vault, out, db)
    gone = [
        "notes/evaluation/metrics/index.html",
        "api/preview/evaluation/metrics/index.json",
        "api/graph/note/evaluation/metrics/index.json",
    ]
    for name in gone:
        assert not (out / name).exists(), name
        assert name in report.written.removed
    assert not (out / "notes/evaluation/metrics").exists()  # no empty folder is left
    assert set(_hashes(out)) == set(json.loads((out / MANIFEST).read_text())["files"]) | {MANIFEST}


def test_the_vault_is_never_written(vault: Path, tmp_path: Path) -> None:
    before = _hashes(vault)
    _build(vault, tmp_path / "out", f"sqlite:///{tmp_path / 'index.sqlite3'}")
    assert _hashes(vault) == before


@pytest.mark.parametrize("where", ["inside", "itself"])
def test_an_output_inside_the_vault_is_refused(vault: Path, tmp_path: Path, where: str) -> None:
    out = vault / "site" if where == "inside" else vault
    with pytest.raises(OutputError, match="inside the vault"):
        _build(vault, out, f"sqlite:///{tmp_path / 'index.sqlite3'}")
    assert not (vault / "site").exists()


def test_a_folder_of_other_files_is_refused(vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(OutputError, match="no earlier build"):
        _build(vault, out, f"sqlite:///{tmp_path / 'index.sqlite3'}")
    assert (out / "thesis.docx").read_bytes() == b"precious"


@pytest.mark.parametrize(
    ("given", "base"), [("", "/"), ("/", "/"), ("notes", "/notes/"), ("/a/b/", "/a/b/")]
)
def test_the_base_url_is_a_path_with_slashes_at_both_ends(given: str, base: str) -> None:
    assert normal_base(given) == base


# --- every link lands: a property over generated vaults ------------------------------------

_LINK = re.compile(r'\s(?:href|src|action|data)="([^"]*)"')
_NAMES = st.sampled_from(["Alpha", "Beta", "Gamma Ray", "Δelta", "Über", "注意力", "x-1", "Zed"])
_FOLDERS = st.sampled_from(["", "A/", "A/B/", "Notes & Things/"])


@st.composite
def vaults(draw: st.DrawFn) -> dict[str, str]:
    names = draw(st.lists(_NAMES, min_size=1, max_size=5, unique=True))
    paths = {name: draw(_FOLDERS) + name + ".md" for name in names}
    files: dict[str, str] = {}
    for name, path in paths.items():
        lines = [f"# {name}", "", "## Part one", "", "Some text ^blk1", ""]
        for _ in range(draw(st.integers(0, 4))):
            target = draw(st.sampled_from([*names, "Missing Note"]))
            anchor = draw(st.sampled_from(["", "#Part one", "#^blk1", "#No such part"]))
            lines.append(f"See [[{target}{anchor}]] and #tag/{draw(st.sampled_from('ab'))}.")
        if draw(st.booleans()):
            lines.append("**Term of art** is a thing defined here.")
        files[path] = "\n".join(lines) + "\n"
    return files


def _site_file(out: Path, base: str, url: str) -> Path | None:
    """The file a site URL names (a folder: its index.html); None if it is not the site's."""
    parts = urlsplit(url)
    if parts.scheme or not parts.path.startswith(base):
        return None
    inner = unquote(parts.path[len(base) :])
    target = out / inner
    return target / "index.html" if (not inner or inner.endswith("/")) else target


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=vaults())
def test_every_link_of_the_site_lands_on_a_file_of_it(
    files: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    vault = tmp / "vault"
    for path, text in files.items():
        (vault / path).parent.mkdir(parents=True, exist_ok=True)
        (vault / path).write_text(text, encoding="utf-8")
    base = "/sub/site/"
    out = tmp / "out"
    _build(vault, out, f"sqlite:///{tmp / 'index.sqlite3'}", base=base)
    for page in out.rglob("*.html"):
        for raw in _LINK.findall(page.read_text(encoding="utf-8")):
            url = html.unescape(raw)
            if url.startswith(("#", "http:", "https:", "data:", "mailto:")):
                continue
            assert url.startswith(base), f"{page}: {url} is outside the site"
            target = _site_file(out, base, url)
            assert target is not None and target.is_file(), f"{page}: {url} goes nowhere"


def test_a_build_in_worker_processes_writes_the_same_site(vault: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'index.sqlite3'}"
    config = Settings(vault=vault, db=db)
    engine = open_database(db)
    try:
        index_vault(config, engine)
        here = build_site(config, engine, tmp_path / "here", workers=1)
        there = build_site(config, engine, tmp_path / "there", workers=2)
    finally:
        engine.dispose()
    assert (here.workers, there.workers) == (1, 2)
    assert _hashes(tmp_path / "here") == _hashes(tmp_path / "there")


def test_a_new_base_url_remakes_the_site(vault: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'index.sqlite3'}"
    _build(vault, tmp_path / "out", db)
    moved = _build(vault, tmp_path / "out", db, base="/moved/")
    assert moved.workers >= 1 and "index.html" in moved.written.written
    assert 'href="/moved/glossary/"' in (tmp_path / "out" / "index.html").read_text()


def test_each_notes_graph_file_is_what_the_server_answers(
    vault: Path, new_database: object
) -> None:
    """The site draws every note's neighbourhood from the graph read once; a reader must see
    the same nodes, tags and links, in the same order, as the server's ``/api/graph``."""
    url = new_database("graphs")  # type: ignore[operator]
    engine = open_database(url)
    try:
        index_vault(Settings(vault=vault, db=url), engine)
        with Session(engine) as db:
            data = views.load_graph_data(db)
            slugs = sorted(data.ids)
            assert len(slugs) > 20
            for slug in slugs:
                assert views.local_graph_of(data, slug) == views.local_graph(db, slug), slug
            with pytest.raises(views.NotFound):
                views.local_graph_of(data, "no/such-note")
    finally:
        engine.dispose()


_NESTED = {  # folders in folders, tags in tags, and a flat folder no link reaches (all ties)
    "Prompting/Chains/Self-Consistency.md": "---\ntags: [prompting/cot/sc]\n---\n"
    "# Self-Consistency\n\nMany [[Chain of Thought]] paths, then a vote; [[Least-to-Most]].\n",
    "Prompting/Chains/Least-to-Most.md": "---\ntags: [prompting/cot]\n---\n"
    "# Least-to-Most\n\nSmall steps first, as in [[Self-Consistency]] and [[ReAct]].\n",
    "Prompting/Chains/Deep/Program of Thoughts.md": "---\ntags: [prompting/pot]\n---\n"
    "# Program of Thoughts\n\nCode for [[Chain of Thought]], as [[Tree of Thoughts]].\n",
    "Fine-Tuning/Adapters/QLoRA.md": "---\ntags: [peft/lora/qlora]\n---\n"
    "# QLoRA\n\n[[LoRA]] on a quantised model ([[PEFT]]).\n",
    **{f"Drills/Drill {i}.md": f"# Drill {i}\n\n#drill/{i % 2}\n" for i in range(5)},
}


def _folders_and_tags(data: views.GraphData) -> tuple[list[str | None], list[str]]:
    """Every folder of the vault (each prefix of each note's folder, the root as "" and
    as None) and every tag (each prefix of each tag), with one of each that is not there."""
    folders: set[str] = set()
    for note in data.notes.values():
        parts = note.path.split("/")[:-1]
        folders.update("/".join(parts[:i]) for i in range(len(parts) + 1))
    tags = {t for names in data.tags.values() for name in names for t in _prefixes(name)}
    return [None, *sorted(folders), "No Such Folder"], [*sorted(tags), "#no-such-tag"]


def _prefixes(tag: str) -> list[str]:
    parts = tag.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _same_graphs(db: Session, data: views.GraphData) -> None:
    folders, tags = _folders_and_tags(data)
    assert "Prompting/Chains/Deep" in folders and "prompting/cot" in tags
    for folder in folders:
        assert views.graph_of(data, folder=folder) == views.graph(db, folder=folder), folder
    for tag in tags:
        assert views.graph_of(data, tag=tag) == views.graph(db, tag=tag), tag


def _indexed(vault: Path, url: str) -> Engine:
    for name, text in _NESTED.items():
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text(text, encoding="utf-8")
    engine = open_database(url)
    index_vault(Settings(vault=vault, db=url), engine)
    return engine


def test_each_folders_and_tags_graph_is_what_the_server_answers(
    vault: Path, new_database: object
) -> None:
    """The site draws every folder's and tag's graph from the graph read once, as the server
    draws it from queries: the same nodes, edges and links, in the same order."""
    engine = _indexed(vault, new_database("graphs"))  # type: ignore[operator]
    try:
        with Session(engine) as db:
            _same_graphs(db, views.load_graph_data(db))
    finally:
        engine.dispose()


def test_a_large_vaults_folder_and_tag_graphs_are_what_the_server_answers(
    vault: Path, new_database: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the limits, the whole vault and a folder with folders in it are drawn as their
    folders (the largest, ties by name), and a flat folder or a tag as its most linked
    notes (ties by id): the site cuts where the server does."""
    monkeypatch.setattr(graph_view, "NOTES_UP_TO", 3)
    monkeypatch.setattr(graph_view, "FOLDERS_UP_TO", 5)
    engine = _indexed(vault, new_database("graphs"))  # type: ignore[operator]
    try:
        with Session(engine) as db:
            data = views.load_graph_data(db)
            _same_graphs(db, data)
            whole = views.graph_of(data)
            tops = Counter(
                n.path.split("/")[0] if "/" in n.path else "" for n in data.notes.values()
            )
            sizes = sorted(tops.values(), reverse=True)
            assert sizes[:7] == [9, 6, 5, 4, 3, 3, 3]  # five are kept: the cut falls in a tie
            assert whole.level == "folders"
            assert [n.folder for n in whole.nodes] == sorted(  # the largest; then by name
                ["Prompting", "Fine-Tuning", "Drills", "Glossary", ""]
            )
            prompting = views.graph_of(data, folder="Prompting")
            assert prompting.level == "folders" and "folder:Prompting/Chains" in {
                n.id for n in prompting.nodes
            }
            drills = sorted(i for i, n in data.notes.items() if n.path.startswith("Drills/"))
            first = [data.notes[i].slug for i in drills[:3]]  # five notes, none linked
            assert [n.id for n in views.graph_of(data, folder="Drills").nodes] == first
            assert [n.id for n in views.graph_of(data, tag="drill").nodes] == first
    finally:
        engine.dispose()


# --- a rebuild makes again only what changed, and is the site a fresh build makes ----------


def _site(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def _same_site(rebuilt: Path, fresh: Path) -> None:
    a, b = _site(rebuilt), _site(fresh)
    assert sorted(set(a) ^ set(b)) == []
    assert [name for name in a if a[name] != b[name]] == []


def test_a_one_note_edit_remakes_few_pages_and_the_site_a_fresh_build_makes(
    vault: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'index.sqlite3'}"
    out = tmp_path / "out"
    first = _build(vault, out, db)
    note = vault / "Evaluation" / "Metrics.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more line: perplexity.\n", "utf-8")
    again = _build(vault, out, db)
    assert again.planned and not first.planned
    notes, terms = first.notes_made, first.terms_made
    assert notes > 25 and terms > 25
    # The note, the notes it links to or from, and the terms it names or was listed under.
    assert 0 < again.notes_made <= notes / 2
    assert again.terms_made <= terms / 2
    config = Settings(vault=vault, db=db)
    engine = open_database(db)
    try:
        build_site(config, engine, tmp_path / "fresh")
    finally:
        engine.dispose()
    _same_site(out, tmp_path / "fresh")


_EDIT_NAMES = ["Alpha", "Beta", "Gamma Ray", "Delta"]
_EDIT_PATHS = {"Beta": "Sub/Beta.md", "Delta": "Sub/Deeper/Delta.md"}  # folders' pages too


@st.composite
def _edits(draw: st.DrawFn) -> list[tuple[str, str]]:
    """Edits to ``_EDIT_NAMES``' notes: (note, line appended), or a line removed ("")."""
    lines = st.one_of(
        st.builds(
            lambda t, a: f"See [[{t}{a}]] here.",
            st.sampled_from([*_EDIT_NAMES, "Missing"]),
            st.sampled_from(["", "#Part one", "#Part two", "#^blk1"]),
        ),
        st.sampled_from(
            [
                "The gamma ray and a widget appear here.",
                "Plain words only.",
                "## Part two",
                "Another block ^blk1",
                "#tag/a in a line.",
                "#tag/b/c and #tag in a line.",
                "**Widget**: a small device.",
                "",
            ]
        ),
    )
    return draw(st.lists(st.tuples(st.sampled_from(_EDIT_NAMES), lines), min_size=1, max_size=4))


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=_edits())
def test_after_any_edits_a_rebuild_is_the_site_a_fresh_build_makes(
    edits: list[tuple[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("edits")
    vault = root / "vault"
    vault.mkdir()
    (vault / "Sub" / "Deeper").mkdir(parents=True)
    for name in _EDIT_NAMES:
        others = [n for n in _EDIT_NAMES if n != name]
        text = f"# {name}\n\n## Part one\n\nText about {others[0]} ^blk1\n\nSee [[{others[1]}]].\n"
        (vault / _EDIT_PATHS.get(name, f"{name}.md")).write_text(text, encoding="utf-8")
    (vault / "Gamma Ray.md").write_text(
        "# Gamma Ray\n\n**Gamma ray**: light of high energy.\n\n## Part one\n\nSee [[Alpha]].\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{root / 'index.sqlite3'}"
    out = root / "out"
    _build(vault, out, db)
    for step, (name, line) in enumerate(edits):
        note = vault / _EDIT_PATHS.get(name, f"{name}.md")
        text = note.read_text(encoding="utf-8")
        if line:
            text += line + "\n"
        else:
            text = text.rstrip("\n").rsplit("\n", 1)[0] + "\n"
        note.write_text(text, encoding="utf-8")
        _build(vault, out, db)
        engine = open_database(db)
        try:
            build_site(Settings(vault=vault, db=db), engine, root / f"fresh{step}")
        finally:
            engine.dispose()
        _same_site(out, root / f"fresh{step}")


def test_a_manifest_without_readable_asks_makes_everything_and_still_cleans_up(
    vault: Path, tmp_path: Path
) -> None:
    """A manifest from an older build (or a damaged one) cannot say what to keep: the build
    makes every page again, and still removes what the last build made and this one does
    not."""
    db = f"sqlite:///{tmp_path / 'index.sqlite3'}"
    out = tmp_path / "out"
    _build(vault, out, db)
    manifest = out / MANIFEST
    saved = json.loads(manifest.read_text())
    saved["asks"] = {"index.html": ["p:metrics\0"]}  # names, where numbers are kept now
    manifest.write_text(json.dumps(saved))
    (vault / "Evaluation" / "Metrics.md").unlink()
    again = _build(vault, out, db)
    assert not again.planned
    assert "notes/evaluation/metrics/index.html" in again.written.removed
    engine = open_database(db)
    try:
        build_site(Settings(vault=vault, db=db), engine, tmp_path / "fresh")
    finally:
        engine.dispose()
    _same_site(out, tmp_path / "fresh")
