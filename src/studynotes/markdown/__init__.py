"""Obsidian-flavoured markdown: ``make_parser()`` wires markdown-it-py and our plugins."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from studynotes.markdown.callouts import callouts_plugin
from studynotes.markdown.code import code_plugin, highlight_code
from studynotes.markdown.collect import collect_plugin
from studynotes.markdown.comments import comments_plugin
from studynotes.markdown.fields import fields_plugin
from studynotes.markdown.highlights import highlights_plugin
from studynotes.markdown.indented_lists import indented_lists_plugin
from studynotes.markdown.math import math_plugin
from studynotes.markdown.runs import runs_plugin
from studynotes.markdown.tags import tags_plugin
from studynotes.markdown.tasklists import tasklists_plugin
from studynotes.markdown.wikilinks import wikilinks_plugin
from studynotes.urls import tag_url

# Bumped whenever parsing or rendering output changes, so cached parses are redone.
PARSER_VERSION = "23"


@cache
def make_parser() -> MarkdownIt:
    """The parser for every note: CommonMark plus Obsidian's defaults and extensions."""
    md = MarkdownIt(
        "commonmark",
        {"breaks": True, "html": True, "linkify": True, "highlight": highlight_code},
    )
    md.enable(["table", "strikethrough", "linkify"])
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})  # type: ignore[union-attr]
    # Obsidian links bare scheme://... URLs only; the inline rule finds those at the "://",
    # while the core rule re-scanned every text token (a tenth of all parsing time).
    md.core.ruler.disable("linkify")
    md.use(runs_plugin)
    md.use(front_matter_plugin)
    md.use(comments_plugin)
    md.use(indented_lists_plugin)
    md.use(callouts_plugin)
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    md.use(tasklists_plugin)
    md.use(math_plugin)
    md.use(code_plugin)
    md.use(highlights_plugin)
    md.use(wikilinks_plugin)
    md.use(tags_plugin, tag_url=tag_url)
    md.use(collect_plugin)
    md.use(fields_plugin)  # before collecting, which must stay the last core rule
    return md
