"""The render stage: a note's placeholder HTML becomes its final page once links are resolved.

Parsing leaves ``<a data-sn-link="i">`` and ``<span data-sn-embed="i">`` placeholders;
here they become links, unresolved-link markers, images, media and transclusions, and the
glossary's terms are marked.

Rendering reads other notes only through ``Vault``, which records each input it hands out
(``note:P`` for a note's parse, ``links:P`` for where its links land). Those names are the
page's dependencies: the plan re-renders a page exactly when one of them changes.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from studynotes.dataview.render import deferred_query
from studynotes.glossary.marks import MarkMode, TermMatcher
from studynotes.ingest.parse import ParsedNote
from studynotes.ingest.resolve import ResolvedLink
from studynotes.media import AUDIO, IMAGE, VIDEO, suffix
from studynotes.paths import VaultPath, match_heading
from studynotes.urls import canvas_preview_url, canvas_url, file_url, note_url

_LINK = re.compile(r'<a data-sn-link="(-?\d+)"[^>]*>(.*?)</a>', re.DOTALL)
_EMBED = re.compile(r'<span data-sn-embed="(-?\d+)"></span>')
_QUERY = re.compile(r'<div class="dataview-query" data-sn-query="(\d+)"></div>')


@dataclass(slots=True)
class Vault:
    """What rendering needs to know about the whole vault."""

    notes: dict[VaultPath, ParsedNote]
    slugs: dict[VaultPath, str]
    links: dict[VaultPath, list[ResolvedLink]]
    embed_depth: int = 3
    matcher: TermMatcher = field(default_factory=TermMatcher)
    mark_mode: MarkMode = "first-per-section"
    # Reads a note's whole parse when ``notes`` does not hold it (a worker, a partial run).
    loader: Callable[[VaultPath], ParsedNote] | None = None
    _full: dict[VaultPath, ParsedNote] = field(default_factory=dict)
    _stack: list[VaultPath] = field(default_factory=list)
    reads: set[str] = field(default_factory=set)  # the inputs handed out since last cleared

    def full(self, path: VaultPath) -> ParsedNote:
        """The note's whole parse (its body included), loaded once."""
        self.reads.add(f"note:{path}")
        if self.loader is None:
            return self.notes[path]
        found = self._full.get(path)
        if found is None:
            found = self._full[path] = self.loader(path)
        return found

    def links_of(self, path: VaultPath) -> list[ResolvedLink]:
        self.reads.add(f"links:{path}")
        return self.links.get(path, [])


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _link_html(vault: Vault, link: ResolvedLink | None, inner: str) -> str:
    if link is None or link.path is None:
        target = link.raw.target if link else ""
        title = f"“{target}” does not exist yet" if target else "unresolved link"
        return (
            f'<span class="internal-link is-unresolved" tabindex="0" '
            f'data-target="{_attr(target)}" title="{_attr(title)}">{inner}</span>'
        )
    if not link.is_note:
        if suffix(link.path) == ".canvas":  # a board is a page of its own
            return f'<a class="internal-link" href="{_attr(canvas_url(link.path))}">{inner}</a>'
        return f'<a class="internal-link file-link" href="{_attr(file_url(link.path))}">{inner}</a>'
    slug = vault.slugs[link.path]
    href = note_url(slug, link.anchor)
    extra = f' data-anchor="{_attr(link.anchor)}"' if link.anchor else ""
    return (
        f'<a class="internal-link" href="{_attr(href)}" data-slug="{_attr(slug)}"{extra}>'
        f"{inner}</a>"
    )


def _missing(name: str, why: str) -> str:
    return (
        f'<span class="embed-missing" role="note">'
        f'<span class="embed-missing-name">{escape(name)}</span> '
        f'<span class="embed-missing-why">{escape(why)}</span></span>'
    )


def _media(link: ResolvedLink, path: VaultPath) -> str:
    ext = suffix(path)
    src = _attr(file_url(path))
    name = posixpath.basename(path)
    if ext in IMAGE:
        size = ""
        if link.raw.width:
            size += f' width="{link.raw.width}"'
        if link.raw.height:
            size += f' height="{link.raw.height}"'
        alt = _attr(link.raw.display or name)
        return f'<img class="embed-image" src="{src}" alt="{alt}"{size} loading="lazy">'
    if ext in AUDIO:
        return f'<audio class="embed-audio" controls src="{src}"></audio>'
    if ext in VIDEO:
        return f'<video class="embed-video" controls src="{src}"></video>'
    if ext == ".canvas":
        href = _attr(canvas_url(path))
        label = escape(link.raw.display or name.removesuffix(".canvas"))
        preview = _attr(canvas_preview_url(path))
        return (
            f'<a class="internal-link canvas-embed" href="{href}">'
            f'<img class="canvas-embed-preview" src="{preview}" alt="" loading="lazy">'
            f'<span class="canvas-embed-name"><span aria-hidden="true">▦</span> {label} '
            '<span class="muted">canvas</span></span></a>'
        )
    if ext == ".pdf":
        return (
            f'<object class="embed-pdf" data="{src}" type="application/pdf">'
            f'<a class="internal-link file-link" href="{src}">{escape(name)}</a></object>'
        )
    return f'<a class="internal-link file-link embed-file" href="{src}">{escape(name)}</a>'


def _transclusion(vault: Vault, link: ResolvedLink, path: VaultPath) -> str:
    target = vault.full(path)
    title = target.title
    if path in vault._stack or len(vault._stack) >= vault.embed_depth:
        why = "embeds itself" if path in vault._stack else "embedded too deeply"
        return _link_html(vault, link, escape(title)) + f' <span class="embed-note">({why})</span>'
    body: str | None = target.html
    label = title
    if link.raw.heading:
        heading = match_heading(target.headings, link.raw.heading)
        section = next((s for s in target.sections if heading and s.anchor == heading.anchor), None)
        body = target.html[section.start : section.end] if section else None
        label = f"{title} > {heading.text if heading else link.raw.heading}"
    elif link.raw.block:
        body = target.block_html.get(link.raw.block)
        label = f"{title} > ^{link.raw.block}"
    if body is None:
        return _missing(label, "(section not found)")
    vault._stack.append(path)
    try:
        inner = finalize(vault, path, body)
    finally:
        vault._stack.pop()
    header = _link_html(vault, link, escape(label))
    return (
        f'<div class="transclusion" data-slug="{_attr(vault.slugs[path])}">'
        f'<div class="transclusion-title">{header}</div>'
        f'<div class="transclusion-body">{inner}</div></div>'
    )


def _embed_html(vault: Vault, link: ResolvedLink | None) -> str:
    if link is None:
        return ""
    if link.path is None:
        return _missing(link.raw.target, "(missing)")
    if link.is_note:
        return _transclusion(vault, link, link.path)
    return _media(link, link.path)


def finalize(vault: Vault, path: VaultPath, html: str) -> str:
    """Replace the placeholders in ``html``, a fragment of note ``path``."""
    links = vault.links_of(path)

    def pick(index: str) -> ResolvedLink | None:
        i = int(index)
        return links[i] if 0 <= i < len(links) else None

    html = _LINK.sub(lambda m: _link_html(vault, pick(m.group(1)), m.group(2)), html)
    html = _EMBED.sub(lambda m: _embed_html(vault, pick(m.group(1))), html)
    if "data-sn-query" in html:
        html = _QUERY.sub(lambda m: _query(vault, path, int(m.group(1))), html)
    return html


def _query(vault: Vault, path: VaultPath, index: int) -> str:
    """A ``dataview`` fence, left for the server to fill with its results when the page is
    read (``web.views.queries``): they depend on every note, the page only on the query."""
    queries = vault.full(path).queries
    source = queries[index] if index < len(queries) else ""
    return deferred_query(path, source)


def render_note(vault: Vault, path: VaultPath) -> str:
    """The note's final HTML: links resolved, embeds filled in, glossary terms marked."""
    html = finalize(vault, path, vault.full(path).html)
    vault.reads.update(("marks", f"owned:{path}"))  # the glossary, and the terms it defines
    return vault.matcher.mark(html, note_path=path, mode=vault.mark_mode)
