"""CLI: paktsim allocate / compare via subprocess; bad input exits 2 and writes nothing."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from paktsim.allocation.historic import proxy_counts_2017
from paktsim.allocation.labels import from_german


def run(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "paktsim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    p = proxy_counts_2017()
    p.index.name = "ags"
    p.to_frame().to_csv(d / "counts.csv")
    return d


@pytest.mark.slow
def test_issue_commands_and_compare(work):
    r = run(
        "allocate",
        "--rule",
        "counts",
        "--counts",
        "counts.csv",
        "--budget",
        "58000000",
        "--out",
        "base.csv",
        cwd=work,
    )
    assert r.returncode == 0, r.stderr
    # German headers as in the Excel twin (docs/DEVELOPING.md "CSV files"); API names back
    base = from_german(pd.read_csv(work / "base.csv", dtype={"AGS": str, "Kreis-AGS": str}))
    assert list(pd.read_csv(work / "base.csv", nrows=0).columns[:3]) == ["AGS", "Name", "Kreis-AGS"]
    assert base["amount_eur"].sum() == 58_000_000 and len(base) == 1101
    assert {
        "ags",
        "name",
        "kreis_ags",
        "weight",
        "amount_eur",
        "eligible_alone",
        "group_id",
        "fte_funded",
    } <= set(base.columns)

    r = run(
        "allocate",
        "--rule",
        "population",
        "--vintage",
        "2021",
        "--urban-factor",
        "1=1.3,2=1.1,3=1.0",
        "--budget",
        "58000000",
        "--join",
        "neighbours",
        "--out",
        "alt.xlsx",
        cwd=work,
    )
    assert r.returncode == 0, r.stderr
    sheets = pd.read_excel(work / "alt.xlsx", sheet_name=None)
    assert {"Verteilung", "Herkunft"} <= set(sheets)
    assert sheets["Verteilung"]["Planungsrahmen (€)"].sum() == 58_000_000

    r = run(
        "allocate",
        "--rule",
        "population",
        "--level",
        "kreis",
        "--vintage",
        "2021",
        "--budget",
        "8000000",
        "--out",
        "kreise.csv",
        cwd=work,
    )
    assert r.returncode == 0, r.stderr
    k = from_german(pd.read_csv(work / "kreise.csv", dtype={"AGS": str}))
    assert len(k) == 44 and k["amount_eur"].sum() == 8_000_000

    r = run(
        "compare",
        "base.csv",
        "alt.xlsx",
        "--reference",
        "08111000",
        "--out",
        "delta.xlsx",
        cwd=work,
    )
    assert r.returncode == 0, r.stderr
    delta = pd.read_excel(work / "delta.xlsx", sheet_name=None)
    assert {"Gemeinden", "Kreise", "Größenklassen", "Referenzgemeinden", "Herkunft"} <= set(delta)
    assert delta["Gemeinden"]["Δ €"].sum() == 0  # same envelope

    r = run("compare", "base.csv", "base.csv", "--out", "same.csv", cwd=work)
    assert r.returncode == 0, r.stderr
    same = pd.read_csv(work / "same.csv")
    assert (same["Δ €"] == 0).all() and (same["Δ %"] == 0).all()

    # existing output without --force: exit 2, file untouched; with --force: replaced
    before = (work / "base.csv").read_bytes()
    r = run("allocate", "--rule", "population", "--budget", "100000", "--out", "base.csv", cwd=work)
    assert r.returncode == 2 and "--force" in r.stderr
    assert (work / "base.csv").read_bytes() == before
    r = run(
        "allocate",
        "--rule",
        "population",
        "--budget",
        "100000",
        "--out",
        "base.csv",
        "--force",
        cwd=work,
    )
    assert r.returncode == 0 and (work / "base.csv").read_bytes() != before


BAD_CSV = {
    "unknown.csv": "ags,persons\n08111000,5\n08999999,3\n",
    "dup.csv": "ags,persons\n08111000,5\n08111000,3\n",
    "neg.csv": "ags,persons\n08111000,-5\n",
    "nocol.csv": "ags,people\n08111000,5\n",
}


@pytest.mark.parametrize(
    "args,expect",
    [
        (["--rule", "counts", "--counts", "unknown.csv", "--budget", "100"], "08999999"),
        (["--rule", "counts", "--counts", "dup.csv", "--budget", "100"], "doppelt"),
        (["--rule", "counts", "--counts", "neg.csv", "--budget", "100"], "negativer Wert"),
        (["--rule", "counts", "--counts", "nocol.csv", "--budget", "100"], "persons"),
        (["--rule", "population", "--budget", "0"], "--budget"),
        (["--rule", "population", "--budget", "-5"], "--budget"),
        (
            ["--rule", "population", "--budget", "100", "--urban-factor", "1=1.3,2=0,3=1"],
            "Faktor muss > 0 sein",
        ),
        (
            [
                "--rule",
                "two-survey",
                "--counts",
                "c.csv",
                "--counts",
                "c.csv",
                "--weights",
                "0.6,0.5",
                "--budget",
                "100",
            ],
            "zusammen 1",
        ),
        (["--rule", "population", "--budget", "100", "--vintage", "1999"], "vintage"),
        (["--rule", "per-capita", "--counts", "c.csv", "--budget", "100"], "keine feste Summe"),
    ],
)
def test_bad_input_exits_2_one_line_nothing_written(tmp_path, args, expect):
    for name, text in BAD_CSV.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "c.csv").write_text("ags,persons\n08111000,5\n")
    r = run("allocate", *args, "--out", "out.csv", cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert expect in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "out.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.csv")]


def test_compare_bad_input(tmp_path):
    (tmp_path / "a.csv").write_text("ags,amount_eur\n08111000,5\n")
    (tmp_path / "b.csv").write_text("ags,betrag\n08111000,5\n")
    r = run("compare", "a.csv", "b.csv", "--out", "d.xlsx", cwd=tmp_path)
    assert r.returncode == 2 and "amount_eur" in r.stderr
    assert not (tmp_path / "d.xlsx").exists()
    r = run("compare", "a.csv", "missing.csv", "--out", "d.xlsx", cwd=tmp_path)
    assert r.returncode == 2 and "nicht gefunden" in r.stderr
