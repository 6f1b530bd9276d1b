"""JSON Canvas boards: what a well-formed board draws, and what a malformed one says."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studynotes.canvas import (
    CanvasError,
    Node,
    board_html,
    board_refs,
    canvas_text,
    parse_canvas,
    thumbnail_svg,
)

BOARD = {
    "nodes": [
        {"id": "g", "type": "group", "x": 0, "y": 0, "width": 600, "height": 300,
         "label": "Group <one>", "color": "3"},
        {"id": "t", "type": "text", "x": 20, "y": 20, "width": 200, "height": 100,
         "text": "# Title\n\n**bold** and <script>alert(1)</script> [[Some Note]]"},
        {"id": "f", "type": "file", "file": "Notes/A.md", "x": 300, "y": 20, "width": 200,
         "height": 100, "color": "#12ab34"},
        {"id": "l", "type": "link", "url": "https://example.org/x", "x": 20, "y": 200,
         "width": 200, "height": 60},
        {"id": "j", "type": "link", "url": "javascript:alert(1)", "x": 300, "y": 200,
         "width": 200, "height": 60},
    ],
    "edges": [
        {"id": "e1", "fromNode": "t", "toNode": "f", "label": "leads to", "color": "1"},
        {"id": "e2", "fromNode": "f", "toNode": "l", "fromSide": "bottom", "toSide": "top",
         "fromEnd": "arrow", "toEnd": "none"},
    ],
}  # fmt: skip


def _draw(board: dict[str, object]) -> str:
    return board_html(parse_canvas(json.dumps(board)), lambda n: f"<p>file {n.file}</p>")


def test_a_board_draws_every_node_edge_and_label() -> None:
    html = _draw(BOARD)
    assert "<h1>Title</h1>" in html and "<strong>bold</strong>" in html
    assert "<script>" not in html  # text nodes are sanitised like notes
    assert '<span class="internal-link">Some Note</span>' in html
    assert "<p>file Notes/A.md</p>" in html
    assert 'href="https://example.org/x"' in html and 'href="javascript' not in html
    assert "Group &lt;one&gt;" in html and "leads to" in html
    assert 'class="canvas-group canvas-color-3"' in html
    assert 'stroke="#12ab34"' in html and "canvas-edge canvas-color-1" in html


def test_arrow_ends_follow_the_edge() -> None:
    html = _draw(BOARD)
    first, second = html.split('<path class="canvas-edge')[1:3]
    assert 'marker-end="url(#canvas-arrow)"' in first and "marker-start" not in first
    assert 'marker-start="url(#canvas-arrow)"' in second and "marker-end" not in second


def test_the_view_box_holds_every_node() -> None:
    html = _draw(BOARD)
    assert 'viewBox="-80 -80 760 460"' in html


def test_an_empty_board_says_so() -> None:
    assert "empty" in board_html(parse_canvas("{}"), lambda n: "")
    assert "empty" in board_html(parse_canvas(""), lambda n: "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "a JSON object"),
        ('{"nodes": {}}', "must be lists"),
        ('{"nodes": [{"id": "a", "type": "text", "x": 0, "y": 0, "width": 1}]}', "'height'"),
        ('{"nodes": [{"id": "a", "type": "blob", "x": 0, "y": 0, "width": 1, "height": 1}]}',
         "unknown node type"),
        ('{"nodes": [{"id": "a", "type": "text", "x": 0, "y": 0, "width": 1, "height": 1,'
         ' "color": "red"}]}', "preset 1-6"),
        ('{"nodes": [], "edges": [{"id": "e", "fromNode": "a", "toNode": "b"}]}',
         "no node with id"),
        ('{"nodes": [{"id": "a", "type": "text", "x": NaN, "y": 0, "width": 1, "height": 1}]}',
         "'x' is nan, not a position"),
        ('{"nodes": [{"id": "a", "type": "text", "x": 0, "y": 0, "width": 1e999, "height": 1}]}',
         "'width' is inf"),
        ('{"nodes": [{"id": "a", "type": "text", "x": 0, "y": 0, "width": 1, "height": 1},'
         ' {"id": "a", "type": "group", "x": 0, "y": 0, "width": 1, "height": 1}]}',
         "node 2: another node already has the id 'a'"),
        ("[" * 50_000 + "]" * 50_000, "nests lists or objects too deeply"),
    ],
)  # fmt: skip
def test_a_malformed_board_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(CanvasError, match=message):
        parse_canvas(text)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "nodes",
                        "edges",
                        "id",
                        "type",
                        "x",
                        "y",
                        "width",
                        "height",
                        "text",
                        "file",
                        "url",
                        "label",
                        "fromNode",
                        "toNode",
                        "color",
                        "fromSide",
                        "toEnd",
                    ]
                ),
                inner,
                max_size=6,
            )
        ),
        max_leaves=20,
    )
)
def test_any_json_draws_or_fails_with_a_canvas_error(data: object) -> None:
    try:
        board = parse_canvas(json.dumps(data))
    except CanvasError:
        return
    board_html(board, lambda n: "")
    picture = thumbnail_svg(board)
    assert all(isinstance(n, Node) for n in board.nodes)
    assert not re.search(r'="[^"]*(?:nan|inf)', picture)  # every number in it is finite
    board_refs(board)
    canvas_text(board)


def test_a_boards_words_are_its_cards_as_read_and_its_labels() -> None:
    board = parse_canvas(
        json.dumps(
            {
                "nodes": [
                    {"id": "t", "type": "text", "x": 0, "y": 0, "width": 9, "height": 9,
                     "text": "## Plan\nRead **this** and [[Leaf|the leaf]]."},
                    {"id": "g", "type": "group", "x": 0, "y": 0, "width": 9, "height": 9,
                     "label": "Week one"},
                ]
            }
        )
    )  # fmt: skip
    assert canvas_text(board) == "Plan Read this and the leaf.\nWeek one"


def test_a_board_points_at_its_file_cards_and_the_links_on_its_text_cards() -> None:
    board = parse_canvas(
        json.dumps(
            {
                "nodes": [
                    {"id": "f", "type": "file", "x": 0, "y": 0, "width": 9, "height": 9,
                     "file": "Topics/Leaf.md", "subpath": "#Veins"},
                    {"id": "t", "type": "text", "x": 0, "y": 0, "width": 9, "height": 9,
                     "text": "See [[Stem]], ![[Root#^b1]] and [Bark](Bark.md)."},
                    {"id": "u", "type": "link", "x": 0, "y": 0, "width": 9, "height": 9,
                     "url": "https://example.org/"},
                ]
            }
        )
    )  # fmt: skip
    found = [(node, kind, r.target, r.heading, r.block) for node, kind, r in board_refs(board)]
    assert found == [
        ("f", "card", "Topics/Leaf.md", "Veins", None),
        ("t", "link", "Stem", None, None),
        ("t", "link", "Root", None, "b1"),
        ("t", "link", "Bark.md", None, None),
    ]
