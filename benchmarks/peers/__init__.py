"""Peer implementations of paktsim's Land-level stage chain, for side-by-side timing.

The same chain (arrivals → Erstaufnahme → vU conveyor with exit hazard and hard
cap → Anschlussunterbringung → own housing, leaving Baden-Württemberg from every
stage) written three ways, run on identical inputs:

* paktsim: :func:`paktsim.inflow.kernel.run_chain` (one draw, three groups, one
  segment — the Land total, which is all a Land-level run needs);
* PySD: ``stage_chain.mdl`` (Vensim), translated by :mod:`pysd`
  (:mod:`benchmarks.peers.pysd_chain`);
* pandas: a loop over months with DataFrame/Series row operations
  (:mod:`benchmarks.peers.pandas_rowwise`).

:func:`land_inputs` builds the shared inputs from paktsim's status-quo scenario;
every implementation returns ``{stage: ndarray (G, T)}`` of end-of-month stocks
for ``ea, vu, au, own`` so they can be compared element by element.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LandInputs", "land_inputs", "paktsim_chain", "STAGES", "RATES", "max_abs_diff"]

STAGES: tuple[str, ...] = ("ea", "vu", "au", "own")
RATES: tuple[str, ...] = (
    "direct_share",
    "ea_exit",
    "ea_left_share",
    "vu_exit",
    "vu_left_share",
    "au_to_own",
    "au_left",
    "own_left",
)


@dataclass(frozen=True)
class LandInputs:
    """Inputs of one Land-level chain run.

    Attributes
    ----------
    groups : tuple of str
        Arrival groups (``paktsim.inflow.arrivals.GROUPS``).
    arrivals : ndarray, shape (G, T)
        Persons arriving per group and month.
    rates : dict name → ndarray (G,)
        Monthly rates (:data:`RATES`).
    vu_cap : ndarray of int, shape (G,)
        Hard cap on months in vU.
    initial_own : ndarray, shape (G,)
        Persons in own housing before the first month.
    """

    groups: tuple[str, ...]
    arrivals: np.ndarray
    rates: dict[str, np.ndarray]
    vu_cap: np.ndarray
    initial_own: np.ndarray

    @property
    def months(self) -> int:
        return self.arrivals.shape[1]


def land_inputs(months: int | None = None) -> LandInputs:
    """Inputs from the status-quo scenario: the arrival path from January 2014
    (historic, then the baseline forward path), the chain rates in force at the
    horizon start (2025-01-01) and the pre-2014 stock in own housing.

    Parameters
    ----------
    months : int, optional
        Use only the first ``months`` months (default: the whole path, 2014-01
        to the horizon end).
    """
    import pandas as pd

    from paktsim import params
    from paktsim.inflow import arrivals as arrivals_mod
    from paktsim.inflow.arrivals import GROUPS, HISTORIC_START
    from paktsim.inflow.rates import deterministic
    from paktsim.scenario import builtin_scenario

    scenario = builtin_scenario("status_quo")
    end = pd.Period(scenario.horizon.end, freq="M")
    path = arrivals_mod.build(scenario.arrivals, end).loc[:end]
    arr = path[list(GROUPS)].to_numpy(dtype=float).T
    if months is not None:
        arr = arr[:, :months]
    start = pd.Period(scenario.horizon.start, freq="M").start_time.date()
    rates = deterministic(start)
    init = float(params.at(HISTORIC_START.start_time.date())["inflow.initial.own"] or 0.0)
    initial = np.zeros(len(GROUPS))
    initial[0] = init  # as paktsim.inflow.model: pre-2014 stock counted with asylum seekers
    return LandInputs(
        groups=tuple(GROUPS),
        arrivals=np.ascontiguousarray(arr),
        rates={name: np.asarray(getattr(rates, name), dtype=float)[0] for name in RATES},
        vu_cap=np.asarray(rates.vu_cap)[0].astype(int),
        initial_own=initial,
    )


def paktsim_chain(inputs: LandInputs) -> dict[str, np.ndarray]:
    """End-of-month stocks ``{stage: (G, T)}`` from :func:`paktsim.inflow.kernel.run_chain`."""
    from paktsim.inflow.kernel import ChainRates, run_chain

    rates = ChainRates(
        vu_cap=inputs.vu_cap[None, :],
        **{name: value[None, :] for name, value in inputs.rates.items()},
    )
    res = run_chain(
        inputs.arrivals[None],
        rates,
        np.zeros(inputs.months, dtype=int),
        n_segments=1,
        initial_own=inputs.initial_own[None, :],
    )
    out = {}
    for stage in STAGES:
        arr = res.stocks[stage][0]
        out[stage] = arr.sum(axis=1) if arr.ndim == 3 else arr  # (G, S, T) → (G, T)
    return out


def max_abs_diff(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    """Largest absolute difference (persons) over all stages, groups and months."""
    return max(float(np.abs(np.asarray(a[s]) - np.asarray(b[s])).max()) for s in STAGES)
