"""Rich display in Jupyter: HTML tables, small inline SVG curves, and notebook detection.

Nothing here imports IPython: the ``_repr_html_`` methods that use these helpers are found
by Jupyter itself, and :func:`in_notebook` only looks at what is already loaded.
"""

from __future__ import annotations

import html
import io
import math
import sys
from collections.abc import Sequence
from typing import Any

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")


def in_notebook() -> bool:
    """Whether this code runs in a Jupyter kernel (a shell that can update displays)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None  # type: ignore[attr-defined]
    return shell is not None and hasattr(shell, "kernel")


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str = "") -> str:
    """An HTML table; every cell is escaped, numbers right-aligned."""

    def cell(tag: str, value: Any) -> str:
        align = ' style="text-align:right"' if isinstance(value, (int, float)) else ""
        return f"<{tag}{align}>{html.escape(str(value))}</{tag}>"

    head = "".join(cell("th", h) for h in header)
    body = "".join("<tr>" + "".join(cell("td", v) for v in row) + "</tr>" for row in rows)
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def svg_curves(
    curves: dict[str, Sequence[float | None]],
    title: str = "",
    width: int = 320,
    height: int = 160,
) -> str:
    """Lines of the given values against their index (1, 2, ...), as a small inline SVG.

    Missing values (None, NaN) are skipped; with no value at all the result is empty.
    """
    points = {
        name: [
            (i + 1, float(v)) for i, v in enumerate(values) if v is not None and math.isfinite(v)
        ]
        for name, values in curves.items()
    }
    every = [p for line in points.values() for p in line]
    if not every:
        return ""
    x_max = max(max(x for x, _ in every), 2)
    y_lo, y_hi = min(y for _, y in every), max(y for _, y in every)
    y_hi = y_hi if y_hi > y_lo else y_lo + 1
    pad = 28

    def at(x: float, y: float) -> str:
        px = pad + (x - 1) / (x_max - 1) * (width - pad - 8)
        py = height - pad + 8 - (y - y_lo) / (y_hi - y_lo) * (height - pad - 8)
        return f"{px:.1f},{py:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-size="10" font-family="sans-serif">',
        f'<text x="{pad}" y="10">{html.escape(title)}</text>',
        f'<text x="2" y="{height - pad + 8}">{y_lo:.3g}</text>',
        f'<text x="2" y="22">{y_hi:.3g}</text>',
        f'<text x="{width - 40}" y="{height - 2}">epoch {x_max}</text>',
    ]
    for k, (name, line) in enumerate(points.items()):
        colour = COLOURS[k % len(COLOURS)]
        path = " ".join(at(x, y) for x, y in line)
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{path}"/>'
        )
        parts.append(
            f'<text x="{pad + 90 * k}" y="{height - 2}" fill="{colour}">{html.escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


class PNG:
    """PNG bytes that Jupyter displays as an image (IPython's display protocol)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def _repr_png_(self) -> bytes:
        return self.data


def figure_png(figure: Any, dpi: int = 90) -> PNG:
    """A matplotlib figure rendered to PNG, for display without a GUI backend."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return PNG(buffer.getvalue())
