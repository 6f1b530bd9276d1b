"""A query's results as HTML: LIST as a list, TABLE as a table, TASK as checkboxes under
each note; a query that cannot run shows why, in place. Output is sanitised by the caller."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import escape, unescape
from typing import Any

from studynotes.dataview.errors import QueryError
from studynotes.dataview.evaluate import Result, run_query
from studynotes.dataview.pages import FileRef, QueryTable
from studynotes.dataview.parser import parse_query
from studynotes.dataview.values import Link, link_from, plain
from studynotes.urls import note_url


def query_html(source: str, table: QueryTable, this_path: str) -> str:
    """Run the query written in ``source`` and show its results, or why it cannot run."""
    try:
        result = run_query(parse_query(source), table, this_path)
        return _result_html(result, table)
    except QueryError as exc:
        return error_html(exc.message, source)
    except (RecursionError, ValueError, TypeError, OverflowError, ArithmeticError) as exc:
        return error_html(f"the query failed: {type(exc).__name__}: {exc}", source)


_DEFERRED = re.compile(
    r'<div class="dataview-query" data-sn-this="([^"]*)" data-sn-source="([^"]*)"></div>'
)


def deferred_query(this: str, source: str) -> str:
    """The place of a query's results in a stored page, filled when the page is served."""
    return (
        f'<div class="dataview-query" data-sn-this="{escape(this, quote=True)}" '
        f'data-sn-source="{escape(source, quote=True)}"></div>'
    )


def fill_queries(html: str, results: Callable[[str, str], str]) -> str:
    """``html`` with each deferred query replaced by ``results(this, source)``."""
    if "data-sn-source" not in html:
        return html
    return _DEFERRED.sub(lambda m: results(unescape(m.group(1)), unescape(m.group(2))), html)


def error_html(message: str, source: str) -> str:
    return (
        '<div class="dataview dataview-error" role="note">'
        f'<p class="dataview-error-title">This query cannot run: {escape(message)}</p>'
        f"<pre><code>{escape(source.rstrip())}</code></pre></div>"
    )


def value_html(value: Any, table: QueryTable) -> str:
    if isinstance(value, FileRef):
        value = value.page.file()
    if isinstance(value, Link):
        return _link_html(value, table)
    if isinstance(value, list):
        if not value:
            return ""
        if len(value) == 1:
            return value_html(value[0], table)
        items = "".join(f"<li>{value_html(v, table)}</li>" for v in value)
        return f'<ul class="dataview-values">{items}</ul>'
    if isinstance(value, dict):
        items = "".join(
            f"<li><strong>{escape(str(k))}</strong>: {value_html(v, table)}</li>"
            for k, v in value.items()
        )
        return f'<ul class="dataview-values">{items}</ul>'
    if value is None:
        return '<span class="dataview-null">-</span>'
    if isinstance(value, dt.datetime):
        return f'<time datetime="{value.isoformat()}">{escape(plain(value))}</time>'
    return escape(plain(value))


def _link_html(link: Link, table: QueryTable) -> str:
    text = escape(plain(link))
    slug = table.slugs.get(link.path or "")
    if slug is None:
        target = escape(link.target, quote=True)
        return f'<span class="internal-link is-unresolved" data-target="{target}">{text}</span>'
    href, name = escape(note_url(slug), quote=True), escape(slug, quote=True)
    return f'<a class="internal-link" href="{href}" data-slug="{name}">{text}</a>'


def _result_html(result: Result, table: QueryTable) -> str:
    if result.kind == "task":
        return _tasks_html(result, table)
    if not result.rows:
        return '<div class="dataview dataview-empty"><p>No results.</p></div>'
    if result.kind == "list":
        items = []
        for ident, values in result.rows:
            shown = value_html(ident, table)
            if values:
                value = value_html(values[0], table)
                shown = f"{shown}: {value}" if not result.grouped else f"{shown}{value}"
            items.append(f"<li>{shown}</li>")
        return f'<ul class="dataview dataview-list">{"".join(items)}</ul>'
    has_id = (
        bool(result.headers)
        and result.headers[0] in ("File", "Group")
        and (len(result.headers) == len(result.rows[0][1]) + 1)
    )
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in result.headers)
    body = []
    for ident, values in result.rows:
        cells = [value_html(ident, table)] if has_id else []
        cells += [value_html(v, table) for v in values]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    count = f'<span class="count">{len(result.rows)}</span>' if has_id else ""
    if count:
        head = head.replace("</th>", f" {count}</th>", 1)
    return (
        '<div class="dataview dataview-table"><table>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


_WIKILINK = re.compile(r"\[\[([^\]\n]+)\]\]")


def _task_text(text: str, table: QueryTable) -> str:
    """A task's text with its ``[[links]]`` as links; the rest as plain text."""
    parts, last = [], 0
    for m in _WIKILINK.finditer(text):
        parts.append(escape(text[last : m.start()]))
        parts.append(_link_html(link_from(m.group(0), table.resolve), table))
        last = m.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def _tasks_html(result: Result, table: QueryTable) -> str:
    if not result.tasks:
        return '<div class="dataview dataview-empty"><p>No tasks.</p></div>'
    parts = ['<div class="dataview dataview-tasks">']
    for owner, tasks in result.tasks:
        parts.append(f'<p class="dataview-task-note">{value_html(owner, table)}</p>')
        parts.append('<ul class="contains-task-list">')
        for task in tasks:
            checked = ' checked="checked"' if task.get("completed") else ""
            parts.append(
                '<li class="task-list-item"><input class="task-list-item-checkbox" '
                f'disabled="disabled" type="checkbox"{checked}> '
                f"{_task_text(str(task.get('text', '')), table)}</li>"
            )
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)
