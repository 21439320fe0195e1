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

Reproducibility
---------------
Every draw has its own random stream: the inflow rates come in fixed blocks of
draws (:mod:`paktsim.inflow.rates`), the staffing values from
``SeedSequence(entropy=seed, spawn_key=(STAFFING_STREAM, draw))``.  Draws are
processed in chunks of ``uncertainty.chunk_size`` (memory ``chunk × places ×
years``), and each draw's numbers are computed element-wise, so the same seed
gives exactly the same ensemble whatever the chunk size.

What is kept per draw: the Land's headline figures per year and the ratio per
Kreis and year (small), so quantiles and probabilities are exact, not
streamed approximations.

The allocation (who gets which frame) is taken from the central run: envelopes
do not depend on the draws.  Everything after the monthly stocks is linear up to
the annual mean, so the ensemble works on annual means directly; with every
input fixed it reproduces the central run (tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from paktsim import staffing as st
from paktsim.errors import InputError, Problem

__all__ = ["validate_distributions", "STAFFING_KEYS", "STAFFING_STREAM", "QUANTILES", "EnsembleResult", "run_ensemble",
           "sample_staffing", "tornado", "TORNADO_LABELS"]

#: Staffing assumptions that may carry a distribution, with their valid interval.
STAFFING_KEYS: dict[str, tuple[float, float]] = {
    "staffing.target_ratio": (1e-9, np.inf),
    "staffing.counselling_share": (0.0, 1.0),
    "staffing.group_offer_share": (0.0, 1.0),
    "staffing.vacancy_rate": (0.0, 1.0 - 1e-9),
}
#: First spawn-key element of the staffing streams (keeps them apart from the inflow blocks).
STAFFING_STREAM = 0x57AF
QUANTILES: tuple[float, ...] = (0.1, 0.5, 0.9)
LAND_METRICS: tuple[str, ...] = ("caseload", "fte_needed", "fte_staffed", "ratio_actual",
                                 "gap_fte", "gap_eur", "needed_eur", "cofunding_eur")
_BAND_ROWS = {"fte_needed": "Stellen benötigt (VZÄ)",
              "ratio_actual": "Betreuungsschlüssel tatsächlich (Personen je VZÄ)",
              "gap_fte": "Fehlende Stellen (VZÄ)",
              "gap_eur": "Fehlbetrag Landesmittel (€)",
              "needed_eur": "Mittel benötigt für Zielschlüssel (€)",
              "cofunding_eur": "Kommunaler Eigenanteil inkl. Sachkosten (€)"}


def validate_distributions(distributions: Mapping[str, Any]) -> None:
    """Check a scenario's ``uncertainty.distributions`` before anything runs.

    Every key must be an inflow chain rate (``inflow.chain.GROUP.RATE``) or one of
    :data:`STAFFING_KEYS`, and every distribution must build with its arguments.

    Raises
    ------
    InputError
        One problem per bad key or distribution, located at
        ``uncertainty.distributions.KEY``.
    """
    from paktsim.inflow.arrivals import GROUPS
    from paktsim.inflow.rates import RATE_NAMES, distribution

    known = {f"inflow.chain.{g}.{n}" for g in GROUPS for n in RATE_NAMES} | set(STAFFING_KEYS)
    problems = [Problem(f"uncertainty.distributions.{key}",
                        "expected an inflow chain rate (inflow.chain.GROUP.RATE with GROUP in "
                        f"{', '.join(GROUPS)} and RATE in {', '.join(RATE_NAMES)}) or one of "
                        f"{', '.join(STAFFING_KEYS)}", key)
                for key in sorted(set(distributions) - known)]
    for key, spec in distributions.items():
        if hasattr(spec, "dist"):
            try:
                distribution(spec)
            except InputError as exc:
                problems += [Problem(f"uncertainty.distributions.{key}", p.message, p.value)
                             for p in exc.problems]
    if problems:
        raise InputError(problems)


def _split_distributions(distributions: Mapping[str, Any]) -> tuple[dict, dict]:
    inflow, staff, problems = {}, {}, []
    for key, spec in distributions.items():
        if key.startswith("inflow.chain."):
            inflow[key] = spec
        elif key in STAFFING_KEYS:
            staff[key] = spec
        else:
            problems.append(Problem(f"uncertainty.distributions.{key}",
                                    "expected an inflow chain rate (inflow.chain.GROUP.RATE) or "
                                    f"one of {', '.join(STAFFING_KEYS)}", key))
    if problems:
        raise InputError(problems)
    return inflow, staff


def sample_staffing(distributions: Mapping[str, Any], seed: int, draws: np.ndarray
                    ) -> dict[str, np.ndarray]:
    """Staffing values for the given draw indices (each draw its own stream).

    Parameters
    ----------
    distributions : mapping key → DistributionSpec (or frozen scipy distribution)
        Keys from :data:`STAFFING_KEYS`.
    seed : int
        Root entropy.
    draws : ndarray of int
        Draw indices; the value of draw ``i`` depends only on ``(seed, i)``.

    Returns
    -------
    dict key → ndarray (len(draws),)
        Values clipped to the key's valid interval.
    """
    from paktsim.inflow.rates import distribution

    keys = sorted(distributions)
    if not keys:
        return {}
    frozen = {k: (distribution(v) if hasattr(v, "dist") else v) for k, v in distributions.items()}
    u = np.empty((len(draws), len(keys)))
    for i, d in enumerate(np.asarray(draws, dtype=np.int64)):  # one tiny stream per draw
        rng = np.random.default_rng(np.random.SeedSequence(int(seed),
                                                           spawn_key=(STAFFING_STREAM, int(d))))
        u[i] = rng.random(len(keys))
    out = {}
    for j, key in enumerate(keys):
        values = np.asarray(frozen[key].ppf(u[:, j]), dtype=float)
        if not np.all(np.isfinite(values)):
            raise InputError(Problem(f"uncertainty.distributions.{key}",
                                     "distribution gives non-finite values"))
        low, high = STAFFING_KEYS[key]
        out[key] = np.clip(values, low, high)
    return out


@dataclass(frozen=True, eq=False)
class EnsembleResult:
    """Per-draw headline figures of a Monte Carlo run.

    Attributes
    ----------
    land : dict metric → ndarray (D, Y)
        Land totals per draw and year (metrics :data:`LAND_METRICS`).
    kreis_ratio : ndarray (D, K, Y)
        Persons per staffed FTE per Kreis (NaN without staff).
    drawn : dict key → ndarray (D,)
        Values drawn for every uncertain input (run record).
    """

    n_draws: int
    seed: int
    chunk_size: int
    years: tuple[int, ...]
    kreise: pd.Index
    land: dict[str, np.ndarray]
    kreis_ratio: np.ndarray
    drawn: dict[str, np.ndarray] = field(default_factory=dict)

    def quantiles(self, metric: str, q: tuple[float, ...] = QUANTILES) -> pd.DataFrame:
        """Quantiles of a Land metric per year: index ``year``, columns ``P10, P50, P90``."""
        if metric not in self.land:
            raise InputError(Problem("metric", f"expected one of {', '.join(self.land)}", metric))
        values = np.nanquantile(self.land[metric], q, axis=0)
        return pd.DataFrame(values.T, index=pd.Index(self.years, name="year"),
                            columns=[f"P{round(x * 100)}" for x in q])

    def prob_ratio_above(self, threshold: float, year: int | None = None) -> pd.Series | pd.DataFrame:
        """Probability that a Kreis's ratio exceeds ``threshold`` persons per FTE
        (the overload threshold: :func:`paktsim.pipeline.ratio_alert`).

        A Kreis without staff but with people counts as above.  Returns a Series
        per Kreis for one ``year``, else a DataFrame Kreis × year.
        """
        above = np.where(np.isnan(self.kreis_ratio), True, self.kreis_ratio > threshold)
        prob = pd.DataFrame(above.mean(axis=0), index=self.kreise,
                            columns=pd.Index(self.years, name="year"))
        return prob if year is None else prob[int(year)].rename("probability")

    def prob_any_kreis_above(self, threshold: float) -> pd.Series:
        """Probability per year that at least one Kreis exceeds ``threshold``."""
        above = np.where(np.isnan(self.kreis_ratio), True, self.kreis_ratio > threshold)
        return pd.Series(above.any(axis=1).mean(axis=0), index=pd.Index(self.years, name="year"),
                         name="probability")

    def add_bands(self, summary: pd.DataFrame, years: list[int], threshold: float) -> pd.DataFrame:
        """Insert P10/P50/P90 rows after the uncertain rows of a summary table."""
        rows = []
        pos = {y: i for i, y in enumerate(self.years)}
        idx = [pos[int(y)] for y in years]
        for label, values in summary.iterrows():
            rows.append((label, values.to_numpy()))
            for metric, mlabel in _BAND_ROWS.items():
                if label == mlabel:
                    qs = np.nanquantile(self.land[metric][:, idx], QUANTILES, axis=0)
                    for q, v in zip(QUANTILES, qs):
                        rows.append((f"{label} P{round(q * 100)}", v))
        prob = self.prob_any_kreis_above(threshold).to_numpy()[idx]
        rows.append((f"Wahrscheinlichkeit: mindestens ein Kreis über 1:{threshold:g}", prob))
        out = pd.DataFrame([v for _, v in rows], index=[k for k, _ in rows],
                           columns=summary.columns)
        out.index.name = summary.index.name
        return out


def _chain_chunks(scenario: Any, inflow: Any, n: int, chunk: int, inflow_dists: dict):
    """Yield ``(slice, ChainResult)`` for consecutive chunks of draws."""
    from paktsim.inflow import arrivals as arrivals_mod
    from paktsim.inflow import rates as rates_mod
    from paktsim.inflow.arrivals import GROUPS
    from paktsim.inflow.distribute import segments
    from paktsim.inflow.kernel import ChainRates, run_chain

    first_day = pd.Period(scenario.horizon.start, freq="M").start_time.date()
    rates, factor, drawn = rates_mod.sample(
        n, scenario.seed, first_day, scenario.overrides or None, distributions=inflow_dists,
        arrivals_sigma=scenario.uncertainty.arrivals_sigma)
    path = inflow.arrivals
    base = path[list(GROUPS)].to_numpy().T[None, :, :]
    forward = np.asarray(inflow.all_months > arrivals_mod.HISTORIC_END)
    seg, vintages = segments(inflow.all_months, scenario.data.vintage)
    init = np.asarray(inflow.initial_own)[:1]
    yield None, {**drawn, "arrivals_factor": factor}
    for lo in range(0, n, chunk):
        sl = slice(lo, min(n, lo + chunk))
        r = ChainRates(**{f.name: np.asarray(getattr(rates, f.name))[sl] for f in fields(ChainRates)})
        arr = np.where(forward, base * factor[sl, None, None], base)
        chain = run_chain(arr, r, seg, n_segments=len(vintages),
                          initial_own=np.repeat(init, sl.stop - sl.start, axis=0))
        yield sl, chain


def run_ensemble(scenario: Any, *, base_dir: Any = None, n_draws: int | None = None,
                 chunk_size: int | None = None, _base: dict | None = None,
                 _grid: st.YearGrid | None = None, _rates: st.CostRates | None = None
                 ) -> EnsembleResult:
    """Monte Carlo ensemble of the headline figures.

    Parameters
    ----------
    scenario : Scenario
        Uses ``uncertainty`` (n_draws, chunk_size, arrivals_sigma, distributions)
        and ``seed``.
    n_draws, chunk_size : int, optional
        Override the scenario's values.

    Returns
    -------
    EnsembleResult
    """
    from paktsim import pipeline

    n = int(scenario.uncertainty.n_draws if n_draws is None else n_draws)
    chunk = int(scenario.uncertainty.chunk_size if chunk_size is None else chunk_size)
    if n < 1:
        raise InputError(Problem("uncertainty.n_draws", "expected at least 1 draw", n))
    if chunk < 1:
        raise InputError(Problem("uncertainty.chunk_size", "expected at least 1", chunk))
    inflow_dists, staff_dists = _split_distributions(scenario.uncertainty.distributions)
    bd = None if base_dir is None else str(base_dir)
    if _base is None:
        central = pipeline.run_scenario(scenario, base_dir=base_dir, ensemble=False)
        grid = st.YearGrid(scenario.horizon.start, scenario.horizon.end)
        rates = central.rates
        inflow = central.inflow
        key, places = pipeline._level_keys(inflow, central.level)
        funded = np.repeat(central.places["fte_funded"].to_numpy().reshape(len(places), -1),
                           grid.n_months, axis=1)
        frame = central.places["frame_eur"].to_numpy().reshape(len(places), -1)
    else:
        grid, rates = _grid, _rates
        inflow = pipeline._inflow(scenario, bd)
        key, places = _base["key"], _base["place_index"]
        funded, frame = _base["funded"], _base["frame"]
    rates = rates.select(grid.years)
    a = st.StaffingAssumptions.from_spec(scenario.staffing)
    staffed0 = grid.mean(st.staffed_fte(funded, a.hiring_lag_months, 0.0))  # (N, Y)
    frac = grid.months_fraction()
    kreis_codes = places.str[:5]
    kreis_index = pd.Index(pd.unique(kreis_codes), name="kreis_ags")
    starts = np.flatnonzero(np.r_[True, kreis_codes[1:] != kreis_codes[:-1]])
    if len(starts) != len(kreis_index):
        raise InputError(Problem("places", "places must be sorted by Kreis"))

    land = {m: np.empty((n, len(grid.years))) for m in LAND_METRICS}
    kreis_ratio = np.empty((n, len(kreis_index), len(grid.years)))
    drawn: dict[str, np.ndarray] = {}
    staff = sample_staffing(staff_dists, scenario.seed, np.arange(n))
    drawn.update(staff)

    def per_draw(name: str, default: float, sl: slice) -> np.ndarray:
        if name in staff:
            return staff[name][sl][:, None, None]
        return np.full((sl.stop - sl.start, 1, 1), float(default))

    for sl, chain in _chain_chunks(scenario, inflow, n, chunk, inflow_dists):
        if sl is None:
            drawn.update(chain)
            continue
        segs = _segments_from_chain(chain, inflow, scenario.staffing)  # (c, S, T)
        people = pipeline.to_places(grid.mean(segs), key)              # (c, N, Y)
        cs = per_draw("staffing.counselling_share", a.counselling_share, sl)
        go = per_draw("staffing.group_offer_share", a.group_offer_share, sl)
        ratio = per_draw("staffing.target_ratio", a.target_ratio, sl)
        vac = per_draw("staffing.vacancy_rate", a.vacancy_rate, sl)
        cl = people * cs * (1.0 - go)
        need = cl / ratio
        staffed = staffed0[None] * (1.0 - vac)
        gap = np.maximum(need - staffed, 0.0)
        land_pay = np.minimum(np.rint(staffed * rates.land_per_fte * frac), frame[None])
        cofund = (np.rint(staffed * rates.employer_cost * frac)
                  + np.rint(staffed * rates.sachkosten * frac) - land_pay)
        tot = {"caseload": cl.sum(axis=1), "fte_needed": need.sum(axis=1),
               "fte_staffed": staffed.sum(axis=1), "gap_fte": gap.sum(axis=1),
               "gap_eur": np.rint(gap * rates.foerdersatz * frac).sum(axis=1),
               "cofunding_eur": cofund.sum(axis=1)}
        tot["needed_eur"] = np.rint(tot["fte_needed"] * rates.foerdersatz)
        with np.errstate(divide="ignore", invalid="ignore"):
            tot["ratio_actual"] = np.where(tot["fte_staffed"] > 0,
                                           tot["caseload"] / tot["fte_staffed"], np.nan)
            k_cl = np.add.reduceat(cl, starts, axis=1)
            k_st = np.add.reduceat(staffed, starts, axis=1)
            kreis_ratio[sl] = np.where(k_st > 0, k_cl / k_st, np.nan)
        for m in LAND_METRICS:
            land[m][sl] = tot[m]
    return EnsembleResult(n, int(scenario.seed), chunk, tuple(int(y) for y in grid.years),
                          kreis_index, land, kreis_ratio, drawn)


def _segments_from_chain(chain: Any, inflow: Any, spec: Any) -> np.ndarray:
    """Target group ``(D, S, T_horizon)`` from a chain result (as the pipeline does)."""
    from paktsim import target_groups

    window = inflow._window
    stocks = {k: chain.stocks[k][..., window] for k in ("vu", "au", "own")}
    return target_groups.persons(stocks, spec.target_group, spec.include_vu)


# ------------------------------------------------------------------ tornado

TORNADO_LABELS: dict[str, str] = {
    "staffing.target_ratio": "Zielschlüssel (Personen je VZÄ)",
    "staffing.counselling_share": "Anteil mit Beratungsbedarf",
    "staffing.group_offer_share": "Anteil Gruppenangebote",
    "staffing.vacancy_rate": "Vakanzquote",
    "staffing.hiring_lag_months": "Einstellungsverzug (Monate)",
    "arrivals.scale": "Zugangsniveau (Faktor)",
}
_TORNADO_RANGES: dict[str, str] = {
    "staffing.target_ratio": "betreuungsschluessel.bedarf",
    "staffing.counselling_share": "staffing.beratungsbedarf_anteil",
    "staffing.group_offer_share": "staffing.gruppenangebote_anteil",
    "staffing.vacancy_rate": "staffing.vakanzquote",
    "staffing.hiring_lag_months": "staffing.einstellungsverzug_monate",
}


def _param_range(path: str, date: str) -> tuple[float, float]:
    from paktsim import params

    rows = params.assumptions()
    rows = rows[(rows["path"] == path) & (rows["date"] <= pd.Timestamp(date))]
    if rows.empty:
        raise InputError(Problem(path, "no assumption range in force", date))
    last = rows.iloc[-1]
    return float(last["low"]), float(last["high"])


def _land_metric(land: pd.DataFrame, metric: str) -> pd.Series:
    """A Land column, or the signed gap ``net_gap_fte = needed − staffed`` (a surplus
    counts negative, so the metric never sits at a floor of zero)."""
    if metric == "net_gap_fte":
        return land["fte_needed"] - land["fte_staffed"]
    return land[metric]


def tornado(scenario: Any, metric: str = "net_gap_fte", year: int | None = None, *,
            base_dir: Any = None, arrivals_range: tuple[float, float] | None = None) -> pd.DataFrame:
    """One-at-a-time sensitivity of a Land headline figure.

    Each input is set to the low and the high end of its assumption range (from
    the parameter files, see :data:`_TORNADO_RANGES`) while all others stay at
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
    from paktsim import pipeline

    base = pipeline.run_scenario(scenario, base_dir=base_dir, ensemble=False)
    if metric not in base.land and metric != "net_gap_fte":
        raise InputError(Problem("metric", "expected net_gap_fte or a Land column "
                                 f"({', '.join(base.land)})", metric))
    years = base.years
    if year is None:
        year = int(_land_metric(base.land, "net_gap_fte").idxmax())
    if int(year) not in years:
        raise InputError(Problem("year", "not in the horizon", year))
    date = f"{scenario.horizon.start}-01"
    rows = []
    for key, path in _TORNADO_RANGES.items():
        low, high = _param_range(path, date)
        section, name = key.split(".")
        values = []
        for v in (low, high):
            v = int(round(v)) if name == "hiring_lag_months" else v
            if name == "vacancy_rate":
                v = min(v, 0.999)
            changed = scenario.with_changes(**{section: {name: v}})
            values.append(float(_land_metric(pipeline.run_scenario(
                changed, base_dir=base_dir, ensemble=False).land, metric).loc[year]))
        rows.append((key, low, high, *values))
    scale = scenario.arrivals.scale
    if arrivals_range is None:
        arrivals_range = _param_range("sensitivitaet.zugangsniveau", date)
    values = []
    for f in arrivals_range:
        changed = scenario.with_changes(arrivals={"scale": scale * f})
        values.append(float(_land_metric(pipeline.run_scenario(
            changed, base_dir=base_dir, ensemble=False).land, metric).loc[year]))
    rows.append(("arrivals.scale", scale * arrivals_range[0], scale * arrivals_range[1], *values))
    out = pd.DataFrame(rows, columns=["input", "low", "high", "value_low", "value_high"])
    out.insert(1, "label", out["input"].map(TORNADO_LABELS))
    out["base"] = float(_land_metric(base.land, metric).loc[year])
    out["swing"] = (out["value_high"] - out["value_low"]).abs()
    out = out.sort_values("swing", ascending=False, kind="stable").set_index("input")
    out.attrs.update(metric=metric, year=int(year))
    return out
