"""Search: glossary terms by name, notes by relevance, and notes that mention a phrase.

On SQLite, notes are found through FTS5 over one copy of their text (``search_docs``,
migration 0002): ``search_fts`` holds their words, ``search_cjk`` trigrams of their CJK runs
(0003), ``search_pieces`` the text of long notes in pieces, for snippets (0004). Other
databases get a LIKE/ILIKE search over the concept-graph tables. Queries are user input:
every query, however malformed, returns results (empty at worst).

One module per job:

- ``schema``: the tables migrations own, whether a database has them, raw SQL;
- ``sync``: keeping the index in step with the notes;
- ``query``: what the user typed, and the same words as the index keeps them;
- ``terms``: glossary terms by name;
- ``notes``: notes ranked from the FTS5 index; ``portable``: the LIKE search;
- ``tags``: ``#tag`` filters and tag-only listings;
- ``vocabulary``: fragments inside words, and misspelt titles;
- ``snippets``: the text shown under each note, as safe HTML;
- ``pieces``: long notes' text in pieces, so that a snippet never reads a note whole;
- ``cache``: values kept per database until the index changes;
- ``mentions``: notes that mention a phrase; ``find``: ``search`` itself.
"""

from __future__ import annotations

from studynotes.db.search.find import MAX_LIMIT, search
from studynotes.db.search.hits import NoteHit, SearchResults, TermHit
from studynotes.db.search.mentions import mentions
from studynotes.db.search.query import MAX_QUERY_CHARS
from studynotes.db.search.schema import SEARCH_TABLES, include_in_schema, is_search_table
from studynotes.db.search.sync import sync_search_index

__all__ = [
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "SEARCH_TABLES",
    "NoteHit",
    "SearchResults",
    "TermHit",
    "include_in_schema",
    "is_search_table",
    "mentions",
    "search",
    "sync_search_index",
]
