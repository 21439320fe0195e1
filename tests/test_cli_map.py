"""Maps you can paste: `paktsim compare --map`, `paktsim map`, chart conventions."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from paktsim.report import format as fmt
from paktsim.report.charts import SOURCE_GID, save_figure, stock_timeseries, value_formatter
from paktsim.report.comparison_maps import kreis_labels
from paktsim.report.maps import choropleth

BUDGET = "58000000"


def run(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "paktsim", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("karten")
    r1 = run(
        "allocate",
        "--rule",
        "population",
        "--level",
        "kreis",
        "--budget",
        BUDGET,
        "--out",
        "heute.xlsx",
        cwd=d,
    )
    r2 = run(
        "allocate",
        "--rule",
        "population",
        "--urban-factor",
        "1=1.3,2=1.1,3=1.0",
        "--budget",
        BUDGET,
        "--out",
        "vorschlag.xlsx",
        cwd=d,
    )
    assert r1.returncode == r2.returncode == 0, r1.stderr + r2.stderr
    r = run(
        "compare",
        "heute.xlsx",
        "vorschlag.xlsx",
        "--out",
        "vergleich.xlsx",
        "--map",
        "--map-formats",
        "png,svg,pdf",
        cwd=d,
    )
    assert r.returncode == 0, r.stderr
    return d


@pytest.mark.slow
def test_compare_map_writes_kreis_and_gemeinde_maps(work):
    for stem in ("vergleich_karte_kreise", "vergleich_karte_gemeinden"):
        for suffix in ("png", "svg", "pdf"):
            assert (work / f"{stem}.{suffix}").stat().st_size > 10_000
    svg = (work / "vergleich_karte_gemeinden.svg").read_text(encoding="utf-8")
    # text kept as text: title, subtitle with factors and envelope, source line
    assert "<text" in svg and "Gewinner und Verlierer" in svg
    assert "1=1,3" in svg and "58,0\xa0Mio." in svg and "Quelle:" in svg
    assert "\u2212" in svg  # losses with a proper minus sign


@pytest.mark.slow
def test_map_command_from_comparison_and_allocation(work):
    r = run(
        "map",
        "vergleich.xlsx",
        "--level",
        "kreis",
        "--metric",
        "delta_eur",
        "--out",
        "k.svg",
        cwd=work,
    )
    assert r.returncode == 0, r.stderr
    assert "Stadt- und Landkreisen" in (work / "k.svg").read_text(encoding="utf-8")
    r = run("map", "heute.xlsx", "--level", "gemeinde", "--out", "a.png", cwd=work)
    assert r.returncode == 0, r.stderr
    assert (work / "a.png").exists()


def test_map_command_bad_input(work):
    r = run("map", "vergleich.xlsx", "--out", "k.txt", cwd=work)
    assert r.returncode == 2 and "k.txt" in r.stderr and not (work / "k.txt").exists()
    r = run("map", "vergleich.xlsx", "--metric", "nonsense", "--out", "x.png", cwd=work)
    assert r.returncode == 2 and "nonsense" in r.stderr and not (work / "x.png").exists()
    r = run("map", "fehlt.xlsx", "--out", "y.png", cwd=work)
    assert r.returncode == 2 and not (work / "y.png").exists()


def test_fixed_breaks_leave_no_empty_class():
    from paktsim import regions

    ags = regions.kreise().index
    values = pd.Series(np.linspace(-1, 1, len(ags)), index=ags)
    values[values > 0] = 0.9  # nothing between 0 and 0.5
    fig = choropleth(values, level="kreis", classes=[-1, -0.5, 0, 0.2, 0.5, 1])
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    counts = [int(t.rsplit("(", 1)[1].rstrip(")")) for t in labels if t.endswith(")") and "(" in t]
    assert counts and all(c > 0 for c in counts)


def test_minus_sign_and_source_line(tmp_path):
    assert value_formatter("eur", 0)(-1234) == "\u22121.234\xa0€"
    assert fmt.typographic_minus("-3") == "\u22123"
    frame = pd.DataFrame(
        {
            "Stellen gefördert": [1.0, 2.0],
            "Stellen besetzt": [1.0, 2.0],
            "Stellen benötigt": [3.0, 1.0],
        },
        index=[2025, 2026],
    )
    fig = stock_timeseries(frame, stacked=False)
    # identical series are drawn once and named together, so no line hides another
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Stellen gefördert = Stellen besetzt" in labels and len(labels) == 2
    save_figure(fig, tmp_path / "chart", formats=["svg"])
    assert any(t.get_gid() == SOURCE_GID for t in fig.texts)
    assert "Quelle:" in (tmp_path / "chart.svg").read_text(encoding="utf-8")


def test_kreis_labels_distinguish_stadt_and_landkreis():
    labels = kreis_labels()
    assert labels["08121"] == "Stadt Heilbronn" and labels["08125"] == "Lkr. Heilbronn"
    assert labels["08212"] == "Stadt Karlsruhe" and labels["08215"] == "Lkr. Karlsruhe"
    assert labels["08111"] == "Stuttgart" and labels.is_unique


def test_help_imports_no_heavy_library():
    """`paktsim --help` builds every sub-command's parser without numpy, pandas or matplotlib."""
    import subprocess
    import sys

    code = (
        "import sys; from paktsim.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('numpy', 'pandas', 'matplotlib', 'scipy') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
