"""Benchmark: Monte Carlo ensembles — speed, throughput, peak memory, growth with draws.

Workloads (status-quo scenario, arrival-level sigma 0.3, every chain-rate
assumption drawn from its range):

* ``gemeinde_inflow`` — :func:`paktsim.inflow.model.simulate` with ``n`` draws
  (rates sampled, chain from January 2014, 252 months, 7 key segments) plus
  P10/P50/P90 of the Anschlussunterbringung stock for every Gemeinde and horizon
  month (:meth:`InflowResult.quantiles`).  Cell-updates: ``n × 1,101 × 120``
  Gemeinde-month stocks computed.
* ``gemeinde_pipeline`` — :func:`paktsim.uncertainty.run_ensemble` at Gemeinde
  level (population rule, Landkreis grouping, chunks of 250 draws): chain,
  target group per Gemeinde, staffing per draw, quantiles.  Memory is bounded
  by the chunk, so this is the workload that scales to 10,000 draws.
* ``land`` — :func:`paktsim.inflow.rates.sample` and
  :func:`paktsim.inflow.kernel.run_chain` for the Land total (one segment) in
  chunks of 2,500 draws, then P10/P50/P90 of the four stocks per month.
  Cell-updates: ``n × 252 months × 81`` state cells per month (3 groups ×
  (Erstaufnahme + 24 vU slots + AU + own)).

``run(size)`` returns medians (``*_ms``), samples (``samples_ms``), throughput,
tracemalloc peaks (MB) of the 1,000-draw ensembles and the fitted exponent of
runtime against draws (1 = linear).
"""

from __future__ import annotations

from typing import Any

from benchmarks.timing import Stats, fit_exponent, measure, peak_memory

SIGMA = 0.3
LAND_CHUNK = 2500
SIZES = {
    "quick": {"gemeinde": 20, "land": 200, "scaling": (10, 20, 40), "repeats": 1},
    "full": {"gemeinde": 1000, "land": 10_000, "scaling": (100, 1000, 10_000), "repeats": 3},
}
#: state cells the kernel updates per draw and month at Land level (S = 1, A = 24)
LAND_CELLS_PER_MONTH = 3 * (1 + 24 + 1 + 1)


def _scenarios() -> tuple[Any, Any]:
    from paktsim.scenario import builtin_scenario

    base = builtin_scenario("status_quo")
    inflow = base.with_changes(uncertainty={"n_draws": 1, "arrivals_sigma": SIGMA})
    pipeline = base.with_changes(
        allocation={"rule": "population", "level": "gemeinde", "join": "landkreis"},
        uncertainty={"n_draws": 1, "chunk_size": 250, "arrivals_sigma": SIGMA},
    )
    return inflow, pipeline


def gemeinde_inflow(scenario: Any, n: int) -> Any:
    """``n``-draw inflow ensemble and Gemeinde quantiles of the AU stock, ``(3, 1101, 120)``."""
    from paktsim.inflow.model import simulate

    return simulate(scenario, n_draws=n).quantiles("au", "gemeinde")


def gemeinde_pipeline(scenario: Any, n: int) -> Any:
    """``n``-draw ensemble of the whole pipeline at Gemeinde level."""
    from paktsim import uncertainty

    return uncertainty.run_ensemble(scenario, n_draws=n)


class LandEnsemble:
    """Land-level ensemble on the kernel; inputs that do not depend on ``n`` built once."""

    def __init__(self, scenario: Any):
        import numpy as np
        import pandas as pd

        from paktsim import params
        from paktsim.inflow import arrivals as arrivals_mod
        from paktsim.inflow.arrivals import GROUPS, HISTORIC_START

        end = pd.Period(scenario.horizon.end, freq="M")
        path = arrivals_mod.build(scenario.arrivals, end).loc[:end]
        self.scenario = scenario
        self.base = path[list(GROUPS)].to_numpy(dtype=float).T[None]  # (1, G, T)
        self.forward = np.asarray(path.index > arrivals_mod.HISTORIC_END)
        self.start = pd.Period(scenario.horizon.start, freq="M")
        self.window = slice(path.index.get_loc(self.start), len(path.index))
        self.initial = float(
            params.at(HISTORIC_START.start_time.date())["inflow.initial.own"] or 0.0
        )
        self.months = self.base.shape[-1]

    def __call__(self, n: int) -> Any:
        """P10/P50/P90 of ``ea, vu, au, own`` (Land, all groups), shape ``(3, 4, T_horizon)``."""
        import numpy as np

        from paktsim.inflow.kernel import run_chain
        from paktsim.inflow.rates import sample

        rates, factor, _ = sample(
            n, self.scenario.seed, self.start.start_time.date(), arrivals_sigma=SIGMA
        )
        segment = np.zeros(self.months, dtype=int)
        t_h = self.window.stop - self.window.start
        land = np.empty((n, 4, t_h))
        for lo in range(0, n, LAND_CHUNK):
            sl = slice(lo, min(n, lo + LAND_CHUNK))
            c = sl.stop - sl.start
            r = rates.take(sl)
            arr = np.where(self.forward, self.base * factor[sl, None, None], self.base)
            init = np.zeros((c, arr.shape[1]))
            init[:, 0] = self.initial
            res = run_chain(arr, r, segment, n_segments=1, initial_own=init)
            for i, stage in enumerate(("ea", "vu", "au", "own")):
                stock = res.stocks[stage]
                stock = stock.sum(axis=2) if stock.ndim == 4 else stock  # (c, G, T)
                land[sl, i] = stock[..., self.window].sum(axis=1)
        return np.quantile(land, (0.1, 0.5, 0.9), axis=0)


def run(size: str = "full", repeats: int | None = None) -> dict[str, Any]:
    """Time the ensembles.

    Parameters
    ----------
    size : {"quick", "full"}
        ``quick``: tens of draws; ``full``: 1,000 (Gemeinde) and 10,000 (Land).
    repeats : int, optional
        Repeats of each headline timing (default 3; 1 for ``quick``).
    """
    from paktsim import pipeline

    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    cfg = SIZES[size]
    reps = repeats or cfg["repeats"]
    inflow_sc, pipe_sc = _scenarios()
    pipeline.run_scenario(pipe_sc, ensemble=False)  # central run cached, as in a session
    land = LandEnsemble(inflow_sc)
    n_gem, n_land = cfg["gemeinde"], cfg["land"]

    samples = {
        "gemeinde_inflow_ms": measure(lambda: gemeinde_inflow(inflow_sc, n_gem), reps),
        "gemeinde_pipeline_ms": measure(lambda: gemeinde_pipeline(pipe_sc, n_gem), reps),
        "land_ms": measure(lambda: land(n_land), max(reps, 5 if size == "full" else 1)),
    }
    out: dict[str, Any] = {
        "benchmark": "montecarlo",
        "size": size,
        "gemeinde_draws": n_gem,
        "land_draws": n_land,
        "gemeinden": 1101,
        "horizon_months": 120,
        "chain_months": land.months,
    }
    for key, values in samples.items():
        out[key] = round(Stats(tuple(values)).median, 1)
    gem_cells = n_gem * 1101 * 120
    out["gemeinde_inflow_cells_per_s"] = gem_cells / (out["gemeinde_inflow_ms"] / 1000)
    out["land_cells_per_s"] = n_land * land.months * LAND_CELLS_PER_MONTH / (out["land_ms"] / 1000)
    out["gemeinde_pipeline_draws_per_s"] = n_gem / (out["gemeinde_pipeline_ms"] / 1000)

    out["peak_mb_gemeinde_inflow"] = round(
        peak_memory(lambda: gemeinde_inflow(inflow_sc, n_gem)), 1
    )
    out["peak_mb_gemeinde_pipeline"] = round(
        peak_memory(lambda: gemeinde_pipeline(pipe_sc, n_gem)), 1
    )

    scaling: dict[str, dict[int, float]] = {"land": {}, "gemeinde_pipeline": {}}
    for n in cfg["scaling"]:
        r = (5 if n <= 100 else 3 if n <= 1000 else 1) if size == "full" else 1
        scaling["land"][n] = Stats(tuple(measure(lambda n=n: land(n), r, warmup=0))).median
        scaling["gemeinde_pipeline"][n] = Stats(
            tuple(measure(lambda n=n: gemeinde_pipeline(pipe_sc, n), r, warmup=0))
        ).median
    out["scaling_ms"] = {k: {n: round(v, 1) for n, v in d.items()} for k, d in scaling.items()}
    out["scaling_exponent"] = {
        k: round(fit_exponent(list(d), list(d.values())), 3) for k, d in scaling.items()
    }
    out["samples_ms"] = samples
    return out


if __name__ == "__main__":  # pragma: no cover
    import json

    res = run("quick")
    res.pop("samples_ms")
    print(json.dumps(res, indent=2, default=str))
