"""Score the glossary on real vaults against the hand-labelled corpus: ``make glossary-eval``.

For each vault of ``tests/glossary/corpus/vaults.tsv`` found on disk, it parses every note
(``parse_note``), builds the glossary the product shows (``vault_terms``) and compares it
with ``labels.tsv`` (``studynotes.glossary.evaluate``): precision, recall, counts, and the
labels most often taken for terms. It is a report, not a test: the exit status is 0 unless
the corpus itself is broken.

Vaults live in ``$STUDYNOTES_CORPUS_VAULTS`` (default: ``<user cache>/studynotes/corpus-vaults``),
one folder per vault named ``owner__name``, checked out at the corpus commit. ``--fetch``
clones the missing ones (Markdown files only) when the network allows.

    python bench/glossary_eval.py                 # score the vaults already on disk
    python bench/glossary_eval.py --fetch         # clone the missing ones first
    python bench/glossary_eval.py --vault bundled --limit 30
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_dir

from studynotes.config import Settings
from studynotes.glossary.evaluate import (
    Extracted,
    VaultScore,
    format_details,
    format_table,
    read_corpus,
    score_vault,
)
from studynotes.ingest.discover import discover
from studynotes.ingest.glossary import vault_terms
from studynotes.ingest.parse import ParsedNote, parse_note
from studynotes.ingest.read import read_note
from studynotes.paths import VaultPath

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "glossary" / "corpus"
BUNDLED = "bundled"


@dataclass(frozen=True, slots=True)
class Vault:
    name: str  # owner/name on GitHub, or "bundled"
    commit: str
    url: str
    root: str  # the vault's folder inside the checkout
    subject: str

    def folder(self, vaults_dir: Path) -> Path:
        if self.name == BUNDLED:
            return REPO / self.root
        return vaults_dir / self.name.replace("/", "__") / self.root

    def checkout(self, vaults_dir: Path) -> Path:
        return vaults_dir / self.name.replace("/", "__")


def read_vaults(path: Path) -> list[Vault]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Vault(r["vault"], r["commit"], r["url"], r["root"], r["subject"]) for r in rows]


def default_vaults_dir() -> Path:
    configured = os.environ.get("STUDYNOTES_CORPUS_VAULTS")
    if configured:
        return Path(configured).expanduser()
    return Path(user_cache_dir("studynotes")) / "corpus-vaults"


def _git(*args: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "GIT_LFS_SKIP_SMUDGE": "1", "GIT_TERMINAL_PROMPT": "0"}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def fetch(vault: Vault, vaults_dir: Path) -> str | None:
    """Clone ``vault`` at its commit, Markdown files only; the reason on failure."""
    dest = vault.checkout(vaults_dir)
    tmp = dest.with_name(dest.name + ".partial")
    try:
        if tmp.exists():  # left by an interrupted run
            shutil.rmtree(tmp)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        _git("clone", "--quiet", "--filter=blob:none", "--no-checkout", vault.url, str(tmp))
        _git("sparse-checkout", "set", "--no-cone", "*.md", cwd=tmp)
        _git("checkout", "--quiet", vault.commit, cwd=tmp)
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = exc.stderr.strip() if isinstance(exc, subprocess.CalledProcessError) else exc
        return f"git failed: {detail}"
    tmp.rename(dest)
    return None


def checked_out_at(vault: Vault, vaults_dir: Path) -> str | None:
    """The commit of a vault's checkout, or None when it is not a git checkout."""
    try:
        return _git("rev-parse", "HEAD", cwd=vault.checkout(vaults_dir))
    except (subprocess.CalledProcessError, OSError):
        return None


def glossary_of(root: Path) -> tuple[list[Extracted], int]:
    """The vault's glossary as the product builds it, and the number of notes read."""
    settings = Settings(vault=root)
    notes: dict[VaultPath, ParsedNote] = {}
    for info in discover(root, max_bytes=settings.max_file_bytes).notes:
        read = read_note(root / info.path, max_bytes=settings.max_file_bytes)
        if read.text is not None:
            notes[info.path] = parse_note(info.path, read.text)
    terms = vault_terms(notes, folders=settings.glossary_folders, tags=settings.glossary_tags)
    # A name with no definition is listed apart, never explained or marked: not a term.
    extracted = [
        Extracted(t.note_path, t.line, t.name, tuple(t.aliases)) for t in terms if not t.empty
    ]
    return extracted, len(notes)


def how_to_get(vault: Vault, vaults_dir: Path) -> str:
    dest = vault.checkout(vaults_dir)
    return (
        f"   missing; run with --fetch, or by hand:\n"
        f"   git clone --filter=blob:none --no-checkout {vault.url} '{dest}'\n"
        f"   git -C '{dest}' sparse-checkout set --no-cone '*.md'\n"
        f"   git -C '{dest}' checkout {vault.commit}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vaults", type=Path, default=None, help="folder of vault checkouts")
    parser.add_argument("--fetch", action="store_true", help="clone missing vaults first")
    parser.add_argument("--vault", action="append", help="only these vaults (repeatable)")
    parser.add_argument("--limit", type=int, default=12, help="phrases listed per vault")
    args = parser.parse_args(argv)
    vaults_dir: Path = args.vaults or default_vaults_dir()

    labelled = read_corpus(CORPUS / "labels.tsv")
    vaults = read_vaults(CORPUS / "vaults.tsv")
    if args.vault:
        vaults = [v for v in vaults if v.name in args.vault]
    print(f"corpus: {len(labelled)} labelled phrases; vaults folder: {vaults_dir}\n")

    scores: list[VaultScore] = []
    notes: list[str] = []
    for vault in vaults:
        folder = vault.folder(vaults_dir)
        if not folder.is_dir() and args.fetch and vault.name != BUNDLED:
            print(f"fetching {vault.name}@{vault.commit[:12]} ...", flush=True)
            failure = fetch(vault, vaults_dir)
            if failure:
                notes.append(f"{vault.name}: could not fetch ({failure})")
        if not folder.is_dir():
            notes.append(f"{vault.name}:\n{how_to_get(vault, vaults_dir)}")
            continue
        if vault.name != BUNDLED:
            at = checked_out_at(vault, vaults_dir)
            if at is not None and at != vault.commit:
                notes.append(
                    f"{vault.name}: checked out at {at[:12]}, labelled at "
                    f"{vault.commit[:12]}; lines may not match"
                )
        extracted, count = glossary_of(folder)
        score = score_vault(vault.name, labelled, extracted)
        scores.append(score)
        notes.append(f"{vault.name}: {count} notes, {score.extracted} terms in its glossary")

    if scores:
        print(format_table(scores))
        print()
        for score in scores:
            print(format_details(score, limit=args.limit))
        print()
    for line in notes:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
