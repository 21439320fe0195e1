"""Smoke tests of the benchmarks (``python -m benchmarks``): they run, at tiny sizes.

No timing is asserted (machines are shared); what is checked: the peer
implementations compute the same stocks as paktsim's kernel, the runner collects
per-repeat samples, reports missing/failed benchmarks without stopping, and the
CLI writes a results file.  PySD is optional: without it the PySD checks are
skipped and the benchmark reports why.
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the repository, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks import run as runner  # noqa: E402
from benchmarks.peers import (  # noqa: E402
    LandInputs,
    RATES,
    land_inputs,
    max_abs_diff,
    paktsim_chain,
)
from benchmarks.peers import pandas_rowwise, pysd_chain  # noqa: E402
from benchmarks.timing import Stats, fit_exponent, measure  # noqa: E402

HAVE_PYSD = pysd_chain.available() is None
TOL = 1e-6


def _inputs(
    arrivals: np.ndarray, rates: dict[str, list[float]], caps: list[int], initial: list[float]
) -> LandInputs:
    return LandInputs(
        groups=("asyl", "ukraine", "humanitaer"),
        arrivals=arrivals,
        rates={k: np.asarray(v, dtype=float) for k, v in rates.items()},
        vu_cap=np.asarray(caps),
        initial_own=np.asarray(initial, dtype=float),
    )


share = st.floats(0.0, 1.0)
hazard = st.floats(0.0, 0.5)


@st.composite
def chain_inputs(draw, months: int = 14) -> LandInputs:
    arrivals = np.asarray(
        draw(st.lists(st.floats(0.0, 5e4), min_size=3 * months, max_size=3 * months))
    ).reshape(3, months)
    rates = {
        name: [draw(hazard if name in ("au_to_own", "au_left") else share) for _ in range(3)]
        for name in RATES
    }
    caps = [draw(st.integers(1, 24)) for _ in range(3)]
    initial = [draw(st.floats(0.0, 1e5)) for _ in range(3)]
    return _inputs(arrivals, rates, caps, initial)


@settings(max_examples=25, deadline=None)
@given(chain_inputs())
def test_pandas_rowwise_equals_kernel(inputs: LandInputs) -> None:
    """The hand-written pandas loop is the same model as the kernel (any rates, caps)."""
    assert max_abs_diff(paktsim_chain(inputs), pandas_rowwise.run(inputs)) < TOL


def test_land_inputs_are_the_status_quo_chain() -> None:
    inputs = land_inputs()
    assert inputs.arrivals.shape == (3, 252)  # 2014-01 .. 2034-12
    assert inputs.initial_own[0] > 0 and inputs.initial_own[1:].sum() == 0
    stocks = paktsim_chain(inputs)
    assert set(stocks) == {"ea", "vu", "au", "own"}
    assert all(v.shape == (3, 252) and np.all(v >= -1e-9) for v in stocks.values())


def test_land_chain_is_the_simulate_land_total() -> None:
    """The peers' paktsim run equals simulate()'s Land stocks (segments summed)."""
    from paktsim.inflow.model import simulate

    ours = paktsim_chain(land_inputs())
    chain = simulate().chain
    for stage, arr in ours.items():
        land = chain.stocks[stage][0]
        land = land.sum(axis=1) if land.ndim == 3 else land
        np.testing.assert_allclose(land, arr, rtol=0, atol=TOL)


@pytest.mark.skipif(not HAVE_PYSD, reason="PySD not installed (pip install -e '.[bench]')")
def test_pysd_model_equals_kernel_on_hand_picked_cases() -> None:
    """The Vensim aging chain reproduces the kernel, including caps of 1 and 24 months."""
    model = pysd_chain.load()
    rng = np.random.default_rng(7)
    cases = [
        _inputs(
            rng.uniform(0, 3e4, (3, 30)),
            {k: list(rng.uniform(0, 0.3, 3)) for k in RATES},
            [24, 6, 1],
            [5e4, 10.0, 0.0],
        ),
        _inputs(
            rng.uniform(0, 3e4, (3, 30)),
            {
                k: [0.0, 1.0, 0.5] if k not in ("au_to_own", "au_left") else [0.0, 0.5, 0.2]
                for k in RATES
            },
            [1, 24, 3],
            [0.0, 0.0, 1e3],
        ),
    ]
    for inputs in cases:
        assert max_abs_diff(paktsim_chain(inputs), pysd_chain.run(model, inputs)) < TOL


def test_pysd_refuses_caps_beyond_its_slots() -> None:
    inputs = land_inputs(3)
    too_long = LandInputs(
        inputs.groups, inputs.arrivals, inputs.rates, np.array([25, 6, 6]), inputs.initial_own
    )
    with pytest.raises(ValueError, match="exceeds the 24 slots"):
        pysd_chain._params(too_long)


def test_bench_peers_quick() -> None:
    from benchmarks import bench_peers

    res = bench_peers.run("quick")
    assert res["months"] == 24 and res["agree"] is True
    assert res["max_abs_diff_pandas"] < TOL
    if HAVE_PYSD:
        assert res["max_abs_diff_pysd"] < TOL and res["speedup_vs_pysd"] > 0
        assert len(res["samples_ms"]["pysd_ms"]) == 1
    else:
        assert "pysd_ms" not in res and "PySD" in res["pysd_skipped"]
    assert len(res["samples_ms"]["paktsim_ms"]) == 2


def test_timing_helpers() -> None:
    calls = []
    samples = measure(lambda: calls.append(1), repeats=4, warmup=2)
    assert len(samples) == 4 and len(calls) == 6 and min(samples) >= 0
    s = Stats((1.0, 2.0, 3.0, 4.0, 100.0))
    assert s.median == 3.0 and s.iqr == (2.0, 4.0) and (s.min, s.max) == (1.0, 100.0)
    assert Stats((5.0, 1.0)).iqr == (1.0, 5.0)
    assert fit_exponent([100, 1000, 10000], [2.0, 20.0, 200.0]) == pytest.approx(1.0)
    assert fit_exponent([10, 100], [3.0, 300.0]) == pytest.approx(2.0)


def _fake_module(monkeypatch: pytest.MonkeyPatch, name: str, run) -> types.ModuleType:
    module = types.ModuleType(f"benchmarks.bench_{name}")
    module.run = run
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_timer_records_samples_and_runner_passes_repeats(monkeypatch: pytest.MonkeyPatch) -> None:
    """Modules time cases with ``Timer``; the runner reads ``samples_ms`` and passes ``repeats``."""
    from benchmarks.timing import Timer

    calls = []

    def run(size: str = "full", repeats: int | None = None) -> dict:
        timer = Timer(repeats or 3, warmup=0 if size == "quick" else 1)
        return {
            "size": size,
            "a_ms": timer("a_ms", lambda: calls.append("a")),
            "note": "x",
            "b_ms": timer("b_ms", lambda: calls.append("b"), 2, warm=False),
            "samples_ms": timer.samples,
        }

    _fake_module(monkeypatch, "zz_timer", run)
    out = runner.run_benchmark("zz_timer", "full")
    assert out.status == "ok" and set(out.samples) == {"a_ms", "b_ms"}
    assert "samples_ms" not in out.result
    assert len(out.samples["a_ms"]) == 3 and len(out.samples["b_ms"]) == 2
    assert calls.count("a") == 4 and calls.count("b") == 2  # one warm-up for a only
    assert out.result["a_ms"] == round(Stats(tuple(out.samples["a_ms"])).median, 2)
    out = runner.run_benchmark("zz_timer", "full", repeats=5)
    assert len(out.samples["a_ms"]) == 5 and len(out.samples["b_ms"]) == 2


def test_runner_reports_missing_and_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.run_benchmark("zz_does_not_exist").status == "missing"

    def broken(size: str = "full") -> dict:
        raise RuntimeError("widget gone")

    _fake_module(monkeypatch, "zz_broken", broken)
    out = runner.run_benchmark("zz_broken", "quick")
    assert out.status == "failed" and "RuntimeError: widget gone" in out.error
    rows = runner.build_rows(
        {"dashboard": runner.Outcome("dashboard", "missing", error="not yet available")}
    )
    assert [r.label[:1] for r in rows] == ["3"]
    assert rows[0].median is None and rows[0].note == "not yet available"
    assert "not yet available" in runner.render_table(rows)


def test_cli_quick_writes_results(tmp_path: Path) -> None:
    target = tmp_path / "results.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "peers", "--output", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "5a Land stage chain, 24 months" in proc.stdout
    text = target.read_text(encoding="utf-8")
    for needle in (
        "| benchmark | median |",
        "cpu_count",
        "numpy",
        "pandas",
        "python",
        "### bench_peers",
        "tolerance",
    ):
        assert needle in text
    assert ("≥ 100× faster" in text) == HAVE_PYSD or "PySD not importable" in text


def test_cli_rejects_bad_arguments() -> None:
    for args in (["--repeats", "0"], ["--only", "nonsense"]):
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_every_benchmark_runs_quick(tmp_path: Path) -> None:
    """Each benchmark module once at its quick size, through the runner (nothing rots)."""
    outcomes = runner.run_all(runner.BENCHMARKS, "quick")
    failed = {k: o.error for k, o in outcomes.items() if o.status == "failed"}
    assert not failed
    assert outcomes["montecarlo"].status == "ok" and outcomes["peers"].status == "ok"
    mc = outcomes["montecarlo"].result
    assert mc["gemeinde_inflow_cells_per_s"] > 0 and mc["peak_mb_gemeinde_inflow"] > 0
    assert set(mc["scaling_exponent"]) == {"land", "gemeinde_pipeline"}
    ex = outcomes["executors"].result
    assert ex["identical"] and ex["processes_2_draws_per_s"] > 0
    pr = outcomes["product"].result
    assert pr["help_ms"] > 0 and pr["mc_10_peak_mb"] > pr["help_peak_mb"] > 0
    rows = runner.build_rows(outcomes)
    assert any(r.label.startswith("7 Gemeinde ensemble") for r in rows)
    assert any(r.label.startswith("8c `paktsim run") for r in rows)
    assert "| 8a `paktsim --help`" in runner.readme_table(rows, runner.machine_info(), [])
    info = runner.machine_info()
    text = runner.render_markdown(outcomes, rows, info, "quick", ["--quick"])
    assert text.count("\n| ") >= len(rows) and "Where we stand" in text


def test_product_memory_is_the_commands_own_and_its_workers() -> None:
    """Peak memory of a command is its own VmHWM (not the benchmark process's, which
    ru_maxrss of wait4 would count) and a worker process it forks is seen."""
    import os

    from benchmarks.bench_product import TreeSampler, cli

    ballast = b"x" * 300_000_000  # this process is large; the command must not inherit it
    help_run = cli(["--help"])
    del ballast
    assert 0 < help_run["main_peak_mb"] < 200 and help_run["worker_peak_mb"] == 0
    code = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    x = b'y' * 150_000_000\n"
        "    time.sleep(0.5)\n"
        "    os._exit(0)\n"
        "os.wait()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    sampler = TreeSampler(proc.pid)
    sampler.start()
    proc.wait(timeout=60)
    sampler.done.set()
    sampler.join()
    workers = sampler.workers()
    assert len(workers) == 1 and os.getpid() not in workers
    assert max(sampler.hwm_kb[p] for p in workers) > 140_000
    assert sampler.hwm_kb[proc.pid] < 100_000
    assert sampler.tree_kb() >= max(sampler.hwm_kb[p] for p in workers) * 0.9
