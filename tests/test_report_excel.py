"""Excel export: real numbers, number formats, provenance, safe and deterministic writing."""

from __future__ import annotations

import hashlib
import io
import time

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import paktsim.report.excel as excel
from paktsim.errors import InputError
from paktsim.io import write_table
from paktsim.report.excel import (
    ATTRIBUTION,
    PROVENANCE_SHEET,
    default_number_format,
    sheet_names,
    write_workbook,
)

PROVENANCE = {
    "Regel": "population",
    "Parameter": {"urban_factor": {"1": 1.3}},
    "Datenstand": "31.12.2023",
    "date": "2025-03-01",
}


@pytest.fixture
def table():
    return pd.DataFrame(
        {
            "name": pd.array(["Stuttgart", "Ulm", "Aach"], dtype="str"),
            "amount_eur": np.array([1_234_567, 250_000, 0], dtype="int64"),
            "delta_eur": np.array([-5, 7, 0], dtype="int64"),
            "share": [0.1, 0.25, 0.0],
            "fte_funded": [1.25, 3.0, 0.0],
            "persons": pd.array([1000, 20, None], dtype="Int64"),
            "eur_per_inhabitant": [1.5, np.nan, 0.0],
            "eligible_alone": [True, False, False],
        },
        index=pd.Index(["08111000", "08421000", "08335001"], name="ags"),
    )


def read(path):
    return openpyxl.load_workbook(path)


def test_values_are_numbers_with_formats(tmp_path, table):
    path = write_table(tmp_path / "out.xlsx", {"Gemeinden": table}, PROVENANCE)
    wb = read(path)
    assert wb.sheetnames == ["Gemeinden", PROVENANCE_SHEET]
    ws = wb["Gemeinden"]
    header = [c.value for c in ws[1]]
    assert header == ["ags", *table.columns]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "B2"
    row = {h: c for h, c in zip(header, ws[2])}
    assert row["ags"].value == "08111000"  # keys stay text with the leading zero
    assert row["amount_eur"].value == 1_234_567
    assert row["amount_eur"].number_format == '#,##0 "€"'
    assert row["delta_eur"].number_format.startswith('+#,##0 "€";-')
    assert row["share"].value == pytest.approx(0.1) and row["share"].number_format == "0.0%"
    assert row["fte_funded"].number_format == "0.00"
    assert row["persons"].value == 1000 and row["persons"].number_format == "#,##0"
    assert row["eur_per_inhabitant"].number_format == '#,##0.00 "€"'
    assert row["eligible_alone"].value is True
    for cells in ws.iter_rows(min_row=2, min_col=3, max_col=8):
        assert all(isinstance(c.value, (int, float)) or c.value is None for c in cells)
    # missing values are empty cells, not "nan" strings
    assert ws.cell(row=4, column=header.index("persons") + 1).value is None
    assert ws.cell(row=3, column=header.index("eur_per_inhabitant") + 1).value is None
    assert ws.column_dimensions["B"].width >= len("Stuttgart")


def test_provenance_sheet(tmp_path, table):
    path = write_table(tmp_path / "out.xlsx", table, PROVENANCE)
    rows = dict(read(path)[PROVENANCE_SHEET].iter_rows(min_row=2, values_only=True))
    assert rows["Regel"] == "population"
    assert rows["Parameter"] == '{"urban_factor": {"1": 1.3}}'
    assert rows["Datenstand"] == "31.12.2023"
    assert rows["Quellen"] == ATTRIBUTION
    assert "paktsim-Version" in rows
    wb = read(path)
    assert wb.properties.created.date().isoformat() == "2025-03-01"


def test_explicit_number_formats_override(tmp_path, table):
    path = write_table(tmp_path / "out.xlsx", {"T": table}, {}, {"amount_eur": "#,##0.00"})
    ws = read(path)["T"]
    assert ws["C2"].number_format == "#,##0.00"


def test_same_inputs_same_bytes(table):
    def render():
        buffer = io.BytesIO()
        write_workbook(buffer, {"A": table, "B": table.head(1)}, PROVENANCE, {})
        return hashlib.sha256(buffer.getvalue()).hexdigest()

    first = render()
    time.sleep(1.1)  # zip member times have 2-second resolution; cross a boundary likely
    assert render() == first


def test_multiindex_and_plain_index(tmp_path, table):
    multi = table.set_index("name", append=True)
    plain = table.reset_index()
    path = write_table(tmp_path / "m.xlsx", {"multi": multi, "plain": plain}, {})
    wb = read(path)
    assert [c.value for c in wb["multi"][1]][:2] == ["ags", "name"]
    assert wb["multi"].freeze_panes == "C2"
    assert [c.value for c in wb["plain"][1]][0] == "ags"  # a RangeIndex is not written
    assert wb["plain"].freeze_panes == "A2"


def test_sheet_names_are_valid_and_unique():
    names = sheet_names(["Herkunft", "a/b:c", "x" * 40, "x" * 40, "X" * 31, ""])
    assert len(set(n.lower() for n in names)) == len(names)
    assert all(len(n) <= 31 for n in names)
    assert "herkunft" not in {n.lower() for n in names}
    assert names[1] == "a_b_c"
    assert names[3].endswith("(2)")


@given(st.lists(st.text(min_size=0, max_size=45), min_size=1, max_size=8))
def test_sheet_names_property(requested):
    names = sheet_names(requested)
    assert len(names) == len(requested)
    assert len({n.lower() for n in names} | {"herkunft"}) == len(names) + 1
    assert all(0 < len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_existing_file_without_force_is_untouched(tmp_path, table):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    # write_table itself never overwrites silently: the CLI checks with ensure_writable
    from paktsim.io import ensure_writable

    with pytest.raises(InputError, match="file exists"):
        ensure_writable([target], force=False)
    assert target.read_bytes() == b"old"


def test_failure_mid_write_leaves_no_file(tmp_path, table, monkeypatch):
    calls = []

    def failing(ws, frame, formats, styles):
        calls.append(ws.name)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(ws, frame, formats, styles)

    original = excel._write_sheet
    monkeypatch.setattr(excel, "_write_sheet", failing)
    with pytest.raises(RuntimeError):
        write_table(tmp_path / "out.xlsx", {"A": table, "B": table}, {})
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_existing_file(tmp_path, table):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(InputError, match="tables.B"):
        write_table(target, {"A": table, "B": "not a table"}, {})
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


@pytest.mark.parametrize(
    ("tables", "provenance", "formats", "location"),
    [
        ({}, {}, {}, "tables"),
        ({"A": pd.DataFrame({"x": [1]})}, {"date": "gestern"}, {}, "provenance.date"),
        ({"A": pd.DataFrame({"x": [1]})}, {}, {"x": ""}, "number_formats.x"),
    ],
)
def test_bad_input_is_input_error(tables, provenance, formats, location):
    with pytest.raises(InputError, match=location):
        write_workbook(io.BytesIO(), tables, provenance, formats)


def test_default_number_format():
    assert default_number_format("amount_eur", np.dtype("int64")) == '#,##0 "€"'
    assert default_number_format("eur_per_inhabitant", np.dtype("float64")) == '#,##0.00 "€"'
    assert default_number_format("share", np.dtype("float64")) == "0.0%"
    assert default_number_format("delta_share", np.dtype("float64")) == "+0.0%;-0.0%;0.0%"
    assert default_number_format("fte", np.dtype("float64")) == "0.00"
    assert default_number_format("persons", np.dtype("int64")) == "#,##0"
    assert default_number_format("name", pd.StringDtype()) is None
