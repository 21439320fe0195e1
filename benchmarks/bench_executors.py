"""Benchmark: the same Monte Carlo ensemble on different executors (issue 16).

Workload: the Gemeinde-level pipeline ensemble of :mod:`benchmarks.bench_montecarlo`
(status quo, population rule at Gemeinde level with Landkreis grouping, arrival
sigma 0.3, every chain-rate assumption drawn) through
:func:`paktsim.pipeline.run_ensemble`, in chunks of ``CHUNK`` draws, on

* ``inprocess`` — no executor (one core);
* ``processes_1`` / ``processes_2`` — :class:`~concurrent.futures.ProcessPoolExecutor`
  with 1 and 2 worker processes (pool started before the timing, as a CLI run with
  ``--workers`` keeps one pool for the whole run);
* ``dask_1`` / ``dask_2`` — a ``dask.distributed`` ``LocalCluster`` with 1 and 2
  worker processes (one thread each), through ``client.get_executor()``.

Every executor gives the same bytes (checked here on the Land P50 of the gap, and
in ``tests/test_ensemble_executors.py``).  Reported: draws per second per
executor, the speed-up of 2 processes over in-process, the overhead per chunk
(time with many small chunks minus time with few large chunks, per extra chunk,
in-process) and the peak resident memory of one worker process (``VmHWM`` of each
pool or Dask worker, asked after the timing).  A second workload runs 100,000
draws of the Land-level chain (``bench_montecarlo.LandEnsemble``) in-process.
"""

from __future__ import annotations

import resource
from typing import Any

import numpy as np

from benchmarks.timing import Stats, measure

CHUNK = 500
SIZES = {
    "quick": {"draws": 40, "chunk": 10, "land": 2_000, "repeats": 1, "workers": (2,)},
    "full": {"draws": 10_000, "chunk": CHUNK, "land": 100_000, "repeats": 1, "workers": (1, 2)},
}


def _scenario() -> Any:
    from benchmarks.bench_montecarlo import _scenarios

    return _scenarios()[1]


def _ensemble(scenario: Any, n: int, chunk: int, executor: Any) -> Any:
    from paktsim import pipeline

    return pipeline.run_ensemble(scenario, n_draws=n, chunk_size=chunk, executor=executor)


def _maxrss_mb_self() -> float:
    """Peak resident memory of this process (MB): ``VmHWM``, which a new program
    (exec) resets, so a spawned worker does not report the RSS of the process that
    started it, as ``ru_maxrss`` would; ``ru_maxrss`` where ``/proc`` is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time_pool(
    scenario: Any, n: int, chunk: int, workers: int, reps: int
) -> tuple[list[float], Any, float]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # a fresh interpreter per worker ("spawn"), as on a cluster: nothing inherited
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        _ensemble(scenario, min(n, chunk * workers), chunk, pool)  # workers warm
        result: list[Any] = []
        samples = measure(
            lambda: result.append(_ensemble(scenario, n, chunk, pool)), reps, warmup=0
        )
        peak = max(pool.submit(_maxrss_mb_self).result() for _ in range(workers * 2))
    return samples, result[-1], peak


def _time_dask(
    scenario: Any, n: int, chunk: int, workers: int, reps: int
) -> tuple[list[float], Any, float] | None:
    try:
        import distributed
    except ImportError:
        return None
    with (
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        _ensemble(scenario, min(n, chunk * workers), chunk, executor)
        result: list[Any] = []
        samples = measure(
            lambda: result.append(_ensemble(scenario, n, chunk, executor)), reps, warmup=0
        )
        peak = max(client.run(_maxrss_mb_self).values())
    return samples, result[-1], peak


def run(size: str = "full", repeats: int | None = None) -> dict[str, Any]:
    """Time one ensemble on every executor.

    Parameters
    ----------
    size : {"quick", "full"}
        ``full``: 10,000 Gemeinde-level draws in chunks of 500 and 100,000
        Land-level draws; ``quick``: tens of draws.
    repeats : int, optional
        Repeats per executor (default 1: the runs are long).
    """
    from benchmarks.bench_montecarlo import LandEnsemble, _scenarios
    from paktsim import pipeline

    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    cfg = SIZES[size]
    reps = repeats or cfg["repeats"]
    n, chunk = cfg["draws"], cfg["chunk"]
    scenario = _scenario()
    pipeline.run_scenario(scenario, ensemble=False)  # central run cached, as in a session

    samples: dict[str, list[float]] = {}
    results: dict[str, Any] = {}
    peaks: dict[str, float] = {}
    before = _maxrss_mb_self()
    results["inprocess"] = _ensemble(scenario, n, chunk, None)
    peaks["inprocess"] = _maxrss_mb_self()
    samples["inprocess_ms"] = measure(lambda: _ensemble(scenario, n, chunk, None), reps, warmup=0)
    for workers in cfg["workers"]:
        s, r, peak = _time_pool(scenario, n, chunk, workers, reps)
        samples[f"processes_{workers}_ms"], results[f"processes_{workers}"] = s, r
        peaks[f"processes_{workers}"] = peak
        dask = _time_dask(scenario, n, chunk, workers, reps)
        if dask is not None:
            s, r, peak = dask
            samples[f"dask_{workers}_ms"], results[f"dask_{workers}"] = s, r
            peaks[f"dask_{workers}"] = peak

    # overhead per chunk, in-process: many small chunks against few large ones
    small = max(1, chunk // 20)
    n_over = min(n, 20 * chunk) if size == "full" else n
    t_small = Stats(
        tuple(measure(lambda: _ensemble(scenario, n_over, small, None), 1, warmup=0))
    ).median
    t_large = Stats(
        tuple(measure(lambda: _ensemble(scenario, n_over, chunk, None), 1, warmup=0))
    ).median
    extra_chunks = -(-n_over // small) - -(-n_over // chunk)

    land = LandEnsemble(_scenarios()[0])
    samples["land_large_ms"] = measure(lambda: land(cfg["land"]), 1, warmup=0)

    out: dict[str, Any] = {
        "benchmark": "executors",
        "size": size,
        "draws": n,
        "chunk_size": chunk,
        "land_draws": cfg["land"],
    }
    for key, values in samples.items():
        out[key] = round(Stats(tuple(values)).median, 1)
    for name in results:
        out[f"{name}_draws_per_s"] = round(n / (out[f"{name}_ms"] / 1000), 1)
    out["speedup_processes_2"] = round(out["inprocess_ms"] / out["processes_2_ms"], 2)
    if "dask_2_ms" in out:
        out["speedup_dask_2"] = round(out["inprocess_ms"] / out["dask_2_ms"], 2)
    out["overhead_per_chunk_ms"] = round((t_small - t_large) / max(1, extra_chunks), 2)
    out["peak_rss_mb_per_worker"] = {k: round(v, 0) for k, v in peaks.items()}
    out["peak_rss_mb_main_before"] = round(before, 0)
    reference = results["inprocess"].quantiles("gap_fte").to_numpy()
    out["identical"] = all(
        np.array_equal(r.quantiles("gap_fte").to_numpy(), reference, equal_nan=True)
        for r in results.values()
    )
    out["samples_ms"] = samples
    return out


if __name__ == "__main__":  # pragma: no cover
    import json

    res = run("quick")
    res.pop("samples_ms")
    print(json.dumps(res, indent=2, default=str))
