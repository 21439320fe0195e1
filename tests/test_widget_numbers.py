"""German numbers typed into dashboard fields: what a German reader means, or a refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paktsim.errors import InputError
from paktsim.widgets.numbers import format_de, parse_de


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,5", 1.5),
        ("1.000", 1000.0),
        ("0,5", 0.5),
        ("0,5 %", 0.5),
        ("1.234.567,89", 1234567.89),
        ("58 Mio. €", 58.0),
        ("−2,25", -2.25),
        ("+3", 3.0),
        (" 88 ", 88.0),
        ("1\xa0000", 1000.0),
    ],
)
def test_german_text_is_read_as_meant(text: str, value: float) -> None:
    assert parse_de(text, "Feld") == pytest.approx(value)


@pytest.mark.parametrize("text", ["1.5", "1,2,3", "abc", "", "1.00", "1..000", "1,000.5", "e5"])
def test_not_german_is_refused_with_the_field_named(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_de(text, "Zugang × Faktor")
    problem = info.value.problems[0]
    assert problem.location == "Zugang × Faktor" and problem.value == text


def test_decimal_point_refusal_shows_the_german_spelling() -> None:
    with pytest.raises(InputError) as info:
        parse_de("1.5", "Faktor")
    assert "1,5" in info.value.problems[0].message


def test_range_and_integer() -> None:
    with pytest.raises(InputError, match="40 bis 160"):
        parse_de("1.000", "Personen je Stelle", low=40, high=160)
    with pytest.raises(InputError, match="ganze Zahl"):
        parse_de("88,5", "Personen je Stelle", integer=True)
    assert parse_de("88", "Personen je Stelle", integer=True, low=40, high=160) == 88


@given(st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False))
def test_format_then_parse_round_trips(value) -> None:
    text = format_de(float(value), 2)
    assert parse_de(text, "Feld") == pytest.approx(float(value), abs=1e-9)
