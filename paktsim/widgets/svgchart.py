"""Small line charts as inline SVG text, for the live dashboard.

A live chart is redrawn on every slider move.  With matplotlib that is an Agg
draw of axes, ticks and legend (~100–450 ms on 2 shared cores whenever an axis
range changes) plus PNG encoding; as SVG text it is a few hundred microseconds in
the kernel and one cheap repaint in the browser, sharp at every zoom.  The
export keeps the matplotlib figure (:class:`paktsim.widgets.figures.WorkshopFigure`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Line", "line_chart_svg", "nice_ticks"]

_FONT = "font-family:sans-serif"


@dataclass(frozen=True)
class Line:
    """One line of a chart: points, label (legend), colour, dash, point markers."""

    x: np.ndarray
    y: np.ndarray
    label: str
    color: str
    dashed: bool = False
    markers: bool = False


def nice_ticks(top: float, target: int = 4) -> tuple[float, list[float]]:
    """A rounded axis end ≥ ``top`` and ticks from 0 at a 1/2/2,5/5 × 10^k step."""
    if not math.isfinite(top) or top <= 0:
        top = 1.0
    raw = top / target
    exponent = math.floor(math.log10(raw))
    step = next(
        m * 10**exponent for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * 10**exponent >= raw * (1 - 1e-9)
    )
    end = math.ceil(top / step - 1e-9) * step
    return end, [i * step for i in range(int(round(end / step)) + 1)]


def _de(value: float) -> str:
    """German whole number with thousands dots (``12.500``)."""
    return f"{value:,.0f}".replace(",", ".")


def line_chart_svg(
    lines: Sequence[Line],
    *,
    title: str,
    width: int,
    height: int,
    x_range: tuple[float, float],
    y_top: float,
    x_ticks: Sequence[int],
    marker_x: float | None = None,
    css_class: str = "",
) -> str:
    """An SVG line chart: title, legend row, y grid with German labels, year ticks.

    Parameters
    ----------
    lines : sequence of Line
    title : str
        Shown top left (escaped).
    width, height : int
        Size in CSS pixels.
    x_range : (float, float)
        Data range of the x axis.
    y_top : float
        Upper end of the y axis (0 is the lower end); ticks by :func:`nice_ticks`.
    x_ticks : sequence of int
        Years labelled on the x axis.
    marker_x : float, optional
        A dotted vertical line (the year shown elsewhere).
    css_class : str
        Class of the ``<svg>`` element.
    """
    left, right, top, bottom = 46, 8, 40, 18
    pw, ph = width - left - right, height - top - bottom
    end, yticks = nice_ticks(y_top)
    x0, x1 = x_range
    span = (x1 - x0) or 1.0

    def sx(x: np.ndarray | float) -> np.ndarray:
        return np.asarray(left + (np.asarray(x, dtype=float) - x0) / span * pw)

    def sy(y: np.ndarray | float) -> np.ndarray:
        return np.asarray(top + ph - np.asarray(y, dtype=float) / end * ph)

    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='{html.escape(css_class)}' "
        f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
        f"style='{_FONT};background:#fff'>",
        f"<text x='2' y='12' font-size='12.5'>{html.escape(title)}</text>",
    ]
    for value in yticks:
        y = float(sy(value))
        out.append(
            f"<line x1='{left}' x2='{left + pw}' y1='{y:.1f}' y2='{y:.1f}' "
            f"stroke='#dddddd' stroke-width='0.8'/>"
            f"<text x='{left - 4}' y='{y + 3.5:.1f}' font-size='10' "
            f"text-anchor='end'>{_de(value)}</text>"
        )
    for year in x_ticks:
        x = float(sx(year))
        out.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top + ph}' y2='{top + ph + 3}' "
            f"stroke='#333'/><text x='{x:.1f}' y='{height - 4}' font-size='10' "
            f"text-anchor='middle'>{year}</text>"
        )
    out.append(
        f"<line x1='{left}' x2='{left}' y1='{top}' y2='{top + ph}' stroke='#333'/>"
        f"<line x1='{left}' x2='{left + pw}' y1='{top + ph}' y2='{top + ph}' "
        f"stroke='#333'/>"
    )
    if marker_x is not None and x0 <= marker_x <= x1:
        x = float(sx(marker_x))
        out.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top}' y2='{top + ph}' "
            f"stroke='#999' stroke-width='1' stroke-dasharray='1.5,2'/>"
        )
    lx = 4.0
    for line in lines:
        dash = " stroke-dasharray='5,3'" if line.dashed else ""
        out.append(
            f"<line x1='{lx:.1f}' x2='{lx + 14:.1f}' y1='24' y2='24' "
            f"stroke='{line.color}' stroke-width='2'{dash}/><text x='{lx + 17:.1f}' "
            f"y='27.5' font-size='10'>{html.escape(line.label)}</text>"
        )
        lx += 26 + 5.1 * len(line.label)
    for line in lines:
        ok = np.isfinite(line.y)
        xs, ys = sx(line.x[ok]), sy(np.minimum(line.y[ok], end))
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys))
        dash = " stroke-dasharray='5,3'" if line.dashed else ""
        out.append(
            f"<polyline fill='none' stroke='{line.color}' stroke-width='1.8'"
            f"{dash} points='{points}'/>"
        )
        if line.markers:
            out.extend(
                f"<circle cx='{a:.1f}' cy='{b:.1f}' r='2' fill='{line.color}'/>"
                for a, b in zip(xs, ys)
            )
    out.append("</svg>")
    return "".join(out)
