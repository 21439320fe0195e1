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

Reception credits (FlüAG privilege of Erstaufnahme sites, ``../shared/EVIDENCE.md``
§1) are applied month by month from the bundled site table
(``paktsim/data/erstaufnahme.csv``, :func:`sites`): while a privileged site is
open, its host Kreis's vU key weight is multiplied by ``1 − p`` (``p`` =
``fluag.privileg.vu_stadtkreis`` for a Stadtkreis, ``vu_landkreis_lea`` for a Landkreis
hosting a permanent LEA / arrival centre, ``vu_landkreis`` for other sites, or the
site's own published strength ``fluag.privileg.vu_site_<site id>`` where a source states
one; the other Kreise renormalise: ``s_k (1 − p_k) / Σ_j s_j (1 − p_j)``), and its host
Gemeinde's AU weight by ``1 − fluag.privileg.au_gemeinde`` (its Kreis
renormalises over the other Gemeinden).  Ukrainians and humanitarian admissions
carry no privilege: they follow the plain keys.  A segment is therefore a
*regime* — a distinct (population vintage, privilege) combination — and asylum
seekers and the other groups may be in different segments in the same month
(``Keys.segment`` has one row per group).  Setting every ``fluag.privileg.vu_*``
parameter to 0 gives the pure population key of the Kreise.

Users may also replace either key by their own weights (e.g. real assignments)
and give extra constant credits per Kreis (``credits``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem

__all__ = [
    "Keys",
    "vintage_for",
    "segments",
    "build_keys",
    "sites",
    "site_weights",
    "month_keys",
    "foreign_share",
    "initial_key",
]


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
    per_month = np.array(
        [vintage_for(p, latest) for p in pd.period_range(index[0], index[-1], freq="M")]
    )
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
    segment : ndarray of int, shape (G, T), optional
        Segment in force per group and month (:func:`month_keys`).
    site_gemeinde : ndarray of int, shape (N_sites,), optional
        Position of each Erstaufnahme site's host Gemeinde in ``gemeinde_ags``.
    site_weight : ndarray, shape (T, N_sites), optional
        Share of the Erstaufnahme stock on each site per month (capacity of the
        open sites).
    privilege : ndarray, shape (T, K), optional
        vU privilege ``p`` of each Kreis per month (asylum seekers).
    initial_segment : int, optional
        Segment of the pre-2014 stock (its own key, see :func:`month_keys`).
    site_capacity : ndarray, shape (T, N_sites), optional
        Regular capacity of each site in the months it is open (0 when closed).
    site_permanent : ndarray of bool, shape (N_sites,), optional
        Permanent sites (LEA, AZ, EA); the others (BEA, NU) take only the overflow.
    """

    kreis_ags: pd.Index
    gemeinde_ags: pd.Index
    kreis_of: np.ndarray
    kreis: np.ndarray
    gemeinde: np.ndarray
    vintages: list[int]
    segment: np.ndarray | None = None
    site_gemeinde: np.ndarray | None = None
    site_weight: np.ndarray | None = None
    privilege: np.ndarray | None = None
    initial_segment: int | None = None
    site_capacity: np.ndarray | None = None
    site_permanent: np.ndarray | None = None


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


def build_keys(
    vintages: list[int],
    *,
    kreis_key: pd.Series | None = None,
    gemeinde_key: pd.Series | None = None,
    credits: Mapping[str, float] | None = None,
) -> Keys:
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
        pop_k = pd.Series(
            np.bincount(kreis_of, weights=pop_m.to_numpy(), minlength=len(kreis_ags)),
            index=kreis_ags,
        )
        wk = _weights(kreis_key, pop_k, "kreis_key") * credit
        wg = _weights(gemeinde_key, pop_m, "gemeinde_key").to_numpy()
        if wk.sum() <= 0:
            raise InputError(Problem("kreis_key", "weights sum to zero", float(wk.sum())))
        k_share = (wk / wk.sum()).to_numpy()
        within_tot = np.bincount(kreis_of, weights=wg, minlength=len(kreis_ags))
        empty = np.flatnonzero(within_tot <= 0)
        if len(empty):
            raise InputError(
                Problem(
                    f"gemeinde_key:{kreis_ags[empty[0]]}",
                    "all Gemeinden of this Kreis have weight zero",
                    0,
                )
            )
        within = wg / within_tot[kreis_of]
        kreis_rows.append(k_share)
        gem_rows.append(k_share[kreis_of] * within)
    return Keys(
        kreis_ags, gem_ags, kreis_of, np.array(kreis_rows), np.array(gem_rows), list(vintages)
    )


def sites() -> pd.DataFrame:
    """The bundled Erstaufnahme sites (``paktsim/data/erstaufnahme.csv``).

    Returns
    -------
    DataFrame
        One row per site: ``site, name, kind, ags, kreis_ags, open_from, open_to``
        (``Period`` months; ``NaT`` = open before 2014 / still open), ``capacity,
        capacity_peak, privileged, source, tag, note``.
    """
    from importlib.resources import files

    with files("paktsim.data").joinpath("erstaufnahme.csv").open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(
            fh,
            dtype={"ags": str, "kreis_ags": str, "open_from": str, "open_to": str},
            keep_default_na=False,
        )
    for col in ("open_from", "open_to"):
        frame[col] = pd.PeriodIndex(
            [pd.Period(v, freq="M") if v else pd.NaT for v in frame[col]], freq="M"
        )
    frame["privileged"] = frame["privileged"].astype(str).str.lower().eq("true")
    return frame


def _open(table: pd.DataFrame, months: pd.PeriodIndex) -> np.ndarray:
    """(T, N_sites) bool: site open in the month."""
    t = months.asi8[:, None]
    lo = np.array(
        [p.ordinal if not pd.isna(p) else np.iinfo(np.int64).min for p in table["open_from"]]
    )[None, :]
    hi = np.array(
        [p.ordinal if not pd.isna(p) else np.iinfo(np.int64).max for p in table["open_to"]]
    )[None, :]
    return (t >= lo) & (t <= hi)


def site_weights(months: pd.PeriodIndex, table: pd.DataFrame | None = None) -> np.ndarray:
    """Share of the Erstaufnahme stock on each site, ``(T, N_sites)`` (rows sum to 1).

    The stock is spread over the sites open in a month in proportion to their
    published regular capacity (no per-site occupancy series is published).
    """
    table = sites() if table is None else table
    w = _open(table, months) * table["capacity"].to_numpy(dtype=float)[None, :]
    tot = w.sum(axis=1, keepdims=True)
    return np.divide(w, tot, out=np.zeros_like(w), where=tot > 0)


def month_keys(
    months: pd.PeriodIndex,
    latest: int | None = None,
    *,
    groups: tuple[str, ...] = ("asyl", "ukraine", "humanitaer"),
    privileged_groups: tuple[str, ...] = ("asyl",),
    kreis_key: pd.Series | None = None,
    gemeinde_key: pd.Series | None = None,
    credits: Mapping[str, float] | None = None,
    overrides: Mapping[str, Any] | None = None,
    tree: Any = None,
) -> Keys:
    """Keys month by month: population vintage × reception credits of the open sites.

    Parameters
    ----------
    months : PeriodIndex
        Contiguous months of the run.
    latest : int, optional
        Latest population vintage to use (the scenario's data vintage).
    groups : tuple of str
        Arrival groups (rows of ``Keys.segment``).
    privileged_groups : tuple of str
        Groups the privilege applies to (asylum seekers; not Ukrainians or
        humanitarian admissions, EVIDENCE.md §1).
    kreis_key, gemeinde_key, credits
        As :func:`build_keys`.
    overrides, tree
        Parameters (the ``fluag.privileg.*`` shares are read month by month).

    Returns
    -------
    Keys
        With ``segment`` (G, T), ``site_weight``, ``site_gemeinde`` and ``privilege``.
        Without user keys, credits and overrides the same (read-only) object for
        the same months (memoised per parameter tree: every scenario of a
        dashboard shares it).
    """
    from paktsim import params

    def build() -> Keys:
        keys = _month_keys(
            months,
            latest,
            groups,
            privileged_groups,
            kreis_key,
            gemeinde_key,
            credits,
            overrides,
            tree,
        )
        if not overrides and kreis_key is None and gemeinde_key is None and credits is None:
            for value in vars(keys).values():
                if isinstance(value, np.ndarray):
                    value.setflags(write=False)
        return keys

    if kreis_key is not None or gemeinde_key is not None or credits is not None:
        return build()
    key = (
        "inflow.distribute.month_keys",
        str(months[0]),
        str(months[-1]),
        len(months),
        latest,
        tuple(groups),
        tuple(privileged_groups),
    )
    return params.memoised(key, build, overrides, tree=tree)


def _month_keys(
    months: pd.PeriodIndex,
    latest: int | None,
    groups: tuple[str, ...],
    privileged_groups: tuple[str, ...],
    kreis_key: pd.Series | None,
    gemeinde_key: pd.Series | None,
    credits: Mapping[str, float] | None,
    overrides: Mapping[str, Any] | None,
    tree: Any,
) -> Keys:
    from paktsim import params, regions

    seg_v, vintages = segments(months, latest)
    v_of_month = np.asarray(vintages)[seg_v]
    table = sites()
    base = build_keys(
        [vintages[-1]], kreis_key=kreis_key, gemeinde_key=gemeinde_key, credits=credits
    )
    kreis_ags, gem_ags, kreis_of = base.kreis_ags, base.gemeinde_ags, base.kreis_of
    first, last = months[0].start_time, months[-1].start_time

    def share(path: str) -> np.ndarray:
        values = params.monthly(path, first, last, overrides, tree=tree)
        return values.astype("Float64").fillna(0.0).to_numpy(dtype=float)

    p_sk, p_lk, p_lea, q_g = (
        share(f"fluag.privileg.{n}")
        for n in ("vu_stadtkreis", "vu_landkreis", "vu_landkreis_lea", "au_gemeinde")
    )
    # a site with a published strength of its own: fluag.privileg.vu_site_<site id>
    known = tree if tree is not None else params.load()
    own_sites = [j for j, s in enumerate(table["site"]) if f"fluag.privileg.vu_site_{s}" in known]
    p_own = (
        np.column_stack(
            [share(f"fluag.privileg.vu_site_{table['site'].iloc[j]}") for j in own_sites]
        )
        if own_sites
        else np.zeros((len(months), 0))
    )
    is_open = _open(table, months) & table["privileged"].to_numpy()[None, :]  # (T, N)
    kreis_pos = kreis_ags.get_indexer(table["kreis_ags"])
    gem_pos = gem_ags.get_indexer(table["ags"])
    if (kreis_pos < 0).any() or (gem_pos < 0).any():
        raise InputError(
            Problem(
                "erstaufnahme.csv",
                "site with an unknown AGS",
                list(table.loc[(kreis_pos < 0) | (gem_pos < 0), "ags"]),
            )
        )
    t_n = len(months)
    # regimes: distinct (vintage, open sites, privilege shares) rows — a narrow matrix, so
    # np.unique is cheap; the unprivileged groups see no open site
    signature = np.column_stack([v_of_month, is_open, p_sk, p_lk, p_lea, q_g, p_own]).astype(float)
    plain = signature.copy()
    plain[:, 1:] = 0.0
    uniq, inverse = np.unique(np.concatenate([signature, plain]), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    r_v = uniq[:, 0].astype(int)
    n_own = len(own_sites)
    r_open = uniq[:, 1 : 1 + len(table)] > 0
    shares = uniq[:, 1 + len(table) :]  # p_sk, p_lk, p_lea, q_g, then the sites' own
    r_psk, r_plk, r_plea, r_q = shares[:, 0], shares[:, 1], shares[:, 2], shares[:, 3]
    r_own = shares[:, shares.shape[1] - n_own :]
    stadt = regions.kreise(vintages[-1])["is_stadtkreis"].reindex(kreis_ags).to_numpy(bool)
    lea = table["kind"].isin(["LEA", "AZ"]).to_numpy()
    # each open site's strength (its own where published, else by kind and Kreis type);
    # a Kreis takes the strongest of its open sites
    site_p = np.where(
        stadt[kreis_pos][None, :],
        r_psk[:, None],
        np.where(lea[None, :], r_plea[:, None], r_plk[:, None]),
    )
    site_p[:, own_sites] = r_own
    site_p = site_p * r_open
    r_p = np.zeros((len(uniq), len(kreis_ags)))
    host_g = np.zeros((len(uniq), len(gem_ags)), dtype=bool)
    for j in range(len(table)):  # a handful of sites, not places
        r_p[:, kreis_pos[j]] = np.maximum(r_p[:, kreis_pos[j]], site_p[:, j])
        host_g[:, gem_pos[j]] |= r_open[:, j]
    r_q = host_g * r_q[:, None]  # (R, P)
    p = r_p[inverse[:t_n]]  # (T, K) privilege of the asylum seekers' key, per month
    pop_keys = build_keys(
        sorted(set(r_v.tolist())), kreis_key=kreis_key, gemeinde_key=gemeinde_key, credits=credits
    )
    v_row = np.searchsorted(pop_keys.vintages, r_v)
    k_pop = pop_keys.kreis[v_row]  # (R, K) shares before privilege
    within_pop = np.divide(
        pop_keys.gemeinde[v_row],
        pop_keys.kreis[v_row][:, kreis_of],
        out=np.zeros((len(uniq), len(gem_ags))),
        where=pop_keys.kreis[v_row][:, kreis_of] > 0,
    )
    wk = k_pop * (1.0 - r_p)
    tot = wk.sum(axis=1, keepdims=True)
    if np.any(tot <= 0):
        raise InputError(Problem("fluag.privileg", "every Kreis is fully privileged", 1.0))
    k_share = wk / tot
    wg = within_pop * (1.0 - r_q)
    wtot = np.zeros((len(uniq), len(kreis_ags)))
    np.add.at(wtot, (slice(None), kreis_of), wg)
    # a Kreis whose every Gemeinde is privileged (a host Stadtkreis) keeps its plain key
    # inside (its own share is then only what its vU privilege leaves)
    empty = wtot[:, kreis_of] <= 0
    within = np.where(
        empty, within_pop, np.divide(wg, wtot[:, kreis_of], out=np.zeros_like(wg), where=~empty)
    )
    gem_share = k_share[:, kreis_of] * within
    seg = np.empty((len(groups), t_n), dtype=np.intp)
    for gi, group in enumerate(groups):
        seg[gi] = inverse[:t_n] if group in privileged_groups else inverse[t_n:]
    # the pre-2014 stock and movers: their own key (population × foreign share^w), no privilege
    w = float(
        params.at(months[0].start_time.date(), overrides, tree=tree)[
            "inflow.initial.auslaender_exponent"
        ]
        or 0.0
    )
    k0, g0 = initial_key(pop_keys, w, v_row[inverse[t_n]], within_pop[inverse[t_n]])
    return Keys(
        kreis_ags,
        gem_ags,
        kreis_of,
        np.vstack([k_share, k0]),
        np.vstack([gem_share, g0]),
        r_v.tolist() + [int(r_v[inverse[t_n]])],
        seg,
        gem_pos,
        site_weights(months, table),
        p,
        len(uniq),
        _open(table, months) * table["capacity"].to_numpy(dtype=float)[None, :],
        ~table["kind"].isin(["BEA", "NU"]).to_numpy(),
    )


def foreign_share() -> pd.Series:
    """Share of foreign nationals in each Kreis's population (INKAR 2017)."""
    from importlib.resources import files

    with files("paktsim.data").joinpath("kreise_indikatoren.csv").open("r", encoding="utf-8") as fh:
        ind = pd.read_csv(fh, dtype={"ags": str}).set_index("ags")
    return ind["auslaenderanteil_2017"].astype(float)


@lru_cache(maxsize=1)
def _foreign_cached() -> pd.Series:
    return foreign_share()


def initial_key(
    pop_keys: Keys, exponent: float, row: int, within: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Kreis and Gemeinde key of the pre-2014 stock and of movers into own housing.

    Kreis weight = population share × (share of foreign nationals) ** ``exponent``;
    inside the Kreis by population.
    """
    k = pop_keys.kreis[row] * _foreign_cached().reindex(pop_keys.kreis_ags).to_numpy() ** exponent
    k = k / k.sum()
    return k, k[pop_keys.kreis_of] * within
