"""Sobol indices (known answers: Ishigami), the vectorised evaluator, PRIM."""

import numpy as np
import pytest

from paktsim import sensitivity as se
from paktsim.errors import InputError
from paktsim.scenario import builtin_scenario

SHORT = builtin_scenario("status_quo").with_changes(horizon={"start": "2025-01", "end": "2027-12"})


def _ishigami_factors():
    return [
        se.Factor(f"x{i}", f"x{i}", f"x{i}", "test", -np.pi, np.pi, 0.0, dist="unif")
        for i in range(1, 4)
    ]


def test_ishigami_indices_match_the_analytic_values():
    a, b = 7.0, 0.1
    factors = _ishigami_factors()
    X = se.sample(factors, 1024, seed=1)
    y = np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])
    # analytic: V = a²/8 + b π⁴/5 + b² π⁸/18 + 1/2
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    s1 = {"x1": v1 / v, "x2": v2 / v, "x3": 0.0}
    st = {"x1": (v1 + v13) / v, "x2": v2 / v, "x3": v13 / v}
    got = se.analyse(factors, y, seed=1)
    for k in s1:
        assert got.loc[k, "S1"] == pytest.approx(s1[k], abs=0.05)
        assert got.loc[k, "ST"] == pytest.approx(st[k], abs=0.05)
        assert got.loc[k, "S1"] <= got.loc[k, "ST"] + got.loc[k, "S1_conf"] + got.loc[k, "ST_conf"]


def test_constant_output_gives_zero_indices():
    factors = _ishigami_factors()
    X = se.sample(factors, 8, seed=0)
    got = se.analyse(factors, np.ones(len(X)))
    assert (got[["S1", "ST"]] == 0).all().all()


def test_sample_size_must_be_a_power_of_two():
    with pytest.raises(InputError, match="n_base"):
        se.sample(_ishigami_factors(), 100, seed=0)


def test_evaluator_at_the_scenario_values_reproduces_the_central_run():
    ev = se.Evaluator(SHORT)
    out = ev(ev.center())
    land = ev.central.land
    np.testing.assert_allclose(out["net_gap_fte"][0], land["fte_needed"] - land["fte_staffed"])
    np.testing.assert_allclose(out["gap_fte"][0], land["gap_fte"])
    # money is rounded to whole euros per place: at most one euro per place apart
    n_places = ev.place_key.shape[1]
    np.testing.assert_allclose(out["cofunding_eur"][0], land["cofunding_eur"], atol=n_places)


def test_every_assumption_with_a_range_is_varied_or_has_a_reason():
    from paktsim import params

    varied = {f.path for f in se.factors(SHORT)}
    skipped = se.not_varied(SHORT)
    assert skipped["reason"].str.len().gt(0).all()
    for path in params.assumptions()["path"].unique():
        assert path in varied or path in set(skipped["path"]), path
    # the staffing, pay and chain assumptions are all varied
    assert {
        "betreuungsschluessel.bedarf",
        "kosten.tvoed_sue.einstellungsjahr",
        "inflow.chain.ukraine.own_left",
        "sensitivitaet.zugangsniveau",
    } <= varied


@pytest.mark.slow
def test_sobol_on_the_status_quo_is_consistent():
    res = se.sobol(SHORT, n_base=128)
    d = len(res.factors)
    assert res.X.shape == (128 * (d + 2), d)
    ix = res.indices("net_gap_fte")
    assert ix.attrs["year"] == res.year
    # first order never exceeds the total effect beyond the sampling error: with 39
    # factors and 95 % intervals one or two lie outside by chance, so allow twice the
    # interval per factor; a wiring error (swapped or unscaled indices) fails by far
    slack = 2 * (ix["S1_conf"] + ix["ST_conf"]) + 1e-9
    assert (ix["S1"] <= ix["ST"] + slack).all()
    assert ix["S1"].sum() <= ix["ST"].sum() + 0.15
    assert ix["ST"].between(-0.05, 1.05).all()
    # the need ratio matters for the gap; the pay assumptions do not
    assert ix.loc["staffing.target_ratio", "ST"] > 0.05
    assert ix.loc["kosten.tvoed_sue.einstellungsjahr", "ST"] == pytest.approx(0, abs=1e-9)
    money = res.indices("cofunding_eur")
    assert money.loc["kosten.tvoed_sue.einstellungsjahr", "ST"] > 0.01
    # the default year is the one with the largest median net gap
    med = res.quantiles("net_gap_fte")["P50"]
    assert res.year == int(med.idxmax())


def test_prim_finds_a_known_box():
    rng = np.random.default_rng(3)
    X = rng.random((4000, 3))
    y = (X[:, 0] > 0.7) & (X[:, 1] < 0.4)
    limits, trajectory = se.prim(X, y, ["a", "b", "c"], min_density=0.9)
    assert limits[0, 0] == pytest.approx(0.7, abs=0.05)
    assert limits[1, 1] == pytest.approx(0.4, abs=0.05)
    assert (trajectory["coverage"].diff().dropna() <= 1e-12).all()  # peeling never adds cases
    chosen = trajectory[trajectory["chosen"]].iloc[0]
    assert chosen["density"] >= 0.9


def test_run_outputs_carry_sobol_table_and_chart():
    from paktsim.commands import run_staffing

    scenario = SHORT.with_changes(uncertainty={"sobol_n_base": 8})
    out = run_staffing.build(scenario, tornado=False)
    table = out["files"]["sensitivitaet_sobol.csv"]
    assert {"Haupteffekt S1", "Gesamteffekt ST", "Annahme"} <= set(table.columns)
    assert set(table["Kennzahl"]) == {
        se.METRIC_LABELS["net_gap_fte"],
        se.METRIC_LABELS["cofunding_eur"],
    }
    assert "Sobol" in out["files"][run_staffing.WORKBOOK_NAME]
    assert {"personal_sobol", "personal_sobol_eigenanteil"} <= set(out["figures"])
    assert out["record"]["sobol"]["runs"] == 8 * (out["record"]["sobol"]["factors"] + 2)


def test_sobol_size_must_be_a_power_of_two_in_the_scenario():
    with pytest.raises(InputError, match="sobol_n_base"):
        SHORT.with_changes(uncertainty={"sobol_n_base": 100})
