"""Global sensitivity (Sobol indices) and scenario discovery (PRIM) of the staffing gap.

Which assumptions decide the gap?  :func:`sobol` varies **every assumption with a
range** that a scenario's staffing and money figures read (:func:`factors`; the
ones not varied are listed with the reason by :func:`not_varied`) and returns,
for a year, Sobol first-order (``S1``) and total-effect (``ST``) indices of

``net_gap_fte``
    positions needed − positions staffed, Land total (signed: a surplus counts
    negative, so no input sits at a floor of zero);
``gap_fte``
    missing positions summed over places (a surplus elsewhere is not netted);
``cofunding_eur``
    what the municipalities pay on top of the Land's money (employer cost +
    Sachkosten − Land payment).

Sampling: Saltelli/Sobol' sequences of SALib (``N × (D + 2)`` model runs for
``D`` factors, second-order indices off), each factor **triangular over its range
with the scenario's value as mode** — the convention of the Monte Carlo chain
rates (:mod:`paktsim.inflow.rates`).  The default ``N = 128`` (≈ 5,200 runs for
the status quo's 39 factors, ≈ 30 s on one core) gives 95 % bootstrap intervals of
about ± 0.05–0.1 on the large indices; the sum of the first-order indices is then
within ± 0.1 of the sum of the total effects.  Raise ``n_base`` for a report.
Chain runs are shared between Saltelli rows that differ only in a staffing, pay
or money factor (they have the same chain inputs).

The runs are vectorised: the stage chain runs for a chunk of samples at once
(as the Monte Carlo ensemble does), everything after it is array arithmetic on
the central run's allocation.  Two inputs act on the allocation: the envelope
from 2027 (``integrationsmanagement.volumen``) and the Fördersätze.  Their effect
is applied by scaling the funded positions (funded FTE = frame ÷ rate under the
0.25-FTE rule as written, ``integrationsmanagement.vze_lesart: anteil``); this is
exact except for applications topped up to the 1-FTE minimum.  With every factor
at its scenario value the evaluation reproduces the central run (tested).

Scenario discovery: :func:`discover` finds, with PRIM (Friedman & Fisher 1999,
peeling only), the box of assumption ranges in which the gap exceeds a threshold.
PRIM is implemented here (≈ 60 lines) because the packages that offer it either
bring a large dependency tree (``ema_workbench``: scikit-learn, statsmodels,
seaborn, platypus-opt) or are GPL-licensed (``PRIM``), which does not fit an MIT
package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem

__all__ = [
    "Factor",
    "factors",
    "not_varied",
    "Evaluator",
    "SobolResult",
    "sobol",
    "sample",
    "analyse",
    "PrimResult",
    "prim",
    "discover",
    "sobol_chart",
    "METRICS",
    "METRIC_LABELS",
]

METRICS: tuple[str, ...] = ("net_gap_fte", "gap_fte", "cofunding_eur")
METRIC_LABELS: dict[str, str] = {
    "net_gap_fte": "Fehlende Stellen netto (benötigt − besetzt, VZÄ)",
    "gap_fte": "Fehlende Stellen (VZÄ, Summe der Kreise mit Lücke)",
    "cofunding_eur": "Kommunaler Eigenanteil inkl. Sachkosten (€)",
}

#: scenario staffing field → parameter path holding its range
_STAFFING = {
    "target_ratio": "betreuungsschluessel.bedarf",
    "counselling_share": "staffing.beratungsbedarf_anteil",
    "group_offer_share": "staffing.gruppenangebote_anteil",
    "vacancy_rate": "staffing.vakanzquote",
    "hiring_lag_months": "staffing.einstellungsverzug_monate",
}
_COST = ("kosten.arbeitgeberzuschlag", "staffing.sachkosten_je_vze")
_RATES = (
    "integrationsmanagement.foerdersatz.hochschule",
    "integrationsmanagement.foerdersatz.berufsausbildung",
)
_VOLUME = "integrationsmanagement.volumen"
_MIX = "verteilung.anteil_hochschule"
_LEVEL = "sensitivitaet.zugangsniveau"
_INITIAL = "inflow.initial.own"
_NOT_VARIED = {
    "betreuungsschluessel.ueberlastung": "enters no gap or money figure (only overload counts)",
    "staffing.schluessel_streng": "a ratio preset for planners, not read by a run",
    "verteilung.stadtfaktor.degurba_1": "changes the allocation of an urban-factor rule: "
    "compare scenarios instead",
    "verteilung.stadtfaktor.degurba_2": "changes the allocation of an urban-factor rule: "
    "compare scenarios instead",
    "inflow.forward.baseline_years": "chooses the years the forward level averages; the level "
    "itself is varied (sensitivitaet.zugangsniveau)",
    "inflow.arrivals.asyl.per_year": "recorded/assumed arrivals before the forward path; the "
    "forward level is varied (sensitivitaet.zugangsniveau)",
    "inflow.arrivals.ukraine.per_year": "recorded/assumed arrivals before the forward path; the "
    "forward level is varied (sensitivitaet.zugangsniveau)",
    "inflow.arrivals.humanitaer.per_year": "recorded/assumed arrivals before the forward path; "
    "the forward level is varied "
    "(sensitivitaet.zugangsniveau)",
}


@dataclass(frozen=True)
class Factor:
    """One varied assumption.

    ``kind`` says where it acts: ``chain`` (a stage-chain rate), ``level``
    (forward arrivals multiplier), ``initial`` (stock in own housing in 2014),
    ``staffing``, ``pay``, ``cost``, ``rate`` (a Fördersatz), ``volume`` (the IM
    envelope), ``mix`` (share at the Hochschul rate).  ``years`` are the years in
    which a dated entry is in force (empty: all years).
    """

    key: str
    path: str
    label: str
    kind: str
    low: float
    high: float
    mode: float
    years: tuple[int, ...] = ()
    dist: str = "triang"


def _entries(path: str, overrides: Any) -> pd.DataFrame:
    from paktsim import params

    return params.series(path, overrides)


def _entry_in_force(path: str, date: Any, overrides: Any) -> pd.Series | None:
    rows = _entries(path, overrides)
    rows = rows[rows["date"] <= pd.Timestamp(date)]
    return None if rows.empty else rows.iloc[-1]


def _value(row: pd.Series | None) -> float:
    if row is None:
        raise InputError(Problem("parameter", "no entry in force"))
    return float(row["value"])


def _range_of(row: pd.Series | None) -> tuple[float, float] | None:
    if row is None or row["low"] is None or pd.isna(row["low"]):
        return None
    return float(row["low"]), float(row["high"])


def _label(path: str) -> str:
    from paktsim import params

    return str(params.describe(path)["name"]["de"])


def _years_in_force(
    path: str, row: pd.Series, years: Sequence[int], overrides: Any
) -> tuple[int, ...]:
    rows = _entries(path, overrides)
    later = rows[rows["date"] > row["date"]]["date"]
    end = pd.Timestamp(later.min()) if len(later) else None
    start = pd.Timestamp(row["date"])
    return tuple(
        int(y)
        for y in years
        if pd.Timestamp(f"{y}-12-31") >= start and (end is None or pd.Timestamp(f"{y}-01-01") < end)
    )


def _mode(value: float, low: float, high: float) -> float:
    return float(min(max(value, low), high))


def factors(scenario: Any) -> list[Factor]:
    """Every assumption with a range the scenario's gap and money figures read.

    The mode of each factor is the scenario's value (clipped into the range).
    """
    from paktsim import params, pay
    from paktsim.inflow.rates import uncertain_paths

    overrides = scenario.overrides or None
    start = pd.Period(scenario.horizon.start, freq="M").start_time
    years = list(range(start.year, pd.Period(scenario.horizon.end, freq="M").year + 1))
    out: list[Factor] = []
    from paktsim.inflow.arrivals import GROUP_LABELS

    for path, (low, mode, high) in uncertain_paths(start.date(), overrides).items():
        if not path.startswith("inflow.chain."):
            continue  # e.g. the initial stock, varied below as its own factor
        group = path.split(".")[2]
        out.append(
            Factor(
                path,
                path,
                f"{_label(path)} – {GROUP_LABELS.get(group, group)}",
                "chain",
                low,
                high,
                mode,
            )
        )
    level = _entry_in_force(_LEVEL, start, overrides)
    lim = _range_of(level)
    if lim is not None:
        out.append(Factor(_LEVEL, _LEVEL, _label(_LEVEL), "level", *lim, _value(level)))
    from paktsim.inflow.arrivals import HISTORIC_START

    init = _entry_in_force(_INITIAL, HISTORIC_START.start_time, overrides)
    lim = _range_of(init)
    if lim is not None:
        out.append(Factor(_INITIAL, _INITIAL, _label(_INITIAL), "initial", *lim, _value(init)))
    spec = scenario.staffing
    for name, path in _STAFFING.items():
        lim = _range_of(_entry_in_force(path, start, overrides))
        if lim is not None:
            out.append(
                Factor(
                    f"staffing.{name}",
                    path,
                    _label(path),
                    "staffing",
                    *lim,
                    _mode(float(getattr(spec, name)), *lim),
                )
            )
    snap = params.at(start, overrides)
    for path in pay.PAY_ASSUMPTIONS.values():
        row = _entry_in_force(path, start, overrides)
        if row is None:  # an entry from a later date (the rise after the last table)
            rows = _entries(path, overrides)
            rows = rows[rows["date"].dt.year <= years[-1]]
            row = None if rows.empty else rows.iloc[0]
        lim = _range_of(row)
        if lim is not None:
            out.append(Factor(path, path, _label(path), "pay", *lim, _value(row)))
    for path in _COST:
        lim = _range_of(_entry_in_force(path, start, overrides))
        if lim is not None:
            out.append(Factor(path, path, _label(path), "cost", *lim, float(snap[path])))
    for path in _RATES + ((_VOLUME,) if not scenario.allocation.budget_eur else ()):
        rows = _entries(path, overrides)
        for _, row in rows.iterrows():
            lim = _range_of(row)
            in_force = _years_in_force(path, row, years, overrides)
            if lim is None or not in_force:
                continue
            kind = "volume" if path == _VOLUME else "rate"
            out.append(
                Factor(
                    f"{path}@{pd.Timestamp(row['date']).year}",
                    path,
                    f"{_label(path)} ab {pd.Timestamp(row['date']).year}",
                    kind,
                    *lim,
                    float(row["value"]),
                    in_force,
                )
            )
    lim = _range_of(_entry_in_force(_MIX, start, overrides))
    if lim is not None:
        share = float(dict(scenario.allocation.qualification_mix).get("hochschule", 0.0))
        out.append(Factor(_MIX, _MIX, _label(_MIX), "mix", *lim, _mode(share, *lim)))
    return out


def not_varied(scenario: Any) -> pd.DataFrame:
    """Assumptions with a range that :func:`factors` does not vary, and why.

    Returns
    -------
    DataFrame
        ``path, date, reason`` (entries not in force in the horizon included).
    """
    from paktsim import params

    varied = {(f.path, min(f.years) if f.years else None) for f in factors(scenario)}
    varied_paths = {p for p, _ in varied}
    end = pd.Timestamp(f"{scenario.horizon.end}-01")
    start = pd.Timestamp(f"{scenario.horizon.start}-01")
    rows = []
    for key, group in params.assumptions().groupby("path", sort=True):
        path = str(key)
        every = sorted(pd.to_datetime(_entries(path, scenario.overrides or None)["date"]))
        for date in pd.to_datetime(group["date"]):
            until = next((d for d in every if d > date), None)
            in_force = date <= end and (until is None or until > start)
            dated = any(p == path and y is not None for p, y in varied)
            if path in varied_paths and (not dated or (path, max(date.year, start.year)) in varied):
                continue
            if path in _NOT_VARIED:
                reason = _NOT_VARIED[path]
            elif not in_force:
                reason = "not in force in the horizon"
            elif path == _VOLUME and scenario.allocation.budget_eur:
                reason = "the scenario fixes the envelope (allocation.budget_eur)"
            else:
                reason = "not read by the staffing and money figures"
            rows.append({"path": path, "date": date.date(), "reason": reason})
    return pd.DataFrame(rows, columns=["path", "date", "reason"])


class Evaluator:
    """The scenario's staffing and money figures as a vectorised function of the factors.

    Parameters
    ----------
    scenario : Scenario
    factor_list : list of Factor, optional
        Default :func:`factors`.
    base_dir : path, optional
        Folder of the scenario's relative CSV paths.

    Calling it with a matrix ``X`` (samples × factors, columns in the order of
    ``factor_list``) returns ``metric → ndarray (samples, years)``.
    """

    def __init__(
        self,
        scenario: Any,
        factor_list: list[Factor] | None = None,
        *,
        base_dir: Any = None,
        chunk: int | None = None,
    ) -> None:
        from paktsim import pipeline
        from paktsim import staffing as st

        self.scenario = scenario
        self.factors = list(factor_list if factor_list is not None else factors(scenario))
        self.keys = [f.key for f in self.factors]
        central = pipeline.run_scenario(scenario, base_dir=base_dir, ensemble=False)
        self.central = central
        self.grid = st.YearGrid(scenario.horizon.start, scenario.horizon.end)
        self.years = [int(y) for y in self.grid.years]
        inflow = central.inflow
        self.inflow = inflow
        self.place_key = inflow.keys.kreis if central.level == "kreis" else inflow.keys.gemeinde
        n_places = self.place_key.shape[1]
        self.funded = central.places["fte_funded"].to_numpy(float).reshape(n_places, -1)
        self.frame = central.places["frame_eur"].to_numpy(float).reshape(n_places, -1)
        self.rates = central.rates.select(self.grid.years)
        from paktsim.ensemble import MAX_CELLS

        # samples per evaluation step: (samples × places × years) arrays stay within the
        # ensemble's memory bound per chunk
        self.chunk = max(
            1,
            min(
                int(chunk or scenario.uncertainty.chunk_size),
                MAX_CELLS // max(1, n_places * len(self.years)),
            ),
        )

    def center(self) -> np.ndarray:
        """The factors at the scenario's values (one row)."""
        return np.array([[f.mode for f in self.factors]])

    def _column(self, X: np.ndarray, key: str, default: float) -> np.ndarray:
        if key in self.keys:
            return X[:, self.keys.index(key)]
        return np.full(len(X), float(default))

    def _chain_people(self, X: np.ndarray) -> np.ndarray:
        """Target-group persons per sample, place and year ``(M, N, Y)``."""
        from paktsim import ensemble
        from paktsim import staffing as st
        from paktsim.inflow import arrivals as arrivals_mod
        from paktsim.inflow.arrivals import GROUPS
        from paktsim.inflow.kernel import ChainRates, run_chain

        sc, inflow = self.scenario, self.inflow
        m = len(X)
        # the central run's rates (a time path per month when rates change over time);
        # a varied rate scales its path by sample ÷ scenario value (adds it when that is 0)
        base_rates = inflow.rates
        values: dict[str, Any] = {}
        for f in fields(ChainRates):
            arr = getattr(base_rates, f.name)
            if f.name == "monthly" or np.ndim(arr) == 0:
                values[f.name] = arr
                continue
            values[f.name] = np.repeat(np.asarray(arr)[:1], m, axis=0)
        for fac in self.factors:
            if fac.kind != "chain":
                continue
            group, name = fac.path.split(".")[2:4]
            gi = GROUPS.index(group)
            x = X[:, self.keys.index(fac.key)]
            path = np.asarray(values[name], dtype=float).copy()
            shape = (m,) + (1,) * (path.ndim - 2)
            if fac.mode:
                path[:, gi] = path[:, gi] * (x / fac.mode).reshape(shape)
            else:
                path[:, gi] = path[:, gi] + x.reshape(shape)
            values[name] = np.clip(path, 0.0, 1.0)
        total = values["au_to_own"] + values["au_left"]  # keep AU exits feasible
        over = total > 1.0
        values["au_to_own"] = np.where(over, values["au_to_own"] / total, values["au_to_own"])
        values["au_left"] = np.where(over, values["au_left"] / total, values["au_left"])
        rates = ChainRates(**values)
        level = self._column(X, _LEVEL, 1.0)
        base = inflow.arrivals[list(GROUPS)].to_numpy().T[None, :, :]
        forward = np.asarray(inflow.all_months > arrivals_mod.HISTORIC_END)
        arr = np.where(forward, base * level[:, None, None], base)
        init = np.repeat(np.asarray(inflow.initial_own, dtype=float)[:1], m, axis=0)
        init_default = next((f.mode for f in self.factors if f.key == _INITIAL), None)
        if init_default:
            init = init * (self._column(X, _INITIAL, init_default) / init_default)[:, None]
        keys = inflow.keys  # month-by-month key regimes, as the central run and the ensemble
        try:
            chain = run_chain(
                arr,
                rates,
                keys.segment,
                n_segments=keys.kreis.shape[0],
                initial_own=init,
                initial_segment=keys.initial_segment,
                move_segment=keys.initial_segment,
            )
        except ValueError as exc:
            raise InputError(Problem("inflow", str(exc))) from None
        parts = st.target_group_parts(sc.staffing.include_vu, definition=sc.staffing.target_group)
        segs = st.target_group(
            chain.stocks, definition=parts, window=ensemble.horizon_window(inflow)
        )
        return ensemble.to_places(self.grid.mean(segs), self.place_key)

    def _factor_by_year(self, X: np.ndarray, kind: str, path: str) -> np.ndarray:
        """Sample value ÷ scenario value per year for a dated factor ``(M, Y)`` (1 where
        the entry is not in force)."""
        out = np.ones((len(X), len(self.years)))
        for f in self.factors:
            if f.kind == kind and f.path == path and f.mode:
                cols = [self.years.index(y) for y in f.years]
                out[:, cols] = (X[:, self.keys.index(f.key)] / f.mode)[:, None]
        return out

    def __call__(self, X: np.ndarray) -> dict[str, np.ndarray]:
        X = np.atleast_2d(np.asarray(X, dtype=float))
        if X.shape[1] != len(self.factors):
            raise InputError(Problem("X", f"expected {len(self.factors)} columns", X.shape))
        parts = [self._evaluate(X[lo : lo + self.chunk]) for lo in range(0, len(X), self.chunk)]
        return {k: np.concatenate([p[k] for p in parts]) for k in METRICS}

    def _rate(self, X: np.ndarray) -> np.ndarray:
        """Mixed Fördersatz per sample and year ``(M, Y)``."""
        share = self._column(
            X, _MIX, float(dict(self.scenario.allocation.qualification_mix).get("hochschule", 0.0))
        )[:, None]
        from paktsim import params

        tiers = []
        for path in _RATES:
            series = params.yearly(
                path, self.years[0], self.years[-1], self.scenario.overrides or None
            ).astype("Float64")
            central = series.bfill().ffill().to_numpy(dtype=float)
            tiers.append(central[None, :] * self._factor_by_year(X, "rate", path))
        return share * tiers[0] + (1.0 - share) * tiers[1]

    def _people(self, X: np.ndarray) -> np.ndarray:
        """Chain runs only for distinct chain inputs: in a Saltelli design the rows that
        vary a staffing, pay or money factor share their chain with the base row."""
        cols = [i for i, f in enumerate(self.factors) if f.kind in ("chain", "level", "initial")]
        if not cols:
            return np.broadcast_to(self._chain_people(X[:1]), (len(X),) + self._shape)
        _, first, inverse = np.unique(X[:, cols], axis=0, return_index=True, return_inverse=True)
        rows = X[first]
        step = self.chain_rows
        people = np.concatenate(
            [self._chain_people(rows[lo : lo + step]) for lo in range(0, len(rows), step)]
        )
        return people[inverse.reshape(-1)]

    @property
    def chain_rows(self) -> int:
        """Samples per stage-chain run: the chain keeps every group, key segment and
        month of a sample (≈ 3 MB each for the status quo), so a run holds at most
        :data:`paktsim.ensemble.MAX_CELLS` such cells per array, as an ensemble chunk
        does (1,000 samples at once peaked at 1.8 GB)."""
        from paktsim.ensemble import MAX_CELLS
        from paktsim.inflow.arrivals import GROUPS

        per_sample = len(GROUPS) * self.inflow.keys.kreis.shape[0] * len(self.inflow.all_months)
        return max(1, MAX_CELLS // max(1, per_sample))

    @property
    def _shape(self) -> tuple[int, int]:
        return (self.place_key.shape[1], len(self.years))

    def _staffed(self, funded: np.ndarray, lag: np.ndarray) -> np.ndarray:
        """Annual staffed FTE before vacancy ``(M, N, Y)`` from annual funded FTE."""
        from paktsim import staffing as st

        full_years = bool(np.all(self.grid.n_months == 12))
        staffed = np.empty_like(funded)
        for value in np.unique(lag):
            rows = lag == value
            if full_years and value <= 12:
                # funding is constant within a year: the first `lag` months of a year keep
                # the lower of the old and the new level (the same as staffing.staffed_fte)
                f = funded[rows]
                rise = np.maximum(np.diff(f, axis=-1), 0.0)
                out = f.copy()
                out[..., 1:] -= rise * (value / 12)
                staffed[rows] = out
            else:
                monthly = np.repeat(funded[rows], self.grid.n_months, axis=-1)
                staffed[rows] = self.grid.mean(st.staffed_fte(monthly, int(value), 0.0))
        return staffed

    def _evaluate(self, X: np.ndarray) -> dict[str, np.ndarray]:
        from paktsim import pay

        spec = self.scenario.staffing
        people = self._people(X)  # (M, N, Y)
        cs = self._column(X, "staffing.counselling_share", spec.counselling_share)
        go = self._column(X, "staffing.group_offer_share", spec.group_offer_share)
        ratio = self._column(X, "staffing.target_ratio", spec.target_ratio)
        vac = self._column(X, "staffing.vacancy_rate", spec.vacancy_rate)
        lag = np.rint(self._column(X, "staffing.hiring_lag_months", spec.hiring_lag_months)).astype(
            int
        )
        need = people * (cs * (1.0 - go) / ratio)[:, None, None]
        rate = self._rate(X)
        central_rate = self._rate(self.center())
        volume = self._factor_by_year(X, "volume", _VOLUME)
        # funded FTE = frame ÷ rate: scale the central allocation by envelope and rate
        funded = self.funded[None] * (volume * central_rate / rate)[:, None, :]
        frame = self.frame[None] * volume[:, None, :]
        staffed = self._staffed(funded, lag) * (1.0 - vac)[:, None, None]
        draws = {
            k: self._column(X, path, np.nan)[:, None]
            for k, path in pay.PAY_ASSUMPTIONS.items()
            if path in self.keys
        }
        table = pay.table_pay(self.years, self.scenario.overrides or None, **draws)
        overhead = self._column(
            X, "kosten.arbeitgeberzuschlag", float(self.rates.overhead_share[0])
        )[:, None]
        sach = self._column(X, "staffing.sachkosten_je_vze", float(self.rates.sachkosten[0]))[
            :, None
        ]
        employer = np.broadcast_to(table * (1.0 + overhead), rate.shape)
        frac = self.grid.months_fraction()[None, None, :]
        land = np.minimum(
            np.rint(staffed * np.minimum(rate, employer)[:, None, :] * frac), np.rint(frame)
        )
        cost = np.rint(staffed * employer[:, None, :] * frac) + np.rint(
            staffed * np.broadcast_to(sach, rate.shape)[:, None, :] * frac
        )
        return {
            "net_gap_fte": (need - staffed).sum(axis=1),
            "gap_fte": np.maximum(need - staffed, 0.0).sum(axis=1),
            "cofunding_eur": (cost - land).sum(axis=1),
        }


@dataclass(frozen=True, eq=False)
class SobolResult:
    """Sobol indices of the scenario's figures (all years) and the samples behind them.

    Attributes
    ----------
    factors : list of Factor
    X : ndarray (runs, factors)
        The Saltelli sample.
    outputs : dict metric → ndarray (runs, years)
    year : int
        The year the indices of :meth:`indices` default to.
    """

    factors: list[Factor]
    X: np.ndarray
    outputs: dict[str, np.ndarray]
    years: tuple[int, ...]
    year: int
    n_base: int
    seed: int
    deterministic: dict[str, np.ndarray] = field(default_factory=dict)

    def independent(self) -> np.ndarray:
        """Rows of the two independent base samples (A and B) of the Saltelli design."""
        d = len(self.factors)
        idx = np.arange(len(self.X)).reshape(-1, d + 2)
        return np.concatenate([idx[:, 0], idx[:, -1]])

    def quantiles(self, metric: str, q: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Quantiles over the independent samples, per year (``P10, P50, P90``)."""
        values = np.quantile(self.outputs[metric][self.independent()], q, axis=0)
        return pd.DataFrame(
            values.T,
            index=pd.Index(self.years, name="year"),
            columns=[f"P{round(x * 100)}" for x in q],
        )

    def indices(
        self, metric: str = "net_gap_fte", year: int | None = None, num_resamples: int = 200
    ) -> pd.DataFrame:
        """First-order and total-effect indices with 95 % bootstrap intervals.

        Returns
        -------
        DataFrame
            One row per factor, sorted by ``ST``: ``label, path, low, high, S1,
            S1_conf, ST, ST_conf``; ``attrs`` carry metric, year, runs.
        """
        year = self.year if year is None else int(year)
        if metric not in self.outputs:
            raise InputError(
                Problem("metric", f"expected one of {', '.join(self.outputs)}", metric)
            )
        if year not in self.years:
            raise InputError(Problem("year", "not in the horizon", year))
        y = self.outputs[metric][:, self.years.index(year)]
        out = analyse(self.factors, y, seed=self.seed, num_resamples=num_resamples)
        out.attrs.update(metric=metric, year=year, runs=len(self.X), n_base=self.n_base)
        return out


def _problem(factor_list: list[Factor]) -> dict[str, Any]:
    bounds, dists = [], []
    for f in factor_list:
        if f.dist == "unif" and f.high > f.low:
            bounds.append([f.low, f.high])
            dists.append("unif")
        elif f.high > f.low:
            # SALib wants the peak strictly below the upper end
            peak = min((f.mode - f.low) / (f.high - f.low), 1.0 - 1e-9)
            bounds.append([f.low, f.high, peak])
            dists.append("triang")
        else:
            bounds.append([f.low, f.low + 1e-12])
            dists.append("unif")
    return {
        "num_vars": len(factor_list),
        "names": [f.key for f in factor_list],
        "bounds": bounds,
        "dists": dists,
    }


def sample(factor_list: list[Factor], n_base: int, seed: int) -> np.ndarray:
    """Saltelli/Sobol' sample ``(n_base × (D + 2), D)`` (second-order indices off)."""
    from SALib.sample import sobol as sobol_sample

    if not (isinstance(n_base, int) and n_base >= 2 and (n_base & (n_base - 1)) == 0):
        raise InputError(Problem("n_base", "expected a power of two >= 2", n_base))
    return sobol_sample.sample(
        _problem(factor_list), n_base, calc_second_order=False, seed=int(seed) % 2**32
    )


def analyse(
    factor_list: list[Factor], y: np.ndarray, *, seed: int = 0, num_resamples: int = 200
) -> pd.DataFrame:
    """First-order and total-effect indices of ``y`` (runs of :func:`sample`).

    Returns
    -------
    DataFrame
        One row per factor, sorted by ``ST``: ``label, path, low, high, S1,
        S1_conf, ST, ST_conf`` (``*_conf``: half-width of the 95 % bootstrap
        interval).  An output that does not vary gives zeros.
    """
    from SALib.analyze import sobol as sobol_analyze

    y = np.asarray(y, dtype=float)
    d = len(factor_list)
    if np.allclose(y, y[0]):
        s = {k: np.zeros(d) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    else:
        s = sobol_analyze.analyze(
            _problem(factor_list),
            y,
            calc_second_order=False,
            num_resamples=num_resamples,
            seed=int(seed) % 2**32,
        )
    out = pd.DataFrame(
        {
            "label": [f.label for f in factor_list],
            "path": [f.path for f in factor_list],
            "low": [f.low for f in factor_list],
            "high": [f.high for f in factor_list],
            "S1": s["S1"],
            "S1_conf": s["S1_conf"],
            "ST": s["ST"],
            "ST_conf": s["ST_conf"],
        },
        index=pd.Index([f.key for f in factor_list], name="factor"),
    )
    return out.sort_values("ST", ascending=False, kind="stable")


def sobol(
    scenario: Any = None,
    *,
    n_base: int = 128,
    year: int | None = None,
    seed: int | None = None,
    base_dir: Any = None,
) -> SobolResult:
    """Sobol analysis of a scenario over every assumption with a range.

    Parameters
    ----------
    scenario : Scenario, optional
        Default: the status quo.
    n_base : int
        Base sample size ``N`` (a power of two); the model runs ``N × (D + 2)``
        times.  128 by default (status quo: ≈ 5,200 runs, ≈ 30 s; 95 % intervals
        of ± 0.05–0.1 on the large indices); 256 or more for a report.
    year : int, optional
        Default: the year with the largest median net gap over the samples.
    seed : int, optional
        Scrambling seed of the Sobol' sequence; default the scenario's seed.

    Returns
    -------
    SobolResult
    """
    from paktsim.scenario import builtin_scenario

    scenario = scenario if scenario is not None else builtin_scenario("status_quo")
    seed = int(scenario.seed if seed is None else seed) % 2**32
    evaluator = Evaluator(scenario, base_dir=base_dir)
    X = sample(evaluator.factors, n_base, seed)
    outputs = evaluator(X)
    central = evaluator(evaluator.center())
    result = SobolResult(
        evaluator.factors,
        X,
        outputs,
        tuple(evaluator.years),
        0,
        n_base,
        seed,
        {k: v[0] for k, v in central.items()},
    )
    if year is None:
        median = result.quantiles("net_gap_fte", (0.5,))["P50"]
        year = int(median.to_numpy().argmax()) + evaluator.years[0]
    elif int(year) not in evaluator.years:
        raise InputError(Problem("year", "not in the horizon", year))
    object.__setattr__(result, "year", int(year))
    return result


# ------------------------------------------------------------------ PRIM


@dataclass(frozen=True)
class PrimResult:
    """A PRIM box: assumption ranges in which the outcome is (mostly) true.

    ``box`` has one row per restricted factor (``label, low, high, range_low,
    range_high``); ``coverage`` is the share of all cases of interest inside the
    box, ``density`` the share of cases of interest among the runs in the box,
    ``mass`` the share of runs in the box; ``trajectory`` the peeling path.
    """

    box: pd.DataFrame
    coverage: float
    density: float
    mass: float
    threshold: float
    metric: str
    year: int
    trajectory: pd.DataFrame


def prim(
    X: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    min_density: float | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Patient rule induction (peeling) for a boolean outcome.

    Repeatedly removes the ``alpha`` share of the remaining runs at the low or
    high end of one factor — the peel that raises the density of ``y`` most —
    until the box holds less than ``min_mass`` of the runs.

    Returns
    -------
    limits : ndarray (factors, 2)
        Box chosen on the trajectory: the densest box with mass ≥ ``min_mass``
        whose density reaches ``min_density`` at the largest coverage (default:
        the box with the highest density).
    trajectory : DataFrame
        ``mass, coverage, density, n_restricted`` per peeling step.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=bool)
    if X.shape[0] != y.shape[0] or X.shape[1] != len(names):
        raise InputError(Problem("X", "expected runs × factors matching y and names", X.shape))
    if not 0 < alpha < 1:
        raise InputError(Problem("alpha", "expected a share in (0, 1)", alpha))
    lo, hi = X.min(axis=0).copy(), X.max(axis=0).copy()
    full = (lo.copy(), hi.copy())
    inside = np.ones(len(y), dtype=bool)
    total = max(int(y.sum()), 1)
    boxes, rows = [], []

    def record() -> None:
        n = inside.sum()
        restricted = int(((lo > full[0]) | (hi < full[1])).sum())
        rows.append(
            {
                "mass": n / len(y),
                "coverage": y[inside].sum() / total,
                "density": y[inside].mean() if n else 0.0,
                "n_restricted": restricted,
            }
        )
        boxes.append(np.c_[lo, hi].copy())

    record()
    while inside.mean() > min_mass:
        best = None
        for j in range(X.shape[1]):
            col = X[inside, j]
            for side in ("low", "high"):
                cut = np.quantile(col, alpha if side == "low" else 1 - alpha)
                keep = col >= cut if side == "low" else col <= cut
                if keep.all() or not keep.any():
                    continue
                density = y[inside][keep].mean()
                if best is None or density > best[0]:
                    best = (density, j, side, cut)
        if best is None:
            break
        _, j, side, cut = best
        if side == "low":
            lo[j] = cut
            inside &= X[:, j] >= cut
        else:
            hi[j] = cut
            inside &= X[:, j] <= cut
        record()
    trajectory = pd.DataFrame(rows)
    ok = trajectory["mass"] >= min_mass
    if min_density is not None and (ok & (trajectory["density"] >= min_density)).any():
        pick = trajectory[ok & (trajectory["density"] >= min_density)]["coverage"].idxmax()
    else:
        pick = trajectory[ok]["density"].idxmax()
    position = list(trajectory.index).index(pick)
    trajectory["chosen"] = np.arange(len(trajectory)) == position
    return boxes[position], trajectory


def discover(
    result: SobolResult,
    threshold: float,
    *,
    metric: str = "net_gap_fte",
    year: int | None = None,
    min_density: float = 0.8,
    min_total_effect: float = 0.01,
) -> PrimResult:
    """Assumption ranges under which ``metric`` exceeds ``threshold`` in ``year`` (PRIM).

    Uses the runs of a :class:`SobolResult` (a space-filling sample of every
    factor).  Only factors whose total-effect index exceeds ``min_total_effect``
    are peeled: greedy peeling on factors without effect would cut their ranges
    by chance.  The chosen box is the one with the largest coverage whose density
    is at least ``min_density`` (default 80 % of the runs in the box exceed the
    threshold).
    """
    year = result.year if year is None else int(year)
    if year not in result.years:
        raise InputError(Problem("year", "not in the horizon", year))
    if metric not in result.outputs:
        raise InputError(Problem("metric", f"expected one of {', '.join(result.outputs)}", metric))
    y = result.outputs[metric][:, result.years.index(year)] > float(threshold)
    total = result.indices(metric, year)["ST"]
    cols = [i for i, f in enumerate(result.factors) if total.get(f.key, 0.0) > min_total_effect]
    if not cols:
        raise InputError(
            Problem("min_total_effect", "no factor has a larger total effect", min_total_effect)
        )
    chosen_factors = [result.factors[i] for i in cols]
    X = result.X[:, cols]
    names = [f.key for f in chosen_factors]
    limits, trajectory = prim(X, y, names, min_density=min_density)
    full_lo, full_hi = X.min(axis=0), X.max(axis=0)
    restricted = (limits[:, 0] > full_lo) | (limits[:, 1] < full_hi)
    box = pd.DataFrame(
        {
            "label": [f.label for f in chosen_factors],
            "low": limits[:, 0],
            "high": limits[:, 1],
            "range_low": [f.low for f in chosen_factors],
            "range_high": [f.high for f in chosen_factors],
        },
        index=pd.Index(names, name="factor"),
    )[restricted]
    chosen = trajectory[trajectory["chosen"]].iloc[0]
    return PrimResult(
        box,
        float(chosen["coverage"]),
        float(chosen["density"]),
        float(chosen["mass"]),
        float(threshold),
        metric,
        year,
        trajectory,
    )


# ------------------------------------------------------------------ chart


def sobol_chart(indices: pd.DataFrame, *, top: int = 12, title: str | None = None) -> Any:
    """Horizontal bars of first-order and total-effect indices (German labels).

    Parameters
    ----------
    indices : DataFrame
        From :meth:`SobolResult.indices`.
    top : int
        Factors shown (largest total effect first); the rest are summed in the
        subtitle.
    """
    import matplotlib.pyplot as plt

    from paktsim.report.charts import COLORS

    shown = indices.head(top).iloc[::-1]
    rest = indices.iloc[top:]
    fig, ax = plt.subplots(figsize=(8.0, 0.45 * len(shown) + 1.8))
    y = np.arange(len(shown))
    ax.barh(
        y + 0.2,
        shown["ST"].clip(lower=0),
        height=0.4,
        color=COLORS["gain"],
        xerr=shown["ST_conf"],
        label="Gesamteffekt (ST)",
    )
    ax.barh(
        y - 0.2,
        shown["S1"].clip(lower=0),
        height=0.4,
        color=COLORS["loss"],
        xerr=shown["S1_conf"],
        label="Haupteffekt (S1)",
    )
    ax.set_yticks(y, shown["label"])
    ax.set_xlim(0, max(1.0, float((shown["ST"] + shown["ST_conf"]).max())))
    ax.set_xlabel("Anteil an der Varianz")
    metric = indices.attrs.get("metric", "")
    ax.set_title(
        title
        or f"{METRIC_LABELS.get(metric, metric)} {indices.attrs.get('year', '')}:\nSobol-Indizes",
        fontsize=10,
        loc="left",
    )
    note = f"{indices.attrs.get('runs', '')} Modellläufe"
    if len(rest):
        note += (
            f"; {len(rest)} weitere Annahmen mit ST zusammen {rest['ST'].clip(lower=0).sum():.2f}"
        )
    ax.text(0, -0.12, note.replace(".", ","), transform=ax.transAxes, fontsize=8, va="top")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", color="#dddddd")
    fig.tight_layout()
    return fig
