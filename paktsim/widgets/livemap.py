"""A choropleth for the live dashboards: built once, recoloured in place.

:func:`paktsim.report.maps.choropleth` draws a print map (class-wise
collections, Stadtkreis labels with halos, attribution) into a cleared axes: right
for export, but each redraw costs a full layout and the halo labels are drawn as
paths.  The profile of a slider move (``benchmarks/bench_browser.py``, notes in
the README) showed that map redraw as the largest single part of an update.  Here
the areas are one ``PathCollection`` whose face colours are replaced, the legend is
the only artist rebuilt, and the picture is encoded with a fast zlib level.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["LiveMap", "encode_rgba", "nice_edges"]

_MISSING = "#d9d9d9"


@lru_cache(maxsize=2)
def _geometry(level: str) -> tuple[tuple[str, ...], tuple[Any, ...], tuple[float, ...]]:
    """AGS, compound paths (exterior counter-clockwise, holes clockwise) and bounds."""
    from matplotlib.path import Path

    from paktsim import regions
    from paktsim.report.maps import project

    ags, paths = [], []
    for feature in regions.boundaries(level)["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        vertices, codes = [], []
        for polygon in polygons:
            for position, ring in enumerate(polygon):
                coords = np.asarray(ring, dtype=float)[:, :2]
                if len(coords) > 1 and np.array_equal(coords[0], coords[-1]):
                    coords = coords[:-1]
                if len(coords) < 3:
                    continue
                x, y = project(coords[:, 0], coords[:, 1])
                area = 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))
                xy = np.column_stack([x, y])
                if (position == 0) != (area > 0):
                    xy = xy[::-1]
                ring_codes = np.full(len(xy) + 1, Path.LINETO, dtype=Path.code_type)
                ring_codes[0], ring_codes[-1] = Path.MOVETO, Path.CLOSEPOLY
                vertices.append(np.vstack([xy, xy[:1]]))
                codes.append(ring_codes)
        ags.append(str(feature["properties"]["ags"]))
        paths.append(Path(np.vstack(vertices), np.concatenate(codes)))
    every = np.vstack([p.vertices for p in paths])
    lo, hi = every.min(axis=0), every.max(axis=0)
    return tuple(ags), tuple(paths), (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))


def _colors(edges: np.ndarray, diverging: bool) -> list[Any]:
    from matplotlib import colormaps

    n = len(edges) - 1
    if not diverging:
        cmap = colormaps["YlGnBu"]
        return [cmap(0.12 + 0.83 * (i + 0.5) / n) for i in range(n)]
    cmap = colormaps["RdBu"]
    mids = np.array([(max(edges[i], -1e300) + min(edges[i + 1], 1e300)) / 2 for i in range(n)])
    neg, pos = np.flatnonzero(mids < 0), np.flatnonzero(mids >= 0)
    out: list[Any] = [None] * n
    for rank, idx in enumerate(neg[::-1]):
        out[idx] = cmap(0.42 - 0.4 * (rank + 0.5) / len(neg))
    for rank, idx in enumerate(pos):
        out[idx] = cmap(0.58 + 0.4 * (rank + 0.5) / len(pos))
    return out


def _labels(edges: np.ndarray, label: Callable[[float], str]) -> list[str]:
    out = []
    n = len(edges) - 1
    for i in range(n):
        lo, hi = edges[i], edges[i + 1]
        if lo == hi:
            text = label(lo)
        elif np.isneginf(lo):
            text = f"unter {label(hi)}"
        elif np.isposinf(hi):
            text = f"ab {label(lo)}"
        else:
            text = f"{label(lo)} bis {label(hi)}"
        out.append(text)
    return out


def nice_edges(edges: np.ndarray, max_decimals: int = 2) -> tuple[np.ndarray, int]:
    """Class edges rounded to a step of about a tenth of a class width, and its decimals.

    Quantile edges move with every value; rounded ones change only when the
    distribution does, so the legend (and the cached background) stays put
    while a slider moves.
    """
    finite = edges[np.isfinite(edges)]
    spread = float(finite.max() - finite.min()) if finite.size > 1 else 0.0
    if spread <= 0:
        return np.asarray(edges, dtype=float), 0
    decimals = max(0, -int(np.floor(np.log10(spread / max(len(edges) - 1, 1) / 2))))
    decimals = min(decimals, max_decimals)
    rounded = np.unique(np.round(np.asarray(edges, dtype=float), decimals))
    if rounded.size < 2:  # no visible spread: one class
        return np.array([rounded[0], rounded[0]]), decimals
    return rounded, decimals


class LiveMap:
    """Kreis or Gemeinde areas in one axes, recoloured by :meth:`update`.

    The legend sits below the map inside the figure (it never overlaps an
    area), so the legend and attribution are a cached background and an update
    draws only the areas and the title over it (:meth:`render`).

    Parameters
    ----------
    ax : Axes
        Axes to draw into; the legend goes below it, so leave room in the figure.
    level : {"kreis", "gemeinde"}
    ncols : int
        Columns of the legend.
    """

    def __init__(self, ax: Axes, level: str = "kreis", ncols: int = 2) -> None:
        from matplotlib.collections import PathCollection

        from paktsim.report.maps import ATTRIBUTION

        self.ax = ax
        self.level = level
        self.ncols = ncols
        self.ags, paths, (x0, x1, y0, y1) = _geometry(level)
        self._position = {a: i for i, a in enumerate(self.ags)}
        width = 0.12 if level == "gemeinde" else 0.5
        edge = "white" if level == "gemeinde" else "#555555"
        self.areas = PathCollection(
            list(paths), facecolors=_MISSING, edgecolors=edge, linewidths=width, animated=True
        )
        ax.add_collection(self.areas)
        self.outlines = None
        if level == "gemeinde":
            self.outlines = PathCollection(
                list(_geometry("kreis")[1]),
                facecolors="none",
                edgecolors="#333333",
                linewidths=0.45,
                animated=True,
            )
            ax.add_collection(self.outlines)
        pad = 0.01 * (x1 - x0)
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y0 - pad, y1 + pad)
        ax.set_aspect("equal", anchor="N")
        ax.set_axis_off()
        self.title = ax.figure.text(
            0.01, 0.99, "", fontsize=8.5, fontweight="bold", va="top", animated=True
        )
        ax.figure.text(
            0.99, 0.005, ATTRIBUTION, ha="right", va="bottom", fontsize=5.5, color="#555555"
        )
        self._legend: Any = None
        self._static: Any = None
        self._background: Any = None

    def update(
        self,
        values: pd.Series,
        *,
        title: str,
        legend_title: str,
        classes: int | list[float] = 5,
        diverging: bool = False,
        decimals: int | None = None,
    ) -> None:
        """Colour the areas by ``values`` (indexed by AGS; missing = grey); legend if changed.

        ``decimals`` of the legend numbers: default as the rounded class edges need.
        """
        from matplotlib.patches import Patch

        from paktsim.report import format as fmt
        from paktsim.report.maps import classify

        data = np.full(len(self.ags), np.nan)
        index = np.asarray([self._position.get(str(a), -1) for a in values.index], dtype=int)
        known = index >= 0
        data[index[known]] = values.to_numpy(dtype=float)[known]
        present = np.isfinite(data)
        edges = classify(data[present], classes, diverging)
        needed = 0
        if isinstance(classes, int):
            edges, needed = nice_edges(edges)
            if present.any() and edges[0] != edges[-1]:  # outer edges hold every value
                edges[0] = min(edges[0], data[present].min())
                edges[-1] = max(edges[-1], data[present].max())
        n = len(edges) - 1
        cls = np.zeros(len(data), dtype=int)
        if n > 1 and edges[0] != edges[-1]:
            cls = np.clip(np.searchsorted(edges, data, side="right") - 1, 0, n - 1)
        colors = _colors(edges, diverging)
        faces = np.array(
            [colors[c] if p else (0.85, 0.85, 0.85, 1.0) for c, p in zip(cls, present)]
        )
        self.areas.set_facecolors(faces)
        places = needed if decimals is None else decimals
        texts = _labels(edges, lambda v: fmt.number(v, places))
        missing = int((~present).sum())
        self.title.set_text(title)
        static = (legend_title, tuple(texts), missing)
        if static == self._static:
            return
        self._static = static
        self._background = None
        handles = [
            Patch(facecolor=c, edgecolor="#555555", linewidth=0.3, label=t)
            for c, t in zip(colors, texts)
        ]
        if missing:
            handles.append(
                Patch(
                    facecolor=_MISSING,
                    edgecolor="#888888",
                    label=f"keine Angabe ({fmt.number(missing)})",
                )
            )
        if self._legend is not None:
            self._legend.remove()
        self._legend = self.ax.legend(
            handles=handles,
            title=legend_title,
            loc="upper left",
            bbox_to_anchor=(0.0, 0.0),
            frameon=False,
            fontsize=7,
            title_fontsize=7,
            alignment="left",
            handlelength=1.1,
            handleheight=0.8,
            borderpad=0.2,
            labelspacing=0.2,
            columnspacing=0.8,
            ncols=self.ncols,
        )

    def render(self) -> bytes:
        """PNG bytes: the cached background (title, legend), the areas drawn over it."""
        canvas = self.ax.figure.canvas
        if self._background is None:
            canvas.draw()  # animated areas are skipped
            self._background = canvas.copy_from_bbox(self.ax.figure.bbox)
        else:
            canvas.restore_region(self._background)
        self.ax.draw_artist(self.areas)
        if self.outlines is not None:
            self.ax.draw_artist(self.outlines)
        self.ax.figure.draw_artist(self.title)
        return encode_rgba(canvas.buffer_rgba())


def encode_rgba(rgba: Any) -> bytes:
    """PNG bytes of an RGBA buffer (fast zlib level: pictures for the screen)."""
    import numpy as np
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(rgba)).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()
