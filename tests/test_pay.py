"""Pay path after 2024: TVöD SuE tables, grade/step mix, growth, co-funding sign."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from paktsim import params, pay
from paktsim import staffing as st
from paktsim.errors import InputError

LAUFZEIT = [12, 36, 48, 48, 60]


def test_stufe_progression_of_a_2017_hire():
    years = np.arange(2017, 2035)
    got = pay.stufe(years, 2017, 0, LAUFZEIT)
    # Stufe 2 after 1 year, 3 after 4, 4 after 8, 5 after 12, 6 after 17 years
    expected = [1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5, 6]
    assert got.tolist() == expected
    # credited experience of 12 months starts in Stufe 2
    assert pay.stufe([2017], 2017, 12, LAUFZEIT).tolist() == [2]
    # a year before the hire is not negative service
    assert pay.stufe([2016], 2017, 0, LAUFZEIT).tolist() == [1]


def test_sourced_tables_2025_2026():
    t25 = params.at("2025-07-01")
    assert t25["kosten.tvoed_sue.s12.stufe_3"] == pytest.approx(4465.71)
    assert t25["kosten.tvoed_sue.s11b.stufe_1"] == pytest.approx(3808.48)
    t26 = params.at("2026-07-01")
    for g in pay.GRADES:
        for s in pay.STUFEN:
            path = f"kosten.tvoed_sue.{g}.stufe_{s}"
            assert t26[path] == pytest.approx(t25[path] * 1.028, abs=0.006)
    # the annual S 12 Stufe 3 series is the table's calendar-year mean
    assert params.at("2025-01-01")["kosten.tvoed_s12_stufe3_jahr"] == pytest.approx(
        3 * 52_000 / 12 + 9 * 4465.71, abs=1
    )
    assert params.at("2026-01-01")["kosten.tvoed_s12_stufe3_jahr"] == pytest.approx(
        4 * 4465.71 + 8 * 4590.75, abs=1
    )


def test_growth_after_the_last_table():
    base = pay.base_pay([2026, 2027, 2028])
    rise = params.at("2027-01-01")["kosten.tarifsteigerung"]
    np.testing.assert_allclose(base[1:], base[0] * (1 + rise) ** np.array([1, 2]))
    drawn = pay.base_pay([2026, 2028], tarifsteigerung=np.array([[0.0], [0.05]]))
    np.testing.assert_allclose(drawn[:, 0], base[0])
    np.testing.assert_allclose(drawn[:, 1], [base[0], base[0] * 1.05**2])


def test_cofunding_sign_from_2025_under_default_pay_path():
    rates = st.CostRates.from_params(range(2025, 2035))
    personnel_gap = rates.employer_cost - rates.foerdersatz
    assert np.all(personnel_gap > 0), personnel_gap
    assert np.all(rates.cofunding_per_fte > rates.sachkosten)


def test_draws_match_scalar_calls():
    years = [2024, 2025, 2030]
    share = np.array([[0.0], [1.0], [0.3]])
    hire = np.array([[2017.0], [2020.0], [2024.0]])
    got = pay.table_pay(years, anteil_s12=share, einstellungsjahr=hire)
    for i in range(3):
        one = pay.table_pay(
            years, anteil_s12=float(share[i, 0]), einstellungsjahr=float(hire[i, 0])
        )
        np.testing.assert_allclose(got[i], one)


@settings(max_examples=30, deadline=None)
@given(hs.floats(0, 1), hs.floats(2017, 2024), hs.floats(0, 48))
def test_pay_monotone(share, hire, experience):
    years = list(range(2025, 2035))
    p = pay.table_pay(
        years, anteil_s12=share, einstellungsjahr=hire, berufserfahrung_monate=experience
    )
    assert np.all(np.diff(p) >= 0)  # never falls over time (rises >= 0, Stufen only go up)
    more_s12 = pay.table_pay(
        years,
        anteil_s12=min(share + 0.1, 1.0),
        einstellungsjahr=hire,
        berufserfahrung_monate=experience,
    )
    assert np.all(more_s12 >= p - 1e-9)  # S 12 pays at least S 11b at every Stufe
    later = pay.table_pay(
        years,
        anteil_s12=share,
        einstellungsjahr=min(hire + 1, 2024),
        berufserfahrung_monate=experience,
    )
    assert np.all(later <= p + 1e-9)


def test_bad_values():
    with pytest.raises(InputError, match="anteil_s12"):
        pay.table_pay([2025], anteil_s12=1.5)
    with pytest.raises(InputError, match="pay"):
        pay.table_pay([2025], unknown=1)
