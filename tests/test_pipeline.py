"""run_scenario: every shipped scenario validates and runs; tables are consistent; caching."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paktsim import pipeline
from paktsim.scenario import builtin_scenario, load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
SHORT = builtin_scenario().with_changes(horizon={"start": "2025-01", "end": "2027-12"})


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_runs(path):
    scenario = load_scenario(path)
    if scenario.uncertainty.n_draws > 50:  # keep the file fast; chunking is tested elsewhere
        scenario = scenario.with_changes(uncertainty={"n_draws": 50})
    result = pipeline.run_scenario(scenario, base_dir=path.parent)
    land = result.land
    assert land.index.tolist() == result.years
    assert (land["fte_staffed"] <= land["fte_funded"] + 1e-9).all()
    assert (land["gap_fte"] >= 0).all()
    np.testing.assert_array_equal(land["land_funding_eur"] + land["unused_eur"], land["frame_eur"])
    summary = result.summary()
    assert summary.index.name.startswith(f"Kennzahl (Zielgruppe: {result.target_group_label})")
    if result.ensemble is not None:  # Monte Carlo outputs name their convention
        assert "deterministisch" in summary.index.name and "P10/P50/P90" in summary.index.name
    assert summary.shape[1] == len(result.years)
    if scenario.uncertainty.n_draws:
        assert result.ensemble is not None
        assert any(label.endswith("P90") for label in summary.index)


def test_levels_add_up():
    result = pipeline.run_scenario(
        builtin_scenario("status_quo").with_changes(
            allocation={"rule": "population", "level": "gemeinde", "join": "landkreis"}
        )
    )
    assert result.level == "gemeinde"
    places, kreise, land = result.places, result.kreise, result.land
    assert places.index.get_level_values(0).nunique() == 1101
    for col in ("caseload", "fte_funded", "frame_eur", "cofunding_eur"):
        np.testing.assert_allclose(kreise[col].groupby(level="year").sum(), land[col])
        np.testing.assert_allclose(places[col].groupby(level="year").sum(), land[col])
    # the frames are the whole envelope each year (exact whole euros)
    planned = result.projection["planned_eur"]
    np.testing.assert_array_equal(land["frame_eur"].to_numpy(), planned.to_numpy())
    # funded FTE never exceed frame / lowest rate plus the applications topped up to the
    # 1-FTE minimum (the 0.25-FTE rule as written funds frame ÷ rate, the rest of a
    # topped-up position is the town's share)
    for year, table in result.allocations.items():
        apps = table.dropna(subset=["group_id"]).groupby("group_id").first()
        topped = int(apps["topped_up"].sum())
        bound = land.loc[year, "frame_eur"] / result.rates.select([year]).lowest_rate[0] + topped
        assert land.loc[year, "fte_funded"] <= bound + 1e-9


def test_kreis_level_status_quo_figures():
    result = pipeline.run_scenario(SHORT)
    assert result.level == "kreis"
    assert len(result.kreise.index.get_level_values(0).unique()) == 44
    frame = result.land.loc[2025, "frame_eur"]
    assert frame == 58_000_000
    rate = result.rates.select([2025]).foerdersatz[0]
    assert result.land.loc[2025, "fte_funded"] <= frame / rate
    proj = result.projection
    np.testing.assert_array_equal(proj["gap_eur"], proj["needed_eur"] - proj["planned_eur"])


def test_staffing_change_reuses_inflow_and_allocation():
    pipeline.run_scenario(SHORT)
    inflow_hits = pipeline._inflow_cached.cache_info().hits
    alloc_misses = pipeline._allocation_cache.cache_info().misses
    changed = pipeline.run_scenario(SHORT.with_changes(staffing={"target_ratio": 110}))
    assert pipeline._inflow_cached.cache_info().hits == inflow_hits + 1
    assert pipeline._allocation_cache.cache_info().misses == alloc_misses
    base = pipeline.run_scenario(SHORT)
    np.testing.assert_allclose(changed.land["fte_needed"] * 110, base.land["fte_needed"] * 88)
    assert pipeline.run_scenario(SHORT) is base  # whole result cached


def test_budget_cut_scenario_funds_fewer_positions():
    path = next(p for p in SCENARIOS if p.stem == "kuerzung_2025_untergrenze")
    cut = pipeline.run_scenario(load_scenario(path))
    base = pipeline.run_scenario(builtin_scenario("status_quo"))  # same but no cut
    assert cut.land.loc[2026, "fte_funded"] == base.land.loc[2026, "fte_funded"]
    assert cut.land.loc[2027, "frame_eur"] == 40_000_000
    assert cut.land.loc[2027, "fte_funded"] < base.land.loc[2027, "fte_funded"]
    assert cut.land.loc[2027, "gap_fte"] >= base.land.loc[2027, "gap_fte"]


def test_comparison_table():
    path = next(p for p in SCENARIOS if p.stem == "staedtetag_vorschlag")
    result = pipeline.run_scenario(load_scenario(path))
    comp = result.comparison
    assert comp is not None and comp.index.get_level_values(0).nunique() == 44
    # both rules split the same envelope: the Kreis deltas net to zero each year
    assert (comp["delta_frame_eur"].groupby(level="year").sum() == 0).all()
    # the urban factor moves money to the Stadtkreise
    stadt = comp.xs(2025, level="year").loc[["08111", "08212", "08221", "08222"]]
    assert (stadt["delta_frame_eur"] > 0).all()


def test_place_tables_have_names():
    result = pipeline.run_scenario(SHORT)
    table = result.kreis_table()
    assert {"kreis_ags", "year", "name", "ratio_actual", "cofunding_eur"} <= set(table.columns)
    assert table["name"].notna().all()
    assert isinstance(result.place_table(), pd.DataFrame)


def test_cli_run_writes_staffing_outputs(tmp_path):
    import subprocess
    import sys

    path = next(p for p in SCENARIOS if p.stem == "ukraine_2022")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "paktsim", "run", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Stellen benötigt" in proc.stdout
    for name in (
        "personal_uebersicht.csv",
        "personal_kreise.csv",
        "budget_projektion.csv",
        "budget_verlauf.csv",
        "sensitivitaet.csv",
        "personal_budget.xlsx",
        "personal_bedarf_foerderung.png",
        "personal_bedarf_foerderung.svg",
        "personal_tornado.svg",
        "run_record.json",
    ):
        assert (out / name).is_file(), name
    summary = pd.read_csv(out / "personal_uebersicht.csv", index_col=0)
    assert list(summary.columns) == ["2022", "2023", "2024"]
    assert "Stellen benötigt (VZÄ)" in summary.index
    record = (out / "run_record.json").read_text(encoding="utf-8")
    assert "personal_uebersicht.csv" in record and "staffing_summary" in record
    # a second run without --force refuses and writes nothing new
    again = subprocess.run(
        [sys.executable, "-m", "paktsim", "run", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 2 and "--out" in again.stderr


def test_years_with_equal_programme_rules_share_one_allocation():
    pipeline.clear_caches()
    # population key: the key itself does not move from year to year (the status quo's
    # key, assignments over the three previous years, does)
    base = builtin_scenario("status_quo")
    result = pipeline.run_scenario(
        base.with_changes(allocation={**base.allocation.model_dump(), "kreis_key": "population"})
    )
    info = pipeline._allocation_cache.cache_info()
    # 2025-2034 have one envelope and one set of programme rules: one allocation
    assert info.misses == 1 and info.hits == len(result.years) - 1
    tables = result.allocations
    first, later = tables[result.years[0]], tables[result.years[-1]]
    assert later.attrs["params_date"] == f"{result.years[-1]}-01-01"
    assert first.attrs["params_date"] == f"{result.years[0]}-01-01"
    pd.testing.assert_series_equal(first["amount_eur"], later["amount_eur"])


def test_result_carries_its_inflow_run():
    result = pipeline.run_scenario(SHORT)
    assert result.inflow is pipeline.central_inflow(SHORT, None)
    assert pipeline.inflow_key(SHORT) == pipeline.inflow_key(
        SHORT.with_changes(staffing={"target_ratio": 100})
    )
    assert pipeline.inflow_key(SHORT) != pipeline.inflow_key(
        SHORT.with_changes(arrivals={"scale": 2.0})
    )
