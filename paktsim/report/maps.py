"""Choropleth maps of Baden-Württemberg's Gemeinden and Kreise with matplotlib only.

The bundled simplified BKG boundaries (:func:`paktsim.regions.boundaries`) are
projected once per level and cached as matplotlib paths: longitude is scaled by
``cos(48.7°)`` (BW's mean latitude), an equirectangular projection whose
distortion over BW's 2.5° of latitude is below 2 %, so the state keeps its
shape with an equal aspect ratio.  Each feature becomes one compound
:class:`~matplotlib.path.Path` (all parts of a MultiPolygon, exterior rings
counter-clockwise and holes clockwise, so the non-zero fill rule leaves holes
empty), drawn in one :class:`~matplotlib.collections.PathCollection` per class.

Every map carries the attribution :data:`ATTRIBUTION`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from paktsim.errors import InputError, Problem
from paktsim.regions import LEVELS, check_level
from paktsim.report import format as fmt

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.path import Path

__all__ = [
    "ATTRIBUTION",
    "MISSING_LABEL",
    "UNINHABITED_LABEL",
    "classify",
    "choropleth",
    "project",
]

ATTRIBUTION = "© GeoBasis-DE / BKG (Daten verändert); Destatis"
MISSING_LABEL = "keine Angabe"
UNINHABITED_LABEL = "gemeindefreies Gebiet"
KEY_LENGTH = {"gemeinde": 8, "kreis": 5}

_LAT0 = 48.7
_COS_LAT0 = math.cos(math.radians(_LAT0))
_MISSING_COLOR = "#d9d9d9"
_UNINHABITED_COLOR = "#f0f0f0"


def project(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat (degrees) to map units (degrees of latitude, BW-centred).

    Parameters
    ----------
    lon, lat : array-like

    Returns
    -------
    x, y : ndarray
    """
    return (np.asarray(lon, dtype=float) - 9.0) * _COS_LAT0, np.asarray(lat, dtype=float)


@dataclass(frozen=True)
class _Layer:
    """Projected geometry of one level: one compound path and a label point per AGS."""

    ags: tuple[str, ...]
    names: tuple[str, ...]
    paths: tuple["Path", ...]
    label_xy: np.ndarray  # (n, 2): centroid of each feature's largest part
    bounds: tuple[float, float, float, float]


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _centroid(ring: np.ndarray) -> tuple[float, float]:
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if area == 0:
        return float(x.mean()), float(y.mean())
    return (
        float(((x + np.roll(x, -1)) * cross).sum() / (6 * area)),
        float(((y + np.roll(y, -1)) * cross).sum() / (6 * area)),
    )


def _feature_path(geometry: dict[str, Any]) -> tuple["Path", tuple[float, float], float]:
    from matplotlib.path import Path

    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise InputError(
            Problem("boundaries.geometry.type", "expected Polygon or MultiPolygon", kind)
        )
    vertices, codes = [], []
    best_area, best_xy = -1.0, (0.0, 0.0)
    for polygon in polygons:
        for position, ring in enumerate(polygon):
            coords = np.asarray(ring, dtype=float)[:, :2]
            if len(coords) > 1 and np.array_equal(coords[0], coords[-1]):
                coords = coords[:-1]  # CLOSEPOLY closes the ring
            if len(coords) < 3:
                continue
            x, y = project(coords[:, 0], coords[:, 1])
            xy = np.column_stack([x, y])
            area = _signed_area(xy)
            # exterior counter-clockwise, holes clockwise: non-zero winding keeps holes open
            if (position == 0) != (area > 0):
                xy = xy[::-1]
            if position == 0 and abs(area) > best_area:
                best_area, best_xy = abs(area), _centroid(xy)
            ring_codes = np.full(len(xy) + 1, Path.LINETO, dtype=Path.code_type)
            ring_codes[0], ring_codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            vertices.append(np.vstack([xy, xy[:1]]))
            codes.append(ring_codes)
    if not vertices:
        raise InputError(Problem("boundaries.geometry", "feature has no polygon rings"))
    return Path(np.vstack(vertices), np.concatenate(codes)), best_xy, best_area


@lru_cache(maxsize=len(LEVELS))
def _layer(level: str) -> _Layer:
    from paktsim import regions

    collection = regions.boundaries(level)
    ags, names, paths, points = [], [], [], []
    for feature in collection["features"]:
        path, xy, _area = _feature_path(feature["geometry"])
        properties = feature["properties"]
        ags.append(str(properties["ags"]))
        names.append(str(properties.get("name", properties["ags"])))
        paths.append(path)
        points.append(xy)
    all_vertices = np.vstack([p.vertices for p in paths])
    lo, hi = all_vertices.min(axis=0), all_vertices.max(axis=0)
    return _Layer(
        tuple(ags),
        tuple(names),
        tuple(paths),
        np.asarray(points),
        (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])),
    )


def _decimals_for(edges: np.ndarray) -> int:
    """Fewest decimals (0–3) that keep the class edges distinct when printed and
    round each edge by at most 1 % of the value range."""
    finite = np.unique(edges[np.isfinite(edges)])
    if np.all(finite == np.round(finite)):
        return 0
    span = float(finite.max() - finite.min()) if finite.size else 0.0
    for decimals in range(4):
        texts = [fmt.number(e, decimals) for e in finite]
        if len(set(texts)) == len(texts) and (span == 0 or 0.5 * 10.0**-decimals <= 0.01 * span):
            return decimals
    return 3


def classify(
    values: np.ndarray, classes: int | Sequence[float] = 5, diverging: bool = False
) -> np.ndarray:
    """Class edges for a choropleth.

    Parameters
    ----------
    values : ndarray
        Finite values to classify.
    classes : int or sequence of float
        Number of quantile classes, or the class breaks (increasing). Breaks
        that do not cover the data are extended with open classes (``unter``
        the first, ``ab`` the last break).
    diverging : bool
        Put 0 on a class edge, so no class mixes losses and gains; with
        quantile classes the quantiles are taken separately below and above 0
        (in proportion to the number of values on each side).

    Returns
    -------
    ndarray
        Increasing edges; ``len(edges) - 1`` classes, possibly with ``-inf``/``inf``
        at the ends for open classes.

    Raises
    ------
    InputError
        Fewer than 1 class, or breaks that are not increasing finite numbers.
    """
    values = np.asarray(values, dtype=float)
    if isinstance(classes, (int, np.integer)) and not isinstance(classes, bool):
        k = int(classes)
        if not 1 <= k <= 12:
            raise InputError(Problem("classes", "expected between 1 and 12 classes", classes))
        if values.size == 0:
            return np.array([0.0, 1.0])
        lo, hi = values.min(), values.max()
        if diverging and lo < 0 < hi:
            n_neg = int(np.clip(round(k * (values < 0).mean()), 1, k - 1)) if k > 1 else 1
            n_pos = max(1, k - n_neg)
            neg = np.quantile(values[values < 0], np.linspace(0, 1, n_neg + 1))
            pos = np.quantile(values[values > 0], np.linspace(0, 1, n_pos + 1))
            edges = np.unique(np.concatenate([neg[:-1], [0.0], pos[1:]]))
        else:
            edges = np.unique(np.quantile(values, np.linspace(0, 1, k + 1)))
        if edges.size == 1:
            edges = np.array([edges[0], edges[0]])
        return edges
    try:
        edges = np.asarray(classes, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(
            Problem("classes", "expected a number of classes or a list of breaks", classes)
        ) from exc
    if (
        edges.ndim != 1
        or edges.size < 1
        or not np.all(np.isfinite(edges))
        or np.any(np.diff(edges) <= 0)
    ):
        raise InputError(Problem("classes", "expected strictly increasing finite breaks", classes))
    if diverging and edges[0] < 0 < edges[-1] and 0 not in edges:
        edges = np.sort(np.append(edges, 0.0))
    if values.size and values.min() < edges[0]:
        edges = np.concatenate([[-np.inf], edges])
    if values.size and values.max() > edges[-1]:
        edges = np.concatenate([edges, [np.inf]])
    if edges.size == 1:
        edges = np.array([edges[0], edges[0]])
    return edges


def _class_labels(
    edges: np.ndarray, counts: np.ndarray, label: Callable[[float], str]
) -> list[str]:
    labels = []
    n = len(edges) - 1
    for i in range(n):
        lo, hi = edges[i], edges[i + 1]
        if lo == hi:
            text = label(lo)
        elif np.isneginf(lo):
            text = f"unter {label(hi)}"
        elif np.isposinf(hi):
            text = f"ab {label(lo)}"
        elif i == n - 1:
            text = f"{label(lo)} bis {label(hi)}"
        else:
            text = f"{label(lo)} bis unter {label(hi)}"
        labels.append(f"{text} ({fmt.number(counts[i])})")
    return labels


def _class_colors(edges: np.ndarray, diverging: bool, cmap: str | None) -> list[Any]:
    from matplotlib import colormaps

    n = len(edges) - 1
    if diverging:
        colormap = colormaps[cmap or "RdBu"]
        mids = np.array([(max(edges[i], -1e300) + min(edges[i + 1], 1e300)) / 2 for i in range(n)])
        neg = np.flatnonzero(mids < 0)
        pos = np.flatnonzero(mids >= 0)
        colors: list[Any] = [None] * n
        # by rank on each side of 0, so the darkest colours mark the largest losses/gains
        for rank, idx in enumerate(neg[::-1]):
            colors[idx] = colormap(0.42 - 0.4 * (rank + 0.5) / len(neg) * (len(neg) > 0))
        for rank, idx in enumerate(pos):
            colors[idx] = colormap(0.58 + 0.4 * (rank + 0.5) / len(pos))
        return colors
    colormap = colormaps[cmap or "YlGnBu"]
    return [colormap(0.12 + 0.83 * (i + 0.5) / n) for i in range(n)]


def _validate_values(values: Any, level: str, known: set[str]) -> "pd.Series":
    import pandas as pd

    if not isinstance(values, pd.Series):
        raise InputError(
            Problem("values", "expected a pandas Series indexed by AGS", type(values).__name__)
        )
    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        raise InputError(Problem("values", "expected numbers", str(values.dtype)))
    keys = values.index.astype(str)
    problems = []
    duplicated = keys[keys.duplicated()].unique()
    if len(duplicated):
        problems.append(Problem("values.index", "duplicate AGS", list(duplicated[:5])))
    unknown = list(keys[~keys.isin(list(known))])
    if unknown:
        problems.append(
            Problem(
                "values.index",
                f"unknown {level} AGS (expected {KEY_LENGTH[level]}-digit keys "
                f"of Baden-Württemberg, e.g. "
                f"{'08111000' if level == 'gemeinde' else '08111'})",
                unknown[:5] if len(unknown) > 1 else unknown[0],
            )
        )
    as_float = values.astype("float64").to_numpy(na_value=np.nan)
    if np.isinf(as_float).any():
        problems.append(
            Problem("values", "expected finite numbers", list(keys[np.isinf(as_float)][:5]))
        )
    if problems:
        raise InputError(problems)
    return pd.Series(as_float, index=keys)


def _uninhabited(level: str) -> frozenset[str]:
    if level != "gemeinde":
        return frozenset()
    from paktsim import regions

    inhabited = regions.municipalities().index
    everything = regions.municipalities(include_uninhabited=True).index
    return frozenset(everything.difference(inhabited))


def choropleth(
    values: "pd.Series",
    level: str = "gemeinde",
    title: str | None = None,
    legend_title: str | None = None,
    classes: int | Sequence[float] = 5,
    diverging: bool | None = None,
    value_format: str | Callable[[float], str] = "number",
    decimals: int | None = None,
    cmap: str | None = None,
    kreis_outlines: bool = True,
    label_stadtkreise: bool = True,
    ax: "Axes | None" = None,
    subtitle: str | None = None,
    source: str | None = None,
) -> "Figure":
    """Draw a classed choropleth map of Gemeinden or Kreise.

    Parameters
    ----------
    values : Series
        Numbers indexed by AGS (8 digits for Gemeinden, 5 for Kreise). Areas
        without a value (not in the index, or NaN) are drawn hatched grey as
        "keine Angabe"; the two uninhabited gemeindefreie Gebiete plain light grey.
    level : {"gemeinde", "kreis"}
    title : str, optional
        Map title.
    legend_title : str, optional
        Title of the legend (say the unit, e.g. "Δ € je Einwohner").
    classes : int or sequence of float
        Number of quantile classes or the class breaks (see :func:`classify`).
    diverging : bool, optional
        Diverging colours centred on 0 (for Δ values). Default: True when the
        values have both signs.
    value_format : {"number", "eur", "percent", "compact_eur"} or callable
        Format of the class edges in the legend.
    decimals : int, optional
        Decimals in the legend; default: as few as keep the edges distinct.
    cmap : str, optional
        Matplotlib colormap name (default ``RdBu`` diverging, ``YlGnBu``
        sequential).
    kreis_outlines : bool
        Draw Kreis borders over Gemeinden.
    label_stadtkreise : bool
        Write the names of the 9 Stadtkreise.
    ax : Axes, optional
        Draw into this axes; otherwise a new figure is created (no pyplot).
    subtitle : str, optional
        A smaller line under the title (what is compared, factors, envelope, year).
    source : str, optional
        Source of the values, written before the boundary attribution.

    Returns
    -------
    Figure

    Raises
    ------
    InputError
        Unknown level, non-numeric or infinite values, unknown or duplicate AGS,
        bad classes.
    """
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Patch

    from paktsim.report.charts import new_axes, value_formatter

    level = check_level(level)
    layer = _layer(level)
    series = _validate_values(values, level, set(layer.ags))
    aligned = series.reindex(list(layer.ags)).to_numpy()
    present = np.isfinite(aligned)
    data = aligned[present]
    if diverging is None:
        diverging = bool(data.size and data.min() < 0 < data.max())
    edges = classify(data, classes, diverging=diverging)
    if decimals is None:
        decimals = _decimals_for(edges * (100 if value_format == "percent" else 1))
    label = value_formatter(value_format, decimals)

    n_classes = len(edges) - 1
    class_of = np.full(aligned.shape, -1)
    if n_classes == 1 or edges[0] == edges[-1]:
        class_of[present] = 0
    else:
        # right-closed last class: the maximum belongs to the top class
        class_of[present] = np.clip(
            np.searchsorted(edges, data, side="right") - 1, 0, n_classes - 1
        )
    counts = np.bincount(class_of[present], minlength=n_classes)
    if n_classes > 1 and (counts == 0).any():
        edges = _drop_empty_classes(edges, counts)
        n_classes = len(edges) - 1
        class_of[present] = np.clip(
            np.searchsorted(edges, data, side="right") - 1, 0, n_classes - 1
        )
        counts = np.bincount(class_of[present], minlength=n_classes)
    colors = _class_colors(edges, diverging, cmap)

    ax = new_axes(ax, figsize=(8.0, 7.5))
    paths = layer.paths
    edge_width = 0.15 if level == "gemeinde" else 0.5
    edge_color = "white" if level == "gemeinde" and kreis_outlines else "#555555"
    for index in range(n_classes):
        members = np.flatnonzero(class_of == index)
        if members.size:
            ax.add_collection(
                PathCollection(
                    [paths[i] for i in members],
                    facecolors=colors[index],
                    edgecolors=edge_color,
                    linewidths=edge_width,
                )
            )
    handles = [
        Patch(facecolor=c, edgecolor="#555555", linewidth=0.3, label=t)
        for c, t in zip(colors, _class_labels(edges, counts, label))
    ][::-1]

    uninhabited = _uninhabited(level)
    absent = np.flatnonzero(~present)
    is_plain = np.isin(np.asarray(layer.ags)[absent], list(uninhabited))
    plain, hatched = absent[is_plain], absent[~is_plain]
    if hatched.size:
        ax.add_collection(
            PathCollection(
                [paths[i] for i in hatched],
                facecolors=_MISSING_COLOR,
                edgecolors="#888888",
                linewidths=edge_width,
                hatch="////",
            )
        )
        handles.append(
            Patch(
                facecolor=_MISSING_COLOR,
                edgecolor="#888888",
                hatch="////",
                label=f"{MISSING_LABEL} ({fmt.number(len(hatched))})",
            )
        )
    if plain.size:
        ax.add_collection(
            PathCollection(
                [paths[i] for i in plain],
                facecolors=_UNINHABITED_COLOR,
                edgecolors="#bbbbbb",
                linewidths=edge_width,
            )
        )
        handles.append(
            Patch(facecolor=_UNINHABITED_COLOR, edgecolor="#bbbbbb", label=UNINHABITED_LABEL)
        )

    if kreis_outlines:
        kreise = _layer("kreis")
        ax.add_collection(
            PathCollection(
                list(kreise.paths),
                facecolors="none",
                edgecolors="#333333",
                linewidths=0.6 if level == "gemeinde" else 0.8,
            )
        )
    if label_stadtkreise:
        _label_stadtkreise(ax)

    x0, x1, y0, y1 = layer.bounds
    pad = 0.02 * (x1 - x0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(
            title,
            loc="left",
            fontsize=12,
            fontweight="bold",
            parse_math=False,
            pad=8 + 11 * (subtitle.count("\n") + 1) if subtitle else None,
        )
    ax.legend(
        handles=handles,
        title=legend_title,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize=8,
        title_fontsize=9,
        alignment="left",
    )
    if subtitle:
        ax.annotate(
            subtitle,
            (0.0, 1.0),
            xycoords="axes fraction",
            xytext=(0, 4),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=8,
            color="#333333",
        )
    from paktsim.report.charts import SOURCE_GID

    ax.text(
        0.0,
        -0.01,
        f"{source}; {ATTRIBUTION}" if source else ATTRIBUTION,
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=6,
        color="#555555",
        gid=SOURCE_GID,
    )
    return ax.figure


def _drop_empty_classes(edges: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Merge every empty class into a neighbour (keeping 0 and the outer edges)."""
    edges = edges.copy()
    counts = counts.copy()
    while len(counts) > 1 and (counts == 0).any():
        i = int(np.flatnonzero(counts == 0)[0])
        # remove the inner edge of the empty class that is not 0 (0 separates losses/gains)
        candidates = [e for e in (i, i + 1) if 0 < e < len(edges) - 1]
        choice = next((e for e in candidates if edges[e] != 0), candidates[0])
        edges = np.delete(edges, choice)
        merged = counts[choice - 1] + counts[choice]
        counts = np.delete(counts, choice)
        counts[choice - 1] = merged
    return edges


def _label_stadtkreise(ax: "Axes") -> None:
    import matplotlib.patheffects as effects

    from paktsim import regions

    kreise = _layer("kreis")
    stadtkreise = regions.kreise()
    stadtkreise = stadtkreise[stadtkreise["is_stadtkreis"]]
    position = {a: i for i, a in enumerate(kreise.ags)}
    halo = [effects.withStroke(linewidth=2.2, foreground="white")]
    for ags, name in zip(stadtkreise.index, stadtkreise["name"]):
        if ags not in position:
            continue
        x, y = kreise.label_xy[position[ags]]
        short = str(name).split(",")[0].replace(" im Breisgau", "")
        ax.plot([x], [y], marker="o", markersize=2.5, color="#111111", zorder=5)
        ax.annotate(
            short,
            (x, y),
            xytext=(3, 2),
            textcoords="offset points",
            fontsize=7,
            color="#111111",
            zorder=6,
            path_effects=halo,
        )
