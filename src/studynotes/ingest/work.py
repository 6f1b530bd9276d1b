"""The two halves of an index run that run in worker processes: parse and render.

Parsing reads, hashes and parses one file; on a large run the whole parse goes to a
scratch file and only its facts travel back. Rendering takes a chunk of notes, fills in
their links and embeds, marks glossary terms and hands back the final HTML together with
what the index stores for a note parsed anew (serialised here, so that work is spread
over the workers too). Everything a worker needs about the whole vault (slugs, the
glossary) comes once per run in a context file; each chunk brings the links it renders.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, select

from studynotes.db.jsontext import RawJSON
from studynotes.glossary.marks import MarkMode, MarkTerm, TermMatcher
from studynotes.ingest.parse import ParsedNote, parse_note
from studynotes.ingest.read import read_note
from studynotes.ingest.render import Vault, render_note
from studynotes.ingest.resolve import ResolvedLink
from studynotes.ingest.scratch import Locator, Scratch
from studynotes.paths import VaultPath


@dataclass(slots=True)
class ParseJob:
    root: str
    path: VaultPath
    old_hash: str | None
    max_bytes: int
    scratch: str | None = None  # keep the whole parse there and send back only its facts


@dataclass(slots=True)
class Parsed:
    path: VaultPath
    content_hash: str = ""
    note: ParsedNote | None = None  # None: content unchanged, or skipped
    where: Locator | None = None  # the whole parse, when ``note`` holds only its facts
    skip: str | None = None


def parse_in_worker(job: ParseJob) -> Parsed:
    return parse_file(job, _scratch(job.scratch) if job.scratch else None)


def parse_file(job: ParseJob, scratch: Scratch | None = None) -> Parsed:
    """Read, hash and (only if the content changed) parse one note; with ``scratch``, keep
    the whole parse there and hand back its facts."""
    read = read_note(Path(job.root) / job.path, max_bytes=job.max_bytes)
    if read.skip:
        return Parsed(job.path, read.content_hash, skip=read.skip)
    if read.content_hash == job.old_hash or read.text is None:
        return Parsed(job.path, read.content_hash)
    try:
        note = parse_note(job.path, read.text)
    except RecursionError:
        return Parsed(job.path, read.content_hash, skip="nested too deeply to parse")
    except Exception as exc:  # a parser bug costs this note, never the whole index run
        why = f"could not be parsed ({type(exc).__name__}: {exc})"
        return Parsed(job.path, read.content_hash, skip=why)
    note.warnings[:0] = read.warnings
    if scratch is None:
        return Parsed(job.path, read.content_hash, note)
    where = scratch.put(note)
    return Parsed(job.path, read.content_hash, note.facts_only(), where)


@cache
def _scratch(folder: str) -> Scratch:
    return Scratch(folder)


# --- rendering --------------------------------------------------------------------------------


@dataclass(slots=True)
class Rendered:
    path: VaultPath
    html: str
    reads: list[str]  # the inputs the page was rendered from (see ``ingest.plan``)
    # Only for notes parsed anew: their stored text, frontmatter and parse (facts and body).
    text: str | None = None
    frontmatter: RawJSON | None = None
    parsed: RawJSON | None = None
    body: RawJSON | None = None


@dataclass(slots=True)
class RenderContext:
    """What rendering any note needs to know about the whole vault."""

    slugs: dict[VaultPath, str]
    marks: list[MarkTerm]
    embed_depth: int
    mark_mode: MarkMode
    scratch: str | None = None
    where: dict[VaultPath, Locator] = field(default_factory=dict)
    db_url: str | None = None  # where notes that were not parsed this run are read from


@dataclass(slots=True)
class RenderChunk:
    context: str  # the pickled ``RenderContext``'s file
    paths: list[VaultPath]
    fresh: list[bool]  # per path: parsed this run, so its stored fields go back too
    links: dict[VaultPath, list[ResolvedLink]]  # of these notes and the notes they embed


class Renderer:
    """Renders notes against one context, in this process or in a worker."""

    def __init__(
        self,
        context: RenderContext,
        *,
        matcher: TermMatcher | None = None,
        engine: Engine | None = None,
        fresh: dict[VaultPath, ParsedNote] | None = None,
    ) -> None:
        self.context = context
        self.matcher = matcher if matcher is not None else TermMatcher.build(context.marks)
        self._scratch = Scratch(context.scratch) if context.scratch else None
        self._own_scratch = self._scratch is not None
        self._fresh = fresh or {}
        # The index to read earlier parses from: the caller's, or one opened from db_url.
        self._engine = engine
        self._own_engine = False

    def attach(self, scratch: Scratch) -> None:
        """Read this run's parses through the run's own ``scratch`` (not closed here)."""
        if self._scratch is None:
            self._scratch = scratch

    def take_fresh(self) -> dict[VaultPath, ParsedNote]:
        """Hand over the in-memory parses (they are about to be put where workers read)."""
        fresh, self._fresh = self._fresh, {}
        return fresh

    def load(self, path: VaultPath) -> ParsedNote:
        """A note's whole parse: this run's, or the one the index has from before."""
        note = self._fresh.get(path)
        if note is not None:
            return note
        where = self.context.where.get(path)
        if where is not None and self._scratch is not None:
            return self._scratch.get(where)
        return self._read_stored(path)

    def _read_stored(self, path: VaultPath) -> ParsedNote:
        from studynotes.db.models import Note
        from studynotes.db.session import make_engine

        if self._engine is None:
            if self.context.db_url is None:
                raise LookupError(f"no parse of {path} to render from")
            self._engine, self._own_engine = make_engine(self.context.db_url), True
        with self._engine.connect() as conn:
            facts, body = conn.execute(
                select(Note.parsed, Note.body).where(Note.path == path)
            ).one()
        return ParsedNote.from_parts(facts, body)

    def vault(self, links: dict[VaultPath, list[ResolvedLink]]) -> Vault:
        ctx = self.context
        return Vault(
            {},
            ctx.slugs,
            links,
            embed_depth=ctx.embed_depth,
            matcher=self.matcher,
            mark_mode=ctx.mark_mode,
            loader=self.load,
        )

    def render(
        self,
        paths: Sequence[VaultPath],
        fresh: Sequence[bool],
        links: dict[VaultPath, list[ResolvedLink]],
    ) -> list[Rendered]:
        vault = self.vault(links)
        out: list[Rendered] = []
        for path, is_fresh in zip(paths, fresh, strict=True):
            vault.reads.clear()
            html = render_note(vault, path)
            reads = sorted(vault.reads)
            if not is_fresh:
                out.append(Rendered(path, html, reads))
                continue
            note = vault.full(path)
            out.append(
                Rendered(
                    path, html, reads, note.text, _json(note.frontmatter),
                    _json(note.facts_dict()), _json(note.body_dict()),
                )
            )  # fmt: skip
        return out

    def close(self) -> None:
        if self._scratch is not None and self._own_scratch:
            self._scratch.close()
        if self._engine is not None and self._own_engine:
            self._engine.dispose()


def _json(value: object) -> RawJSON:
    return RawJSON(json.dumps(value, ensure_ascii=False, default=str))


_renderers: dict[str, Renderer] = {}


def render_chunk(chunk: RenderChunk) -> list[Rendered]:
    """In a worker: render one chunk, loading the run's context on first use."""
    renderer = _renderers.get(chunk.context)
    if renderer is None:
        for old in _renderers.values():  # a new run: the last one's files are gone
            old.close()
        _renderers.clear()
        context = pickle.loads(Path(chunk.context).read_bytes())
        renderer = _renderers[chunk.context] = Renderer(context)
    return renderer.render(chunk.paths, chunk.fresh, chunk.links)
