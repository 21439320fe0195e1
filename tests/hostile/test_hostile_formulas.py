"""No formulas from data: text a user controls never becomes a live formula.

Checked in every workbook paktsim writes from hostile names (scenario name,
``name`` column of compare inputs, ``--counts`` file names): no cell has a
formula, every text starting with ``= + - @`` is a string cell with the quote
prefix, and LibreOffice (``soffice --convert-to csv``) shows the text instead of
a computed value.  CSV outputs: no field starts with a formula trigger unless it
is a number.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from paktsim import cli
from paktsim.allocation.labels import from_german
from paktsim.commands.run import write_outputs
from paktsim.report.excel import FORMULA_TRIGGERS, safe_cell, write_workbook

sys.path.insert(0, str(Path(__file__).parent))
import write_child

HOSTILE = [
    '=HYPERLINK("http://example.org","Klick")',
    "=2+3",
    "+2+3",
    "-2+3",
    "@SUM(2,3)",
    "\t=2+3",
    "\r=2+3",
    "#N/A",
    "=cmd|' /C calc'!A0",
    "{=2+3}",
]


def live_formulas(path: Path) -> list[str]:
    """Cells of a workbook that Excel/LibreOffice would evaluate or mistype."""
    found = []
    workbook = load_workbook(path)
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e"):
                    found.append(f"{ws.title}!{cell.coordinate}: {cell.value!r}")
                elif (
                    isinstance(cell.value, str)
                    and cell.value.startswith(FORMULA_TRIGGERS)
                    and not cell.quotePrefix
                ):
                    found.append(f"{ws.title}!{cell.coordinate}: no quote prefix")
    return found


def csv_triggers(path: Path) -> list[str]:
    found = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            for value in row:
                if value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    try:
                        float(value)
                    except ValueError:
                        found.append(value)
    return found


def test_safe_cell_keeps_numbers_and_cleans_text():
    assert safe_cell(-5) == -5 and safe_cell(2.5) == 2.5 and safe_cell(float("nan")) is None
    assert safe_cell("a\x00b\x07c") == "abc"
    assert len(safe_cell("x" * 40_000)) == 32_767


def test_hostile_texts_are_string_cells(tmp_path):
    frame = pd.DataFrame({"name": HOSTILE, "amount_eur": range(len(HOSTILE))})
    path = tmp_path / "t.xlsx"
    with open(path, "wb") as handle:
        write_workbook(
            handle,
            {"Tabelle": frame, "=2+3": frame.set_index("name")},
            {"Szenario": "=2+3", "=1+1": "@x"},
            {},
        )
    assert live_formulas(path) == []
    values = [c.value for c in load_workbook(path)["Tabelle"]["A"]][1:]
    assert values == [h.replace("\r", "\n") for h in HOSTILE]  # CR line ends as LF, as in CSV


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(list("=+-@#{}()!|'\" A1,.\t\r\x00\x1f$")),
            min_size=1,
            max_size=12,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_text_never_becomes_a_formula(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("wb") / "t.xlsx"
    with open(path, "wb") as handle:
        write_workbook(handle, {"T": pd.DataFrame({"x": texts})}, {"k": texts[0]}, {})
    assert live_formulas(path) == []


def test_cli_allocate_and_compare_with_hostile_names(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    counts = tmp_path / "=2+3.csv"
    counts.write_text("ags,persons\n08111000,100\n08115001,50\n", encoding="utf-8")
    assert (
        cli.main(
            [
                "allocate",
                "--rule",
                "counts",
                "--counts",
                counts.name,
                "--budget",
                "1000000",
                "--out",
                "a.xlsx",
            ]
        )
        == 0
    )
    assert (
        cli.main(
            [
                "allocate",
                "--rule",
                "counts",
                "--counts",
                counts.name,
                "--budget",
                "1000000",
                "--out",
                "a.csv",
            ]
        )
        == 0
    )
    assert live_formulas(tmp_path / "a.xlsx") == []
    base = from_german(pd.read_csv(tmp_path / "a.csv", dtype={"AGS": str, "Kreis-AGS": str}))
    base["name"] = [HOSTILE[i % len(HOSTILE)] for i in range(len(base))]
    # "\r\n" line ends: pandas quotes a field holding a CR only then
    base.to_csv(tmp_path / "base.csv", index=False, lineterminator="\r\n")
    alt = base.copy()
    alt["amount_eur"] = alt["amount_eur"][::-1].to_numpy()
    alt.to_csv(tmp_path / "alt.csv", index=False, lineterminator="\r\n")
    for out in ("d.xlsx", "d.csv"):
        assert cli.main(["compare", "base.csv", "alt.csv", "--out", out]) == 0, (
            capsys.readouterr().err
        )
    assert live_formulas(tmp_path / "d.xlsx") == []
    assert csv_triggers(tmp_path / "d.csv") == []
    delta = pd.read_csv(tmp_path / "d.csv", dtype=str)
    assert len(delta) == len(base)  # no row split by a CR inside a name
    assert csv_triggers(tmp_path / "a.csv") == []


def test_run_outputs_with_hostile_scenario_name(tmp_path):
    data = write_child.outputs('=HYPERLINK("http://x","Klick") $\\frac{1}{0}$', 20)
    data["tables"]["Land"]["Name"] = "@SUM(1)"
    write_outputs(data, tmp_path / "erg")
    for path in (tmp_path / "erg").iterdir():
        if path.suffix == ".xlsx":
            assert live_formulas(path) == [], path
        elif path.suffix == ".csv":
            assert csv_triggers(path) == [], path


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_shows_text_not_results(tmp_path):
    frame = pd.DataFrame({"name": ["=2+3", "+2+3", "-2+3", "@SUM(2,3)", "plain"]})
    path = tmp_path / "t.xlsx"
    with open(path, "wb") as handle:
        write_workbook(handle, {"Tabelle": frame}, {"Szenario": "=7*6"}, {})
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    table = (tmp_path / "t-Tabelle.csv").read_text(encoding="utf-8")
    herkunft = (tmp_path / "t-Herkunft.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(table)))
    assert [r[0] for r in rows[1:]] == ["=2+3", "+2+3", "-2+3", "@SUM(2,3)", "plain"]
    assert "5" not in [r[0] for r in rows]  # =2+3 was not computed
    assert "=7*6" in herkunft and "42" not in herkunft
