"""Chain rates are time-varying: a dated override acts from its date on, never before,
and a month's stocks do not depend on the horizon a run reports (issue 10 §3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paktsim.inflow.model import simulate
from paktsim.scenario import Scenario

OVERRIDE = {"inflow.chain.asyl.au_to_own": {"2027-01-01": 0.10}}


def _scenario(start: str, end: str, overrides=None) -> Scenario:
    spec = {"name": "t", "arrivals": {"path": "historic"}, "horizon": {"start": start, "end": end}}
    if overrides:
        spec["overrides"] = overrides
    return Scenario.from_dict(spec)


def _land(result, month: str, stage: str) -> float:
    land = result.land()
    row = land[(land["month"] == pd.Period(month, freq="M")) & (land["stage"] == stage)]
    return float(row["persons"].iloc[0])


@pytest.fixture(scope="module")
def runs():
    return {
        "2014": simulate(_scenario("2014-01", "2028-12")),
        "2017": simulate(_scenario("2017-09", "2028-12")),
        "2025_ov": simulate(_scenario("2025-01", "2028-12", OVERRIDE)),
        "2027_ov": simulate(_scenario("2027-01", "2028-12", OVERRIDE)),
    }


def test_month_stocks_do_not_depend_on_the_horizon_start(runs):
    a, b = runs["2014"].kreise(), runs["2017"].kreise()
    a = a[a["month"] >= pd.Period("2017-09", freq="M")].reset_index(drop=True)
    np.testing.assert_allclose(a["persons"].to_numpy(), b["persons"].to_numpy(), rtol=1e-12)
    assert _land(runs["2014"], "2017-09", "au") == pytest.approx(
        _land(runs["2017"], "2017-09", "au"), rel=1e-12
    )


def test_dated_override_acts_from_its_date_whatever_the_horizon(runs):
    base, early, late = runs["2014"], runs["2025_ov"], runs["2027_ov"]
    # from a 2025 horizon the 2027 change is applied (it used to be ignored) ...
    for month in ("2027-06", "2028-12"):
        assert _land(early, month, "au") == pytest.approx(_land(late, month, "au"), rel=1e-12)
        assert _land(early, month, "au") < 0.8 * _land(base, month, "au")
    # ... and from a 2027 horizon it never rewrites the months before (it used to)
    for month in ("2025-01", "2026-12"):
        assert _land(early, month, "au") == pytest.approx(_land(base, month, "au"), rel=1e-12)
    assert _land(late, "2027-01", "au") < _land(base, "2027-01", "au")  # acts in its month
    assert _land(late, "2027-01", "au") > 0.8 * _land(base, "2026-12", "au")
