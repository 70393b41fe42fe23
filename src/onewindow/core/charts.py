"""Bar charts as server-side SVG: no script, no CDN; each chart also ships its numbers as a table."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Chart:
    title: str
    rows: list[tuple[str, float]]
    svg: SafeString


def bars(rows, title: str, width: int = 640, bar_height: int = 22) -> Chart:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    rows = [(str(label), float(value or 0)) for label, value in rows]
    top = max((v for _l, v in rows), default=0) or 1
    label_width, gap = 90, 6
    height = len(rows) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" class="chart"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        length = (width - label_width - 70) * value / top
        baseline = f"{y + bar_height * 0.72:.1f}"
        parts.append(
            f'<text x="{label_width - 8}" y="{baseline}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#0b4f8a"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{baseline}">{escape(f"{value:g}")}</text>'
        )
    parts.append("</svg>")
    return Chart(title, rows, mark_safe("".join(parts)))
