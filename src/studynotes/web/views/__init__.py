"""One function per page: each builds the model that the HTML page renders and the JSON twin
returns, so the two can never disagree. One module per kind of page."""

from studynotes.web.views import study
from studynotes.web.views.boards import board_detail, boards_by_note
from studynotes.web.views.common import NotFound, indexed_at, note_list
from studynotes.web.views.glossary import (
    Glossary,
    load_glossary,
    term_detail,
    term_list,
    term_order,
)
from studynotes.web.views.glossary_pages import glossary_page
from studynotes.web.views.graph import (
    GraphData,
    graph,
    graph_of,
    load_graph_data,
    local_graph,
    local_graph_of,
)
from studynotes.web.views.note_facts import NoteFacts, note_facts
from studynotes.web.views.notes import (
    mentions_of,
    note_detail,
    notes_with_cards,
    preview,
    previews,
)
from studynotes.web.views.queries import Results
from studynotes.web.views.queries import warm as warm_results
from studynotes.web.views.similar import NameIndex, load_names
from studynotes.web.views.tags import tag_index, tag_page
from studynotes.web.views.tree import FolderTree, TreeEntry, load_tree
from studynotes.web.views.vault import broken_links, folder_page, home, similar_notes, stats

__all__ = [
    "FolderTree",
    "Glossary",
    "GraphData",
    "NameIndex",
    "NotFound",
    "NoteFacts",
    "Results",
    "TreeEntry",
    "board_detail",
    "boards_by_note",
    "broken_links",
    "folder_page",
    "glossary_page",
    "graph",
    "graph_of",
    "home",
    "indexed_at",
    "load_glossary",
    "load_graph_data",
    "load_names",
    "load_tree",
    "local_graph",
    "local_graph_of",
    "mentions_of",
    "note_detail",
    "note_facts",
    "note_list",
    "notes_with_cards",
    "preview",
    "previews",
    "similar_notes",
    "stats",
    "study",
    "tag_index",
    "tag_page",
    "term_detail",
    "term_list",
    "term_order",
    "warm_results",
]
