"""paktsim sweep: grid → combinations → one tidy table, same bytes on every executor."""

from __future__ import annotations

import io
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paktsim import sweep
from paktsim.errors import InputError
from paktsim.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]

BASE = {
    "name": "Raster Test",
    "horizon": {"start": "2025-01", "end": "2026-12"},
    "staffing": {"target_ratio": 88},
    "sweep": {
        "grid": {"staffing.target_ratio": [88, 110], "allocation.budget_eur": [None, 30_000_000]}
    },
}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.from_dict(BASE)


@pytest.fixture(scope="module")
def result(scenario):
    return sweep.run(scenario)


def _csv(frame: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode()


def test_combinations_are_the_cartesian_product(scenario):
    combos = sweep.combinations(scenario)
    assert list(combos.columns) == ["staffing.target_ratio", "allocation.budget_eur"]
    assert combos.to_dict("records") == [
        {"staffing.target_ratio": 88, "allocation.budget_eur": None},
        {"staffing.target_ratio": 88, "allocation.budget_eur": 30_000_000},
        {"staffing.target_ratio": 110, "allocation.budget_eur": None},
        {"staffing.target_ratio": 110, "allocation.budget_eur": 30_000_000},
    ]


def test_a_scenario_without_grid_keeps_its_hash():
    plain = Scenario.from_dict({k: v for k, v in BASE.items() if k != "sweep"})
    assert "sweep" not in plain.canonical_json()
    assert Scenario.from_dict(plain.as_dict()).sha256 == plain.sha256


def test_table_has_one_row_per_combination_and_year(result):
    table = result.table
    assert len(table) == 4 * 2
    assert list(table.columns[:4]) == [
        "combination",
        "staffing.target_ratio",
        "allocation.budget_eur",
        "year",
    ]
    assert set(table["year"]) == {2025, 2026}
    assert list(table.columns[4:]) == list(sweep.METRICS)


def test_identity_combination_is_zero_against_the_base(result):
    # combination 0 changes nothing (88, planned envelope): every delta is exactly 0
    delta = result.comparison.query("combination == 0")
    cols = [c for c in delta.columns if c.startswith("delta_")]
    assert (delta[cols].to_numpy() == 0).all()
    assert (delta[["kreise_more_money", "kreise_less_money"]].to_numpy() == 0).all()


def test_need_scales_with_the_ratio_by_hand(result):
    # hand calculation: positions needed = caseload / persons per position
    t = result.table.set_index(["combination", "year"])
    for year in (2025, 2026):
        at88, at110 = t.loc[(0, year)], t.loc[(2, year)]
        assert at110["caseload"] == at88["caseload"]
        assert at110["fte_needed"] == pytest.approx(at88["fte_needed"] * 88 / 110, rel=1e-12)


def test_fixed_envelope_moves_money_between_kreise_and_sums(result):
    # 30 Mio € instead of the planned envelope: every Kreis gets less (none more), and
    # planned money equals the fixed envelope
    t = result.table.set_index(["combination", "year"])
    assert t.loc[(1, 2025), "planned_eur"] == 30_000_000
    c = result.comparison.set_index(["combination", "year"])
    assert c.loc[(1, 2025), "kreise_more_money"] == 0
    assert c.loc[(1, 2025), "kreise_less_money"] > 0
    assert (
        c.loc[(1, 2025), "delta_planned_eur"] == 30_000_000 - result.base.loc[2025, "planned_eur"]
    )


def test_same_bytes_in_process_and_on_two_processes(scenario, result):
    with ProcessPoolExecutor(max_workers=2) as pool:
        other = sweep.run(scenario, executor=pool)
    assert _csv(other.table) == _csv(result.table)
    assert _csv(other.comparison) == _csv(result.comparison)


@pytest.mark.slow
def test_same_bytes_on_a_dask_cluster(scenario, result):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        other = sweep.run(scenario, executor=client.get_executor())
    assert _csv(other.table) == _csv(result.table)


def test_unknown_path_is_refused_at_the_grid(scenario):
    bad = Scenario.from_dict({**BASE, "sweep": {"grid": {"staffing.colour": [1, 2]}}})
    with pytest.raises(InputError) as info:
        sweep.check(bad)
    assert [p.location for p in info.value.problems] == ["sweep.grid.staffing.colour"]


def test_bad_value_is_refused_once_with_its_path():
    bad = Scenario.from_dict({**BASE, "sweep": {"grid": {"staffing.target_ratio": [88, -5, -5]}}})
    with pytest.raises(InputError) as info:
        sweep.check(bad)
    probs = info.value.problems
    assert len(probs) == 1
    assert probs[0].location == "sweep.grid.staffing.target_ratio" and probs[0].value == -5


def test_override_paths_apply_from_the_horizon_start(scenario):
    sc = sweep.scenario_for(
        scenario, {"overrides.integrationsmanagement.foerdersatz.hochschule": 70000}
    )
    assert sc.overrides == {"integrationsmanagement.foerdersatz.hochschule": {"2025-01-01": 70000}}


def test_empty_grid_and_too_many_combinations_are_refused():
    with pytest.raises(InputError):
        Scenario.from_dict({**BASE, "sweep": {"grid": {}}})
    many = {"staffing.target_ratio": list(range(80, 180))}
    grid = {**many, "allocation.budget_eur": list(range(10**7, 10**7 + 101))}
    with pytest.raises(InputError) as info:
        sweep.check(Scenario.from_dict({**BASE, "sweep": {"grid": grid}}))
    assert info.value.problems[0].location == "sweep.grid"


def _cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "paktsim", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
    )


def test_cli_sweep_writes_the_set_and_refuses_bad_grids(tmp_path, result):
    import yaml

    path = tmp_path / "raster.yaml"
    path.write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    out = tmp_path / "aus"
    proc = _cli("sweep", str(path), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "run_record.json",
        "sweep.csv",
        "sweep.xlsx",
        "sweep_vergleich.csv",
    ]
    table = pd.read_csv(out / "sweep.csv")  # German headers (docs/DEVELOPING.md "CSV files")
    assert list(table.columns[:1]) == ["Kombination"]
    assert np.allclose(
        table["Stellen benötigt (VZÄ)"], result.table["fte_needed"], rtol=0, atol=1e-9
    )
    # again without --force: refused, nothing changed
    before = (out / "sweep.csv").read_bytes()
    proc = _cli("sweep", str(path), "--out", str(out))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (out / "sweep.csv").read_bytes() == before
    # a bad grid: one line naming the field and the value, nothing written, validate agrees
    bad = tmp_path / "schlecht.yaml"
    bad.write_text(
        yaml.safe_dump({**BASE, "sweep": {"grid": {"staffing.target_ratio": [0.5]}}}),
        encoding="utf-8",
    )
    for args in (("sweep", str(bad), "--out", str(tmp_path / "nichts")), ("validate", str(bad))):
        proc = _cli(*args)
        assert proc.returncode == 2
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "sweep.grid.staffing.target_ratio" in lines[0], lines
        assert "0.5" in lines[0]
    assert not (tmp_path / "nichts").exists()


def test_shipped_sweep_scenario_validates():
    scenario = load_scenario(ROOT / "scenarios" / "sweep_staedtetag.yaml")
    combos = sweep.check(scenario, base_dir=ROOT / "scenarios")
    assert len(combos) == 12


def test_dask_is_an_optional_extra_not_a_core_dependency():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any("dask" in d or "distributed" in d for d in project["dependencies"])
    assert any(d.startswith("dask[distributed]") for d in project["optional-dependencies"]["dask"])
    code = (
        "import sys, paktsim.sweep, paktsim.ensemble, paktsim.pipeline, paktsim.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
