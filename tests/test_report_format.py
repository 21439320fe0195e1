"""German formatting: exact strings for known values, and round-trip properties."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paktsim.errors import InputError
from paktsim.report.format import (
    MISSING,
    NBSP,
    axis_formatter,
    column_kind,
    compact_eur,
    eur,
    number,
    percent,
    style_de,
)


def parse_de(text: str) -> Decimal:
    """Inverse of number(): German digits back to a Decimal."""
    core = text.split(NBSP)[0].replace(".", "").replace(",", ".")
    return Decimal(core)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567, f"1.234.567{NBSP}€"),
        (0, f"0{NBSP}€"),
        (2.5, f"3{NBSP}€"),  # commercial rounding, not banker's
        (-2.5, f"-3{NBSP}€"),
        (-0.4, f"0{NBSP}€"),  # no "-0"
        (np.int64(58_000_000), f"58.000.000{NBSP}€"),
    ],
)
def test_eur_whole_euros(value, expected):
    assert eur(value) == expected


def test_eur_cents_sign_and_missing():
    assert eur(1234.565, 2) == f"1.234,57{NBSP}€"
    assert eur(5, sign=True) == f"+5{NBSP}€"
    assert eur(-5, sign=True) == f"-5{NBSP}€"
    assert eur(0, sign=True) == f"0{NBSP}€"
    for missing in (None, float("nan"), pd.NA, np.nan):
        assert eur(missing) == MISSING


def test_number_and_percent():
    assert number(1234.5, 2) == "1.234,50"
    assert number(np.float32(0.25), 2) == "0,25"
    assert percent(0.1234) == f"12,3{NBSP}%"
    assert percent(1) == f"100,0{NBSP}%"
    assert percent(-0.0004) == f"0,0{NBSP}%"
    assert percent(0.05, 0, sign=True) == f"+5{NBSP}%"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (43_300_000, f"43,3{NBSP}Mio.{NBSP}€"),
        (58_000_000, f"58,0{NBSP}Mio.{NBSP}€"),
        (999_960_000, f"1,0{NBSP}Mrd.{NBSP}€"),
        (2_500_000_000, f"2,5{NBSP}Mrd.{NBSP}€"),
        (-8_000_000, f"-8,0{NBSP}Mio.{NBSP}€"),
        (51_000, f"51.000{NBSP}€"),
    ],
)
def test_compact_eur(value, expected):
    assert compact_eur(value) == expected


@pytest.mark.parametrize("bad", ["12", True, [1], float("inf")])
def test_non_numbers_raise_input_error(bad):
    with pytest.raises(InputError) as info:
        eur(bad)
    assert "expected" in str(info.value)


def test_negative_decimals_raise():
    with pytest.raises(InputError, match="decimals"):
        number(1.0, -1)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_round_trip(value):
    text = eur(value)
    assert text.endswith(NBSP + "€")
    assert parse_de(text) == value
    # thousands separators every three digits
    digits = text.split(NBSP)[0].lstrip("-")
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", digits)


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(min_value=0, max_value=4)
)
def test_number_is_within_half_a_unit(value, decimals):
    parsed = parse_de(number(value, decimals))
    assert abs(parsed - Decimal(repr(value))) <= Decimal(1).scaleb(-decimals) / 2


def test_column_kind():
    assert column_kind("amount_eur", np.dtype("int64")) == "eur"
    assert column_kind("Δ € je Einwohner", np.dtype("float64")) == "eur"
    assert column_kind("share_base", np.dtype("float64")) == "share"
    assert column_kind("fte_funded", np.dtype("float64")) == "fte"
    assert column_kind("persons", pd.Int64Dtype()) == "count"
    assert column_kind("ratio", np.dtype("float64")) == "number"
    assert column_kind("name", pd.StringDtype()) is None
    assert column_kind("eligible_alone", np.dtype("bool")) is None


@pytest.fixture
def table():
    return pd.DataFrame(
        {
            "name": ["Stuttgart", "Ulm"],
            "amount_eur": [1_234_567, 2],
            "delta_eur": [-5, 7],
            "share": [0.1, 0.25],
            "fte_funded": [1.25, 3.0],
            "eur_per_inhabitant": [1.5, np.nan],
        },
        index=pd.Index(["08111000", "08421000"], name="ags"),
    )


def test_style_de_cells_and_determinism(table):
    html = style_de(table).to_html()
    cells = re.findall(r">([^<]*)</td>", html)
    assert cells[:6] == [
        "Stuttgart",
        f"1.234.567{NBSP}€",
        f"-5{NBSP}€",
        f"10,0{NBSP}%",
        "1,25",
        f"1,50{NBSP}€",
    ]
    assert f"+7{NBSP}€" in cells and MISSING in cells
    assert 'id="T_paktsim"' in html
    assert style_de(table).to_html() == html  # fixed uuid: same HTML every time
    assert style_de(table, uuid="other").to_html() != html
    # the table itself is untouched
    assert table.loc["08111000", "amount_eur"] == 1_234_567


def test_style_de_overrides_and_errors(table):
    html = style_de(
        table,
        formats={"amount_eur": "compact_eur", "share": lambda v: "x"},
        hide_index=True,
        caption="Zuweisung",
    ).to_html()
    assert f"1,2{NBSP}Mio.{NBSP}€" in html and ">x</td>" in html and "Zuweisung" in html
    with pytest.raises(InputError, match="formats.nope"):
        style_de(table, formats={"nope": "eur"})
    with pytest.raises(InputError, match="unknown format kind"):
        style_de(table, formats={"share": "dollars"})


def test_axis_formatter():
    assert axis_formatter("number")(1234.0, 0) == "1.234"
    assert axis_formatter("eur")(1500.0, 0) == f"1.500{NBSP}€"
    assert axis_formatter("compact_eur")(10_000_000.0, 0) == f"10{NBSP}Mio.{NBSP}€"
    assert axis_formatter("compact_eur")(12_500_000.0, 0) == f"12,5{NBSP}Mio.{NBSP}€"
    assert axis_formatter("percent", 0)(0.25, 0) == f"25{NBSP}%"
    with pytest.raises(InputError):
        axis_formatter("dollars")


def test_import_report_does_not_import_matplotlib():
    code = (
        "import sys, paktsim, paktsim.report; "
        "bad = [m for m in ('matplotlib', 'openpyxl', 'ipywidgets') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_style_de_repr_is_deterministic():
    import pandas as pd

    from paktsim.report.format import style_de

    styler = style_de(pd.DataFrame({"betrag_eur": [1, 2, 3]}), uuid="kopf")
    assert repr(styler) == "<Styler kopf: 3 Zeilen × 1 Spalten>"
    assert 'id="T_kopf"' in styler.to_html()
