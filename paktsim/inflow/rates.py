"""Chain rates from the parameter files, deterministic or drawn for a Monte Carlo run.

Rates are read from ``inflow.chain.<group>.<rate>`` and the vU caps from
``fluag.vu_hoechstdauer*``.  For a Monte Carlo run every rate that is a named
assumption gets a triangular distribution over its ``range`` with the default as
mode (or the distribution the scenario names for that path); the arrival level
gets a log-normal multiplier with median 1.

Rates are read month by month (:func:`monthly`): a dated value acts from its month
on.  Calibrated parameters (tag ``calibrated``, written by ``tools/calibrate.py``)
are drawn jointly from the fitted mean and covariance (:mod:`paktsim.calibration`),
including the pre-2014 stock (returned in ``drawn``); a scenario distribution for a
path replaces its draw.

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

from paktsim.errors import InputError, Problem
from paktsim.inflow.arrivals import GROUPS
from paktsim.inflow.kernel import ChainRates

__all__ = [
    "RATE_NAMES",
    "BLOCK",
    "deterministic",
    "monthly",
    "sample",
    "uncertain_paths",
    "distribution",
]

#: The pre-2014 stock: drawn with the rates when calibrated (not a chain rate).
INITIAL = "inflow.initial.own"
RATE_NAMES: tuple[str, ...] = (
    "direct_share",
    "ea_exit",
    "ea_left_share",
    "vu_exit",
    "vu_left_share",
    "au_to_own",
    "au_left",
    "own_left",
    "own_relocate_share",
)
BLOCK = 250
_CAPS = {
    "asyl": ("fluag.vu_hoechstdauer_monate",),
    "ukraine": ("fluag.vu_hoechstdauer_ukraine_monate", "fluag.vu_hoechstdauer_humanitaer_monate"),
    "humanitaer": ("fluag.vu_hoechstdauer_humanitaer_monate",),
}


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
            value = next(
                (v for p in _CAPS[group] if (v := _first_value(p, overrides, tree)) is not None),
                None,
            )
        if value is None:
            raise InputError(Problem(_CAPS[group][0], "no vU cap in force at the start date"))
        caps.append(int(value))
    return np.array(caps)


def deterministic(
    date: dt.date, overrides: Mapping[str, Any] | None = None, *, tree: Any = None
) -> ChainRates:
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


def _tree(overrides: Any, tree: Any) -> Any:
    from paktsim import params

    return params.apply_overrides(tree if tree is not None else params.load(), overrides)


def _entry_index(param: Any, months: pd.PeriodIndex) -> np.ndarray:
    """Index of the entry in force on the first day of each month (-1: none yet)."""
    starts = np.array([np.datetime64(e.date, "D") for e in param.entries])
    days = months.to_timestamp().to_numpy().astype("datetime64[D]")
    return np.searchsorted(starts, days, side="right") - 1


def _path_monthly(
    base: Any, path: str, months: pd.PeriodIndex, first_fallback: bool = False
) -> np.ndarray:
    param = base[path]
    idx = _entry_index(param, months)
    values = np.array([np.nan if e.value is None else float(e.value) for e in param.entries])
    out = np.where(idx >= 0, values[np.maximum(idx, 0)], np.nan)
    if first_fallback:
        known = values[~np.isnan(values)]
        if len(known):
            out = np.where((idx < 0), known[0], out)
    return out


def monthly(
    months: pd.PeriodIndex, overrides: Mapping[str, Any] | None = None, *, tree: Any = None
) -> ChainRates:
    """Rates in force in each month (assumptions at their defaults), shape ``(1, G, T)``.

    A dated change (in the files or an override) acts from its month on and never
    changes an earlier month, whatever horizon a run reports.

    Parameters
    ----------
    months : PeriodIndex
        Contiguous monthly index (the whole run, from January 2014).
    overrides : mapping, optional
    tree : ParameterTree, optional

    Returns
    -------
    ChainRates
        ``monthly=True``; every field ``(1, G, T)``.  Without overrides the same
        read-only object for the same months (memoised per parameter tree).
    """
    from paktsim import params

    def build() -> ChainRates:
        rates = _monthly(months, overrides, tree)
        if not overrides:
            for value in vars(rates).values():
                if isinstance(value, np.ndarray):
                    value.setflags(write=False)
        return rates

    key = ("inflow.rates.monthly", str(months[0]), str(months[-1]), len(months))
    return params.memoised(key, build, overrides, tree=tree)


def _monthly(months: pd.PeriodIndex, overrides: Mapping[str, Any] | None, tree: Any) -> ChainRates:
    base = _tree(overrides, tree)
    values: dict[str, Any] = {}
    for name in RATE_NAMES:
        rows = []
        for group in GROUPS:
            path = f"inflow.chain.{group}.{name}"
            row = _path_monthly(base, path, months)
            if np.isnan(row).any():
                bad = months[np.flatnonzero(np.isnan(row))[0]]
                raise InputError(Problem(path, "no value in force in this month", str(bad)))
            rows.append(row)
        values[name] = np.array(rows)[None]
    caps = []
    for group in GROUPS:
        row = np.full(len(months), np.nan)
        for fallback in (False, True):  # as _caps: first path in force, else a first value
            for path in _CAPS[group]:
                cand = _path_monthly(base, path, months, first_fallback=fallback)
                row = np.where(np.isnan(row), cand, row)
        if np.isnan(row).any():
            raise InputError(
                Problem(
                    _CAPS[group][0],
                    "no vU cap in force",
                    str(months[np.flatnonzero(np.isnan(row))[0]]),
                )
            )
        caps.append(row)
    return ChainRates(vu_cap=np.array(caps)[None].astype(np.intp), monthly=True, **values)


def uncertain_paths(
    date: dt.date, overrides: Mapping[str, Any] | None = None, *, tree: Any = None
) -> dict[str, tuple[float, float, float]]:
    """``path → (low, default, high)`` for every chain rate (and the pre-2014 stock
    ``inflow.initial.own``) that is an assumption, or calibrated (bounds and
    estimate), at ``date``."""
    from paktsim import params

    base = params.apply_overrides(tree if tree is not None else params.load(), overrides)
    out = {}
    for path in [f"inflow.chain.{g}.{n}" for g in GROUPS for n in RATE_NAMES] + [INITIAL]:
        entries = [e for e in base[path].entries if e.date <= date]
        if entries and entries[-1].tag in ("assumption", "calibrated") and entries[-1].range:
            low, high = entries[-1].range
            out[path] = (float(low), float(entries[-1].value), float(high))
    return out


def distribution(spec: Any) -> Any:
    """A frozen ``scipy.stats`` distribution from a scenario ``DistributionSpec``."""
    from scipy import stats  # here, not at import: a central run needs no scipy.stats (~1 s)

    try:
        return getattr(stats, spec.dist)(**spec.args)
    except (TypeError, ValueError) as exc:
        raise InputError(
            Problem(
                "uncertainty.distributions", f"cannot build {spec.dist}: {exc}", dict(spec.args)
            )
        ) from None


def _triangular(low: float, mode: float, high: float) -> Any:
    from scipy import stats

    if high <= low:
        return stats.uniform(loc=low, scale=0.0)
    return stats.triang(c=(mode - low) / (high - low), loc=low, scale=high - low)


def _ppf(dist: Any, u: np.ndarray) -> np.ndarray:
    """Quantile function; a point mass (scale 0, where scipy gives NaN) is its location."""
    out = np.asarray(dist.ppf(u), dtype=float)
    if np.isnan(out).any():
        loc = float(dist.kwds.get("loc", dist.args[0] if dist.args else 0.0))
        out = np.where(np.isnan(out), loc, out)
    return out


def sample(
    n_draws: int,
    seed: int,
    date: dt.date,
    overrides: Mapping[str, Any] | None = None,
    *,
    distributions: Mapping[str, Any] | None = None,
    arrivals_sigma: float = 0.0,
    tree: Any = None,
    months: pd.PeriodIndex | None = None,
    first_draw: int = 0,
) -> tuple[ChainRates, np.ndarray, dict[str, np.ndarray]]:
    """Rates for ``n_draws`` Monte Carlo draws.

    Every uncertain path gets one uniform number per draw; in each month it is
    mapped through the distribution of the entry in force then (a triangular
    over an assumption's range, the scenario's distribution for that path).
    Entries tagged ``calibrated`` are drawn jointly from the fitted mean and
    covariance (:func:`paktsim.calibration.fitted`), so correlated parameters
    move together.

    Parameters
    ----------
    n_draws : int
    seed : int
        Root entropy of the ``SeedSequence``.
    date : date
        Without ``months``: rates in force at this date, constant over the run.
    overrides : mapping, optional
        Parameter overrides.
    distributions : mapping path → DistributionSpec or frozen scipy distribution, optional
        Replace the default for these paths in every month (also for paths that
        are not assumptions).
    arrivals_sigma : float
        Log-normal sigma of the arrival-level multiplier (0: none).
    months : PeriodIndex, optional
        Draw monthly rates (``ChainRates.monthly``) over these months.
    first_draw : int
        Number of the first draw returned: ``sample(n, …, first_draw=k)`` gives
        draws ``k … k + n - 1`` of the same ensemble, the same values as rows
        ``k …`` of a sample from draw 0 (random numbers come in fixed blocks of
        draws), so an ensemble can be sampled chunk by chunk.

    Returns
    -------
    rates : ChainRates
        Arrays of shape ``(D, G)`` (``(D, G, T)`` with ``months``).
    arrival_factor : ndarray, shape (D,)
        Multiplier of the forward arrivals per draw.
    drawn : dict path → ndarray (D,)
        The values drawn for every uncertain path (in force at ``date`` / in the
        last month with ``months``), for the run record.
    """
    from paktsim import calibration

    if n_draws < 1:
        raise InputError(Problem("uncertainty.n_draws", "expected at least 1 draw", n_draws))
    base_tree = _tree(overrides, tree)
    if months is None:
        months = pd.PeriodIndex([pd.Period(date, freq="M")], name="month")
        constant = True
    else:
        constant = False
    base = monthly(months, overrides, tree=tree)
    known = {f"inflow.chain.{g}.{n}" for g in GROUPS for n in RATE_NAMES}
    user: dict[str, Any] = {}
    for path, spec in (distributions or {}).items():
        if path not in known | {INITIAL}:
            raise InputError(
                Problem(
                    f"uncertainty.distributions.{path}",
                    "not an inflow chain rate (inflow.chain.GROUP.RATE)",
                    path,
                )
            )
        user[path] = distribution(spec) if hasattr(spec, "dist") else spec
    # per path: (month index of entries, {entry index: distribution}) for assumption entries
    assumed: dict[str, tuple[np.ndarray, dict[int, Any]]] = {}
    calibrated_paths: set[str] = set()
    if INITIAL in user:
        assumed[INITIAL] = (np.zeros(len(months), dtype=int), {})
    for path in sorted(known):
        param = base_tree[path]
        idx = _entry_index(param, months)
        per_entry = {}
        for i in np.unique(idx[idx >= 0]):
            e = param.entries[int(i)]
            if e.tag == "assumption" and e.range:
                per_entry[int(i)] = _triangular(
                    float(e.range[0]), float(e.value), float(e.range[1])
                )
            elif e.tag == "calibrated":
                calibrated_paths.add(path)
        if per_entry or path in user:
            assumed[path] = (idx, per_entry)
    fit = calibration.fitted(tree=base_tree) if calibrated_paths else None
    order = sorted(assumed)
    first_block = int(first_draw) // BLOCK
    n_blocks = -(-(int(first_draw) + n_draws) // BLOCK)
    skip = slice(
        int(first_draw) - first_block * BLOCK, int(first_draw) - first_block * BLOCK + n_draws
    )
    root = np.random.SeedSequence(seed)
    uniforms: dict[str, list[np.ndarray]] = {p: [] for p in order}
    factor_parts, joint_parts = [], []
    for b in range(first_block, n_blocks):
        rng = np.random.default_rng(np.random.SeedSequence(root.entropy, spawn_key=(b,)))
        for path in order:
            uniforms[path].append(rng.random(BLOCK))
        z = rng.standard_normal(BLOCK)
        factor_parts.append(np.exp(float(arrivals_sigma) * z))
        if fit is not None:
            joint_parts.append(fit.sample(rng, BLOCK))
    factor = np.concatenate(factor_parts)[skip]
    t_n = len(months)
    values = {
        name: np.repeat(np.asarray(getattr(base, name), dtype=float), n_draws, axis=0)
        for name in RATE_NAMES
    }
    drawn: dict[str, np.ndarray] = {}
    if fit is not None:
        joint = np.concatenate(joint_parts)[skip]  # (D, K)
        for k, path in enumerate(fit.paths):
            if path not in known:  # e.g. the pre-2014 stock: the caller applies it
                drawn[path] = joint[:, k].copy()
                continue
            if path not in calibrated_paths:
                continue
            group, name = path.split(".")[2:4]
            gi = GROUPS.index(group)
            param = base_tree[path]
            idx = _entry_index(param, months)
            mask = np.array([i >= 0 and param.entries[int(i)].tag == "calibrated" for i in idx])
            arr = values[name][:, gi, :]
            values[name][:, gi, :] = np.where(mask[None, :], joint[:, k][:, None], arr)
            drawn[path] = joint[:, k].copy()
    for path in order:
        u = np.concatenate(uniforms[path])[skip]
        if path == INITIAL:  # a user distribution for the pre-2014 stock
            drawn[path] = _ppf(user[path], u)
            continue
        idx, per_entry = assumed[path]
        group, name = path.split(".")[2:4]
        gi = GROUPS.index(group)
        arr = values[name][:, gi, :]
        if path in user:
            col = _ppf(user[path], u)
            arr = np.repeat(col[:, None], t_n, axis=1)
        else:
            for i, dist in per_entry.items():
                col = _ppf(dist, u)
                arr = np.where((idx == i)[None, :], col[:, None], arr)
        values[name][:, gi, :] = arr
        drawn[path] = arr[:, -1].copy()
    for name in RATE_NAMES:
        values[name] = np.clip(values[name], 0.0, 1.0)
    # keep AU exits feasible when both hazards are drawn high
    total = values["au_to_own"] + values["au_left"]
    over = total > 1.0
    values["au_to_own"] = np.where(over, values["au_to_own"] / total, values["au_to_own"])
    values["au_left"] = np.where(over, values["au_left"] / total, values["au_left"])
    caps = np.repeat(np.asarray(base.vu_cap), n_draws, axis=0)
    if constant:
        return (
            ChainRates(vu_cap=caps[..., 0], **{k: v[..., 0] for k, v in values.items()}),
            factor,
            drawn,
        )
    return ChainRates(vu_cap=caps, monthly=True, **values), factor, drawn
