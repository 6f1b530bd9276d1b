"""Bad files in the vault: each one is a warning or a named skip, and everything else works."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from studynotes.cli import main
from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import IndexReport, index_vault
from studynotes.ingest.read import read_note
from studynotes.web.app import create_app

LIMIT = 1_000_000  # bytes; the huge note is ten times that

GOOD = {
    "Good.md": "# Good\n\nLinks to [[Other]], [[with space]], [[ünïcödé 笔记]], [[100%]] and "
    "[[what?]], and [md](with%20space.md).\n",
    "Other.md": "# Other\n\nBack to [[Good]].\n",
    "x/Note.md": "# Upper\n\nIn x.\n",
    "y/note.md": "# lower\n\nIn y.\n",
    "Case.md": "# Case\n",
    "case.md": "# case\n",
    "a#b.md": "hash in the name\n",
    "100%.md": "percent in the name\n",
    "what?.md": "question mark in the name\n",
    "with space.md": "spaces in the name\n",
    "ünïcödé 笔记.md": "unicode in the name\n",
    "emoji 🎉.md": "emoji in the name\n",
    "quote'\"amp&lt;.md": "quotes, ampersand and angle brackets in the name\n",
    "semi;colon+plus=eq.md": "punctuation in the name\n",
    "new\nline.md": "a newline in the name\n",
    "back\\slash.md": "a backslash in the name\n",
    "%2e%2e.md": "percent-encoded dots in the name\n",
    "folder.md/inside.md": "a folder whose name ends in .md\n",
    "empty.md": "",
    "blank.md": "\n\n   \n\t\n",
}
WARNED = {
    "latin1.md": b"caf\xe9 na\xefve r\xe9sum\xe9\n",  # Windows-1252
    "badutf8.md": b"ok \xc3\x28 then \x81\x8d\x8f\x90\x9d\n",  # not UTF-8, not cp1252 either
    "utf16.md": "UTF-16 text\n".encode("utf-16"),  # with its byte order mark
    "bad yaml.md": b"---\ntitle: [unclosed\n: : :\n---\n# Body of bad yaml\n",
    "bad date.md": b"---\ndate: 2024-13-45\n---\n# Body of bad date\n",
    "bomb.md": b"---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n---\nbody\n",
}
HIDDEN = [".obsidian/app.md", ".git/HEAD.md", ".trash/old.md", ".hidden/w.md", ".dot.md"]


def _make_vault(root: Path) -> Path:
    """A vault with every kind of bad file next to good ones, plus a secret outside it."""
    vault = root / "vault"
    for name, text in GOOD.items():
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text(text, encoding="utf-8")
    for name, data in WARNED.items():
        (vault / name).write_bytes(data)
    for name in HIDDEN:
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text("# hidden\n")
    (vault / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (vault / "zeros.md").write_bytes(b"\x00" * 4096)
    with (vault / "huge.md").open("wb") as f:
        f.write(b"# huge\n" + b"lorem ipsum " * (10 * LIMIT // 12))
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# TOP SECRET\n")
    (vault / "outside.md").symlink_to(outside / "secret.md")
    (vault / "outside dir").symlink_to(outside, target_is_directory=True)
    (vault / "loop1.md").symlink_to("loop2.md")
    (vault / "loop2.md").symlink_to("loop1.md")
    (vault / "broken.md").symlink_to("nowhere.md")
    (vault / "inside.md").symlink_to("Other.md")  # inside the vault: followed
    (vault / "self").symlink_to(".", target_is_directory=True)  # inside, but never walked twice
    os.mkfifo(vault / "pipe.md")
    (vault / "assets").mkdir()
    (vault / "assets" / "odd #%? name.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return vault


EXPECTED_SKIPS = {
    "huge.md": "larger than the limit",
    "binary.md": "binary",
    "zeros.md": "binary",
    "outside.md": "outside the vault",
    "outside dir": "outside the vault",
    "loop1.md": "symlink loop",
    "loop2.md": "symlink loop",
    "broken.md": "cannot read",
    "pipe.md": "not a regular file",
}


@pytest.fixture
def bad_vault(tmp_path: Path) -> Path:
    return _make_vault(tmp_path)


def _settings(vault: Path, tmp_path: Path) -> Settings:
    db = f"sqlite:///{tmp_path / 'index.sqlite3'}"
    return Settings(vault=vault, db=db, workers=1, max_file_bytes=LIMIT)


def _index(vault: Path, tmp_path: Path) -> tuple[Settings, IndexReport]:
    settings = _settings(vault, tmp_path)
    engine = open_database(settings.database_url())
    report = index_vault(settings, engine)
    engine.dispose()
    return settings, report


def test_every_bad_file_is_skipped_with_its_reason(bad_vault: Path, tmp_path: Path) -> None:
    _, report = _index(bad_vault, tmp_path)
    skipped = dict(report.skipped)
    assert set(skipped) == set(EXPECTED_SKIPS)
    for path, why in EXPECTED_SKIPS.items():
        assert why in skipped[path], (path, skipped[path])


def test_undecodable_and_invalid_files_are_indexed_with_a_warning(
    bad_vault: Path, tmp_path: Path
) -> None:
    _, report = _index(bad_vault, tmp_path)
    warned = {path: why for path, why in report.warnings}
    assert "Windows-1252" in warned["latin1.md"]
    assert "replaced" in warned["badutf8.md"]
    assert "UTF-16" in warned["utf16.md"]
    assert "frontmatter" in warned["bad yaml.md"]
    assert "frontmatter" in warned["bad date.md"]
    assert "frontmatter" in warned["bomb.md"]


def test_everything_else_is_indexed_and_served(bad_vault: Path, tmp_path: Path) -> None:
    settings, report = _index(bad_vault, tmp_path)
    expected = {*GOOD, *WARNED, "inside.md"}
    engine = open_database(settings.database_url())
    with TestClient(create_app(settings, engine=engine)) as client:
        notes = {n["path"]: n for n in client.get("/api/notes").json()}
        assert set(notes) == expected
        assert len({n["slug"] for n in notes.values()}) == len(notes)  # case twins differ
        for note in notes.values():
            page = client.get("/notes/" + quote(note["slug"], safe="/"))
            assert page.status_code == 200, note
        assert "café naïve" in client.get("/api/notes/latin1").json()["html"]
        assert "Body of bad yaml" in client.get("/api/notes/bad-yaml").json()["html"]
        assert "Body of bad date" in client.get("/api/notes/bad-date").json()["html"]
        good = client.get("/api/notes/good").json()
        assert {link["resolved_slug"] for link in good["links_out"]} >= {
            "other",
            "with-space",
            "ünïcödé-笔记",
            "100",
            "what",
        }
        attachment = client.get("/files/" + quote("assets/odd #%? name.png"))
        assert attachment.status_code == 200
    engine.dispose()
    assert report.notes == len(expected)


def test_hidden_folders_and_files_are_never_indexed_nor_served(
    bad_vault: Path, tmp_path: Path
) -> None:
    settings, report = _index(bad_vault, tmp_path)
    engine = open_database(settings.database_url())
    with TestClient(create_app(settings, engine=engine)) as client:
        paths = {n["path"] for n in client.get("/api/notes").json()}
        assert not any(p.startswith(".") or "/." in p for p in paths)
        assert not any(p.startswith("self/") or p.startswith("outside dir/") for p in paths)
        for name in HIDDEN:
            assert client.get("/files/" + quote(name)).status_code == 404
        assert client.get("/files/outside.md").status_code == 404
        assert client.get("/files/" + quote("outside dir/secret.md")).status_code == 404
    engine.dispose()
    assert not any(p.startswith(".") for p, _ in report.skipped)


def test_names_differing_only_in_case_are_two_notes(bad_vault: Path, tmp_path: Path) -> None:
    settings, _ = _index(bad_vault, tmp_path)
    engine = open_database(settings.database_url())
    with TestClient(create_app(settings, engine=engine)) as client:
        by_path = {n["path"]: n["slug"] for n in client.get("/api/notes").json()}
        for a, b in [("x/Note.md", "y/note.md"), ("Case.md", "case.md")]:
            assert by_path[a] != by_path[b]
            page_a, page_b = client.get(f"/notes/{by_path[a]}"), client.get(f"/notes/{by_path[b]}")
            assert page_a.status_code == page_b.status_code == 200
            assert page_a.text != page_b.text
        assert "Upper" in client.get("/api/notes/" + by_path["x/Note.md"]).json()["html"]
        assert "lower" in client.get("/api/notes/" + by_path["y/note.md"]).json()["html"]
    engine.dispose()


# --- the command line names every skipped file, and exits 0 ------------------------------------


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"STUDYNOTES_MAX_FILE_BYTES": str(LIMIT)})
    return result.exit_code, result.stdout, result.stderr


def test_index_names_every_skipped_file_and_exits_0(bad_vault: Path, tmp_path: Path) -> None:
    code, out, err = _cli("index", str(bad_vault), "--db", f"sqlite:///{tmp_path / 'i.db'}")
    assert code == 0, err
    for path, why in EXPECTED_SKIPS.items():
        assert f"warning: skipped {path}: " in err and why in err, path
    assert "Traceback" not in err
    assert f"{len(EXPECTED_SKIPS)} skipped" in out


def _only_skips_vault(tmp_path: Path) -> Path:
    vault = tmp_path / "clean"
    vault.mkdir()
    (vault / "A.md").write_text("# A\n\n[[B]]\n")
    (vault / "B.md").write_text("# B\n\n[[A]]\n")
    (vault / "binary.md").write_bytes(b"\x00\x01\x02")
    (vault / "huge.md").write_bytes(b"x" * (LIMIT + 1))
    return vault


def test_check_names_skipped_files_in_text_but_they_are_not_problems(tmp_path: Path) -> None:
    vault = _only_skips_vault(tmp_path)
    code, out, err = _cli("check", str(vault), "--db", f"sqlite:///{tmp_path / 'c.db'}")
    assert code == 0, out + err
    assert "binary.md: skipped: binary file" in out
    assert "huge.md: skipped: larger than the limit" in out
    assert out.strip().splitlines()[-1] == "no problems (2 notes checked, 2 files skipped)"


def test_check_names_skipped_files_in_json(tmp_path: Path) -> None:
    vault = _only_skips_vault(tmp_path)
    db = f"sqlite:///{tmp_path / 'c.db'}"
    code, out, _ = _cli("check", str(vault), "--db", db, "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["problems"] == []
    reasons = {s["path"]: s["reason"] for s in payload["skipped"]}
    assert set(reasons) == {"binary.md", "huge.md"}
    assert "binary" in reasons["binary.md"]


def test_check_on_the_bad_vault_names_everything_and_exits_1_only_for_problems(
    bad_vault: Path, tmp_path: Path
) -> None:
    code, out, err = _cli("check", str(bad_vault), "--db", f"sqlite:///{tmp_path / 'c.db'}")
    assert code == 1  # it has real problems: bad frontmatter, duplicate names
    for path in EXPECTED_SKIPS:
        assert f"{path}: skipped: " in out, path
    assert "bad yaml.md:1: invalid-frontmatter" in out
    assert "Traceback" not in out + err


def test_an_unreadable_vault_is_the_only_failure(tmp_path: Path) -> None:
    code, _, err = _cli("index", str(tmp_path / "missing"), "--db", f"sqlite:///{tmp_path / 'x'}")
    assert code == 2
    assert err.startswith("studynotes: error: vault not found")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    code, _, err = _cli("check", str(tmp_path / "loop"), "--db", f"sqlite:///{tmp_path / 'y'}")
    assert code == 2
    assert err.startswith("studynotes: error: ")


def test_reading_a_note_swapped_for_a_fifo_or_grown_huge_is_a_skip(
    tmp_path: Path, time_limit: Callable[[float], AbstractContextManager[None]]
) -> None:
    """Between walking the vault and reading a file, it may change: no hang, no huge read."""
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "grown.md").write_bytes(b"x" * (LIMIT * 3))
    with time_limit(5):
        fifo = read_note(tmp_path / "pipe.md", max_bytes=LIMIT)
        grown = read_note(tmp_path / "grown.md", max_bytes=LIMIT)
    assert fifo.skip == "cannot read: not a regular file"
    assert grown.skip == f"larger than the limit ({LIMIT * 3} > {LIMIT} bytes)"
