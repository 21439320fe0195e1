"""Monte Carlo ensemble and one-at-a-time sensitivity (tornado) for the headline figures.

Uncertain inputs
----------------
* arrival level: log-normal multiplier of the forward arrivals
  (``uncertainty.arrivals_sigma``), and the inflow chain rates
  (``inflow.chain.GROUP.RATE``; triangular over their assumption range unless a
  distribution is declared) — sampled by :func:`paktsim.inflow.rates.sample`;
* staffing assumptions declared in ``uncertainty.distributions`` under the keys
  of :data:`STAFFING_KEYS` (``staffing.target_ratio``,
  ``staffing.counselling_share``, ``staffing.group_offer_share``,
  ``staffing.vacancy_rate``), each a ``scipy.stats`` distribution.

The ensemble is the central run's step vectorised over draws; the engine,
its reproducibility rules and its memory bound are in :mod:`paktsim.ensemble`.
:func:`run_ensemble` accepts any :class:`concurrent.futures.Executor`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from paktsim import pipeline
from paktsim import staffing as st
from paktsim.ensemble import (
    QUANTILES,
    STAFFING_KEYS,
    STAFFING_STREAM,
    EnsembleResult,
    sample_staffing,
    validate_distributions,
)
from paktsim.errors import InputError, Problem

__all__ = [
    "validate_distributions",
    "STAFFING_KEYS",
    "STAFFING_STREAM",
    "QUANTILES",
    "EnsembleResult",
    "run_ensemble",
    "sample_staffing",
    "tornado",
    "TORNADO_LABELS",
    "TORNADO_RANGES",
]


def run_ensemble(
    scenario: Any,
    *,
    base_dir: Any = None,
    n_draws: int | None = None,
    chunk_size: int | None = None,
    executor: Any = None,
) -> EnsembleResult:
    """Monte Carlo ensemble of the headline figures (see :func:`paktsim.pipeline.run_ensemble`).

    Parameters
    ----------
    scenario : Scenario
        Uses ``uncertainty`` (n_draws, chunk_size, arrivals_sigma, distributions)
        and ``seed``.
    n_draws, chunk_size : int, optional
        Override the scenario's values.
    executor : concurrent.futures.Executor, optional
        Default in-process; e.g. ``ProcessPoolExecutor(2)`` or a
        ``dask.distributed`` client's ``get_executor()``.  Same bytes for all.

    Returns
    -------
    EnsembleResult
    """
    return pipeline.run_ensemble(
        scenario, base_dir=base_dir, n_draws=n_draws, chunk_size=chunk_size, executor=executor
    )


# ------------------------------------------------------------------ tornado

TORNADO_LABELS: dict[str, str] = {
    "staffing.target_ratio": "Zielschlüssel (Personen je VZÄ)",
    "staffing.counselling_share": "Anteil mit Beratungsbedarf",
    "staffing.group_offer_share": "Anteil Gruppenangebote",
    "staffing.vacancy_rate": "Vakanzquote",
    "staffing.hiring_lag_months": "Einstellungsverzug (Monate)",
    "arrivals.scale": "Zugangsniveau (Faktor)",
}
#: Scenario field → parameter whose assumption range the tornado spans.
TORNADO_RANGES: dict[str, str] = st.ASSUMPTION_PATHS


def _land_metric(land: pd.DataFrame, metric: str) -> pd.Series:
    """A Land column, or the signed gap ``net_gap_fte = needed − staffed`` (a surplus
    counts negative, so the metric never sits at a floor of zero)."""
    if metric == "net_gap_fte":
        return land["fte_needed"] - land["fte_staffed"]
    return land[metric]


def _arrival_variant(scenario: Any, scale: float, year: int, base_dir: Any) -> pd.DataFrame:
    """The Land table of ``scenario`` with the arrival level ``scale``, computed up to
    ``year``: the model is causal (a year's figures do not depend on later months), so
    the tornado's arrival variants need, e.g., one allocation instead of ten.  The whole
    horizon where the scenario cannot stop early (arrival files with later months)."""
    changed = scenario.with_changes(arrivals={"scale": scale})
    if year < int(scenario.horizon.end[:4]):
        try:
            early = changed.with_changes(horizon={"end": f"{year}-12"})
            return pipeline.run_scenario(early, base_dir=base_dir, ensemble=False).land
        except InputError:
            pass
    return pipeline.run_scenario(changed, base_dir=base_dir, ensemble=False).land


def tornado(
    scenario: Any,
    metric: str = "net_gap_fte",
    year: int | None = None,
    *,
    base_dir: Any = None,
    arrivals_range: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of a Land headline figure.

    Each input is set to the low and the high end of its assumption range (from
    the parameter files, see :data:`TORNADO_RANGES`) while all others stay at
    the scenario's values; the arrival level is scaled by ``arrivals_range``
    (default: the range of ``sensitivitaet.zugangsniveau``).

    Parameters
    ----------
    metric : str
        ``net_gap_fte`` (default: positions needed − staffed, signed) or a column
        of the Land staffing table (``gap_fte``, ``fte_needed``, ``ratio_actual``,
        ``gap_eur``, ``cofunding_eur`` …).  ``gap_fte`` is floored at zero per
        place, so inputs that only deepen a surplus show no bar there.
    year : int, optional
        Default: the horizon year with the largest signed gap in the central run.

    Returns
    -------
    DataFrame
        One row per input, sorted by swing (largest first): ``label, low, high,
        value_low, value_high, base, swing``.
    """
    base = pipeline.run_scenario(scenario, base_dir=base_dir, ensemble=False)
    if metric not in base.land and metric != "net_gap_fte":
        raise InputError(
            Problem(
                "metric", f"expected net_gap_fte or a Land column ({', '.join(base.land)})", metric
            )
        )
    years = base.years
    if year is None:
        year = int(_land_metric(base.land, "net_gap_fte").idxmax())
    if int(year) not in years:
        raise InputError(Problem("year", "not in the horizon", year))
    date = f"{scenario.horizon.start}-01"
    rows = []
    for key, path in TORNADO_RANGES.items():
        low, high = st.assumption_range(path, date)
        name = key.split(".")[1]
        ends: list[float] = [low, high]
        if name == "hiring_lag_months":
            ends = [int(round(v)) for v in ends]
        if name == "vacancy_rate":
            ends = [min(v, 0.999) for v in ends]
        # inflow and allocation do not depend on staffing assumptions: only the step reruns
        lands = pipeline.staffing_variants(base, key, ends)
        rows.append((key, low, high, *(float(_land_metric(x, metric).loc[year]) for x in lands)))
    scale = scenario.arrivals.scale
    if arrivals_range is None:
        arrivals_range = st.assumption_range("sensitivitaet.zugangsniveau", date)
    values = [
        float(_land_metric(_arrival_variant(scenario, scale * f, year, base_dir), metric).loc[year])
        for f in arrivals_range
    ]
    rows.append(("arrivals.scale", scale * arrivals_range[0], scale * arrivals_range[1], *values))
    out = pd.DataFrame(rows, columns=["input", "low", "high", "value_low", "value_high"])
    out.insert(1, "label", out["input"].map(TORNADO_LABELS))
    out["base"] = float(_land_metric(base.land, metric).loc[year])
    out["swing"] = (out["value_high"] - out["value_low"]).abs()
    out = out.sort_values("swing", ascending=False, kind="stable").set_index("input")
    out.attrs.update(metric=metric, year=int(year))
    return out
