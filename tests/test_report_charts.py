"""German charts: render with Agg, German tick labels, safe and reproducible saving."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from paktsim.errors import InputError
from paktsim.report import charts
from paktsim.report.format import NBSP

MONTHS = pd.period_range("2022-01", periods=36, freq="M")


@pytest.fixture
def stocks():
    return pd.DataFrame(
        {
            "Erstaufnahme": np.linspace(5_000, 2_000, 36),
            "Vorläufige Unterbringung": np.linspace(20_000, 30_000, 36),
            "Anschlussunterbringung": np.linspace(40_000, 90_000, 36),
        },
        index=MONTHS,
    )


def tick_labels(fig, axis="y"):
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks]


def texts(fig):
    return [t.get_text() for t in fig.findobj(Text)]


def test_stock_timeseries_german_axis_and_png(tmp_path, stocks):
    fig = charts.stock_timeseries(stocks, title="Schutzsuchende nach Stufe")
    assert isinstance(fig, Figure)
    labels = tick_labels(fig)
    assert "100.000" in labels and "20.000" in labels
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == list(stocks.columns)[::-1]  # top layer listed first
    paths = charts.save_figure(fig, tmp_path / "bestand")
    assert [p.suffix for p in paths] == [".png", ".svg"]
    assert paths[0].read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in paths[1].read_bytes()[:500]


def test_stock_lines_into_given_axes(stocks):
    fig = Figure()
    ax = fig.add_subplot()
    assert charts.stock_timeseries(stocks, stacked=False, ax=ax) is fig
    assert len(ax.get_lines()) == 3


def test_winners_losers_order_and_labels():
    delta = pd.Series(
        [-120_000.0, 5_000.0, 80_000.0, -3_000.0, 0.0, np.nan],
        index=["A-Stadt", "B-Dorf", "C-Hausen", "D-Weiler", "E-Berg", "F-Tal"],
    )
    fig = charts.winners_losers(delta, n=2, xlabel="Δ Zuweisung")
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == ["A-Stadt", "D-Weiler", "B-Dorf", "C-Hausen"]  # bottom to top
    assert f"\u2212120.000{NBSP}€" in texts(fig) and f"80.000{NBSP}€" in texts(fig)
    bars = [p.get_width() for p in ax.patches]
    assert bars == [-120_000.0, -3_000.0, 5_000.0, 80_000.0]


@pytest.mark.parametrize(
    ("delta", "n", "location"),
    [
        (pd.Series([0.0, np.nan]), 3, "delta"),
        (pd.Series(["a"]), 3, "delta"),
        (pd.Series([1.0]), 0, "n"),
    ],
)
def test_winners_losers_bad_input(delta, n, location):
    with pytest.raises(InputError, match=location):
        charts.winners_losers(delta, n=n)


def test_fan_chart_bands():
    quantiles = pd.DataFrame(
        {
            "P10": np.linspace(800, 700, 36),
            "P50": np.linspace(900, 1000, 36),
            "P90": np.linspace(1000, 1400, 36),
            "P25": np.linspace(850, 900, 36),
            "P75": np.linspace(950, 1100, 36),
        },
        index=MONTHS,
    )
    observed = pd.Series(np.linspace(880, 950, 12), index=MONTHS[:12], name="Ist")
    fig = charts.fan_chart(quantiles, observed=observed, ylabel="VZÄ")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["P10–P90", "P25–P75", "Median", "Ist"]
    assert "1.200" in tick_labels(fig)
    numeric = pd.DataFrame({0.1: [1.0, 2.0], 0.5: [2.0, 3.0], 0.9: [3.0, 4.0]})
    assert isinstance(charts.fan_chart(numeric), Figure)


def test_fan_chart_needs_median_and_pair():
    with pytest.raises(InputError, match="median"):
        charts.fan_chart(pd.DataFrame({"P10": [1.0], "P90": [2.0]}))
    with pytest.raises(InputError, match="symmetric pair"):
        charts.fan_chart(pd.DataFrame({"P10": [1.0], "P50": [2.0]}))


def test_tornado_sorted_by_span():
    effects = pd.DataFrame(
        {"low": [57e6, 50e6, 55e6], "high": [59e6, 68e6, 60e6]},
        index=["Fördersatz", "Zugänge", "Betreuungsschlüssel"],
    )
    fig = charts.tornado(effects, base=58e6, value_format="compact_eur")
    names = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert names == ["Fördersatz", "Betreuungsschlüssel", "Zugänge"]  # widest on top
    assert f"68,0{NBSP}Mio.{NBSP}€" in texts(fig)
    with pytest.raises(InputError, match="effects.high"):
        charts.tornado(effects[["low"]], base=1.0)


def test_save_figure_refuses_existing_and_bad_args(tmp_path, stocks):
    fig = charts.stock_timeseries(stocks)
    (tmp_path / "b.svg").write_text("old")
    with pytest.raises(InputError, match="file exists"):
        charts.save_figure(fig, tmp_path / "b")
    # nothing written: the png was checked together with the svg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.svg"]
    assert (tmp_path / "b.svg").read_text() == "old"
    charts.save_figure(fig, tmp_path / "b", force=True)
    assert (tmp_path / "b.png").exists() and (tmp_path / "b.svg").read_text() != "old"
    with pytest.raises(InputError, match="formats"):
        charts.save_figure(fig, tmp_path / "c", formats=("gif",))
    with pytest.raises(InputError, match="dpi"):
        charts.save_figure(fig, tmp_path / "c", dpi=5)


def test_save_is_reproducible(tmp_path, stocks):
    # no dates in the files: the same chart from the same data gives the same bytes
    first = charts.save_figure(charts.stock_timeseries(stocks), tmp_path / "a", dpi=72)
    second = charts.save_figure(charts.stock_timeseries(stocks), tmp_path / "b", dpi=72)
    for one, two in zip(first, second):
        assert one.read_bytes() == two.read_bytes()


def test_unknown_value_format(stocks):
    with pytest.raises(InputError, match="value_format"):
        charts.stock_timeseries(stocks, value_format="dollars")


def test_figures_display_as_png_in_jupyter(monkeypatch, stocks):
    import sys
    import types

    from IPython.core.formatters import PNGFormatter

    png = PNGFormatter()
    shell = types.SimpleNamespace(
        display_formatter=types.SimpleNamespace(formatters={"image/png": png})
    )
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    fig = charts.stock_timeseries(stocks)
    assert png(fig)[:4] == b"\x89PNG"


def test_stacked_bars_stack_to_row_totals_and_skip_missing():
    frame = pd.DataFrame(
        {"A": [1.0e6, 2.0e6, np.nan], "B": [3.0e6, np.nan, 1.0e6]}, index=[2020, 2021, 2022]
    )
    fig = charts.stacked_bars(frame, title="Mittel")
    ax = fig.axes[0]
    tops = {}
    for patch in ax.patches:
        x = round(patch.get_x() + patch.get_width() / 2)
        tops[x] = max(tops.get(x, 0.0), patch.get_y() + patch.get_height())
    assert tops == {0: 4.0e6, 1: 2.0e6, 2: 1.0e6}
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021", "2022"]
    assert "Mio." in ax.yaxis.get_major_formatter()(2.0e6, 0)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["B", "A"]  # top layer listed first, as it appears


def test_stacked_bars_rejects_non_frame():
    with pytest.raises(InputError):
        charts.stacked_bars([1, 2, 3])
