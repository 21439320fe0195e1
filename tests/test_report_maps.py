"""Choropleth maps: attribution, missing/unknown AGS, classes, holes, caching."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.collections import PathCollection
from matplotlib.text import Text

from paktsim import regions
from paktsim.errors import InputError
from paktsim.report import maps
from paktsim.report.charts import save_figure


@pytest.fixture(scope="module")
def gemeinden():
    return regions.municipalities()


def texts(fig):
    return [t.get_text() for t in fig.findobj(Text)]


def legend_labels(fig):
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_gemeinde_map_png_attribution_and_missing(tmp_path, gemeinden):
    values = pd.Series(np.linspace(-5, 5, len(gemeinden)), index=gemeinden.index)
    values = values.drop(gemeinden.index[:3])
    fig = maps.choropleth(
        values, title="Δ € je Einwohner", legend_title="Δ €/EW", value_format="eur"
    )
    assert maps.ATTRIBUTION in texts(fig)
    labels = legend_labels(fig)
    assert f"{maps.MISSING_LABEL} (3)" in labels
    assert maps.UNINHABITED_LABEL in labels  # the two gemeindefreie Gebiete
    # class counts in the legend add up to the Gemeinden with a value
    counts = [
        int(lbl.rsplit("(", 1)[1].rstrip(")").replace(".", "")) for lbl in labels if "bis" in lbl
    ]
    assert sum(counts) == len(values)
    # diverging: 0 is a class edge, so no class label straddles it
    assert any("bis unter 0" in lbl or "bis 0" in lbl for lbl in labels)
    # Stadtkreise are labelled
    for name in ("Stuttgart", "Mannheim", "Freiburg", "Ulm"):
        assert name in texts(fig)
    (png,) = save_figure(fig, tmp_path / "karte", formats=("png",), dpi=72)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_missing_is_hatched_grey(gemeinden):
    values = pd.Series(1.0, index=gemeinden.index[10:])
    fig = maps.choropleth(values, classes=[0, 2])
    hatched = [
        c for c in fig.axes[0].collections if isinstance(c, PathCollection) and c.get_hatch()
    ]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) == 10


def test_nan_counts_as_missing(gemeinden):
    values = pd.Series(1.0, index=gemeinden.index).astype("float64")
    values.iloc[:4] = np.nan
    assert f"{maps.MISSING_LABEL} (4)" in legend_labels(maps.choropleth(values))


def test_unknown_ags_is_input_error(gemeinden):
    values = pd.Series(1.0, index=[*gemeinden.index[:5], "08999999"])
    with pytest.raises(InputError, match="unknown gemeinde AGS") as info:
        maps.choropleth(values)
    assert "08999999" in str(info.value)
    with pytest.raises(InputError, match="unknown kreis AGS"):
        maps.choropleth(values, level="kreis")


@pytest.mark.parametrize(
    ("values", "level", "location"),
    [
        (pd.Series(["a"], index=["08111000"]), "gemeinde", "values"),
        ([1.0], "gemeinde", "values"),
        (pd.Series([np.inf], index=["08111000"]), "gemeinde", "values"),
        (pd.Series([1.0, 2.0], index=["08111000", "08111000"]), "gemeinde", "duplicate"),
        (pd.Series([1.0], index=["08111000"]), "land", "level"),
    ],
)
def test_bad_values(values, level, location):
    with pytest.raises(InputError, match=location):
        maps.choropleth(values, level=level)


def test_kreis_map_with_breaks_and_open_classes():
    kreise = regions.kreise()
    density = kreise["population"] / kreise["area_km2"]
    fig = maps.choropleth(
        density, level="kreis", classes=[200, 500, 1000], legend_title="Einwohner je km²"
    )
    labels = legend_labels(fig)
    assert labels[0].startswith("ab 1.000") and labels[-1].startswith("unter 200")
    assert maps.MISSING_LABEL not in " ".join(labels)
    assert maps.ATTRIBUTION in texts(fig)


def test_bad_breaks():
    with pytest.raises(InputError, match="classes"):
        maps.classify(np.array([1.0]), [3, 2])
    with pytest.raises(InputError, match="classes"):
        maps.classify(np.array([1.0]), 0)


@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
    st.integers(1, 8),
    st.booleans(),
)
def test_classify_covers_all_values(values, k, diverging):
    data = np.array(values)
    edges = maps.classify(data, k, diverging=diverging)
    assert np.all(np.diff(edges) >= 0)
    assert edges[0] <= data.min() and data.max() <= edges[-1]
    if diverging and data.min() < 0 < data.max():
        assert 0.0 in edges


def _pixel_filled(path, lon, lat):
    """Render ``path`` black on white with Agg and read the pixel at lon/lat."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2), dpi=50)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.add_collection(PathCollection([path], facecolors="black", edgecolors="none"))
    (x0, y0), (x1, y1) = path.vertices.min(axis=0), path.vertices.max(axis=0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())
    x, y = maps.project([lon], [lat])
    col = int((x[0] - x0) / (x1 - x0) * (image.shape[1] - 1))
    row = int((y1 - y[0]) / (y1 - y0) * (image.shape[0] - 1))
    return image[row, col, 0] < 128


@pytest.mark.parametrize("reverse_hole", [False, True])
def test_holes_are_not_filled(reverse_hole):
    square = [[8.0, 48.0], [9.0, 48.0], [9.0, 49.0], [8.0, 49.0], [8.0, 48.0]]
    hole = [[8.4, 48.4], [8.6, 48.4], [8.6, 48.6], [8.4, 48.6], [8.4, 48.4]]
    if reverse_hole:
        hole = hole[::-1]
    path, _xy, _area = maps._feature_path({"type": "Polygon", "coordinates": [square, hole]})
    assert _pixel_filled(path, 8.2, 48.2)
    assert not _pixel_filled(path, 8.5, 48.5)


def test_multipolygon_parts_are_all_drawn():
    square = [[8.0, 48.0], [8.4, 48.0], [8.4, 48.4], [8.0, 48.4], [8.0, 48.0]]
    other = [[x + 0.6, y + 0.6] for x, y in square]
    path, xy, _area = maps._feature_path(
        {"type": "MultiPolygon", "coordinates": [[square], [other]]}
    )
    assert _pixel_filled(path, 8.2, 48.2) and _pixel_filled(path, 8.8, 48.8)
    assert not _pixel_filled(path, 8.5, 48.5)
    with pytest.raises(InputError, match="Polygon"):
        maps._feature_path({"type": "Point", "coordinates": [8.0, 48.0]})


def test_projection_keeps_bw_shape():
    x0, x1, y0, y1 = maps._layer("kreis").bounds
    # BW spans about 230 km east-west and 250 km north-south
    assert 0.8 < (x1 - x0) / (y1 - y0) < 1.0


def test_geometry_is_cached():
    assert maps._layer("gemeinde") is maps._layer("gemeinde")
    assert len(maps._layer("gemeinde").ags) == 1103
    assert len(maps._layer("kreis").ags) == 44


def test_draw_into_given_axes(gemeinden):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 6))
    left, right = fig.subplots(1, 2)
    values = pd.Series(np.arange(len(gemeinden), dtype=float), index=gemeinden.index)
    assert maps.choropleth(values, ax=left, kreis_outlines=False, label_stadtkreise=False) is fig
    assert maps.choropleth(values, ax=right) is fig
    assert texts(fig).count(maps.ATTRIBUTION) == 2
