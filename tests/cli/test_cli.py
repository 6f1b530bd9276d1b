from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from studynotes.cli import main


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'index.sqlite3'}"


def test_index_prints_a_one_line_summary(vault_copy: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["index", str(vault_copy), "--db", _db(tmp_path)])
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip().splitlines()[-1]
    assert "notes" in summary and "links" in summary and "unresolved" in summary
    assert "terms" in summary and "tags" in summary and " s" in summary


def test_index_timings_say_where_the_time_went(vault_copy: Path, tmp_path: Path) -> None:
    args = ["index", str(vault_copy), "--db", _db(tmp_path), "--timings"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    timings = result.stdout.strip().splitlines()[-1]
    steps = dict(part.rsplit(" ", 2)[:2] for part in timings.removeprefix("timings: ").split(", "))
    assert {"discover", "parse", "resolve", "render and store"} <= set(steps)
    summary_seconds = float(re.search(r"in ([0-9.]+) s", result.stdout)[1])  # type: ignore[index]
    assert sum(map(float, steps.values())) <= summary_seconds + 0.05
    plain = CliRunner().invoke(main, ["index", str(vault_copy), "--db", _db(tmp_path)])
    assert "timings" not in plain.stdout


def test_second_index_run_parses_nothing(vault_copy: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["index", str(vault_copy), "--db", _db(tmp_path)])
    again = runner.invoke(main, ["index", str(vault_copy), "--db", _db(tmp_path)])
    assert again.exit_code == 0
    assert "unchanged" in again.stdout


def test_missing_vault_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["index", str(tmp_path / "nope"), "--db", _db(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"studynotes: error: vault not found: {tmp_path / 'nope'}"


def test_vault_that_is_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "note.md"
    file.write_text("# hi\n")
    result = CliRunner().invoke(main, ["check", str(file), "--db", _db(tmp_path)])
    assert result.exit_code == 2
    assert "vault is not a folder" in result.stderr
    assert "Traceback" not in result.output


def test_unusable_database_url_is_one_clear_line(vault_copy: Path) -> None:
    result = CliRunner().invoke(main, ["index", str(vault_copy), "--db", "nosuchdb://x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("studynotes: error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_format_is_a_usage_error(vault_copy: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(vault_copy), "--format", "xml"])
    assert result.exit_code == 2


def test_check_reports_problems_with_file_and_line_and_exits_1(
    vault_copy: Path, tmp_path: Path
) -> None:
    (vault_copy / "Broken.md").write_text("Intro\n\nSee [[Nowhere]] and ![[gone.png]].\n")
    result = CliRunner().invoke(main, ["check", str(vault_copy), "--db", _db(tmp_path)])
    assert result.exit_code == 1
    assert "Broken.md:3: unresolved-link: [[Nowhere]]" in result.stdout
    assert "Broken.md:3: unresolved-embed: ![[gone.png]]" in result.stdout


def test_check_json_lists_problems(vault_copy: Path, tmp_path: Path) -> None:
    (vault_copy / "Bad.md").write_text("---\ntags: [unclosed\n---\nBody [[Nowhere]]\n")
    result = CliRunner().invoke(
        main, ["check", str(vault_copy), "--db", _db(tmp_path), "--format", "json"]
    )
    assert result.exit_code == 1
    kinds = {(p["path"], p["kind"]) for p in json.loads(result.stdout)["problems"]}
    assert ("Bad.md", "invalid-frontmatter") in kinds
    assert ("Bad.md", "unresolved-link") in kinds
    assert ("a/Overview.md", "duplicate-name") in kinds


def test_check_on_a_clean_vault_exits_0(tmp_path: Path) -> None:
    vault = tmp_path / "clean"
    vault.mkdir()
    (vault / "One.md").write_text("# One\n\nSee [[Two]].\n")
    (vault / "Two.md").write_text("# Two\n\nBack to [[One#One]].\n")
    result = CliRunner().invoke(main, ["check", str(vault), "--db", _db(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.stdout


def test_flags_override_environment(vault_copy: Path, tmp_path: Path) -> None:
    env_db = tmp_path / "from-env.sqlite3"
    flag_db = tmp_path / "from-flag.sqlite3"
    result = CliRunner(env={"STUDYNOTES_DB": f"sqlite:///{env_db}"}).invoke(
        main, ["index", str(vault_copy), "--db", f"sqlite:///{flag_db}"]
    )
    assert result.exit_code == 0
    assert flag_db.exists() and not env_db.exists()


def test_default_database_lives_outside_the_vault(vault_copy: Path, tmp_path: Path) -> None:
    before = sorted(p.relative_to(vault_copy) for p in vault_copy.rglob("*"))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run(
        [sys.executable, "-m", "studynotes", "index", str(vault_copy)],
        check=True,
        env=env,
        capture_output=True,
    )
    assert sorted(p.relative_to(vault_copy) for p in vault_copy.rglob("*")) == before
    assert list((tmp_path / "cache" / "studynotes").glob("*.sqlite3"))


def test_glossary_command_says_why_each_phrase_is_or_is_not_a_term(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Words.md").write_text(
        "# Key terms\n\n- **Dropout**: randomly zeroing activations.\n"
        "- **Beam search**: keeping the best few partial outputs.\n\n"
        "**Example**: a worked case.\n\nA **bold aside** in a sentence.\n"
    )
    (vault / "Advice.md").write_text(
        "---\nglossary: false\n---\n- **Spaced repetition**: review just before forgetting.\n"
    )
    env = {"STUDYNOTES_GLOSSARY_IGNORE": '["beam search"]'}
    result = CliRunner().invoke(main, ["glossary", str(vault)], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()

    def said(phrase: str) -> str:
        return next(line for line in lines if f"  {phrase}  " in line)

    assert said("Dropout").startswith("Words.md:3: term")
    assert "not term" in said("Beam search") and "ignore" in said("Beam search")
    assert "Advice.md:4: not term" in said("Spaced repetition")
    assert "glossary: false" in said("Spaced repetition")
    assert "label" in said("Example")
    assert "not written as a definition" in said("bold aside")

    as_json = CliRunner().invoke(main, ["glossary", str(vault), "--kept", "--format", "json"])
    rows = json.loads(as_json.stdout)
    assert [(r["phrase"], r["kept"]) for r in rows] == [("Dropout", True), ("Beam search", True)]
