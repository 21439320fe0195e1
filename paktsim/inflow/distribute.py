"""Distribution keys Land → Kreise → Gemeinden, by segment of months.

FlüAG BW: the Land assigns people to the Kreise for vorläufige Unterbringung by
the Kreis's share of the Land population; the Kreis assigns them to its
Gemeinden for Anschlussunterbringung by the Gemeinde's share of the Kreis
population.  The population vintage in force in a month is the latest bundled
vintage with a reference date before that month (31.12.Y is used from January
Y+1), capped at the scenario's data vintage.

Months using the same vintage form a *segment*.  A person's Kreis and Gemeinde
follow the keys of the month they leave Erstaufnahme (or arrive, on the direct
path), so place stocks are exactly ``Σ_segment key[segment, place] ×
land_stock[segment]`` (see :mod:`paktsim.inflow.kernel`).

Users may replace either key by their own weights (e.g. real assignments) and
may give reception credits: a Kreis hosting a reception facility gets its key
weight reduced by the credit share (the rest renormalised).  FACTS.md marks the
real credit rules as uncertain, so there is no default credit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem

__all__ = ["Keys", "vintage_for", "segments", "build_keys"]


def vintage_for(month: pd.Period, latest: int | None = None) -> int:
    """Population vintage in force in ``month`` (latest vintage year < month's year).

    Parameters
    ----------
    month : Period
    latest : int, optional
        Do not use vintages after this one (the scenario's data vintage).
    """
    from paktsim.regions import VINTAGES

    allowed = [v for v in VINTAGES if latest is None or v <= latest] or [min(VINTAGES)]
    earlier = [v for v in allowed if v < month.year]
    return max(earlier) if earlier else min(allowed)


def segments(index: pd.PeriodIndex, latest: int | None = None) -> tuple[np.ndarray, list[int]]:
    """Segment index per month and the vintage of each segment.

    Returns
    -------
    segment : ndarray of int, shape (T,)
    vintages : list of int
        ``vintages[s]`` is the population vintage of segment ``s`` (ascending).
    """
    per_month = np.array([vintage_for(p, latest) for p in
                          pd.period_range(index[0], index[-1], freq="M")])
    if len(per_month) != len(index):
        raise ValueError("index must be a contiguous monthly range")
    vintages = sorted(set(per_month.tolist()))
    return np.searchsorted(vintages, per_month), vintages


@dataclass(frozen=True)
class Keys:
    """Distribution keys per segment.

    Attributes
    ----------
    kreis_ags : Index
        The 44 Kreis keys (sorted).
    gemeinde_ags : Index
        The 1,101 Gemeinde keys (sorted).
    kreis_of : ndarray of int, shape (P,)
        Position of each Gemeinde's Kreis in ``kreis_ags``.
    kreis : ndarray, shape (S, K)
        Share of the Land going to each Kreis (rows sum to 1).
    gemeinde : ndarray, shape (S, P)
        Share of the Land going to each Gemeinde (rows sum to 1;
        ``= kreis[:, kreis_of] × share within the Kreis``).
    vintages : list of int
        Population vintage of each segment.
    """

    kreis_ags: pd.Index
    gemeinde_ags: pd.Index
    kreis_of: np.ndarray
    kreis: np.ndarray
    gemeinde: np.ndarray
    vintages: list[int]


def _weights(user: pd.Series | None, default: pd.Series, name: str) -> pd.Series:
    if user is None:
        return default.astype(float)
    user = pd.Series(user, dtype=float)
    user.index = user.index.astype(str)
    unknown = sorted(set(user.index) - set(default.index))
    missing = sorted(set(default.index) - set(user.index))
    problems = []
    if unknown:
        problems.append(Problem(name, "unknown AGS", unknown[:5]))
    if missing:
        problems.append(Problem(name, f"{len(missing)} AGS without a weight", missing[:5]))
    bad = user[~np.isfinite(user) | (user < 0)]
    if len(bad):
        problems.append(Problem(f"{name}:{bad.index[0]}", "expected a weight >= 0", bad.iloc[0]))
    if problems:
        raise InputError(problems)
    return user.reindex(default.index)


def build_keys(vintages: list[int], *, kreis_key: pd.Series | None = None,
               gemeinde_key: pd.Series | None = None,
               credits: Mapping[str, float] | None = None) -> Keys:
    """Keys for each vintage (segment).

    Parameters
    ----------
    vintages : list of int
        Population vintage of each segment.
    kreis_key : Series, optional
        User weights per Kreis AGS (5 digits) replacing the population key in every
        segment; normalised to shares.
    gemeinde_key : Series, optional
        User weights per Gemeinde AGS (8 digits) replacing the population key
        within each Kreis; normalised within the Kreis.
    credits : mapping Kreis AGS → share in [0, 1), optional
        Reception-facility credits: the Kreis's key weight is multiplied by
        ``1 - credit`` before normalising.

    Raises
    ------
    InputError
        Unknown or missing AGS, negative weights, a Kreis whose Gemeinden all
        have weight zero, a credit outside [0, 1).
    """
    from paktsim import regions

    base_m = regions.municipalities(vintages[-1])
    gem_ags = pd.Index(sorted(base_m.index), name="ags")
    kreis_ags = pd.Index(sorted(base_m["kreis_ags"].unique()), name="ags")
    kreis_of_s = base_m["kreis_ags"].reindex(gem_ags)
    kreis_of = kreis_ags.get_indexer(kreis_of_s)
    problems = []
    for ags, c in (credits or {}).items():
        if str(ags) not in kreis_ags:
            problems.append(Problem(f"credits.{ags}", "unknown Kreis AGS", ags))
        elif not (0 <= float(c) < 1):
            problems.append(Problem(f"credits.{ags}", "expected a share in [0, 1)", c))
    if problems:
        raise InputError(problems)
    credit = pd.Series(1.0, index=kreis_ags)
    for ags, c in (credits or {}).items():
        credit[str(ags)] = 1.0 - float(c)

    kreis_rows, gem_rows = [], []
    for v in vintages:
        pop_m = regions.municipalities(v)["population"].reindex(gem_ags).astype(float)
        pop_k = pd.Series(np.bincount(kreis_of, weights=pop_m.to_numpy(), minlength=len(kreis_ags)),
                          index=kreis_ags)
        wk = _weights(kreis_key, pop_k, "kreis_key") * credit
        wg = _weights(gemeinde_key, pop_m, "gemeinde_key").to_numpy()
        if wk.sum() <= 0:
            raise InputError(Problem("kreis_key", "weights sum to zero", float(wk.sum())))
        k_share = (wk / wk.sum()).to_numpy()
        within_tot = np.bincount(kreis_of, weights=wg, minlength=len(kreis_ags))
        empty = np.flatnonzero(within_tot <= 0)
        if len(empty):
            raise InputError(Problem(f"gemeinde_key:{kreis_ags[empty[0]]}",
                                     "all Gemeinden of this Kreis have weight zero", 0))
        within = wg / within_tot[kreis_of]
        kreis_rows.append(k_share)
        gem_rows.append(k_share[kreis_of] * within)
    return Keys(kreis_ags, gem_ags, kreis_of, np.array(kreis_rows), np.array(gem_rows),
                list(vintages))
