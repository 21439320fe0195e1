"""Chain rates from the parameter files, deterministic or drawn for a Monte Carlo run.

Rates are read from ``inflow.chain.<group>.<rate>`` and the vU caps from
``fluag.vu_hoechstdauer*``.  For a Monte Carlo run every rate that is a named
assumption gets a triangular distribution over its ``range`` with the default as
mode (or the distribution the scenario names for that path); the arrival level
gets a log-normal multiplier with median 1.

Random numbers come from ``SeedSequence(seed).spawn``-style children, one per
fixed block of :data:`BLOCK` draws, and every block draws all its values in a
fixed order.  Draw ``i`` therefore has the same values whatever the number of
draws or the chunking: the first 500 of 1,000 draws equal a 500-draw run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from paktsim.errors import InputError, Problem
from paktsim.inflow.arrivals import GROUPS
from paktsim.inflow.kernel import ChainRates

__all__ = ["RATE_NAMES", "BLOCK", "deterministic", "sample", "uncertain_paths",
           "distribution"]

RATE_NAMES: tuple[str, ...] = ("direct_share", "ea_exit", "ea_left_share", "vu_exit",
                               "vu_left_share", "au_to_own", "au_left", "own_left")
BLOCK = 250
_CAPS = {"asyl": ("fluag.vu_hoechstdauer_monate",),
         "ukraine": ("fluag.vu_hoechstdauer_ukraine_monate",
                     "fluag.vu_hoechstdauer_humanitaer_monate"),
         "humanitaer": ("fluag.vu_hoechstdauer_humanitaer_monate",)}


def _snapshot(date: dt.date, overrides: Any, tree: Any) -> Mapping[str, Any]:
    from paktsim import params

    return params.at(date, overrides, tree=tree)


def _first_value(path: str, overrides: Any, tree: Any) -> Any:
    from paktsim import params

    values = [v for v in params.series(path, overrides, tree=tree)["value"] if not pd.isna(v)]
    return values[0] if values else None


def _caps(snap: Mapping[str, Any], overrides: Any = None, tree: Any = None) -> np.ndarray:
    """vU caps in force; before a cap's first effective date its first value applies
    (the FlüAG rules are older than their date keys, see fluag.yaml)."""
    caps = []
    for group in GROUPS:
        value = next((snap[p] for p in _CAPS[group] if snap[p] is not None), None)
        if value is None:
            value = next((v for p in _CAPS[group]
                          if (v := _first_value(p, overrides, tree)) is not None), None)
        if value is None:
            raise InputError(Problem(_CAPS[group][0], "no vU cap in force at the start date"))
        caps.append(int(value))
    return np.array(caps)


def deterministic(date: dt.date, overrides: Mapping[str, Any] | None = None, *,
                  tree: Any = None) -> ChainRates:
    """Rates in force at ``date`` (assumptions at their defaults), shape ``(1, G)``."""
    snap = _snapshot(date, overrides, tree)
    values = {}
    for name in RATE_NAMES:
        row = []
        for group in GROUPS:
            path = f"inflow.chain.{group}.{name}"
            if snap[path] is None:
                raise InputError(Problem(path, "no value in force at the start date", str(date)))
            row.append(float(snap[path]))
        values[name] = np.array([row])
    return ChainRates(vu_cap=_caps(snap, overrides, tree)[None, :], **values)


def uncertain_paths(date: dt.date, overrides: Mapping[str, Any] | None = None, *,
                    tree: Any = None) -> dict[str, tuple[float, float, float]]:
    """``path → (low, default, high)`` for every chain rate that is an assumption at ``date``."""
    from paktsim import params

    base = params.apply_overrides(tree if tree is not None else params.load(), overrides)
    out = {}
    for group in GROUPS:
        for name in RATE_NAMES:
            path = f"inflow.chain.{group}.{name}"
            entries = [e for e in base[path].entries if e.date <= date]
            if entries and entries[-1].tag == "assumption" and entries[-1].range:
                low, high = entries[-1].range
                out[path] = (float(low), float(entries[-1].value), float(high))
    return out


def distribution(spec: Any) -> Any:
    """A frozen ``scipy.stats`` distribution from a scenario ``DistributionSpec``."""
    try:
        return getattr(stats, spec.dist)(**spec.args)
    except (TypeError, ValueError) as exc:
        raise InputError(Problem("uncertainty.distributions", f"cannot build {spec.dist}: {exc}",
                                 dict(spec.args))) from None


def _triangular(low: float, mode: float, high: float) -> Any:
    if high <= low:
        return stats.uniform(loc=low, scale=0.0)
    return stats.triang(c=(mode - low) / (high - low), loc=low, scale=high - low)


def sample(n_draws: int, seed: int, date: dt.date,
           overrides: Mapping[str, Any] | None = None, *,
           distributions: Mapping[str, Any] | None = None, arrivals_sigma: float = 0.0,
           tree: Any = None) -> tuple[ChainRates, np.ndarray, dict[str, np.ndarray]]:
    """Rates for ``n_draws`` Monte Carlo draws.

    Parameters
    ----------
    n_draws : int
    seed : int
        Root entropy of the ``SeedSequence``.
    date : date
        Rates in force at this date (the start of the horizon).
    overrides : mapping, optional
        Parameter overrides.
    distributions : mapping path → DistributionSpec or frozen scipy distribution, optional
        Replace the triangular default for these paths (also for paths that are not
        assumptions).
    arrivals_sigma : float
        Log-normal sigma of the arrival-level multiplier (0: none).

    Returns
    -------
    rates : ChainRates
        Arrays of shape ``(D, G)``.
    arrival_factor : ndarray, shape (D,)
        Multiplier of the forward arrivals per draw.
    drawn : dict path → ndarray (D,)
        The values drawn for every uncertain path (for the run record).
    """
    if n_draws < 1:
        raise InputError(Problem("uncertainty.n_draws", "expected at least 1 draw", n_draws))
    base = deterministic(date, overrides, tree=tree)
    dists: dict[str, Any] = {p: _triangular(*v) for p, v in
                             uncertain_paths(date, overrides, tree=tree).items()}
    known = {f"inflow.chain.{g}.{n}" for g in GROUPS for n in RATE_NAMES}
    for path, spec in (distributions or {}).items():
        if path not in known:
            raise InputError(Problem(f"uncertainty.distributions.{path}",
                                     "not an inflow chain rate (inflow.chain.GROUP.RATE)", path))
        dists[path] = distribution(spec) if hasattr(spec, "dist") else spec
    order = sorted(dists)
    n_blocks = -(-n_draws // BLOCK)
    root = np.random.SeedSequence(seed)
    columns: dict[str, list[np.ndarray]] = {p: [] for p in order}
    factor_parts = []
    for b in range(n_blocks):
        rng = np.random.default_rng(np.random.SeedSequence(root.entropy, spawn_key=(b,)))
        for path in order:
            columns[path].append(np.asarray(dists[path].rvs(size=BLOCK, random_state=rng),
                                            dtype=float))
        z = rng.standard_normal(BLOCK)
        factor_parts.append(np.exp(float(arrivals_sigma) * z))
    drawn = {p: np.concatenate(v)[:n_draws] for p, v in columns.items()}
    factor = np.concatenate(factor_parts)[:n_draws]
    values = {}
    for name in RATE_NAMES:
        arr = np.repeat(np.asarray(getattr(base, name), dtype=float), n_draws, axis=0)
        for gi, group in enumerate(GROUPS):
            path = f"inflow.chain.{group}.{name}"
            if path in drawn:
                arr[:, gi] = drawn[path]
        values[name] = np.clip(arr, 0.0, 1.0)
    # keep AU exits feasible when both hazards are drawn high
    total = values["au_to_own"] + values["au_left"]
    over = total > 1.0
    values["au_to_own"] = np.where(over, values["au_to_own"] / total, values["au_to_own"])
    values["au_left"] = np.where(over, values["au_left"] / total, values["au_left"])
    caps = np.repeat(np.asarray(base.vu_cap), n_draws, axis=0)
    return ChainRates(vu_cap=caps, **values), factor, drawn
