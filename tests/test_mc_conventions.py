"""Monte Carlo conventions: deterministic beside P10/P50/P90, per-Kreis bands."""

import numpy as np

from paktsim import pipeline
from paktsim.commands import run_staffing
from paktsim.scenario import builtin_scenario

BASE = builtin_scenario("status_quo").with_changes(horizon={"start": "2025-01", "end": "2026-12"})


def test_kreis_bands_are_ordered():
    spread = BASE.with_changes(uncertainty={"n_draws": 30, "arrivals_sigma": 0.3})
    res = pipeline.run_scenario(spread)
    for metric in ("fte_needed", "gap_fte"):
        b = res.ensemble.kreis_bands(metric)
        assert len(b) == 44 * len(res.years)
        assert (b["P10"] <= b["P50"] + 1e-9).all() and (b["P50"] <= b["P90"] + 1e-9).all()
    # the Kreis bands add up to Land quantiles only approximately, but their medians
    # bracket the Land median sum: P10 sums below, P90 sums above
    land = res.ensemble.quantiles("fte_needed")
    sums = res.ensemble.kreis_bands("fte_needed").groupby(level="year").sum()
    assert (sums["P10"] <= land["P50"] + 1e-6).all() and (sums["P90"] >= land["P50"] - 1e-6).all()


def test_run_outputs_state_their_convention():
    res = pipeline.run_scenario(
        BASE.with_changes(uncertainty={"n_draws": 20, "arrivals_sigma": 0.3})
    )
    table = run_staffing.kreis_bands(res)
    assert {
        "Stellen benötigt VZÄ deterministisch",
        "Fehlende Stellen VZÄ P50",
        "Fehlende Stellen VZÄ P90",
    } <= set(table.columns)
    det = res.kreise["gap_fte"].to_numpy()
    np.testing.assert_allclose(table["Fehlende Stellen VZÄ deterministisch"].to_numpy(), det)
    line = run_staffing.headline(res)
    assert "(deterministisch)" in line and "P10/P50/P90" in line
    assert "deterministisch" in res.summary().index.name
