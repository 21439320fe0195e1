"""Staffing model: caseload → FTE needed vs funded/staffed, ratio, gap, cost, money identities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from paktsim import pay
from paktsim import params, staffing
from paktsim.errors import InputError

GRID = staffing.YearGrid("2025-01", "2026-12")
RATES = staffing.CostRates.from_params(range(2017, 2031))

people_arrays = arrays(np.float64, (4, 24), elements=st.floats(0, 5000, allow_nan=False))
funded_arrays = arrays(np.float64, (4, 24), elements=st.sampled_from(np.arange(0, 40) * 0.25))


def _run(people, funded, **kw):
    a = staffing.StaffingAssumptions(**{"target_ratio": 88.0, **kw})
    return staffing.staffing_arrays(people, funded, GRID, a, RATES)


@settings(max_examples=40, deadline=None)
@given(people_arrays, st.floats(0.1, 10), st.floats(20, 300))
def test_fte_needed_linear_in_caseload_inverse_in_ratio(people, k, ratio):
    base = staffing.fte_needed(staffing.caseload(people), ratio)
    np.testing.assert_allclose(
        staffing.fte_needed(staffing.caseload(people * k), ratio), k * base, rtol=1e-12, atol=1e-9
    )
    np.testing.assert_allclose(
        staffing.fte_needed(staffing.caseload(people), ratio * k), base / k, rtol=1e-12, atol=1e-9
    )


def test_caseload_shares():
    people = np.array([[100.0, 200.0]])
    np.testing.assert_allclose(staffing.caseload(people, 0.8, 0.25), people * 0.8 * 0.75)
    with pytest.raises(InputError, match="counselling_share"):
        staffing.caseload(people, 1.2)
    with pytest.raises(InputError, match="people"):
        staffing.caseload(-people)


@settings(max_examples=40, deadline=None)
@given(funded_arrays, st.integers(0, 12), st.floats(0, 0.5))
def test_staffed_never_exceeds_funded_and_lag_delays_increases(funded, lag, vacancy):
    staffed = staffing.staffed_fte(funded, lag, vacancy)
    assert staffed.shape == funded.shape
    assert np.all(staffed <= funded + 1e-12)
    assert np.all(staffed >= 0)
    # without vacancy and lag, staffed == funded
    np.testing.assert_array_equal(staffing.staffed_fte(funded, 0, 0.0), funded)


def test_hiring_lag_step():
    funded = np.array([[2.0] * 6 + [5.0] * 6])
    staffed = staffing.staffed_fte(funded, hiring_lag_months=3)
    assert staffed[0].tolist() == [2.0] * 9 + [5.0] * 3
    # a cut takes effect at once
    cut = staffing.staffed_fte(funded[:, ::-1], hiring_lag_months=3)
    assert cut[0].tolist() == [5.0] * 6 + [2.0] * 6
    # positions not filled before the start: filled only after the lag
    fresh = staffing.staffed_fte(funded, 3, funded_before=np.array([0.0]))
    assert fresh[0, :3].tolist() == [0.0, 0.0, 0.0]


def test_funded_fte_never_exceed_frame_over_lowest_rate():
    """Positions from a frame (allocation) never cost more than the frame at the lowest rate."""
    from paktsim.allocation import QualificationMix, funded_positions

    rng = np.random.default_rng(1)
    frames = pd.Series(rng.integers(51_000, 5_000_000, 300), dtype="int64")
    for share in (0.0, 0.3, 1.0):
        mix = QualificationMix(share, 68_000.0, 51_000.0)
        pos = funded_positions(frames, mix)
        lowest = min(68_000.0, 51_000.0) if 0 < share < 1 else (68_000.0 if share else 51_000.0)
        assert np.all(pos["fte_funded"].to_numpy() <= frames.to_numpy() / lowest + 1e-9)
        out = _run(
            np.full((300, 24), 500.0),
            pos["fte_funded"].to_numpy()[:, None],
        )
        assert np.all(out["fte_staffed"] <= frames.to_numpy()[:, None] / lowest + 1e-9)


@settings(max_examples=30, deadline=None)
@given(people_arrays, funded_arrays, st.floats(0, 0.3), st.integers(0, 6))
def test_money_identities(people, funded, vacancy, lag):
    a = staffing.StaffingAssumptions(88.0, hiring_lag_months=lag, vacancy_rate=vacancy)
    frame = np.ceil(funded.max(axis=1, keepdims=True) * 68_000) * np.ones((1, 2))
    out = staffing.staffing_arrays(people, funded, GRID, a, RATES, frame_eur=frame)
    assert out["land_funding_eur"].dtype == np.int64
    np.testing.assert_array_equal(out["land_funding_eur"] + out["unused_eur"], out["frame_eur"])
    assert np.all(out["unused_eur"] >= 0)
    np.testing.assert_array_equal(
        out["employer_cost_eur"] + out["sachkosten_eur"],
        out["land_funding_eur"] + out["cofunding_eur"],
    )
    assert np.all(out["cofunding_eur"] >= 0)
    assert np.all(out["gap_fte"] >= 0)
    np.testing.assert_allclose(
        out["gap_fte"], np.maximum(out["fte_needed"] - out["fte_staffed"], 0)
    )


def test_known_numbers():
    people = np.full((1, 24), 880.0)
    funded = np.full((1, 24), 8.0)
    out = _run(people, funded)
    np.testing.assert_allclose(out["fte_needed"], [[10.0, 10.0]])
    np.testing.assert_allclose(out["ratio_actual"], [[110.0, 110.0]])
    np.testing.assert_allclose(out["gap_fte"], [[2.0, 2.0]])
    snap = params.at("2025-01-01")
    rate = snap["integrationsmanagement.foerdersatz.hochschule"]
    assert out["gap_eur"][0, 0] == 2 * rate
    # default pay path: hired mid-2017 → Stufe 4 after 8 years; half S 12, half S 11b
    assert snap["kosten.tvoed_sue.einstellungsjahr"] == 2017
    assert snap["kosten.tvoed_sue.anteil_s12"] == 0.5
    t25 = params.at("2025-07-01")
    rel = (
        0.5 * t25["kosten.tvoed_sue.s12.stufe_4"] + 0.5 * t25["kosten.tvoed_sue.s11b.stufe_4"]
    ) / t25["kosten.tvoed_sue.s12.stufe_3"]
    cost = snap["kosten.tvoed_s12_stufe3_jahr"] * rel * (1 + snap["kosten.arbeitgeberzuschlag"])
    assert out["employer_cost_eur"][0, 0] == round(8 * cost)
    assert out["land_funding_eur"][0, 0] == round(8 * min(rate, cost))


def test_no_staff_gives_nan_ratio():
    out = _run(np.full((1, 24), 100.0), np.zeros((1, 24)))
    assert np.isnan(out["ratio_actual"]).all()
    np.testing.assert_allclose(out["gap_fte"], out["fte_needed"])


def test_partial_year_money_is_prorated():
    grid = staffing.YearGrid("2025-07", "2026-06")
    a = staffing.StaffingAssumptions(88.0)
    out = staffing.staffing_arrays(np.full((1, 12), 880.0), np.full((1, 12), 10.0), grid, a, RATES)
    full = _run(np.full((1, 24), 880.0), np.full((1, 24), 10.0))
    assert abs(out["employer_cost_eur"][0, 0] - full["employer_cost_eur"][0, 0] / 2) <= 1


def test_table_and_aggregate_consistent():
    places = pd.Index(["08111000", "08115001", "08115002"], name="ags")
    months = pd.period_range("2025-01", "2026-12", freq="M", name="month")
    rng = np.random.default_rng(3)
    people = pd.DataFrame(rng.uniform(0, 2000, (3, 24)), index=places, columns=months)
    funded = pd.DataFrame(
        np.repeat([[10.0], [4.0], [1.25]], 24, axis=1), index=places, columns=months
    )
    table = staffing.staffing_table(people, funded, staffing.StaffingAssumptions(100.0), RATES)
    assert table.index.names == ["ags", "year"]
    kreis = pd.Series(["08111", "08115", "08115"], index=places, name="kreis_ags")
    by_kreis = staffing.aggregate(table, kreis)
    land = staffing.aggregate(table)
    for col in ("caseload", "fte_needed", "fte_staffed", "gap_eur"):
        np.testing.assert_allclose(by_kreis[col].groupby(level="year").sum(), land[col])
    np.testing.assert_allclose(land["ratio_actual"], land["caseload"] / land["fte_staffed"])
    with pytest.raises(InputError, match="funded.index"):
        staffing.staffing_table(people, funded.iloc[:2], staffing.StaffingAssumptions(), RATES)


def test_presets_from_parameter_files():
    presets = staffing.ratio_presets()
    assert presets["persons_per_fte"].to_dict() == {
        "1:80": 80.0,
        "1:88": 88.0,
        "1:100": 100.0,
        "1:110": 110.0,
        "1:150": 150.0,
    }
    assert (presets["reference"].str.len() > 0).all()
    assert staffing.resolve_ratio("1:110") == 110.0
    assert staffing.resolve_ratio(95) == 95.0
    with pytest.raises(InputError, match="preset"):
        staffing.resolve_ratio("1:999")
    with pytest.raises(InputError):
        staffing.resolve_ratio(0)


def test_cost_rates_mix_and_backfill():
    r = staffing.CostRates.from_params([2017, 2025], {"hochschule": 0.5, "berufsausbildung": 0.5})
    np.testing.assert_allclose(r.foerdersatz, [(64_000 + 51_000) / 2, 68_000])
    np.testing.assert_allclose(r.lowest_rate, [51_000, 68_000])
    # 2017 has no pay value: the S 12 Stufe 3 base is filled from 2018 (noted), then the
    # default mix (half S 12, half S 11b) at Stufe 1 of a 2017 hire, relative to S 12 Stufe 3
    assert pay.base_pay([2017])[0] == 43_700
    t = params.at("2025-07-01")
    rel = (
        (t["kosten.tvoed_sue.s12.stufe_1"] + t["kosten.tvoed_sue.s11b.stufe_1"])
        / 2
        / t["kosten.tvoed_sue.s12.stufe_3"]
    )
    assert r.table_pay[0] == pytest.approx(43_700 * rel)
    assert any("tvoed" in n for n in r.notes)
    with pytest.raises(InputError, match="qualification_mix"):
        staffing.CostRates.from_params([2025], {"hochschule": 0.7})


def test_bad_assumptions_named():
    with pytest.raises(InputError, match="vacancy_rate"):
        staffing.StaffingAssumptions(vacancy_rate=1.0)
    with pytest.raises(InputError, match="target_ratio"):
        staffing.StaffingAssumptions(target_ratio=-5)
    with pytest.raises(InputError, match="months"):
        staffing.staffing_arrays(
            np.ones((2, 5)), np.ones((2, 5)), GRID, staffing.StaffingAssumptions(), RATES
        )
