"""Print-ready Excel: page setup, formats, Herkunft parameters; page counts through LibreOffice."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from paktsim.report.brief import soffice
from paktsim.report.excel import (
    default_number_format,
    print_title,
    row_number_format,
    write_workbook,
)


def _book(tables, provenance):
    buffer = io.BytesIO()
    write_workbook(buffer, tables, provenance, {})
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def test_years_counts_and_row_formats():
    assert default_number_format("Jahr", "int64") == "0"
    assert default_number_format("Zielgruppe Personen", "float64") == "#,##0"
    assert default_number_format("Stellen gefördert VZÄ", "float64") == "0.00"
    assert row_number_format("Mittel geplant (€)") == '#,##0 "€"'
    assert row_number_format("Gewinner (Anzahl)") == "#,##0"
    summary = pd.DataFrame(
        {"2025": [58e6, 29.0, 961.0]},
        index=pd.Index(
            ["Mittel (€)", "Gewinner (Anzahl)", "geförderte Stellen (VZÄ)"], name="Kennzahl"
        ),
    )
    ws = _book({"Übersicht": summary}, {"Szenario": "Test"})["Übersicht"]
    assert ws["A2"].value == "Mittel (€)"  # label column
    assert [ws[f"B{r}"].number_format for r in (2, 3, 4)] == ['#,##0 "€"', "#,##0", "#,##0.00"]


def test_page_setup_title_and_herkunft_parameters():
    table = pd.DataFrame({"Jahr": [2025, 2026], "Mittel €": [1, 2]}).set_index("Jahr")
    prov = {
        "Szenario": "Status quo",
        "Regel": "nach Einwohnerzahl (Kreise)",
        "Mittel (€)": 58_000_000,
        "Stichtag Förderregeln": "2025-01-01",
    }
    assert print_title(prov) == (
        "Status quo | Regel: nach Einwohnerzahl (Kreise) | "
        "Mittel: 58.000.000 € | Förderregeln: 2025-01-01"
    )
    wb = _book({"Land": table}, prov)
    ws = wb["Land"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    # fit to one page wide, any number tall (a missing fitToWidth is the OOXML default, 1)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$A"
    assert "Status quo" in ws.oddHeader.left.text and "Förderregeln" in ws.oddHeader.left.text
    herkunft = [r for r in wb["Herkunft"].iter_rows(values_only=True)]
    params = {r[0]: r for r in herkunft if r and str(r[0]).startswith("integrationsmanagement.")}
    rate = params["integrationsmanagement.foerdersatz.hochschule"]
    assert rate[2] == "68.000" and rate[4] == "unsicher" and rate[5]


def _pages(xlsx: Path, tmp: Path) -> int:
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{tmp / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            str(xlsx),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    info = subprocess.run(
        ["pdfinfo", str(tmp / (xlsx.stem + ".pdf"))], capture_output=True, text=True, check=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.slow
@pytest.mark.skipif(
    soffice() is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice (soffice) or pdfinfo not installed",
)
def test_printed_page_counts(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "paktsim",
            "allocate",
            "--rule",
            "population",
            "--level",
            "kreis",
            "--budget",
            "58000000",
            "--out",
            "kreise.xlsx",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(tmp_path / "kreise.xlsx")
    del wb["Herkunft"]
    wb.save(tmp_path / "kreistabelle.xlsx")
    assert 1 <= _pages(tmp_path / "kreistabelle.xlsx", tmp_path) <= 3


def test_long_sheets_print_an_excerpt_and_keep_every_row():
    from paktsim.report.excel import PRINT_MAX_ROWS, PRINT_MIN_POPULATION

    years = pd.DataFrame(
        {
            "Kreis-AGS": [f"08{k:03d}" for k in range(100, 130)] * 10,
            "Jahr": [y for y in range(2025, 2035) for _ in range(30)],
            "Stellen benötigt VZÄ": 1.5,
        }
    ).set_index("Kreis-AGS")
    places = pd.DataFrame(
        {
            "AGS": [f"0811{i:04d}" for i in range(300)],
            "Einwohner": [PRINT_MIN_POPULATION + 1000 * (i % 3 - 1) for i in range(300)],
        }
    ).set_index("AGS")
    short = years.head(PRINT_MAX_ROWS)
    wb = _book({"Kreise": years, "Gemeinden": places, "Kurz": short}, {"Szenario": "Test"})
    ws = wb["Kreise"]
    assert ws.max_row == 301  # every row is in the sheet
    shown = [r for r in range(2, 302) if not ws.row_dimensions[r].hidden]
    assert {ws.cell(row=r, column=2).value for r in shown} == {2025} and len(shown) == 30
    assert ws.auto_filter.filterColumn and "2025" in ws.oddFooter.center.text
    ws = wb["Gemeinden"]
    shown = [
        ws.cell(row=r, column=2).value for r in range(2, 302) if not ws.row_dimensions[r].hidden
    ]
    assert len(shown) == 200 and min(shown) >= PRINT_MIN_POPULATION
    assert "200 von 300" in ws.oddFooter.center.text
    assert not any(wb["Kurz"].row_dimensions[r].hidden for r in range(2, PRINT_MAX_ROWS + 2))


@pytest.mark.slow
@pytest.mark.skipif(
    soffice() is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice (soffice) or pdfinfo not installed",
)
def test_comparison_workbook_prints_on_at_most_12_pages(tmp_path):
    """The README's comparison (today's rule vs the Städtetag proposal) printed whole."""
    for args in (
        ("--rule", "kreis-key", "--out", "heute.xlsx"),
        ("--rule", "population", "--urban-factor", "1=1.3,2=1.1,3=1.0", "--out", "vorschlag.xlsx"),
    ):
        r = subprocess.run(
            [sys.executable, "-m", "paktsim", "allocate", "--budget", "58000000", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stderr
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "paktsim",
            "compare",
            "heute.xlsx",
            "vorschlag.xlsx",
            "--out",
            "vergleich.xlsx",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert 1 <= _pages(tmp_path / "vergleich.xlsx", tmp_path) <= 12
