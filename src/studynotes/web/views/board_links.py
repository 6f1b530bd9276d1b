"""``[[links]]`` on a board's text cards, resolved by Obsidian's rules as a note's are
(``paths.Resolver``, from the board's folder) and shown as the links a note page shows:
with ``data-slug`` (and ``data-anchor``) for hover previews."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from studynotes.db.models import Alias, Attachment, Heading, Note
from studynotes.markdown.facts import RawLink
from studynotes.media import suffix
from studynotes.paths import Resolver, VaultPath, match_heading
from studynotes.urls import canvas_url, file_url, note_url


def _attr(value: str) -> str:
    return escape(value, quote=True)


def board_links(db: Session, board: str) -> Callable[[RawLink, str], str]:
    """What each link on the board ``board`` (its vault path) shows."""
    notes = {VaultPath(p): slug for p, slug in db.execute(select(Note.path, Note.slug))}
    ids = {VaultPath(p): nid for nid, p in db.execute(select(Note.id, Note.path))}
    files = [VaultPath(p) for p in db.execute(select(Attachment.path)).scalars()]
    aliases: dict[VaultPath, list[str]] = {}
    by_id = {nid: p for p, nid in ids.items()}
    for nid, name in db.execute(select(Alias.note_id, Alias.name)):
        aliases.setdefault(by_id[nid], []).append(name)
    resolver = Resolver.build([*notes, *files], aliases)

    def link_html(raw: RawLink, inner: str) -> str:
        found = resolver.resolve(raw.target, VaultPath(board)).path
        if found is None:
            target = _attr(raw.target)
            return (
                f'<span class="internal-link is-unresolved" data-target="{target}" '
                f'title="“{target}” does not exist yet">{inner}</span>'
            )
        slug = notes.get(found)
        if slug is None:
            href = canvas_url(found) if suffix(found) == ".canvas" else file_url(found)
            return f'<a class="internal-link" href="{_attr(href)}">{inner}</a>'
        anchor = None
        if raw.heading:
            headings = db.execute(
                select(Heading.anchor, Heading.text)
                .where(Heading.note_id == ids[found])
                .order_by(Heading.position)
            ).all()
            heading = match_heading(headings, raw.heading)
            anchor = heading.anchor if heading else None
        extra = f' data-anchor="{_attr(anchor)}"' if anchor else ""
        return (
            f'<a class="internal-link" href="{_attr(note_url(slug, anchor))}" '
            f'data-slug="{_attr(slug)}"{extra}>{inner}</a>'
        )

    return link_html
