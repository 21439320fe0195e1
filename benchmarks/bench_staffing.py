"""Benchmark: staffing, budget and the whole scenario pipeline.

``run(size)`` returns medians in milliseconds:

* ``staffing_arrays_gemeinden_ms`` — :func:`paktsim.staffing.staffing_arrays` for
  1,101 Gemeinden × 120 months (lag 3, vacancy, frames), inputs prebuilt;
* ``run_scenario_cold_ms`` — :func:`paktsim.pipeline.run_scenario` for the status
  quo with every cache cleared (inflow, 10 allocations, staffing, budget);
* ``dashboard_update_ms`` — a staffing change (new target ratio) on a warm
  cache: what a dashboard slider costs (target < 150 ms);
* ``allocation_change_ms`` — a new allocation rule at Gemeinde level (urban
  factor) on a warm inflow cache;
* ``ensemble_1000_gemeinden_ms`` (``ensemble_100_gemeinden_ms`` at the quick size) — 1,000 Monte Carlo draws at Gemeinde level
  (chain from 2014 per chunk, staffing per draw, quantiles), chunk 250.
"""

from __future__ import annotations

import itertools
from typing import Any

from benchmarks.timing import Timer

REPEATS = {"quick": 1, "full": 10}
ENSEMBLE_REPEATS = {"quick": 1, "full": 3}
#: Draws of the ensemble step: the quick size only checks that it still runs.
ENSEMBLE_DRAWS = {"quick": 100, "full": 1000}


def run(size: str = "full", repeats: int | None = None) -> dict[str, Any]:
    """Median times (ms) of the staffing model and the scenario pipeline.

    Parameters
    ----------
    size : {"quick", "full"}
        Number of repeats.
    """
    import numpy as np

    from paktsim import pipeline, staffing, uncertainty
    from paktsim.scenario import builtin_scenario

    repeats = repeats or REPEATS[size]
    timer = Timer(repeats, warmup=0 if size == "quick" else 1)
    grid = staffing.YearGrid("2025-01", "2034-12")
    rates = staffing.CostRates.from_params(grid.years)
    rng = np.random.default_rng(0)
    people = rng.uniform(0, 3000, (1101, 120))
    funded = np.repeat(rng.integers(0, 40, (1101, 10)) * 0.25, 12, axis=1)
    frame = np.ceil(funded[:, ::12] * 68_000)
    assumptions = staffing.StaffingAssumptions(88.0, hiring_lag_months=3, vacancy_rate=0.05)
    out: dict[str, Any] = {}
    out["staffing_arrays_gemeinden_ms"] = timer(
        "staffing_arrays_gemeinden_ms",
        lambda: staffing.staffing_arrays(people, funded, grid, assumptions, rates, frame_eur=frame),
    )

    base = builtin_scenario("status_quo")

    def cold() -> None:
        pipeline.clear_caches()
        pipeline.run_scenario(base)

    out["run_scenario_cold_ms"] = timer("run_scenario_cold_ms", cold, max(1, repeats // 3))
    pipeline.run_scenario(base)
    ratios = itertools.count(60)
    out["dashboard_update_ms"] = timer(
        "dashboard_update_ms",
        lambda: pipeline.run_scenario(
            base.with_changes(staffing={"target_ratio": float(next(ratios))})
        ),
        warm=False,
    )
    factors = itertools.count(0)
    out["allocation_change_ms"] = timer(
        "allocation_change_ms",
        lambda: pipeline.run_scenario(
            base.with_changes(
                allocation={
                    "rule": "population",
                    "level": "gemeinde",
                    "join": "landkreis",
                    "urban_factor": {
                        "by": "degurba",
                        "factors": {"1": 1.0 + 0.01 * next(factors), "2": 1.0, "3": 1.0},
                    },
                }
            )
        ),
        max(1, repeats // 3),
        warm=False,
    )
    gem = base.with_changes(
        allocation={"rule": "population", "level": "gemeinde", "join": "landkreis"},
        uncertainty={"n_draws": ENSEMBLE_DRAWS[size], "chunk_size": 250, "arrivals_sigma": 0.3},
    )
    pipeline.run_scenario(gem, ensemble=False)
    key = f"ensemble_{ENSEMBLE_DRAWS[size]}_gemeinden_ms"
    out[key] = timer(
        key,
        lambda: uncertainty.run_ensemble(gem),
        ENSEMBLE_REPEATS[size],
        warm=False,
    )
    out["samples_ms"] = timer.samples
    return out


if __name__ == "__main__":  # pragma: no cover
    print(run("quick"))
