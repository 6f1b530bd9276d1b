"""After any sequence of edits, an incremental index holds exactly what a full index of the
same files holds: pages, links and where they land, backlinks, terms, tags, search rows and
flashcards (a term's cards, and those written in a note, with their decks).

Random small vaults take random edits (notes, attachments and canvas boards added, edited,
renamed, moved, deleted; headings, block ids, aliases, glossary lines; sized, nested and
heading embeds; links to notes that are missing or appear later). After each step the vault
is indexed three ways: by an index run against the database of the previous steps
(``studynotes index``), by an index run that keeps its memory between runs (the server's
watcher), and from scratch.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import IndexState, index_vault

Snapshot = dict[str, list[tuple[Any, ...]]]

# Few names, so that links land, notes collide and edits meet each other often.
NOTES = ["Alpha.md", "Beta.md", "sub/Gamma.md", "sub/Alpha.md", "deep/Delta.md", "beta-2.md"]
ATTACHMENTS = ["img.png", "sub/pic.png", "deep/doc.pdf"]
TARGETS = ["Alpha", "Beta", "Gamma", "sub/Alpha", "Delta", "beta-2", "Missing", "Later"]
# "Key terms" and "Settings" weigh for and against the definitions under them.
HEADINGS = ["Intro", "Details", "Usage", "Key terms", "Settings"]
BLOCKS = ["b1", "b2"]

_link_target = st.sampled_from(TARGETS)
_heading = st.sampled_from(HEADINGS)
_block = st.sampled_from(BLOCKS)
_image = st.sampled_from(["img.png", "pic.png", "sub/pic.png", "doc.pdf", "gone.png"])
_size = st.sampled_from(["", "|300", "|200x100", "|caption"])

LINE = st.one_of(
    st.builds(lambda h: f"# {h}", _heading),
    st.builds(lambda h: f"## {h}", _heading),
    st.builds(lambda b: f"A sentence with a block. ^{b}", _block),
    st.builds(lambda b: f"- an item ^{b}", _block),
    st.builds(lambda t: f"See [[{t}]] here.", _link_target),
    st.builds(lambda t, h: f"See [[{t}#{h}]].", _link_target, _heading),
    st.builds(lambda t, b: f"See [[{t}#^{b}]].", _link_target, _block),
    st.builds(lambda t: f"See [[{t}|shown text]].", _link_target),
    st.builds(lambda t: f"![[{t}]]", _link_target),
    st.builds(lambda t, h: f"![[{t}#{h}]]", _link_target, _heading),
    st.builds(lambda t, b: f"![[{t}#^{b}]]", _link_target, _block),
    st.builds(lambda i, s: f"![[{i}{s}]]", _image, _size),
    st.sampled_from(
        [
            "**Transformer**: a model built from attention layers.",
            "**Attention**: a weighting of every token by relevance.",
            "- **LoRA** — low-rank adapters added to frozen weights.",
            "**Alpha**: the first letter, linked from [[Beta]].",
            "- **Gamma**: third letter, a term only while a note has its name.",
            "- **Later**: one more, a term only while a link points at it.",
            "- **Copy codes**: Copy them somewhere safe.",
            # First in a note, a definition callout makes the note its title's entry.
            ">[!def]\n>A weighting of every token by relevance.",
            "Transformers use attention, and LoRA tunes them.",
            "Alpha and Beta are mentioned here; so is attention.",
            "Plain text with `inline code` and $x^2$ math.",
            "#topic and #topic/sub tags.",
            "#flashcards/llm and #flashcards tags make a deck.",
            "What is attention?::A weighting of tokens by relevance.",
            "**LoRA**:::Low-rank adapters on frozen weights.",
            "Why scale?\n?\nBecause loss falls with compute.",
            "Transformer\n??\nA model built from attention layers.",
            "The ==transformer== uses ==attention==.",
            "An ==unclosed cloze and an empty side::",
            "",
        ]
    ),
    # Queries read other notes' fields, tags, tasks and links: an edit to any of those
    # must render the query's page again.
    st.builds(
        lambda k, v: f"{k}:: {v}",
        st.sampled_from(["status", "rank"]),
        st.sampled_from(["done", "open", "3", "2024-01-05", "[[Beta]]"]),
    ),
    st.builds(lambda v: f"A line with [rank:: {v}] inside.", st.sampled_from(["1", "2"])),
    st.sampled_from(["- [ ] open task", "- [x] done task"]),
    st.sampled_from(
        [
            "```dataview\nLIST status FROM #topic\n```",
            "```dataview\nTABLE rank, file.inlinks WHERE rank SORT rank DESC\n```",
            '```dataview\nLIST FROM [[Beta]] OR "sub" WHERE status != "done"\n```',
            "```dataview\nTASK WHERE !completed\n```",
            "```dataview\nTABLE length(rows) GROUP BY status\n```",
            "```dataview\nLIST FROM outgoing([[Alpha]])\n```",
            "```dataview\nLIST WHERE nope(\n```",
        ]
    ),
)


BOARDS = ["Map.canvas", "sub/Plan.canvas"]


@st.composite
def board_text(draw: st.DrawFn) -> str:
    """A canvas board: file cards (notes, images, files that are missing), text cards with
    links, a group; now and then a malformed one."""
    broken = draw(st.sampled_from(["", "", "", '{"nodes": [', '{"nodes": [{"id": 1}]}']))
    if broken:
        return broken
    cards = draw(
        st.lists(
            st.one_of(
                st.builds(
                    lambda f: {"type": "file", "file": f},
                    st.sampled_from([*NOTES, "Later.md", *ATTACHMENTS, "gone.png", "Map.canvas"]),
                ),
                st.builds(lambda t: {"type": "text", "text": f"Read [[{t}]] now."}, _link_target),
                st.builds(
                    lambda t, h: {"type": "text", "text": f"## Step\n[[{t}#{h}]]"},
                    _link_target, _heading,
                ),
                st.just({"type": "group", "label": "Week one"}),
            ),
            max_size=5,
        )
    )  # fmt: skip
    nodes = [
        {"id": f"n{i}", "x": i * 300, "y": 0, "width": 250, "height": 100, **card}
        for i, card in enumerate(cards)
    ]
    edges = [
        {"id": f"e{i}", "fromNode": f"n{i}", "toNode": f"n{i + 1}", "label": "then"}
        for i in range(len(nodes) - 1)
    ]
    return json.dumps({"nodes": nodes, "edges": edges})


@st.composite
def note_text(draw: st.DrawFn) -> str:
    head = ""
    if draw(st.booleans()):
        aliases = draw(st.lists(st.sampled_from(["Later", "A1", "Gamma"]), max_size=2))
        flag = draw(st.sampled_from(["", "glossary: true\n"]))
        head = f"---\naliases: [{', '.join(aliases)}]\n{flag}---\n"
    lines = draw(st.lists(LINE, min_size=1, max_size=8))
    return head + "\n\n".join(lines) + "\n"


class IncrementalEqualsFull(RuleBasedStateMachine):
    snap: ClassVar[Callable[[Engine], Snapshot]]
    diff: ClassVar[Callable[[Snapshot, Snapshot], list[str]]]
    template: ClassVar[Path]

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="sn-incr-"))
        self.vault = self.tmp / "vault"
        self.vault.mkdir()
        self.clock = 1_700_000_000_000_000_000  # every write moves a file's stamp forward
        self.cli = self._database("cli")
        self.watcher = self._database("watcher")
        self.state = IndexState()
        self.settings = Settings(vault=self.vault, workers=1)

    def _database(self, name: str) -> Engine:
        path = self.tmp / f"{name}.sqlite3"
        shutil.copyfile(self.template, path)
        return open_database(f"sqlite:///{path}")

    def _write(self, rel: str, data: bytes) -> None:
        path = self.vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.clock += 10_000_000
        os.utime(path, ns=(self.clock, self.clock))

    def _existing(self, names: list[str]) -> list[str]:
        return [n for n in names if (self.vault / n).exists()]

    @initialize(bodies=st.lists(note_text(), min_size=len(NOTES), max_size=len(NOTES)))
    def start(self, bodies: list[str]) -> None:
        """A vault where every name exists, so edits meet links and embeds from the start."""
        for name, body in zip(NOTES, bodies, strict=True):
            self._write(name, body.encode())
        self._write(ATTACHMENTS[0], b"\x89PNG\r\n\x1a\nfirst")

    @rule(name=st.sampled_from(NOTES), body=note_text())
    def write_note(self, name: str, body: str) -> None:
        self._write(name, body.encode())

    @rule(name=st.sampled_from(NOTES), extra=LINE)
    def append_line(self, name: str, extra: str) -> None:
        path = self.vault / name
        old = path.read_bytes() if path.exists() else b""
        self._write(name, old + f"\n{extra}\n".encode())

    @rule(
        name=st.sampled_from(NOTES),
        to=_link_target,
        part=st.sampled_from(["", *(f"#{h}" for h in HEADINGS), *(f"#^{b}" for b in BLOCKS)]),
        embed=st.booleans(),
    )
    def add_link(self, name: str, to: str, part: str, embed: bool) -> None:
        """Links and embeds are what ties one note's page to another's edits."""
        self.append_line(name, f"{'!' if embed else ''}[[{to}{part}]]")

    @rule(name=st.sampled_from(NOTES), level=st.sampled_from(["#", "##"]), heading=_heading)
    def add_heading(self, name: str, level: str, heading: str) -> None:
        self.append_line(name, f"{level} {heading}")

    @rule(name=st.sampled_from(NOTES), deck=st.sampled_from(["llm", "llm/eval", ""]))
    def file_in_deck(self, name: str, deck: str) -> None:
        """A tag moves every card of the note, its terms' cards too, to another deck."""
        self.append_line(name, f"#flashcards/{deck}" if deck else "#flashcards")

    @rule(name=st.sampled_from(NOTES), words=st.sampled_from(["attention", "adapter"]))
    def write_long_note(self, name: str, words: str) -> None:
        """Long enough that search keeps its text again in pieces."""
        line = f"A long line about {words} that goes on and links [[Beta]].\n"
        self._write(name, (line * 320).encode())

    @rule(name=st.sampled_from(NOTES))
    def touch(self, name: str) -> None:
        path = self.vault / name
        if path.exists():
            self._write(name, path.read_bytes())

    @rule(name=st.sampled_from(NOTES))
    def delete_note(self, name: str) -> None:
        (self.vault / name).unlink(missing_ok=True)

    @rule(source=st.sampled_from(NOTES), dest=st.sampled_from([*NOTES, "Later.md", "x/Later.md"]))
    def move_note(self, source: str, dest: str) -> None:
        path = self.vault / source
        if path.exists() and source != dest:
            data = path.read_bytes()
            path.unlink()
            self._write(dest, data)

    @rule(name=st.sampled_from(ATTACHMENTS), present=st.booleans())
    def attachment(self, name: str, present: bool) -> None:
        if present:
            self._write(name, b"\x89PNG\r\n\x1a\n" + name.encode())
        else:
            (self.vault / name).unlink(missing_ok=True)

    @rule(name=st.sampled_from(BOARDS), body=board_text())
    def write_board(self, name: str, body: str) -> None:
        """A board's rows follow its edits, and the notes it points at as they come and go."""
        self._write(name, body.encode())

    @rule(name=st.sampled_from(BOARDS))
    def delete_board(self, name: str) -> None:
        (self.vault / name).unlink(missing_ok=True)

    @invariant()
    def incremental_equals_full(self) -> None:
        index_vault(self.settings, self.cli)
        index_vault(self.settings, self.watcher, state=self.state)
        full = self._database(f"full-{self.clock}")
        try:
            index_vault(self.settings, full)
            want = self.snap(full)
        finally:
            full.dispose()
        for name, engine in (("index run", self.cli), ("watcher", self.watcher)):
            problems = self.diff(self.snap(engine), want)
            assert not problems, f"{name} differs from a full index:\n" + "\n".join(problems)

    def teardown(self) -> None:
        self.cli.dispose()
        self.watcher.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)


def test_incremental_index_equals_full_index(
    tmp_path: Path,
    index_snapshot: Callable[[Engine], Snapshot],
    index_differences: Callable[[Snapshot, Snapshot], list[str]],
) -> None:
    template = tmp_path / "empty.sqlite3"
    open_database(f"sqlite:///{template}").dispose()  # migrated once, copied per database
    IncrementalEqualsFull.snap = staticmethod(index_snapshot)
    IncrementalEqualsFull.diff = staticmethod(index_differences)
    IncrementalEqualsFull.template = template
    examples = int(os.environ.get("STUDYNOTES_INCREMENTAL_EXAMPLES", "100"))
    run_state_machine_as_test(
        IncrementalEqualsFull,
        settings=settings(
            max_examples=examples,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
