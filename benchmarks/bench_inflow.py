"""Benchmark: the inflow model (stage chain + distribution to 1,101 Gemeinden).

``run(size)`` returns medians in milliseconds:

* ``deterministic_compute_ms`` — kernel over 120 months (one draw, 3 groups) plus
  the stocks of every Gemeinde and month (AU and own housing), inputs prebuilt;
* ``simulate_status_quo_ms`` — :func:`paktsim.inflow.model.simulate` end to end
  for the status-quo scenario (arrival path from the parameter files, keys for
  7 vintages, chain from January 2014 to the horizon end);
* ``ensemble_1000_ms`` (``ensemble_100_ms`` at the quick size) — 1,000 Monte Carlo draws end to end (rate sampling,
  chain from 2014, all 252 months) plus P10/P50/P90 of the AU stock for every
  Gemeinde and horizon month.
"""

from __future__ import annotations

from typing import Any

from benchmarks.timing import Timer

REPEATS = {"quick": 1, "full": 15}
ENSEMBLE_REPEATS = {"quick": 1, "full": 3}
#: Draws of the ensemble step: the quick size only checks that it still runs.
ENSEMBLE_DRAWS = {"quick": 100, "full": 1000}


def run(size: str = "full", repeats: int | None = None) -> dict[str, Any]:
    """Median times (ms) of the inflow model.

    Parameters
    ----------
    size : {"quick", "full"}
        Number of repeats.
    """
    import numpy as np

    from paktsim.inflow.distribute import build_keys
    from paktsim.inflow.kernel import run_chain
    from paktsim.inflow.model import simulate
    from paktsim.inflow.rates import deterministic
    from paktsim.scenario import builtin_scenario
    import datetime as dt

    rates = deterministic(dt.date(2025, 1, 1))
    keys = build_keys([2023])
    arrivals = np.random.default_rng(0).uniform(500, 3000, size=(1, 3, 120))
    segment = np.zeros(120, dtype=int)

    def deterministic_run() -> None:
        res = run_chain(arrivals, rates, segment, n_segments=1)
        for stage in ("au", "own"):
            np.einsum("dgst,sn->dgnt", res.stocks[stage], keys.gemeinde, optimize=True)

    scenario = builtin_scenario("status_quo")
    n_draws = ENSEMBLE_DRAWS[size]
    ensemble = scenario.with_changes(uncertainty={"n_draws": n_draws, "arrivals_sigma": 0.3})

    def ensemble_run() -> None:
        res = simulate(ensemble)
        res.quantiles("au", "gemeinde")

    timer = Timer(repeats or REPEATS[size], warmup=0 if size == "quick" else 1)
    return {
        "size": size,
        "gemeinden": len(keys.gemeinde_ags),
        "months": 120,
        "deterministic_compute_ms": timer("deterministic_compute_ms", deterministic_run),
        "simulate_status_quo_ms": timer("simulate_status_quo_ms", lambda: simulate(scenario)),
        "ensemble_draws": n_draws,
        f"ensemble_{n_draws}_ms": timer(
            f"ensemble_{n_draws}_ms", ensemble_run, ENSEMBLE_REPEATS[size]
        ),
        "samples_ms": timer.samples,
    }


if __name__ == "__main__":  # pragma: no cover
    print(run())
