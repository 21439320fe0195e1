"""Budget: Pakt history from the parameter files, planned vs needed envelopes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paktsim import budget, params, staffing
from paktsim.errors import InputError


def test_history_reads_parameter_files():
    hist, tags = budget.history(2017, 2026, with_tags=True)
    assert hist.index.tolist() == list(range(2017, 2027))
    assert hist.loc[2017, "pakt_eur"] == 160_000_000
    assert (
        hist.loc[2017, "integrationslastenausgleich_eur"] + hist.loc[2017, "landesprogramme_eur"]
        == hist.loc[2017, "pakt_eur"]
    )
    assert hist.loc[2017, "im_eur"] == 58_000_000
    assert hist.loc[2017, "im_fte_rechnerisch"] == pytest.approx(906.25)
    assert (
        hist.loc[2023, "im_total_eur"]
        == hist.loc[2023, "im_eur"] + hist.loc[2023, "soforthilfe_eur"]
    )
    assert pd.isna(hist.loc[2025, "integrationslastenausgleich_eur"])
    assert tags.loc[2017, "pakt_eur"] == "sourced"
    assert tags.loc[2019, "im_eur"] == "assumption"
    for path in hist.attrs["paths"].values():
        assert path in params.load()


def test_history_follows_overrides():
    hist = budget.history(
        2025, 2027, {"integrationsmanagement.volumen": {"2026-01-01": 40_000_000}}
    )
    assert hist["im_eur"].tolist() == [58_000_000, 40_000_000, 40_000_000]


def test_planned_envelope():
    plan = budget.planned_envelope(range(2015, 2029))
    assert plan.loc[2015] == 0  # no IM before the Pakt
    assert plan.loc[2024] == 55_000_000 + 16_000_000
    assert plan.loc[2028] == 58_000_000
    assert plan.dtype == np.int64


def _land(caseload):
    years = pd.Index([2025, 2026], name="year")
    return pd.DataFrame(
        {"caseload": caseload, "fte_needed": np.asarray(caseload) / 88.0}, index=years
    )


def test_projection_needed_vs_planned():
    rates = staffing.CostRates.from_params([2025, 2026])
    plan = budget.planned_envelope([2025, 2026])
    proj = budget.projection(_land([88_000.0, 44_000.0]), rates, plan)
    assert proj.loc[2025, "needed_eur"] == 1000 * rates.foerdersatz[0]
    np.testing.assert_array_equal(proj["gap_eur"], proj["needed_eur"] - proj["planned_eur"])
    np.testing.assert_allclose(proj["fte_planned"], plan.to_numpy() / rates.foerdersatz)
    # doubling the caseload doubles the money needed (linear)
    proj2 = budget.projection(_land([176_000.0, 88_000.0]), rates, plan)
    np.testing.assert_allclose(proj2["needed_eur"], 2 * proj["needed_eur"], atol=1)
    with pytest.raises(InputError, match="planned"):
        budget.projection(_land([1.0, 2.0]), rates, plan.iloc[:1])


def test_by_place_rule_envelope():
    rates = staffing.CostRates.from_params([2025])
    idx = pd.MultiIndex.from_product([["08111", "08115"], [2025]], names=["ags", "year"])
    table = pd.DataFrame({"fte_needed": [10.0, 5.0], "frame_eur": [340_000, 340_000]}, index=idx)
    out = budget.by_place(table, rates)
    rate = rates.foerdersatz[0]
    assert out["needed_eur"].tolist() == [10 * rate, 5 * rate]
    np.testing.assert_array_equal(out["gap_eur"], out["needed_eur"] - out["frame_eur"])
    # the rule must grow until the neediest place (10 FTE on half the money) is covered
    assert out.attrs["rule_envelope_eur"][2025] == int(np.ceil(680_000 * 10 * rate / 340_000))
    table.loc[("08115", 2025), "frame_eur"] = 0
    assert budget.by_place(table, rates).attrs["rule_envelope_eur"][2025] is None
