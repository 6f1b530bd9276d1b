"""JSON Canvas 1.0 boards (Obsidian's ``.canvas`` files) as pages: one SVG drawn on the
server, with each node's content in a ``foreignObject`` and every position an attribute,
so nothing needs an inline style under the Content-Security-Policy.

``parse_canvas`` checks the file and says plainly what is wrong with a malformed one;
``board_html`` draws it, asking ``file_node`` for what a file node shows.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any, Literal

from studynotes.excerpts import visible_text
from studynotes.markdown import make_parser
from studynotes.markdown.facts import RawLink, facts
from studynotes.sanitize import sanitize

MAX_BYTES = 5_000_000
MAX_NODES = 5_000
MAX_COORDINATE = 1e9  # beyond this a position is a typo, and the SVG's numbers overflow
_HEX = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")
_SIDES = ("top", "right", "bottom", "left")
_PLACEHOLDER_LINK = re.compile(r'<a data-sn-link="(-?\d+)"[^>]*>(.*?)</a>', re.DOTALL)
_PLACEHOLDER_EMBED = re.compile(r'<span data-sn-embed="-?\d+"></span>')
_IDS = re.compile(r' (?:id|data-sn-lines)="[^"]*"')
_QUERY = re.compile(r'<div class="dataview-query" data-sn-query="\d+"></div>')


class CanvasError(ValueError):
    """Why a canvas file cannot be drawn, in words for its author."""


@dataclass(slots=True)
class Node:
    id: str
    type: str  # text | file | link | group
    x: float
    y: float
    width: float
    height: float
    color: str | None = None
    text: str = ""
    file: str = ""
    subpath: str = ""
    url: str = ""
    label: str = ""


@dataclass(slots=True)
class Edge:
    id: str
    from_node: str
    to_node: str
    from_side: str | None = None
    to_side: str | None = None
    from_end: str = "none"
    to_end: str = "arrow"
    color: str | None = None
    label: str = ""


@dataclass(slots=True)
class Board:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def _number(raw: dict[str, Any], key: str, where: str) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CanvasError(f"{where}: '{key}' must be a number")
    if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
        raise CanvasError(f"{where}: '{key}' is {value}, not a position on a board")
    return float(value)


def _text(raw: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value):
        raise CanvasError(f"{where}: '{key}' must be {'a non-empty ' if required else ''}text")
    return value


def _color(raw: dict[str, Any], where: str) -> str | None:
    value = raw.get("color")
    if value is None:
        return None
    if isinstance(value, str) and ((len(value) == 1 and value in "123456") or _HEX.match(value)):
        return value
    raise CanvasError(f"{where}: colour {value!r} is neither a preset 1-6 nor #rrggbb")


def parse_canvas(source: str) -> Board:
    """The board in a ``.canvas`` file's text; a ``CanvasError`` saying what is wrong."""
    try:
        data = json.loads(source) if source.strip() else {}
    except json.JSONDecodeError as exc:
        why = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise CanvasError(why) from None
    except RecursionError:
        raise CanvasError("not a canvas: its JSON nests lists or objects too deeply") from None
    if not isinstance(data, dict):
        raise CanvasError("a canvas is a JSON object with 'nodes' and 'edges'")
    nodes_raw, edges_raw = data.get("nodes", []), data.get("edges", [])
    if not isinstance(nodes_raw, list) or not isinstance(edges_raw, list):
        raise CanvasError("'nodes' and 'edges' must be lists")
    if len(nodes_raw) > MAX_NODES:
        raise CanvasError(f"more than {MAX_NODES} nodes")
    board = Board()
    ids: set[str] = set()
    for i, raw in enumerate(nodes_raw):
        where = f"node {i + 1}"
        if not isinstance(raw, dict):
            raise CanvasError(f"{where} is not an object")
        node = Node(
            _text(raw, "id", where, required=True), _text(raw, "type", where, required=True),
            _number(raw, "x", where), _number(raw, "y", where),
            _number(raw, "width", where), _number(raw, "height", where), _color(raw, where),
        )  # fmt: skip
        if node.type == "text":
            node.text = _text(raw, "text", where)
        elif node.type == "file":
            node.file = _text(raw, "file", where, required=True)
            node.subpath = _text(raw, "subpath", where)
        elif node.type == "link":
            node.url = _text(raw, "url", where, required=True)
        elif node.type == "group":
            node.label = _text(raw, "label", where)
        else:
            raise CanvasError(f"{where}: unknown node type {node.type!r}")
        if node.width <= 0 or node.height <= 0:
            raise CanvasError(f"{where}: width and height must be above zero")
        if node.id in ids:
            raise CanvasError(f"{where}: another node already has the id {node.id!r}")
        ids.add(node.id)
        board.nodes.append(node)
    for i, raw in enumerate(edges_raw):
        where = f"edge {i + 1}"
        if not isinstance(raw, dict):
            raise CanvasError(f"{where} is not an object")
        edge = Edge(
            _text(raw, "id", where, required=True), _text(raw, "fromNode", where, required=True),
            _text(raw, "toNode", where, required=True), color=_color(raw, where),
            label=_text(raw, "label", where),
        )  # fmt: skip
        for end in (edge.from_node, edge.to_node):
            if end not in ids:
                raise CanvasError(f"{where}: no node with id {end!r}")
        for key in ("fromSide", "toSide"):
            side = raw.get(key)
            if side is not None and side not in _SIDES:
                raise CanvasError(f"{where}: '{key}' must be one of {', '.join(_SIDES)}")
        edge.from_side, edge.to_side = raw.get("fromSide"), raw.get("toSide")
        for key, default in (("fromEnd", "none"), ("toEnd", "arrow")):
            value = raw.get(key, default)
            if value not in ("none", "arrow"):
                raise CanvasError(f"{where}: '{key}' must be 'none' or 'arrow'")
            setattr(edge, "from_end" if key == "fromEnd" else "to_end", value)
        board.edges.append(edge)
    return board


LinkHtml = Callable[[RawLink, str], str]


def plain_link(_: RawLink, inner: str) -> str:
    return f'<span class="internal-link">{inner}</span>'


def _markdown(text: str, link_html: LinkHtml = plain_link) -> str:
    """A text node's markdown as HTML; ``link_html`` makes each ``[[link]]`` (the raw link,
    its inner HTML) into what the board shows."""
    env: dict[str, Any] = {}
    html = make_parser().render(text, env)
    links = facts(env).links

    def link(m: re.Match[str]) -> str:
        i = int(m.group(1))
        return link_html(links[i], m.group(2)) if 0 <= i < len(links) else m.group(2)

    html = _PLACEHOLDER_LINK.sub(link, html)
    html = _QUERY.sub("", _PLACEHOLDER_EMBED.sub("", html))
    return _IDS.sub("", sanitize(html))  # a heading's id must not collide with the page's


def _anchor(node: Node, side: str) -> tuple[float, float]:
    x, y, w, h = node.x, node.y, node.width, node.height
    return {
        "top": (x + w / 2, y), "bottom": (x + w / 2, y + h),
        "left": (x, y + h / 2), "right": (x + w, y + h / 2),
    }[side]  # fmt: skip


def _facing(a: Node, b: Node) -> str:
    dx = (b.x + b.width / 2) - (a.x + a.width / 2)
    dy = (b.y + b.height / 2) - (a.y + a.height / 2)
    if abs(dx) >= abs(dy):
        return "right" if dx > 0 else "left"
    return "bottom" if dy > 0 else "top"


_PUSH = {"top": (0, -1), "bottom": (0, 1), "left": (-1, 0), "right": (1, 0)}


def _color_attrs(color: str | None, kind: str) -> tuple[str, str]:
    """(class suffix, presentation attribute) for a preset or a hex colour."""
    if color is None:
        return "", ""
    if len(color) == 1:
        return f" canvas-color-{color}", ""
    return " canvas-color-hex", f' {kind}="{escape(color, quote=True)}"'


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def board_html(
    board: Board, file_node: Callable[[Node], str], link_html: LinkHtml = plain_link
) -> str:
    """The board as one SVG: groups under nodes, edges over groups, labels on edges."""
    if not board.nodes:
        return '<p class="canvas-empty">This canvas is empty.</p>'
    pad = 80.0
    left = min(n.x for n in board.nodes) - pad
    top = min(n.y for n in board.nodes) - pad
    right = max(n.x + n.width for n in board.nodes) + pad
    bottom = max(n.y + n.height for n in board.nodes) + pad
    box = f"{_num(left)} {_num(top)} {_num(right - left)} {_num(bottom - top)}"
    parts = [
        f'<svg class="canvas-board" id="canvas-board" viewBox="{box}" data-viewbox="{box}" '
        'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Canvas board">',
        "<defs>",
        '<marker id="canvas-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" '
        'class="canvas-arrow-head"/></marker></defs>',
        '<g class="canvas-layer">',
    ]
    by_id = {n.id: n for n in board.nodes}
    for node in (n for n in board.nodes if n.type == "group"):
        cls, attr = _color_attrs(node.color, "stroke")
        geo = f'x="{_num(node.x)}" y="{_num(node.y)}"'
        parts.append(
            f'<rect class="canvas-group{cls}" {geo} width="{_num(node.width)}" '
            f'height="{_num(node.height)}" rx="12"{attr}/>'
        )
        if node.label:
            parts.append(
                f'<text class="canvas-group-label" x="{_num(node.x + 8)}" '
                f'y="{_num(node.y - 10)}">{escape(node.label)}</text>'
            )
    for edge in board.edges:
        a, b = by_id[edge.from_node], by_id[edge.to_node]
        fs, ts = edge.from_side or _facing(a, b), edge.to_side or _facing(b, a)
        (x1, y1), (x2, y2) = _anchor(a, fs), _anchor(b, ts)
        bend = max(40.0, min(200.0, (abs(x2 - x1) + abs(y2 - y1)) / 3))
        c1 = (x1 + _PUSH[fs][0] * bend, y1 + _PUSH[fs][1] * bend)
        c2 = (x2 + _PUSH[ts][0] * bend, y2 + _PUSH[ts][1] * bend)
        d = (
            f"M{_num(x1)} {_num(y1)} C{_num(c1[0])} {_num(c1[1])} {_num(c2[0])} {_num(c2[1])} "
            f"{_num(x2)} {_num(y2)}"
        )
        cls, attr = _color_attrs(edge.color, "stroke")
        ends = ""
        if edge.from_end == "arrow":
            ends += ' marker-start="url(#canvas-arrow)"'
        if edge.to_end == "arrow":
            ends += ' marker-end="url(#canvas-arrow)"'
        parts.append(f'<path class="canvas-edge{cls}" d="{d}"{attr}{ends}/>')
        if edge.label:
            mx = (x1 + 3 * c1[0] + 3 * c2[0] + x2) / 8
            my = (y1 + 3 * c1[1] + 3 * c2[1] + y2) / 8
            parts.append(
                f'<text class="canvas-edge-label" x="{_num(mx)}" y="{_num(my)}" '
                f'text-anchor="middle">{escape(edge.label)}</text>'
            )
    for node in (n for n in board.nodes if n.type != "group"):
        cls, attr = _color_attrs(node.color, "stroke")
        geo = (
            f'x="{_num(node.x)}" y="{_num(node.y)}" width="{_num(node.width)}" '
            f'height="{_num(node.height)}"'
        )
        parts.append(f'<rect class="canvas-node-frame{cls}" {geo} rx="8"{attr}/>')
        parts.append(
            f'<foreignObject {geo}><div xmlns="http://www.w3.org/1999/xhtml" '
            f'class="canvas-node canvas-{node.type}">{_node_body(node, file_node, link_html)}</div>'
            "</foreignObject>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


def _node_body(node: Node, file_node: Callable[[Node], str], link_html: LinkHtml) -> str:
    if node.type == "text":
        return _markdown(node.text, link_html)
    if node.type == "link":
        url = node.url if node.url.startswith(("http://", "https://")) else ""
        shown = escape(node.url)
        if not url:
            return f'<p class="canvas-link-url">{shown}</p>'
        return f'<p><a class="external-link" href="{escape(url, quote=True)}">{shown}</a></p>'
    return file_node(node)


def canvas_text(board: Board) -> str:
    """The words on a board as a reader sees them (its text cards' markdown rendered, then
    group and edge labels), one card a line: what search finds it by and quotes."""
    words = [visible_text(_markdown(n.text)) for n in board.nodes if n.type == "text"]
    words += [n.label for n in board.nodes if n.label] + [e.label for e in board.edges if e.label]
    return "\n".join(w for w in words if w)


RefKind = Literal["card", "link"]


def board_refs(board: Board) -> list[tuple[str, RefKind, RawLink]]:
    """What the board points at, in order, as (node id, kind, raw link): each file card
    (``card``, its path written as a link, with its subpath) and each ``[[link]]`` or
    ``![[embed]]`` on a text card (``link``). Resolve finds where each lands."""
    out: list[tuple[str, RefKind, RawLink]] = []
    for node in board.nodes:
        if node.type == "file":
            heading, block = _subpath(node.subpath)
            out.append((node.id, "card", RawLink(node.file, heading, block, kind="embed")))
        elif node.type == "text" and ("[[" in node.text or "](" in node.text):
            env: dict[str, Any] = {}
            make_parser().parse(node.text, env)
            out += [(node.id, "link", link) for link in facts(env).links if link.target]
    return out


def _subpath(subpath: str) -> tuple[str | None, str | None]:
    """A file card's ``#Heading`` or ``#^block``, as (heading, block)."""
    part = subpath.lstrip("#")
    if not part:
        return None, None
    return (None, part[1:]) if part.startswith("^") else (part, None)


_PRESETS = {"1": "#e93147", "2": "#ec7500", "3": "#e0ac00", "4": "#08b94e", "5": "#00bfbc",
            "6": "#7852ee"}  # fmt: skip


def _first_line(node: Node) -> str:
    if node.type == "text":
        for line in node.text.splitlines():
            if line.strip():
                return line.strip().lstrip("#>-*+ ").strip()[:40]
        return ""
    if node.type == "file":
        return node.file.rsplit("/", 1)[-1].removesuffix(".md")[:40]
    if node.type == "link":
        return node.url[:40]
    return node.label[:40]


def thumbnail_svg(board: Board) -> str:
    """A small picture of the board for an embed: cards as boxes with their first words,
    groups dashed, edges as lines. A standalone SVG image: nothing in it runs."""
    if not board.nodes:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 80">'
            '<text x="150" y="45" text-anchor="middle" font-family="sans-serif" font-size="16" '
            'fill="#888">empty canvas</text></svg>'
        )
    pad = 40.0
    left = min(n.x for n in board.nodes) - pad
    top = min(n.y for n in board.nodes) - pad
    width = max(n.x + n.width for n in board.nodes) + pad - left
    height = max(n.y + n.height for n in board.nodes) + pad - top
    size = max(width, height) / 600  # text stays legible at thumbnail size
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_num(left)} {_num(top)} '
        f'{_num(width)} {_num(height)}" font-family="sans-serif">'
        f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(width)}" height="{_num(height)}" '
        'fill="#f6f7f9"/>'
    ]
    by_id = {n.id: n for n in board.nodes}

    def colour(value: str | None, default: str) -> str:
        if value is None:
            return default
        return _PRESETS.get(value, value)

    for node in board.nodes:
        if node.type != "group":
            continue
        parts.append(
            f'<rect x="{_num(node.x)}" y="{_num(node.y)}" width="{_num(node.width)}" '
            f'height="{_num(node.height)}" rx="12" fill="none" stroke-dasharray="12 8" '
            f'stroke-width="{_num(3 * size)}" stroke="{escape(colour(node.color, "#9aa0a6"))}"/>'
        )
    for edge in board.edges:
        a, b = by_id[edge.from_node], by_id[edge.to_node]
        parts.append(
            f'<line x1="{_num(a.x + a.width / 2)}" y1="{_num(a.y + a.height / 2)}" '
            f'x2="{_num(b.x + b.width / 2)}" y2="{_num(b.y + b.height / 2)}" '
            f'stroke-width="{_num(3 * size)}" stroke="{escape(colour(edge.color, "#9aa0a6"))}"/>'
        )
    for node in board.nodes:
        if node.type == "group":
            continue
        parts.append(
            f'<rect x="{_num(node.x)}" y="{_num(node.y)}" width="{_num(node.width)}" '
            f'height="{_num(node.height)}" rx="8" fill="#ffffff" stroke-width="{_num(3 * size)}" '
            f'stroke="{escape(colour(node.color, "#c4c8cf"))}"/>'
        )
        label = _first_line(node)
        room = max(4, int((node.width - 24 * size) / (10 * size)))  # characters that fit
        label = label if len(label) <= room else label[: room - 1] + "…"
        if label:
            parts.append(
                f'<text x="{_num(node.x + 12 * size)}" y="{_num(node.y + 28 * size)}" '
                f'font-size="{_num(17 * size)}" fill="#333">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
