"""The rest of the vault, read back from the graph's own tables instead of the cached parses.

After a few files change, linking, the glossary and deciding what to re-render need every
note's names, headings, blocks, tags, links and term candidates, but not its HTML. Reading
those from the tables (and the term candidates out of the JSON column in SQL) is what keeps a
one-note re-index short on a large vault.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Engine, select

from studynotes.db.models import Alias, Block, Heading, Link, Note, NoteTag, Tag
from studynotes.glossary.extract import TermCandidate
from studynotes.ingest.parse import GlossaryEntry, ParsedNote
from studynotes.markdown.facts import BlockFact, HeadingFact, RawLink, TagFact
from studynotes.paths import VaultPath

# Where each link landed last time: (note or file path, anchor, anchor missing).
Landing = tuple[str | None, str | None, bool]


def load_light(
    engine: Engine, paths: Iterable[str]
) -> tuple[dict[VaultPath, ParsedNote], dict[VaultPath, list[Landing]]]:
    wanted = set(paths)
    notes: dict[VaultPath, ParsedNote] = {}
    by_id: dict[int, VaultPath] = {}
    all_paths: dict[int, str] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Note.id,
                Note.path,
                Note.title,
                Note.parsed["terms"],
                Note.parsed["first_paragraph"],
                Note.parsed["glossary_flag"],
            )
        )
        for nid, path, title, terms, first, flag in rows:
            all_paths[nid] = path
            if path not in wanted:
                continue
            vp = VaultPath(path)
            by_id[nid] = vp
            notes[vp] = ParsedNote(
                path=vp,
                title=title,
                terms=[TermCandidate(**t) for t in terms or []],
                first_paragraph=GlossaryEntry(**first) if first else None,
                glossary_flag=bool(flag),
            )
        aliases: dict[int, list[str]] = defaultdict(list)
        for nid, name in conn.execute(select(Alias.note_id, Alias.name).order_by(Alias.id)).all():
            aliases[nid].append(name)
        for nid, name, line in conn.execute(
            select(NoteTag.note_id, Tag.name, NoteTag.line).join(Tag, Tag.id == NoteTag.tag_id)
        ).all():
            if nid in by_id:
                notes[by_id[nid]].tags.append(TagFact(name, line or 0))
        for nid, level, text, anchor, line in conn.execute(
            select(
                Heading.note_id, Heading.level, Heading.text, Heading.anchor, Heading.line
            ).order_by(Heading.note_id, Heading.position)
        ):
            if nid in by_id:
                notes[by_id[nid]].headings.append(HeadingFact(level, text, anchor, line))
        for nid, block_id, line in conn.execute(select(Block.note_id, Block.block_id, Block.line)):
            if nid in by_id:
                notes[by_id[nid]].blocks.append(BlockFact(block_id, line))
        landings: dict[VaultPath, list[Landing]] = defaultdict(list)
        columns = (
            Link.source_id, Link.raw_target, Link.heading, Link.block, Link.display, Link.kind,
            Link.line, Link.context, Link.target_id, Link.target_file, Link.anchor,
            Link.missing_anchor,
        )  # fmt: skip
        for r in conn.execute(select(*columns).order_by(Link.source_id, Link.position)).all():
            source = by_id.get(r.source_id)
            if source is None:
                continue
            notes[source].links.append(
                RawLink(
                    target=r.raw_target,
                    heading=r.heading,
                    block=r.block,
                    display=r.display,
                    kind="embed" if r.kind == "embed" else "link",
                    line=r.line,
                    context=r.context,
                )
            )
            target = all_paths.get(r.target_id) if r.target_id else r.target_file
            landings[source].append((target, r.anchor, bool(r.missing_anchor)))
    for nid, vp in by_id.items():
        notes[vp].aliases = aliases.get(nid, [])
    return notes, dict(landings)
