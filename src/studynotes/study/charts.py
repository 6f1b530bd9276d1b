"""Charts drawn on the server as SVG: no script and no CDN, styled by ``app.css`` classes
(the page's Content-Security-Policy allows no inline style)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 640, 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 40, 8, 12, 28


def _fmt(value: float, percent: bool) -> str:
    return f"{value:.0%}" if percent else f"{value:g}"


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    percent: bool = False,
    every: int = 5,
) -> str:
    """Vertical bars, one per label; None draws no bar (no data that day). Each bar has a
    ``<title>`` so hovering it names its day and value."""
    top = 1.0 if percent else max((v for v in values if v is not None), default=0) or 1
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    slot = plot_w / max(len(values), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 0.5, 1):
        y = _TOP + plot_h * (1 - tick)
        parts.append(
            f'<line class="chart-grid" x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/>'
        )
        shown = _fmt(top * tick, percent) if percent or tick == 0 or top >= 2 else ""
        if tick == 0.5 and not percent and top % 2:
            shown = ""
        parts.append(
            f'<text class="chart-axis" x="{_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{shown}</text>'
        )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = _LEFT + i * slot
        if value is not None and value > 0:
            h = plot_h * value / top
            parts.append(
                f'<rect class="chart-bar" x="{x + slot * 0.15:.1f}" y="{_TOP + plot_h - h:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{h:.1f}"><title>{escape(label)}: '
                f"{_fmt(value, percent)}</title></rect>"
            )
        if i % every == 0 or i == len(values) - 1:
            parts.append(
                f'<text class="chart-axis" x="{x + slot / 2:.1f}" y="{HEIGHT - 8}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def share_bar(parts: Sequence[tuple[str, int]], *, title: str) -> str:
    """One horizontal bar split in proportion, with a legend: cards by state."""
    total = sum(n for _, n in parts) or 1
    height = 56
    out = [
        f'<svg class="chart chart-share" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    x = 0.0
    for i, (name, n) in enumerate(parts):
        w = WIDTH * n / total
        if w > 0:
            out.append(
                f'<rect class="chart-part chart-part-{i}" x="{x:.1f}" y="0" width="{w:.1f}" '
                f'height="24"><title>{escape(name)}: {n}</title></rect>'
            )
        x += w
    step = WIDTH / max(len(parts), 1)
    for i, (name, n) in enumerate(parts):
        lx = i * step
        out.append(
            f'<rect class="chart-part chart-part-{i}" x="{lx:.1f}" y="36" width="12" '
            f'height="12"/><text class="chart-legend" x="{lx + 18:.1f}" y="46">'
            f"{escape(name)} {n}</text>"
        )
    out.append("</svg>")
    return "".join(out)
