"""The ensemble gives the same bytes whatever runs it: in-process, a process pool, a
dask.distributed cluster, and whatever the chunk size (paktsim.ensemble)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from paktsim import pipeline
from paktsim.scenario import builtin_scenario

SCENARIO = builtin_scenario().with_changes(
    horizon={"start": "2025-01", "end": "2027-12"},
    staffing={"include_vu": True, "include_ukraine_private": True},
    uncertainty={
        "n_draws": 23,
        "chunk_size": 23,
        "arrivals_sigma": 0.3,
        "distributions": {
            "staffing.vacancy_rate": {"dist": "uniform", "args": {"loc": 0.0, "scale": 0.2}}
        },
    },
)


@pytest.fixture(scope="module")
def reference():
    return pipeline.run_ensemble(SCENARIO)


def _same(a, b) -> None:
    assert a.years == b.years and a.kreise.equals(b.kreise)
    for metric in a.land:
        np.testing.assert_array_equal(a.land[metric], b.land[metric], err_msg=metric)
    np.testing.assert_array_equal(a.kreis_ratio, b.kreis_ratio)
    assert a.drawn.keys() == b.drawn.keys()
    for key in a.drawn:
        np.testing.assert_array_equal(a.drawn[key], b.drawn[key])


def test_reference_is_not_degenerate(reference):
    # draws differ, so equality below says something
    assert np.unique(reference.land["fte_needed"][:, -1]).size == 23
    assert np.unique(reference.land["fte_staffed"][:, -1]).size == 23


@pytest.mark.parametrize("chunk", [1, 5, 11])
def test_in_process_any_chunk(reference, chunk):
    _same(reference, pipeline.run_ensemble(SCENARIO, chunk_size=chunk))


@pytest.mark.slow
@pytest.mark.parametrize("chunk", [4, 9])
def test_process_pool(reference, chunk):
    with ProcessPoolExecutor(max_workers=2) as pool:
        _same(reference, pipeline.run_ensemble(SCENARIO, chunk_size=chunk, executor=pool))


@pytest.mark.slow
@pytest.mark.parametrize("processes,chunk", [(False, 5), (False, 12), (True, 7)])
def test_dask_local_cluster(reference, processes, chunk):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        result = pipeline.run_ensemble(SCENARIO, chunk_size=chunk, executor=client.get_executor())
    _same(reference, result)


def test_progress_counts_finished_chunks(reference):
    from paktsim import ensemble

    calls = []
    _same(reference, pipeline.run_ensemble(SCENARIO, chunk_size=5))  # cached central run
    with ensemble.chunk_progress(lambda done, total: calls.append(("ctx", done, total))):
        pipeline.run_ensemble(SCENARIO, chunk_size=5)
    assert calls == [("ctx", k, 5) for k in range(6)]  # 23 draws in chunks of 5
    calls.clear()
    central = pipeline.run_scenario(SCENARIO, ensemble=False)
    with ProcessPoolExecutor(max_workers=2) as pool:
        result = ensemble.run(
            SCENARIO,
            central.inflow,
            central.place_inputs,
            n_draws=23,
            chunk_size=9,
            executor=pool,
            on_chunk_done=lambda done, total: calls.append((done, total)),
        )
    _same(reference, result)
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize("first,n", [(0, 7), (3, 250), (249, 2), (250, 1), (260, 300)])
def test_rates_sampled_from_any_first_draw_equal_the_full_sample(first, n):
    """A chunk samples only its own draws; they equal the same rows of one big sample."""
    import datetime as dt

    from paktsim.inflow.rates import RATE_NAMES, sample

    months = pipeline.run_scenario(SCENARIO, ensemble=False).inflow.all_months
    args = dict(arrivals_sigma=0.3, months=months)
    full = sample(first + n, 7, dt.date(2025, 1, 1), **args)
    part = sample(n, 7, dt.date(2025, 1, 1), first_draw=first, **args)
    np.testing.assert_array_equal(part[1], full[1][first:])
    for name in RATE_NAMES:
        np.testing.assert_array_equal(getattr(part[0], name), getattr(full[0], name)[first:])
    assert part[2].keys() == full[2].keys()
    for key in full[2]:
        np.testing.assert_array_equal(part[2][key], full[2][key][first:])


def test_one_draw_without_spread_is_the_central_run():
    """The deterministic run is the ensemble step with one draw: with every input at its
    central value the ensemble's Land figures equal the central run's."""
    import datetime as dt

    from paktsim.inflow import rates as rates_mod

    fixed = {
        path: {"dist": "uniform", "args": {"loc": mode, "scale": 0.0}}
        for path, (low, mode, high) in rates_mod.uncertain_paths(dt.date(2025, 1, 1)).items()
    }
    for include in (
        {},
        {"include_vu": True},
        {"include_ukraine_private": True},
        {"include_vu": True, "include_ukraine_private": True},
    ):
        base = SCENARIO.with_changes(
            staffing={"include_vu": False, "include_ukraine_private": False, **include}
        )
        scen = base.with_changes(
            uncertainty={
                "n_draws": 2,
                "chunk_size": 1,
                "arrivals_sigma": 0.0,
                "distributions": fixed,
            }
        )
        ens = pipeline.run_ensemble(scen)
        central = pipeline.run_scenario(base, ensemble=False)
        for metric in ("caseload", "fte_needed", "fte_staffed", "gap_fte", "ratio_actual"):
            np.testing.assert_allclose(
                ens.land[metric][1],
                central.land[metric].to_numpy(),
                rtol=1e-12,
                err_msg=f"{include} {metric}",
            )
        for metric in ("gap_eur", "cofunding_eur"):
            np.testing.assert_array_equal(ens.land[metric][1], central.land[metric].to_numpy())


def test_target_group_switches_add_their_stocks():
    """include_vu adds the vU stock, include_ukraine_private the Ukrainians in own housing:
    each switch raises the target group by exactly that stock (central run, Land)."""
    from paktsim.ensemble import horizon_window
    from paktsim.inflow.arrivals import GROUPS
    from paktsim.staffing import YearGrid

    plain = SCENARIO.with_changes(staffing={"include_vu": False, "include_ukraine_private": False})
    runs = {
        k: pipeline.run_scenario(plain.with_changes(staffing=v), ensemble=False)
        for k, v in {
            "au": {},
            "vu": {"include_vu": True},
            "ua": {"include_ukraine_private": True},
        }.items()
    }
    inflow = runs["au"].inflow
    grid = YearGrid(plain.horizon.start, plain.horizon.end)
    w = horizon_window(inflow)
    stocks = inflow.chain.stocks
    vu = grid.mean(stocks["vu"][0, :, :, w].sum(axis=(0, 1)))
    ua = grid.mean(stocks["own"][0, GROUPS.index("ukraine"), :, w].sum(axis=0))
    au = grid.mean(stocks["au"][0, :, :, w].sum(axis=(0, 1)))
    tg = {k: r.land["target_group"].to_numpy() for k, r in runs.items()}
    np.testing.assert_allclose(tg["au"], au, rtol=1e-9)
    np.testing.assert_allclose(tg["vu"] - tg["au"], vu, rtol=1e-9)
    np.testing.assert_allclose(tg["ua"] - tg["au"], ua, rtol=1e-9)
    assert (vu > 0).all() and (ua > 0).all()


@pytest.mark.slow
def test_cli_workers_gives_the_same_files(tmp_path):
    """``paktsim run --workers 2`` writes the same Monte Carlo tables as one process."""
    import subprocess
    import sys

    path = tmp_path / "kurz.yaml"
    path.write_text(
        "name: Kurz\nhorizon: {start: '2025-01', end: '2026-12'}\n"
        "allocation: {rule: kreis, level: kreis, join: none}\n"
        "uncertainty: {n_draws: 12, chunk_size: 5, arrivals_sigma: 0.3}\n"
        "seed: 5\n",
        encoding="utf-8",
    )
    outs = {}
    for name, extra in {"one": [], "two": ["--workers", "2"]}.items():
        outs[name] = tmp_path / name
        proc = subprocess.run(
            [sys.executable, "-m", "paktsim", "run", str(path), "--out", str(outs[name]), *extra],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr
        # progress counts finished chunks (12 draws in chunks of 5: 3 chunks), last line 3 of 3
        lines = [x for x in proc.stderr.splitlines() if x.startswith("Monte Carlo:")]
        assert lines and lines[-1] == "Monte Carlo: 3 von 3 Teilpaketen fertig", proc.stderr
    for file in (
        "unsicherheit_land.csv",
        "unsicherheit_kreise_ueber_120.csv",
        "personal_uebersicht.csv",
    ):
        assert (outs["one"] / file).read_bytes() == (outs["two"] / file).read_bytes(), file


@pytest.mark.parametrize(
    "args,field",
    [(["--workers", "0"], "--workers"), (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler")],
)
def test_cli_bad_executor_options(tmp_path, args, field):
    import subprocess
    import sys

    pytest.importorskip("distributed")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "paktsim",
            "run",
            "--draws",
            "3",
            "--out",
            str(tmp_path / "o"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(field) and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()
