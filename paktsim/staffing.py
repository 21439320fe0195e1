"""Staffing: caseload → positions needed vs funded, actual ratio, gap and cost.

The model, per place and month (vectorised over any leading axes, e.g. Monte
Carlo draws):

``caseload = target group × counselling_share × (1 − group_offer_share)``
    The target group is people in Anschlussunterbringung (optionally plus vU and
    privately housed Ukrainians, see :func:`target_group`).
``fte_needed = caseload / ratio``
    ``ratio`` = persons per full-time position (presets in :data:`RATIO_PRESETS`).
``fte_staffed = (1 − vacancy_rate) × min(fte_funded[t − lag .. t])``
    A funded increase is filled only after ``hiring_lag_months``; a cut takes
    effect at once (contracts end with the grant).  Before the first month the
    funding is taken as ``funded_before`` (default: the first month's level, i.e.
    positions already filled when the horizon starts).

Per year (months averaged, money summed over the months of the year in the
horizon), :func:`staffing_arrays` / :func:`staffing_table` give

=====================  ===================================================================
``caseload``           persons needing counselling (annual mean)
``fte_needed``         positions needed at the ratio
``fte_funded``         positions the allocation funds
``fte_staffed``        positions actually filled (lag, vacancy)
``ratio_actual``       caseload ÷ staffed positions (NaN without staff)
``gap_fte``            shortage ``max(needed − staffed, 0)`` (a surplus is not netted)
``gap_eur``            Land money to fund the shortage at the Fördersatz
``gap_cost_eur``       full cost of the shortage (employer cost + Sachkosten)
``employer_cost_eur``  employer cost of the staffed positions (TVöD pay × (1 + overhead))
``sachkosten_eur``     material costs of the staffed positions (not funded by the Land)
``land_funding_eur``   what the Land pays: staffed × min(Fördersatz, employer cost), at most the frame
``cofunding_eur``      what the municipality pays on top: employer cost + Sachkosten − Land
``frame_eur``          the allocated frame (if given) and ``unused_eur = frame − land_funding``
=====================  ===================================================================

Money columns are whole euros (int64).  The Land's payment is capped at the
employer cost because a grant may not exceed the expenditure it funds
(Zuwendungsrecht); this cap is a modelling choice stated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem

__all__ = [
    "COLUMN_LABELS",
    "RATIO_PRESETS",
    "ASSUMPTION_PATHS",
    "assumption_range",
    "ratio_presets",
    "resolve_ratio",
    "StaffingAssumptions",
    "CostRates",
    "YearGrid",
    "target_group",
    "caseload",
    "fte_needed",
    "staffed_fte",
    "staffing_arrays",
    "annual_inputs",
    "annual_staffing",
    "euros",
    "needed_eur",
    "target_group_parts",
    "to_frame",
    "staffing_table",
    "aggregate",
    "ADDITIVE_COLUMNS",
    "MONEY_COLUMNS",
]

#: Preset name -> parameter path of the ratio (persons per full-time position).
RATIO_PRESETS: dict[str, str] = {
    "1:80": "staffing.schluessel_streng",
    "1:88": "betreuungsschluessel.im_2017",
    "1:100": "betreuungsschluessel.liga_forderung",
    "1:110": "betreuungsschluessel.fsa_vu",
    "1:150": "betreuungsschluessel.mbe",
}

#: Staffing assumption (scenario field) → parameter holding its default and range.
ASSUMPTION_PATHS: dict[str, str] = {
    "staffing.target_ratio": "betreuungsschluessel.bedarf",
    "staffing.counselling_share": "staffing.beratungsbedarf_anteil",
    "staffing.group_offer_share": "staffing.gruppenangebote_anteil",
    "staffing.vacancy_rate": "staffing.vakanzquote",
    "staffing.hiring_lag_months": "staffing.einstellungsverzug_monate",
}

MONEY_COLUMNS: tuple[str, ...] = (
    "gap_eur",
    "gap_cost_eur",
    "employer_cost_eur",
    "sachkosten_eur",
    "land_funding_eur",
    "cofunding_eur",
    "frame_eur",
    "unused_eur",
)
#: Columns that add up over places (the ratios are recomputed from sums).
ADDITIVE_COLUMNS: tuple[str, ...] = (
    "target_group",
    "caseload",
    "fte_needed",
    "fte_funded",
    "fte_staffed",
    "gap_fte",
) + MONEY_COLUMNS


def ratio_presets(
    date: Any = "2025-01-01", overrides: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """The ratio presets with their value in force at ``date`` and their source.

    Returns
    -------
    pandas.DataFrame
        Indexed by preset (``"1:88"``), columns ``path, persons_per_fte, name_de,
        reference, tag``.
    """
    from paktsim import params

    snap = params.at(date, overrides)
    rows = []
    for preset, path in RATIO_PRESETS.items():
        info = params.describe(path)
        rows.append(
            {
                "preset": preset,
                "path": path,
                "persons_per_fte": float(snap[path]),
                "name_de": info["name"]["de"],
                "reference": "; ".join(info["sources"]),
                "tag": ", ".join(info["tags"]),
            }
        )
    return pd.DataFrame(rows).set_index("preset")


def resolve_ratio(
    ratio: float | str,
    date: Any = "2025-01-01",
    overrides: Mapping[str, Any] | None = None,
    location: str = "staffing.target_ratio",
) -> float:
    """Persons per FTE for a number or a preset name (``"1:88"``) or a parameter path.

    Raises
    ------
    InputError
        Unknown preset/path, or a ratio that is not a positive finite number.
    """
    if isinstance(ratio, str):
        from paktsim import params

        path = RATIO_PRESETS.get(ratio.strip(), ratio.strip())
        if path not in params.load():
            raise InputError(
                Problem(
                    location,
                    f"expected a positive number or a preset ({', '.join(RATIO_PRESETS)})",
                    ratio,
                )
            )
        ratio = params.at(date, overrides)[path]
    if (
        isinstance(ratio, bool)
        or not isinstance(ratio, (int, float, np.number))
        or not np.isfinite(ratio)
        or ratio <= 0
    ):
        raise InputError(Problem(location, "expected persons per position > 0", ratio))
    return float(ratio)


def assumption_range(path: str, date: str) -> tuple[float, float]:
    """Low and high end of an assumption's range in force at ``date``.

    A range recorded only after ``date`` (e.g. a horizon starting in 2014 for an
    assumption first stated in 2016) is taken from its first date: the question
    is how much the assumption matters, and the earliest stated range is the
    closest statement of it.

    Raises
    ------
    InputError
        The path has no assumption range at all.
    """
    from paktsim import params

    rows = params.assumptions()
    rows = rows[rows["path"] == path]
    if rows.empty:
        raise InputError(Problem(path, "no assumption range in the parameter files", date))
    before = rows[rows["date"] <= pd.Timestamp(date)]
    row = before.iloc[-1] if not before.empty else rows.sort_values("date").iloc[0]
    return float(row["low"]), float(row["high"])


@dataclass(frozen=True)
class StaffingAssumptions:
    """Assumptions turning people into positions (mirrors ``Scenario.staffing``).

    Parameters
    ----------
    target_ratio : float
        Persons per full-time position needed.
    counselling_share, group_offer_share : float
        Shares in [0, 1] (see module docstring).
    hiring_lag_months : int
        Months before a funded increase is filled (>= 0).
    vacancy_rate : float
        Share of funded positions unfilled, in [0, 1).
    """

    target_ratio: float = field(
        default_factory=lambda: float(_latest_param("betreuungsschluessel.bedarf"))
    )
    counselling_share: float = 1.0
    group_offer_share: float = 0.0
    hiring_lag_months: int = 0
    vacancy_rate: float = 0.0

    def __post_init__(self) -> None:
        problems = []
        if not (np.isfinite(self.target_ratio) and self.target_ratio > 0):
            problems.append(Problem("staffing.target_ratio", "expected > 0", self.target_ratio))
        for name in ("counselling_share", "group_offer_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                problems.append(Problem(f"staffing.{name}", "expected a share in [0, 1]", value))
        if int(self.hiring_lag_months) != self.hiring_lag_months or self.hiring_lag_months < 0:
            problems.append(
                Problem(
                    "staffing.hiring_lag_months",
                    "expected whole months >= 0",
                    self.hiring_lag_months,
                )
            )
        if not 0.0 <= self.vacancy_rate < 1.0:
            problems.append(
                Problem("staffing.vacancy_rate", "expected a share in [0, 1)", self.vacancy_rate)
            )
        if problems:
            raise InputError(problems)

    @classmethod
    def from_spec(cls, spec: Any) -> StaffingAssumptions:
        """Build from a :class:`paktsim.scenario.StaffingSpec`."""
        return cls(
            float(spec.target_ratio),
            float(spec.counselling_share),
            float(spec.group_offer_share),
            int(spec.hiring_lag_months),
            float(spec.vacancy_rate),
        )


@dataclass(frozen=True)
class YearGrid:
    """Months of a horizon grouped into calendar years.

    Parameters
    ----------
    start, end : str
        First and last month ``YYYY-MM`` (inclusive).
    """

    start: str
    end: str
    months: pd.PeriodIndex = field(init=False, repr=False, compare=False)
    years: np.ndarray = field(init=False, repr=False, compare=False)
    first_month: np.ndarray = field(init=False, repr=False, compare=False)
    n_months: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            months = pd.period_range(self.start, self.end, freq="M", name="month")
        except (ValueError, TypeError):
            raise InputError(
                Problem(
                    "horizon", "expected months YYYY-MM with start <= end", (self.start, self.end)
                )
            ) from None
        if len(months) == 0:
            raise InputError(Problem("horizon", "end lies before start", (self.start, self.end)))
        year_of = months.year.to_numpy()
        years, first, counts = np.unique(year_of, return_index=True, return_counts=True)
        object.__setattr__(self, "months", months)
        object.__setattr__(self, "years", years.astype(int))
        object.__setattr__(self, "first_month", first)
        object.__setattr__(self, "n_months", counts)

    def mean(self, x: np.ndarray) -> np.ndarray:
        """Annual mean over the last axis (months -> years)."""
        return (
            np.add.reduceat(np.asarray(x, dtype=float), self.first_month, axis=-1) / self.n_months
        )

    def months_fraction(self) -> np.ndarray:
        """Share of each year covered by the horizon (``n_months / 12``)."""
        return self.n_months / 12.0


@dataclass(frozen=True)
class CostRates:
    """Per-year cost and funding rates per full-time position (euros per year).

    Use :meth:`from_params`; the arrays are aligned with ``years``.
    """

    years: tuple[int, ...]
    table_pay: np.ndarray
    overhead_share: np.ndarray
    sachkosten: np.ndarray
    foerdersatz: np.ndarray
    lowest_rate: np.ndarray
    notes: tuple[str, ...] = ()
    sachkosten_funded: np.ndarray | None = None
    """Per year, whether the Land funds Sachkosten (``kosten.sachkosten_gefoerdert``)."""

    @property
    def employer_cost(self) -> np.ndarray:
        """Employer cost per FTE and year: table pay × (1 + overhead).

        Table pay follows the TVöD SuE pay path with the grade/step mix of
        :func:`paktsim.pay.table_pay`.
        """
        return self.table_pay * (1.0 + self.overhead_share)

    @property
    def land_per_fte(self) -> np.ndarray:
        """What the Land pays per staffed FTE: the Fördersatz, capped at the employer cost
        (plus the Sachkosten in years they are funded, ``kosten.sachkosten_gefoerdert``)."""
        cap = self.employer_cost
        if self.sachkosten_funded is not None:
            cap = cap + np.where(self.sachkosten_funded, self.sachkosten, 0.0)
        return np.minimum(self.foerdersatz, cap)

    @property
    def cofunding_per_fte(self) -> np.ndarray:
        """Municipal share per staffed FTE: employer cost + Sachkosten − Land payment."""
        return self.employer_cost + self.sachkosten - self.land_per_fte

    @classmethod
    def from_params(
        cls,
        years: Any,
        qualification_mix: Mapping[str, float] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> CostRates:
        """Read pay, overhead, Sachkosten and Fördersätze by year from the parameter files.

        Parameters
        ----------
        years : sequence of int
            Calendar years.
        qualification_mix : mapping, optional
            Share of positions per tier (``hochschule``, ``berufsausbildung``),
            default all ``hochschule``; the Fördersatz is the mix-weighted mean.
        overrides : mapping, optional
            Parameter overrides ``{"path": {"YYYY-MM-DD": value}}``.

        Notes
        -----
        A value not yet in force in an early year (TVöD pay is recorded from 2018,
        the Fördersatz from 2017) is taken from the first year with a value; the
        filled years are listed in :attr:`notes`.
        """
        from paktsim import params

        years = tuple(int(y) for y in years)
        if not years:
            raise InputError(Problem("years", "expected at least one year", years))
        mix = dict(qualification_mix or {"hochschule": 1.0})
        tiers = {
            "hochschule": "integrationsmanagement.foerdersatz.hochschule",
            "berufsausbildung": "integrationsmanagement.foerdersatz.berufsausbildung",
        }
        unknown = sorted(set(mix) - set(tiers))
        if unknown or abs(sum(mix.values()) - 1.0) > 1e-9 or any(v < 0 for v in mix.values()):
            raise InputError(
                Problem(
                    "allocation.qualification_mix",
                    "expected shares of hochschule/berufsausbildung summing to 1",
                    mix,
                )
            )
        notes: list[str] = []
        first, last = min(years), max(years)
        idx = np.array(years) - first

        def by_year(path: str) -> np.ndarray:
            raw = params.yearly(path, first, max(last, first), overrides)
            values = raw.astype("Float64")
            if values.isna().all():
                raw = params.yearly(path, first, 2040, overrides)
                values = raw.astype("Float64")
                if values.isna().all():
                    raise InputError(
                        Problem(path, "no value in force for the years", (first, last))
                    )
            filled = values.bfill().ffill()
            missing = [int(y) for y in values.index[values.isna()] if y <= last]
            if missing:
                notes.append(
                    f"{path}: {missing[0]}–{missing[-1]} filled from the nearest year with a value"
                )
            return filled.to_numpy(dtype=float)[: last - first + 1][idx]

        rate_by_tier = {tier: by_year(tiers[tier]) for tier in tiers}
        foerdersatz = sum(share * rate_by_tier[tier] for tier, share in mix.items())
        used = [rate_by_tier[t] for t, s in mix.items() if s > 0]
        lowest = np.minimum.reduce(used) if used else foerdersatz
        from paktsim import pay

        by_year("kosten.tvoed_s12_stufe3_jahr")  # only for the note on years before the first table
        return cls(
            years,
            pay.table_pay(years, overrides),
            by_year("kosten.arbeitgeberzuschlag"),
            by_year("staffing.sachkosten_je_vze"),
            np.asarray(foerdersatz, dtype=float),
            np.asarray(lowest, dtype=float),
            tuple(notes),
            by_year("kosten.sachkosten_gefoerdert").astype(bool),
        )

    def select(self, years: Any) -> CostRates:
        """Rates for a subset of :attr:`years` (in the given order)."""
        pos = {y: i for i, y in enumerate(self.years)}
        try:
            idx = np.array([pos[int(y)] for y in years], dtype=int)
        except KeyError as exc:
            raise InputError(
                Problem("years", "year not covered by the cost rates", exc.args[0])
            ) from None
        return CostRates(
            tuple(int(y) for y in years),
            self.table_pay[idx],
            self.overhead_share[idx],
            self.sachkosten[idx],
            self.foerdersatz[idx],
            self.lowest_rate[idx],
            self.notes,
            None if self.sachkosten_funded is None else self.sachkosten_funded[idx],
        )


def _latest_param(path: str) -> Any:
    from paktsim import params

    return params.series(path)["value"].iloc[-1]


def _check_nonnegative(x: np.ndarray, location: str) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise InputError(Problem(location, "expected finite numbers"))
    if np.any(x < 0):
        raise InputError(Problem(location, "expected numbers >= 0", float(x.min())))
    return x


#: One part of the target group: a stage of the inflow chain and a group (``None``: all groups).
TargetPart = tuple[str, "str | None"]


def target_group_parts(
    include_vu: bool = False,
    include_ukraine_private: bool = False,
    *,
    definition: str | None = None,
) -> tuple[TargetPart, ...]:
    """The target group's parts for a definition or the scenario switches.

    ``definition`` (a scenario's ``staffing.target_group``) names who counts
    (:mod:`paktsim.target_groups`: ``au``, ``au_ukraine_private``,
    ``all_protection_seekers``); ``include_vu`` adds the vU stock.  Without a
    definition: AU of all groups, plus vU (``include_vu``) and Ukrainians in own
    housing (``include_ukraine_private``: the ``own`` stock of the Ukraine group —
    those housed privately from arrival and those who moved on from AU).
    """
    if definition is not None:
        from paktsim import target_groups

        return target_groups.parts(definition, include_vu)
    parts: list[TargetPart] = [("au", None)]
    if include_vu:
        parts.append(("vu", None))
    if include_ukraine_private:
        parts.append(("own", "ukraine"))
    return tuple(parts)


def target_group(
    stocks: Mapping[str, np.ndarray],
    *,
    include_vu: bool = False,
    include_ukraine_private: bool = False,
    definition: tuple[TargetPart, ...] | None = None,
    window: slice = slice(None),
) -> np.ndarray:
    """People in the programme's target group, from the inflow chain's stocks.

    The one place where the target group is defined: the central run and every
    Monte Carlo chunk call it.

    Parameters
    ----------
    stocks : mapping stage → ndarray (D, G, S, T)
        Stocks by draw, group (:data:`paktsim.inflow.arrivals.GROUPS`), key
        segment and month (:attr:`paktsim.inflow.kernel.ChainResult.stocks`).
    include_vu, include_ukraine_private : bool
        Scenario switches (see :func:`target_group_parts`); ignored when
        ``definition`` is given.
    definition : tuple of (stage, group or None), optional
        Explicit parts, e.g. ``(("au", None), ("own", "ukraine"))``.
    window : slice
        Months to keep (the scenario horizon within the chain's months).

    Returns
    -------
    ndarray (D, S, T_window)
        Persons per draw, key segment and month.
    """
    from paktsim.inflow.arrivals import GROUPS

    parts = (
        definition
        if definition is not None
        else target_group_parts(include_vu, include_ukraine_private)
    )
    if not parts:
        raise InputError(Problem("staffing.target_group", "expected at least one part", parts))
    total = None
    for stage, group in parts:
        if stage not in stocks:
            raise InputError(
                Problem(
                    "staffing.target_group",
                    f"unknown stage, expected one of {', '.join(stocks)}",
                    stage,
                )
            )
        arr = stocks[stage]
        if group is None:
            part = arr[..., window].sum(axis=1)
        elif group in GROUPS:
            part = arr[:, GROUPS.index(group), :, window]
        else:
            raise InputError(
                Problem(
                    "staffing.target_group",
                    f"unknown group, expected one of {', '.join(GROUPS)}",
                    group,
                )
            )
        total = part if total is None else total + part
    return total


def caseload(
    people: np.ndarray,
    counselling_share: float | np.ndarray = 1.0,
    group_offer_share: float | np.ndarray = 0.0,
) -> np.ndarray:
    """Persons needing individual counselling: ``people × share × (1 − group offers)``.

    Shares may be arrays broadcastable against ``people`` (e.g. one per draw).
    """
    people = _check_nonnegative(people, "people")
    cs = np.asarray(counselling_share, dtype=float)
    go = np.asarray(group_offer_share, dtype=float)
    if np.any((cs < 0) | (cs > 1)):
        raise InputError(
            Problem("staffing.counselling_share", "expected a share in [0, 1]", counselling_share)
        )
    if np.any((go < 0) | (go > 1)):
        raise InputError(
            Problem("staffing.group_offer_share", "expected a share in [0, 1]", group_offer_share)
        )
    return people * cs * (1.0 - go)


def fte_needed(caseload_: np.ndarray, ratio: float | np.ndarray) -> np.ndarray:
    """Full-time positions needed: ``caseload / ratio`` (persons per position)."""
    r = np.asarray(ratio, dtype=float)
    if np.any(~np.isfinite(r)) or np.any(r <= 0):
        raise InputError(
            Problem("staffing.target_ratio", "expected persons per position > 0", ratio)
        )
    return _check_nonnegative(caseload_, "caseload") / r


def staffed_fte(
    funded: np.ndarray,
    hiring_lag_months: int = 0,
    vacancy_rate: float | np.ndarray = 0.0,
    funded_before: np.ndarray | float | None = None,
) -> np.ndarray:
    """Positions actually filled per month from positions funded per month.

    Parameters
    ----------
    funded : ndarray (..., month)
        Funded FTE per month.
    hiring_lag_months : int
        An increase in funding at month ``t`` is filled from ``t + lag``.
    vacancy_rate : float or ndarray
        Share unfilled (broadcast against ``funded[..., :1]``).
    funded_before : ndarray (...) or float, optional
        Funded FTE before the first month; default ``funded[..., 0]`` (positions
        already filled at the start).

    Returns
    -------
    ndarray
        Same shape as ``funded``; never above ``funded``.
    """
    funded = _check_nonnegative(funded, "fte_funded")
    lag = int(hiring_lag_months)
    if lag != hiring_lag_months or lag < 0:
        raise InputError(
            Problem("staffing.hiring_lag_months", "expected whole months >= 0", hiring_lag_months)
        )
    vac = np.asarray(vacancy_rate, dtype=float)
    if np.any((vac < 0) | (vac >= 1)):
        raise InputError(
            Problem("staffing.vacancy_rate", "expected a share in [0, 1)", vacancy_rate)
        )
    if lag == 0:
        filled = funded
    else:
        before = (
            funded[..., :1]
            if funded_before is None
            else np.broadcast_to(
                np.asarray(funded_before, dtype=float)[..., None], funded[..., :1].shape
            )
        )
        padded = np.concatenate([np.repeat(before, lag, axis=-1), funded], axis=-1)
        windows = np.lib.stride_tricks.sliding_window_view(padded, lag + 1, axis=-1)
        filled = windows.min(axis=-1)
    return filled * (1.0 - vac)


def staffing_arrays(
    people: np.ndarray,
    funded: np.ndarray,
    grid: YearGrid,
    assumptions: StaffingAssumptions,
    rates: CostRates,
    *,
    frame_eur: np.ndarray | None = None,
    funded_before: np.ndarray | None = None,
    counselling_share: np.ndarray | None = None,
    group_offer_share: np.ndarray | None = None,
    target_ratio: np.ndarray | None = None,
    vacancy_rate: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The staffing model on monthly arrays: monthly inputs in, annual outputs out.

    Averages the months of each year (:func:`annual_inputs`) and applies
    :func:`annual_staffing`; everything after the monthly stocks is linear up to
    the annual mean, so this equals the month-by-month model.

    Parameters
    ----------
    people : ndarray (..., place, month)
        Target-group persons per month.
    funded : ndarray (..., place, month)
        Funded FTE per month (broadcast against ``people``).
    grid : YearGrid
        The horizon's months; ``people.shape[-1]`` must equal its length.
    assumptions : StaffingAssumptions
        Ratio, shares, lag and vacancy.
    rates : CostRates
        Rates for ``grid.years`` (selected by year).
    frame_eur : ndarray (..., place, year), optional
        Allocated frame per year; gives ``frame_eur`` and ``unused_eur``.
    funded_before : ndarray (..., place), optional
        Funded FTE before the first month (see :func:`staffed_fte`).
    counselling_share, group_offer_share, target_ratio, vacancy_rate : ndarray, optional
        Per-draw values overriding ``assumptions`` (shape broadcastable to
        ``(..., 1, 1)``), for Monte Carlo.

    Returns
    -------
    dict of ndarray (..., place, year)
        Keys as in the module docstring; money as int64 whole euros.
    """
    people = np.asarray(people, dtype=float)
    n = len(grid.months)
    if people.shape[-1] != n:
        raise InputError(Problem("people", f"expected {n} months on the last axis", people.shape))
    people_y = grid.mean(_check_nonnegative(people, "people"))
    funded_y, filled_y = annual_inputs(
        np.broadcast_to(np.asarray(funded, dtype=float), people.shape),
        grid,
        assumptions.hiring_lag_months,
        funded_before,
    )
    return annual_staffing(
        people_y,
        funded_y,
        filled_y,
        grid,
        assumptions,
        rates,
        frame_eur=frame_eur,
        counselling_share=counselling_share,
        group_offer_share=group_offer_share,
        target_ratio=target_ratio,
        vacancy_rate=vacancy_rate,
    )


def annual_inputs(
    funded: np.ndarray,
    grid: YearGrid,
    hiring_lag_months: int = 0,
    funded_before: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Monthly funded FTE → annual means of funded and of filled FTE (before vacancy).

    Returns
    -------
    funded_y, filled_y : ndarray (..., place, year)
        ``filled_y`` applies the hiring lag (:func:`staffed_fte` with no vacancy);
        the vacancy rate is a factor and is applied in :func:`annual_staffing`.
    """
    funded = np.asarray(funded, dtype=float)
    filled = staffed_fte(funded, hiring_lag_months, 0.0, funded_before)
    return grid.mean(funded), grid.mean(filled)


def annual_staffing(
    people: np.ndarray,
    funded: np.ndarray,
    filled: np.ndarray,
    grid: YearGrid,
    assumptions: StaffingAssumptions,
    rates: CostRates,
    *,
    frame_eur: np.ndarray | None = None,
    counselling_share: np.ndarray | None = None,
    group_offer_share: np.ndarray | None = None,
    target_ratio: np.ndarray | None = None,
    vacancy_rate: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The one staffing and money formula, on annual means per place.

    Every result of the package (central run, Monte Carlo draws, dashboards)
    comes from this function.

    Parameters
    ----------
    people : ndarray (..., place, year)
        Annual mean target-group persons.
    funded, filled : ndarray (place, year) or (..., place, year)
        Annual mean funded FTE and filled FTE before vacancy
        (:func:`annual_inputs`); broadcast against ``people``.
    grid : YearGrid
        The horizon (years and the share of each year covered).
    assumptions, rates, frame_eur, counselling_share, group_offer_share, target_ratio,
    vacancy_rate
        See :func:`staffing_arrays`.

    Returns
    -------
    dict of ndarray (..., place, year)
        Keys as in the module docstring; money as int64 whole euros.
    """
    people = np.asarray(people, dtype=float)
    rates = rates.select(grid.years)
    a = assumptions
    cs = a.counselling_share if counselling_share is None else counselling_share
    go = a.group_offer_share if group_offer_share is None else group_offer_share
    ratio = a.target_ratio if target_ratio is None else target_ratio
    vac = np.asarray(a.vacancy_rate if vacancy_rate is None else vacancy_rate, dtype=float)
    if np.any((vac < 0) | (vac >= 1)):
        raise InputError(
            Problem("staffing.vacancy_rate", "expected a share in [0, 1)", vacancy_rate)
        )
    frac = grid.months_fraction()
    cl = caseload(people, cs, go)
    staffed = np.asarray(filled, dtype=float) * (1.0 - vac)
    out: dict[str, np.ndarray] = {
        "target_group": people,
        "caseload": cl,
        "fte_needed": fte_needed(cl, ratio),
        "fte_funded": np.broadcast_to(np.asarray(funded, dtype=float), cl.shape),
        "fte_staffed": np.broadcast_to(staffed, cl.shape),
    }
    staffed = out["fte_staffed"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio_actual"] = np.where(staffed > 0, out["caseload"] / staffed, np.nan)
    out["gap_fte"] = np.maximum(out["fte_needed"] - staffed, 0.0)
    out["gap_eur"] = euros(out["gap_fte"] * rates.foerdersatz * frac)
    out["gap_cost_eur"] = euros(out["gap_fte"] * (rates.employer_cost + rates.sachkosten) * frac)
    out["employer_cost_eur"] = euros(staffed * rates.employer_cost * frac)
    out["sachkosten_eur"] = euros(staffed * rates.sachkosten * frac)
    land = euros(staffed * rates.land_per_fte * frac)
    if frame_eur is not None:
        frame = np.broadcast_to(np.asarray(frame_eur), out["caseload"].shape)
        if np.any(frame < 0) or not np.all(np.isfinite(frame)):
            raise InputError(Problem("frame_eur", "expected euros >= 0"))
        frame = np.rint(frame).astype(np.int64)
        # the Land never pays more than the frame (e.g. a minimum position topped up)
        land = np.minimum(land, frame)
    out["land_funding_eur"] = land
    out["cofunding_eur"] = out["employer_cost_eur"] + out["sachkosten_eur"] - land
    if frame_eur is not None:
        out["frame_eur"] = frame
        out["unused_eur"] = frame - land
    return out


def euros(x: np.ndarray) -> np.ndarray:
    """Round to whole euros (int64): the one rounding rule for money."""
    return np.rint(x).astype(np.int64)


def needed_eur(fte: np.ndarray, rates: CostRates) -> np.ndarray:
    """Land money needed to fund ``fte`` positions (..., year) at the Fördersatz."""
    return euros(np.asarray(fte, dtype=float) * rates.foerdersatz)


def staffing_table(
    people: pd.DataFrame,
    funded: pd.DataFrame,
    assumptions: StaffingAssumptions,
    rates: CostRates,
    *,
    frame_eur: pd.DataFrame | None = None,
    funded_before: pd.Series | None = None,
) -> pd.DataFrame:
    """Tidy staffing table per place and year from monthly tables.

    Parameters
    ----------
    people : DataFrame
        Index = place key (``ags``), columns = a monthly ``PeriodIndex``
        (contiguous); values = target-group persons.
    funded : DataFrame
        Funded FTE, same index and columns as ``people``.
    assumptions, rates
        See :func:`staffing_arrays`.
    frame_eur : DataFrame, optional
        Allocated frame per place (index) and year (int columns).
    funded_before : Series, optional
        Funded FTE before the first month, per place.

    Returns
    -------
    pandas.DataFrame
        MultiIndex ``(ags, year)``; columns as in the module docstring.
    """
    _check_frames(people, funded)
    months = pd.PeriodIndex(people.columns)
    grid = YearGrid(str(months[0]), str(months[-1]))
    if len(grid.months) != len(months) or not (grid.months == months).all():
        raise InputError(
            Problem(
                "people.columns",
                "expected contiguous months in order",
                f"{months[0]}..{months[-1]}",
            )
        )
    frame = None
    if frame_eur is not None:
        frame = frame_eur.reindex(index=people.index, columns=list(grid.years)).to_numpy()
        if np.isnan(frame.astype(float)).any():
            raise InputError(Problem("frame_eur", "missing a place or a year of the horizon"))
    before = None if funded_before is None else funded_before.reindex(people.index).to_numpy(float)
    arrays = staffing_arrays(
        people.to_numpy(float),
        funded.to_numpy(float),
        grid,
        assumptions,
        rates,
        frame_eur=frame,
        funded_before=before,
    )
    return to_frame(arrays, people.index, grid.years)


def _check_frames(people: pd.DataFrame, funded: pd.DataFrame) -> None:
    if not people.index.equals(funded.index):
        raise InputError(Problem("funded.index", "expected the same places as people"))
    if not people.columns.equals(funded.columns):
        raise InputError(Problem("funded.columns", "expected the same months as people"))
    if not people.index.is_unique:
        raise InputError(Problem("people.index", "duplicate place keys"))


def to_frame(arrays: Mapping[str, np.ndarray], places: pd.Index, years: np.ndarray) -> pd.DataFrame:
    """(place, year) arrays -> tidy frame with MultiIndex (place, year)."""
    index = pd.MultiIndex.from_product(
        [places, years.astype(int)], names=[places.name or "ags", "year"]
    )
    data = {k: np.asarray(v).reshape(-1) for k, v in arrays.items()}
    return pd.DataFrame(data, index=index)


def aggregate(table: pd.DataFrame, by: pd.Series | None = None) -> pd.DataFrame:
    """Roll a per-place staffing table up to groups (e.g. Kreise) or to the Land.

    Parameters
    ----------
    table : DataFrame
        From :func:`staffing_table` (MultiIndex ``(place, year)``).
    by : Series, optional
        Group key per place (e.g. ``kreis_ags`` indexed by ``ags``); ``None``
        sums everything per year (the Land).

    Returns
    -------
    pandas.DataFrame
        Additive columns summed; ``ratio_actual`` recomputed from the sums.
        Indexed by ``(group, year)`` or by ``year``.
    """
    cols = [c for c in ADDITIVE_COLUMNS if c in table.columns]
    places = table.index.get_level_values(0)
    years = table.index.get_level_values("year")
    if by is None:
        out = table[cols].groupby(years).sum()
    else:
        keys = by.reindex(places)
        if keys.isna().any():
            missing = places[keys.isna().to_numpy()].unique()[:3].tolist()
            raise InputError(Problem("by", "no group for place(s)", missing))
        out = table[cols].groupby([pd.Index(keys.to_numpy(), name=by.name or "group"), years]).sum()
    staffed = out["fte_staffed"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio_actual"] = np.where(staffed > 0, out["caseload"].to_numpy() / staffed, np.nan)
    return out


#: English column → German header (kinds for number formats are kept in the names:
#: ``€``, ``VZÄ``, ``Anteil``).
COLUMN_LABELS: dict[str, str] = {
    "ags": "AGS",
    "kreis_ags": "Kreis-AGS",
    "year": "Jahr",
    "name": "Name",
    "target_group": "Zielgruppe Personen",
    "caseload": "Fallzahl",
    "fte_needed": "Stellen benötigt VZÄ",
    "fte_funded": "Stellen gefördert VZÄ",
    "fte_staffed": "Stellen besetzt VZÄ",
    "ratio_actual": "Personen je besetzte Stelle",
    "gap_fte": "Fehlende Stellen VZÄ",
    "gap_eur": "Fehlbetrag Land €",
    "gap_cost_eur": "Kosten fehlender Stellen €",
    "employer_cost_eur": "Personalkosten €",
    "sachkosten_eur": "Sachkosten €",
    "land_funding_eur": "Landesförderung €",
    "cofunding_eur": "Kommunaler Eigenanteil €",
    "frame_eur": "Planungsrahmen €",
    "unused_eur": "Nicht abgerufen €",
    "needed_eur": "Mittel benötigt €",
    "planned_eur": "Mittel geplant €",
    "fte_planned": "Stellen aus Planmitteln VZÄ",
    "ratio_planned": "Personen je Planstelle",
    "cover": "Deckung Anteil",
    "delta_frame_eur": "Δ Planungsrahmen €",
    "delta_frame_pct": "Δ Planungsrahmen Anteil",
    "delta_fte_funded": "Δ Stellen gefördert VZÄ",
    "delta_gap_fte": "Δ Fehlende Stellen VZÄ",
}
