"""``run_scenario``: inflow → allocation → staffing → budget (→ uncertainty), one call.

:func:`run_scenario` is a pure function of the frozen :class:`~paktsim.scenario.Scenario`
and is cached on three levels so a dashboard that changes one slider recomputes
only what depends on it:

* the inflow model per (horizon, data, arrivals, overrides) — the expensive part;
* the allocation per (allocation spec, year's envelope, values of the programme
  rules in force, overrides): years with equal rules share one allocation;
* the whole result per scenario.

Staffing and budget are cheap array arithmetic and always recomputed.

How the parts connect
---------------------
* Target group per place and month: the inflow model's Anschlussunterbringung
  stock (+ vU and Ukrainians in own housing if ``staffing.include_*``), at the
  allocation's level (Kreise, or Gemeinden when the rule works there or passes
  down).
* Envelope per year: ``allocation.budget_eur`` if given, else the planned IM
  money in force (:func:`paktsim.budget.planned_envelope`, Pakt IM volume plus
  Soforthilfe; overrides apply).  Each year's envelope is allocated with the rule
  and the programme rules (Fördersätze, threshold, 0.25-FTE steps) in force on
  1 January of that year.
* IM Kreis key (``rule: kreis``, ``kreis_key: verteilschluessel``): for each funding
  year the key in force (:class:`~paktsim.allocation.rules.KreisKey`); from 2025 the
  inflow model's assignments out of Erstaufnahme per Kreis over the reference window
  (the years before the funding year), so the key moves from year to year.
* Bewilligungszeitraum: for the model-based key (``rule: au_model``, weights =
  modelled persons in AU) the key is fixed at the start of each funding round
  of ``integrationsmanagement.bewilligungszeitraum.regel_monate`` months counted
  from the horizon start; rules on population or user counts do not change within
  the horizon anyway.
* Funded FTE per year → monthly funded FTE → staffed FTE (hiring lag, vacancy)
  → :mod:`paktsim.staffing`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from paktsim import budget as budget_mod
from paktsim import ensemble as ens
from paktsim import staffing as st

__all__ = [
    "ScenarioResult",
    "run_scenario",
    "run_ensemble",
    "central_inflow",
    "checked_inflow",
    "inflow_key",
    "place_keys",
    "staffing_variants",
    "SUMMARY_LABELS",
    "ratio_alert",
    "alert_label",
    "clear_caches",
]


def ratio_alert(scenario: Any = None) -> float:
    """Persons per FTE above which a Kreis counts as overloaded
    (the latest entry of ``betreuungsschluessel.ueberlastung``, scenario overrides applied)."""
    from paktsim import params

    overrides = None if scenario is None else (scenario.overrides or None)
    entries = params.series("betreuungsschluessel.ueberlastung", overrides)
    return float(entries["value"].iloc[-1])


def alert_label(threshold: float) -> str:
    """German row label of the overload count (``Kreise mit Schlüssel über 1:120``)."""
    return f"Kreise mit Schlüssel über 1:{threshold:g}"


SUMMARY_LABELS: dict[str, str] = {
    "target_group": "Personen in der Zielgruppe (Jahresmittel)",
    "caseload": "Fallzahl (Beratungsbedarf)",
    "fte_needed": "Stellen benötigt (VZÄ)",
    "fte_funded": "Stellen gefördert (VZÄ)",
    "fte_staffed": "Stellen besetzt (VZÄ)",
    "ratio_actual": "Betreuungsschlüssel tatsächlich (Personen je VZÄ)",
    "gap_fte": "Fehlende Stellen (VZÄ)",
    "gap_eur": "Fehlbetrag Landesmittel (€)",
    "planned_eur": "Mittel geplant (€)",
    "needed_eur": "Mittel benötigt für Zielschlüssel (€)",
    "envelope_gap_eur": "Differenz benötigt − geplant (€)",
    "employer_cost_eur": "Personalkosten Arbeitgeber (€)",
    "land_funding_eur": "Landesförderung ausgezahlt (€)",
    "cofunding_eur": "Kommunaler Eigenanteil inkl. Sachkosten (€)",
    "unused_eur": "Nicht abgerufene Mittel (€)",
    "places_over_alert": "Kreise mit Schlüssel über 1:120",
}


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """Everything one scenario run produces (cached and shared: treat it as read-only).

    Attributes
    ----------
    scenario : Scenario
    level : {"kreis", "gemeinde"}
        Level of the per-place table (where money is allocated / passed down).
    places : DataFrame
        Per-place staffing table, MultiIndex ``(ags, year)``, with ``name`` and
        ``kreis_ags``; columns as in :mod:`paktsim.staffing`.
    kreise : DataFrame
        Kreis roll-up, MultiIndex ``(kreis_ags, year)``.
    land : DataFrame
        Land totals indexed by ``year``.
    projection : DataFrame
        Envelope needed vs planned per year (:func:`paktsim.budget.projection`).
    money_by_place : DataFrame
        Needed vs frame per place and year (:func:`paktsim.budget.by_place`).
    allocations : dict year → DataFrame
        The allocation engine's table per year.
    comparison : DataFrame or None
        Kreis-level comparison of the scenario's rule with ``scenario.comparison``:
        ``*_scenario``, ``*_comparison`` and ``delta_* = scenario − comparison``.
    ensemble : EnsembleResult or None
        Monte Carlo result (:mod:`paktsim.uncertainty`) when ``n_draws > 0``.
    inflow : InflowResult
        The deterministic inflow run behind the result (stocks by stage, month
        and place; :mod:`paktsim.inflow`).
    place_inputs : PlaceInputs
        Allocation, funding and rates per place: what the ensemble step needs
        besides the stocks (:mod:`paktsim.ensemble`).
    timings : dict
        Seconds per stage of this run (not part of any output file).
    """

    scenario: Any
    level: str
    places: pd.DataFrame
    kreise: pd.DataFrame
    land: pd.DataFrame
    projection: pd.DataFrame
    money_by_place: pd.DataFrame
    allocations: Mapping[int, pd.DataFrame]
    rates: st.CostRates
    comparison: pd.DataFrame | None = None
    ensemble: Any = None
    inflow: Any = None
    place_inputs: Any = None
    notes: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        """Calendar years of the horizon."""
        return [int(y) for y in self.land.index]

    def summary(self, years: list[int] | None = None) -> pd.DataFrame:
        """The one-page summary: headline figures (rows, German labels) by year (columns).

        Values are those of the deterministic (central) run.  With an ensemble,
        rows of uncertain figures are followed by ``P10``/``P50``/``P90`` rows and
        the alert row by the probability that at least one Kreis exceeds the
        overload threshold (:func:`ratio_alert`).  The header names the target
        group and the convention.
        """
        years = years or self.years
        land = self.land.loc[years]
        proj = self.projection.loc[years]
        rows: dict[str, pd.Series] = {}
        for key in (
            "target_group",
            "caseload",
            "fte_needed",
            "fte_funded",
            "fte_staffed",
            "ratio_actual",
            "gap_fte",
            "gap_eur",
        ):
            rows[key] = land[key]
        rows["planned_eur"] = proj["planned_eur"]
        rows["needed_eur"] = proj["needed_eur"]
        rows["envelope_gap_eur"] = proj["gap_eur"]
        for key in ("employer_cost_eur", "land_funding_eur", "cofunding_eur", "unused_eur"):
            if key in land:
                rows[key] = land[key]
        ratio = self.kreise["ratio_actual"].unstack("year")[years]
        threshold = ratio_alert(self.scenario)
        rows["places_over_alert"] = (ratio > threshold).sum(axis=0)
        out = pd.DataFrame(rows).T.astype(float)
        labels = {**SUMMARY_LABELS, "places_over_alert": alert_label(threshold)}
        out.index = [labels[k] for k in out.index]
        out.index.name = f"Kennzahl (Zielgruppe: {self.target_group_label})"
        out.columns = [str(y) for y in years]
        if self.ensemble is not None:
            out = self.ensemble.add_bands(out, years, threshold)
            out.index.name = (
                f"{out.index.name}; Werte: deterministischer Lauf, Zeilen P10/P50/"
                f"P90: Quantile aus {self.ensemble.n_draws} Monte-Carlo-Ziehungen"
            )
        out.attrs["target_group"] = self.scenario.staffing.target_group
        out.attrs["convention"] = (
            "deterministic"
            if self.ensemble is None
            else "deterministic; P10/P50/P90 rows: Monte Carlo quantiles"
        )
        return out

    @property
    def target_group_label(self) -> str:
        """German name of the scenario's target group (who counts for the caseload)."""
        from paktsim import target_groups

        spec = self.scenario.staffing
        return target_groups.label(spec.target_group, spec.include_vu)

    def place_table(self) -> pd.DataFrame:
        """Per-place table in long form with names (for CSV/Excel)."""
        return self.places.reset_index()

    def kreis_table(self) -> pd.DataFrame:
        """Kreis table in long form with names."""
        return self.kreise.reset_index()


# ------------------------------------------------------------------ inflow (cached)


def inflow_key(scenario: Any, base_dir: str | None = None) -> str:
    """Key of the inflow run a scenario needs: equal keys, identical inflow results."""
    parts = {
        k: scenario.model_dump(mode="json")[k] for k in ("horizon", "data", "arrivals", "overrides")
    }
    parts["base_dir"] = base_dir
    return json.dumps(parts, sort_keys=True)


class _KeyedCache:
    """Small LRU cache keyed by a string; the value is built from other arguments.

    ``functools.lru_cache`` would key on every argument (the whole scenario), but
    the inflow run depends only on some sections of it.
    """

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._data: dict[str, Any] = {}
        self.hits = self.misses = 0

    def get(self, key: str, build: Any) -> Any:
        if key in self._data:
            self.hits += 1
            self._data[key] = self._data.pop(key)  # most recent last
            return self._data[key]
        self.misses += 1
        value = build()
        self._data[key] = value
        while len(self._data) > self.maxsize:
            self._data.pop(next(iter(self._data)))
        return value

    def cache_info(self) -> Any:
        return functools._CacheInfo(self.hits, self.misses, self.maxsize, len(self._data))

    def cache_clear(self) -> None:
        self._data.clear()
        self.hits = self.misses = 0


_inflow_cached = _KeyedCache(maxsize=16)


def central_inflow(scenario: Any, base_dir: str | None = None) -> Any:
    """The deterministic inflow run a scenario's central result uses (cached per
    :func:`inflow_key`): every rate at its default, no arrival factor."""
    from paktsim.inflow.model import simulate

    bd = None if base_dir is None else str(base_dir)

    def build() -> Any:
        det = scenario.with_changes(uncertainty={"n_draws": 0, "distributions": {}})
        return simulate(det, n_draws=0, base_dir=bd)

    return _inflow_cached.get(inflow_key(scenario, bd), build)


def checked_inflow(scenario: Any, base_dir: str | Path | None = None) -> Any:
    """The central run's inflow after the checks of :func:`run_scenario` (both cached: the
    central run reuses them).  ``paktsim run`` draws the stock chart from it while the
    allocations are computed."""
    from paktsim.checks import check_scenario

    bd = None if base_dir is None else str(Path(base_dir).resolve())
    check_scenario(scenario, bd)
    return central_inflow(scenario, bd)


def place_keys(inflow: Any, level: str) -> tuple[np.ndarray, pd.Index]:
    """Segment → place key ``(S, N)`` and the place index for ``"kreis"`` or ``"gemeinde"``."""
    if level == "kreis":
        return inflow.keys.kreis, pd.Index(inflow.keys.kreis_ags, name="ags")
    return inflow.keys.gemeinde, pd.Index(inflow.keys.gemeinde_ags, name="ags")


# ------------------------------------------------------------------ allocation (cached)


def _result_level(spec: Any) -> str:
    level = "kreis" if spec.rule == "kreis" else spec.level
    if level == "kreis" and spec.pass_down:
        return "gemeinde"
    return level


def _kreis_key_counts(
    year: int,
    scenario: Any,
    inflow: Any,
) -> tuple[tuple[str, float], ...] | None:
    """Model counts per Kreis behind the IM key in force in ``year`` (``kreis_key:
    verteilschluessel``); ``None`` for the population key."""
    from paktsim.allocation.rules import KreisKey

    counts = KreisKey.in_force(year, scenario.overrides or None).count(inflow)
    if counts is None:
        return None
    return tuple(zip(counts.index, np.round(counts.to_numpy(float), 6)))


_allocation_cache = _KeyedCache(maxsize=256)


def _allocate_cached(
    spec_json: str,
    budget_eur: int,
    year: int,
    vintage: int,
    overrides_json: str,
    base_dir: str | None,
    counts_key: tuple[tuple[str, float], ...] | None,
) -> pd.DataFrame:
    """Allocation of one year's envelope, shared by all years whose programme rules
    (Fördersätze, threshold, FTE step, …) have the same values: the years of a
    horizon mostly do, so a 10-year run allocates once or twice, not ten times."""
    from paktsim.allocation import allocate
    from paktsim.allocation.engine import programme_parameters
    from paktsim.allocation.factory import rule_from_spec
    from paktsim.scenario import AllocationSpec

    date = f"{year}-01-01"
    overrides = json.loads(overrides_json) or None
    rules_json = json.dumps(programme_parameters(date, overrides), sort_keys=True, default=str)
    key = json.dumps(
        [spec_json, budget_eur, rules_json, vintage, overrides_json, base_dir, counts_key]
    )

    def build() -> pd.DataFrame:
        spec = AllocationSpec.model_validate_json(spec_json)
        counts = None if counts_key is None else pd.Series(dict(counts_key), dtype=float)
        rule = rule_from_spec(
            spec, base_dir=base_dir, model_counts=counts, year=year, overrides=overrides
        )
        share = spec.qualification_mix.get("hochschule", 0.0)
        join = spec.join if rule.level == "gemeinde" else "none"
        return allocate(
            rule,
            budget_eur,
            vintage=vintage,
            join=join,
            hochschule_share=share,
            params_date=date,
            pass_to_gemeinden=bool(rule.level == "kreis" and spec.pass_down),
            overrides=overrides,
        )

    table = _allocation_cache.get(key, build)
    if table.attrs.get("params_date") != date:  # same values, other year: say which date
        table = table.copy(deep=False)
        table.attrs = {**table.attrs, "params_date": date}
    return table


def _allocations(
    spec: Any,
    scenario: Any,
    grid: st.YearGrid,
    envelope: pd.Series,
    people: np.ndarray,
    places: pd.Index,
    base_dir: str | None,
    inflow: Any = None,
) -> tuple[dict[int, pd.DataFrame], np.ndarray, np.ndarray]:
    """Allocate each year's envelope; return tables, frame (N, Y) and funded FTE (N, Y)."""
    from paktsim import params

    vintage = spec.vintage or scenario.data.vintage
    spec_json = spec.model_dump_json()
    overrides_json = json.dumps(scenario.overrides, sort_keys=True)
    n_years = len(grid.years)
    frame = np.zeros((len(places), n_years))
    fte = np.zeros((len(places), n_years))
    tables: dict[int, pd.DataFrame] = {}
    round_months = int(
        params.at(f"{grid.years[0]}-01-01", scenario.overrides or None)[
            "integrationsmanagement.bewilligungszeitraum.regel_monate"
        ]
        or 12
    )
    for i, year in enumerate(grid.years):  # one allocation per year (≈ 10), cached
        budget_eur = int(spec.budget_eur) if spec.budget_eur else int(envelope.loc[year])
        if budget_eur <= 0:
            continue
        counts_key = None
        if spec.rule in ("au_model", "hybrid"):
            first = grid.first_month[i]
            round_start = (first // round_months) * round_months
            counts_key = tuple(zip(places.astype(str), np.round(people[:, round_start], 6)))
        elif spec.rule == "kreis" and spec.kreis_key == "verteilschluessel":
            counts_key = _kreis_key_counts(int(year), scenario, inflow)
        table = _allocate_cached(
            spec_json, budget_eur, int(year), int(vintage), overrides_json, base_dir, counts_key
        )
        tables[int(year)] = table
        aligned = table.reindex(places)
        frame[:, i] = aligned["amount_eur"].fillna(0).to_numpy(float)
        fte[:, i] = aligned["fte_funded"].fillna(0).to_numpy(float)
    return tables, frame, fte


# ------------------------------------------------------------------ run


def _place_info(level: str, places: pd.Index, vintage: int) -> pd.DataFrame:
    from paktsim import regions

    if level == "kreis":
        info = regions.kreise(vintage)[["name"]].copy()
        info["kreis_ags"] = info.index.astype(str)
    else:
        info = regions.municipalities(vintage)[["name", "kreis_ags"]].copy()
    info = info.reindex(places)
    info["kreis_ags"] = info["kreis_ags"].fillna(pd.Series(places.str[:5], index=places))
    return info


def _staffing_for(
    spec: Any,
    scenario: Any,
    grid: st.YearGrid,
    envelope: pd.Series,
    inflow: Any,
    rates: st.CostRates,
    base_dir: str | None,
) -> dict[str, Any]:
    """The central run for one allocation spec: the ensemble step with one draw."""
    from paktsim import regions

    level = _result_level(spec)
    key, places = place_keys(inflow, level)
    target = st.target_group_parts(
        scenario.staffing.include_vu, definition=scenario.staffing.target_group
    )
    window = ens.horizon_window(inflow)
    # monthly persons per place: the model-based key counts them at a round's start
    segs = st.target_group(inflow.chain.stocks, definition=target, window=window)
    people = ens.to_places(segs, key)[0]
    tables, frame, fte = _allocations(
        spec, scenario, grid, envelope, people, places, base_dir, inflow
    )
    assumptions = st.StaffingAssumptions.from_spec(scenario.staffing)
    funded, filled = st.annual_inputs(
        np.repeat(fte, grid.n_months, axis=1), grid, assumptions.hiring_lag_months
    )
    inputs = ens.PlaceInputs(
        key=key,
        places=places,
        funded=funded,
        filled=filled,
        frame=frame,
        grid=grid,
        assumptions=assumptions,
        rates=rates,
        target=target,
        window=window,
    )
    arrays = ens.place_staffing(inflow.chain.stocks, inputs)
    table = st.to_frame({k: v[0] for k, v in arrays.items()}, places, grid.years)
    info = _place_info(level, places, scenario.data.vintage)
    table.insert(0, "name", info["name"].reindex(table.index.get_level_values(0)).to_numpy())
    table.insert(
        1, "kreis_ags", info["kreis_ags"].reindex(table.index.get_level_values(0)).to_numpy()
    )
    kreis_of = info["kreis_ags"].rename("kreis_ags")
    kreise = st.aggregate(table, kreis_of)
    knames = regions.kreise(scenario.data.vintage)["name"]
    kreise.insert(0, "name", knames.reindex(kreise.index.get_level_values(0)).to_numpy())
    land = st.aggregate(table)
    return {
        "level": level,
        "places": table,
        "kreise": kreise,
        "land": land,
        "allocations": tables,
        "inputs": inputs,
        "frame": frame,
    }


#: Staffing assumption whose variants change the filled positions, not the formula's inputs.
HIRING_LAG = "staffing.hiring_lag_months"


def staffing_variants(result: ScenarioResult, key: str, values: Any) -> list[pd.DataFrame]:
    """Land tables of a central run with one staffing assumption set to each of ``values``.

    Inflow and allocation stay those of ``result`` (no staffing assumption changes
    them): each variant is the ensemble step with one draw
    (:func:`paktsim.ensemble.place_staffing`; the hiring lag recomputes the filled
    positions first), rolled up as in the central run.  The tornado's staffing bars.

    Parameters
    ----------
    result : ScenarioResult
        A central run (:func:`run_scenario`).
    key : str
        ``staffing.hiring_lag_months`` or a key of :data:`paktsim.ensemble.STAFFING_KEYS`.
    values : sequence of float
        Values of ``key``, one Land table each (whole months for the hiring lag).

    Returns
    -------
    list of DataFrame
        Indexed by year, columns as ``result.land``.
    """
    inputs = result.place_inputs
    stocks = result.inflow.chain.stocks
    values = [float(v) for v in values]
    if key == HIRING_LAG:
        monthly = np.repeat(inputs.funded, inputs.grid.n_months, axis=-1)
        runs = []
        for lag in values:
            filled = st.annual_inputs(monthly, inputs.grid, int(lag))[1]
            assumptions = dataclasses.replace(inputs.assumptions, hiring_lag_months=int(lag))
            varied = dataclasses.replace(inputs, filled=filled, assumptions=assumptions)
            runs.append(ens.place_staffing(stocks, varied))
        per_value = [{k: v[0] for k, v in arrays.items()} for arrays in runs]
    elif key in ens.STAFFING_KEYS:
        # the central run's stocks as one draw per value
        draws = {k: np.broadcast_to(v, (len(values), *v.shape[1:])) for k, v in stocks.items()}
        arrays = ens.place_staffing(draws, inputs, {key: np.asarray(values)})
        per_value = [{k: v[d] for k, v in arrays.items()} for d in range(len(values))]
    else:
        from paktsim.errors import InputError, Problem

        expected = ", ".join([*ens.STAFFING_KEYS, HIRING_LAG])
        raise InputError(Problem("key", f"expected one of {expected}", key))
    return [st.aggregate(st.to_frame(p, inputs.places, inputs.grid.years)) for p in per_value]


def _compare(scen: dict[str, Any], comp: dict[str, Any]) -> pd.DataFrame:
    """Kreis table: the scenario's rule vs the comparison rule; ``delta = scenario − comparison``."""
    cols = ["frame_eur", "fte_funded", "fte_staffed", "caseload", "ratio_actual", "gap_fte"]
    out = scen["kreise"][["name"] + cols].rename(columns={c: f"{c}_scenario" for c in cols})
    other = comp["kreise"][cols].reindex(out.index)
    for c in cols:
        out[f"{c}_comparison"] = other[c].to_numpy()
    out["delta_frame_eur"] = out["frame_eur_scenario"] - out["frame_eur_comparison"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["delta_frame_pct"] = np.where(
            out["frame_eur_comparison"] > 0,
            out["delta_frame_eur"] / out["frame_eur_comparison"],
            np.nan,
        )
    out["delta_fte_funded"] = out["fte_funded_scenario"] - out["fte_funded_comparison"]
    out["delta_gap_fte"] = out["gap_fte_scenario"] - out["gap_fte_comparison"]
    return out


@functools.lru_cache(maxsize=32)
def _run_cached(scenario: Any, base_dir: str | None, with_ensemble: bool) -> ScenarioResult:
    from paktsim.checks import check_scenario

    if with_ensemble and scenario.uncertainty.n_draws == 0:
        return _run_cached(scenario, base_dir, False)  # the same run: compute it once
    check_scenario(scenario, base_dir)
    if with_ensemble and scenario.uncertainty.n_draws > 0:
        central = _run_cached(scenario, base_dir, False)
        t0 = time.perf_counter()
        ensemble = run_ensemble(scenario, base_dir=base_dir)
        timings = {**central.timings, "ensemble": time.perf_counter() - t0}
        timings["total"] = timings.get("total", 0.0) + timings["ensemble"]
        return dataclasses.replace(central, ensemble=ensemble, timings=timings)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    inflow = central_inflow(scenario, base_dir)
    timings["inflow"] = time.perf_counter() - t0
    grid = st.YearGrid(scenario.horizon.start, scenario.horizon.end)
    overrides = scenario.overrides or None
    rates = _rates(
        tuple(int(y) for y in grid.years),
        json.dumps(dict(scenario.allocation.qualification_mix), sort_keys=True),
        json.dumps(scenario.overrides, sort_keys=True),
    )
    envelope = budget_mod.planned_envelope(grid.years, overrides)
    t1 = time.perf_counter()
    base = _staffing_for(scenario.allocation, scenario, grid, envelope, inflow, rates, base_dir)
    comparison = None
    if scenario.comparison is not None:
        alt = _staffing_for(scenario.comparison, scenario, grid, envelope, inflow, rates, base_dir)
        comparison = _compare(base, alt)
    timings["allocation+staffing"] = time.perf_counter() - t1
    planned = (
        pd.Series(base["frame"].sum(axis=0).astype(np.int64), index=grid.years)
        if scenario.allocation.budget_eur
        else envelope
    )
    projection = budget_mod.projection(base["land"], rates, planned)
    money = budget_mod.by_place(base["places"], rates)
    timings["total"] = time.perf_counter() - t0
    return ScenarioResult(
        scenario=scenario,
        level=base["level"],
        places=base["places"],
        kreise=base["kreise"],
        land=base["land"],
        projection=projection,
        money_by_place=money,
        allocations=base["allocations"],
        rates=rates,
        comparison=comparison,
        ensemble=None,
        inflow=inflow,
        place_inputs=base["inputs"],
        notes=rates.notes,
        timings=timings,
    )


def run_ensemble(
    scenario: Any,
    *,
    base_dir: str | Path | None = None,
    n_draws: int | None = None,
    chunk_size: int | None = None,
    executor: Any = None,
) -> ens.EnsembleResult:
    """Monte Carlo ensemble of a scenario around its central run.

    Parameters
    ----------
    scenario : Scenario
        Uses ``uncertainty`` (n_draws, chunk_size, arrivals_sigma, distributions)
        and ``seed``.
    base_dir : path, optional
        Folder for relative CSV paths in the scenario.
    n_draws, chunk_size : int, optional
        Override the scenario's values.
    executor : concurrent.futures.Executor, optional
        Runs the chunks (default in-process); the result is bit-identical for
        every executor and chunk size (:mod:`paktsim.ensemble`).

    Returns
    -------
    EnsembleResult
    """
    bd = None if base_dir is None else str(Path(base_dir).resolve())
    central = _run_cached(scenario, bd, False)
    n = int(scenario.uncertainty.n_draws if n_draws is None else n_draws)
    chunk = int(scenario.uncertainty.chunk_size if chunk_size is None else chunk_size)
    return ens.run(
        scenario,
        central.inflow,
        central.place_inputs,
        n_draws=n,
        chunk_size=chunk,
        executor=executor,
    )


@functools.lru_cache(maxsize=32)
def _rates(years: tuple[int, ...], mix_json: str, overrides_json: str) -> st.CostRates:
    return st.CostRates.from_params(years, json.loads(mix_json), json.loads(overrides_json) or None)


def run_scenario(
    scenario: Any = None,
    *,
    base_dir: str | Path | None = None,
    ensemble: bool = True,
    executor: Any = None,
) -> ScenarioResult:
    """Run a scenario end to end: inflow → allocation → staffing → budget (→ Monte Carlo).

    Parameters
    ----------
    scenario : Scenario, optional
        Default: the built-in status-quo scenario.
    base_dir : path, optional
        Folder for relative CSV paths in the scenario (the scenario file's folder).
    ensemble : bool
        Run the Monte Carlo ensemble when ``scenario.uncertainty.n_draws > 0``
        (set False for a fast central run, e.g. while dragging a slider).
    executor : concurrent.futures.Executor, optional
        Runs the ensemble's chunks (see :func:`run_ensemble`); same numbers as
        in-process.  The central run is cached either way.

    Returns
    -------
    ScenarioResult
        Cached: the same (equal) scenario returns the same object; treat it as
        read-only.
    """
    from paktsim.scenario import builtin_scenario

    scenario = scenario if scenario is not None else builtin_scenario("status_quo")
    bd = None if base_dir is None else str(Path(base_dir).resolve())
    if executor is None or not ensemble or scenario.uncertainty.n_draws == 0:
        return _run_cached(scenario, bd, bool(ensemble))
    central = _run_cached(scenario, bd, False)
    t0 = time.perf_counter()
    result = run_ensemble(scenario, base_dir=bd, executor=executor)
    timings = {**central.timings, "ensemble": time.perf_counter() - t0}
    timings["total"] = timings.get("total", 0.0) + timings["ensemble"]
    return dataclasses.replace(central, ensemble=result, timings=timings)


def clear_caches() -> None:
    """Drop all cached inflow runs, allocations and results."""
    from paktsim.checks import clear_cache

    for fn in (_inflow_cached, _allocation_cache, _run_cached, _rates):
        fn.cache_clear()
    clear_cache()
