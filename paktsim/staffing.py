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

MONEY_COLUMNS: tuple[str, ...] = (
    "gap_eur", "gap_cost_eur", "employer_cost_eur", "sachkosten_eur",
    "land_funding_eur", "cofunding_eur", "frame_eur", "unused_eur",
)
#: Columns that add up over places (the ratios are recomputed from sums).
ADDITIVE_COLUMNS: tuple[str, ...] = (
    "target_group", "caseload", "fte_needed", "fte_funded", "fte_staffed", "gap_fte",
) + MONEY_COLUMNS


def ratio_presets(date: Any = "2025-01-01", overrides: Mapping[str, Any] | None = None) -> pd.DataFrame:
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
        rows.append({"preset": preset, "path": path, "persons_per_fte": float(snap[path]),
                     "name_de": info["name"]["de"], "reference": "; ".join(info["sources"]),
                     "tag": ", ".join(info["tags"])})
    return pd.DataFrame(rows).set_index("preset")


def resolve_ratio(ratio: float | str, date: Any = "2025-01-01",
                  overrides: Mapping[str, Any] | None = None,
                  location: str = "staffing.target_ratio") -> float:
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
            raise InputError(Problem(location, "expected a positive number or a preset "
                                     f"({', '.join(RATIO_PRESETS)})", ratio))
        ratio = params.at(date, overrides)[path]
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float, np.number)) \
            or not np.isfinite(ratio) or ratio <= 0:
        raise InputError(Problem(location, "expected persons per position > 0", ratio))
    return float(ratio)


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

    target_ratio: float = field(default_factory=lambda: float(
        _latest_param("betreuungsschluessel.bedarf")))
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
            problems.append(Problem("staffing.hiring_lag_months", "expected whole months >= 0",
                                    self.hiring_lag_months))
        if not 0.0 <= self.vacancy_rate < 1.0:
            problems.append(Problem("staffing.vacancy_rate", "expected a share in [0, 1)",
                                    self.vacancy_rate))
        if problems:
            raise InputError(problems)

    @classmethod
    def from_spec(cls, spec: Any) -> "StaffingAssumptions":
        """Build from a :class:`paktsim.scenario.StaffingSpec`."""
        return cls(float(spec.target_ratio), float(spec.counselling_share),
                   float(spec.group_offer_share), int(spec.hiring_lag_months),
                   float(spec.vacancy_rate))


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
            raise InputError(Problem("horizon", "expected months YYYY-MM with start <= end",
                                     (self.start, self.end))) from None
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
        return np.add.reduceat(np.asarray(x, dtype=float), self.first_month, axis=-1) / self.n_months

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

    @property
    def employer_cost(self) -> np.ndarray:
        """Employer cost per FTE and year: table pay × (1 + overhead).

        Table pay follows the TVöD SuE pay path with the grade/step mix of
        :func:`paktsim.pay.table_pay`.
        """
        return self.table_pay * (1.0 + self.overhead_share)

    @property
    def land_per_fte(self) -> np.ndarray:
        """What the Land pays per staffed FTE: the Fördersatz, capped at the employer cost."""
        return np.minimum(self.foerdersatz, self.employer_cost)

    @property
    def cofunding_per_fte(self) -> np.ndarray:
        """Municipal share per staffed FTE: employer cost + Sachkosten − Land payment."""
        return self.employer_cost + self.sachkosten - self.land_per_fte

    @classmethod
    def from_params(cls, years: Any, qualification_mix: Mapping[str, float] | None = None,
                    overrides: Mapping[str, Any] | None = None) -> "CostRates":
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
        tiers = {"hochschule": "integrationsmanagement.foerdersatz.hochschule",
                 "berufsausbildung": "integrationsmanagement.foerdersatz.berufsausbildung"}
        unknown = sorted(set(mix) - set(tiers))
        if unknown or abs(sum(mix.values()) - 1.0) > 1e-9 or any(v < 0 for v in mix.values()):
            raise InputError(Problem("allocation.qualification_mix",
                                     "expected shares of hochschule/berufsausbildung summing to 1",
                                     mix))
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
                    raise InputError(Problem(path, "no value in force for the years", (first, last)))
            filled = values.bfill().ffill()
            missing = [int(y) for y in values.index[values.isna()] if y <= last]
            if missing:
                notes.append(f"{path}: {missing[0]}–{missing[-1]} filled from the nearest "
                             f"year with a value")
            return filled.to_numpy(dtype=float)[: last - first + 1][idx]

        rate_by_tier = {tier: by_year(tiers[tier]) for tier in tiers}
        foerdersatz = sum(share * rate_by_tier[tier] for tier, share in mix.items())
        used = [rate_by_tier[t] for t, s in mix.items() if s > 0]
        lowest = np.minimum.reduce(used) if used else foerdersatz
        from paktsim import pay

        by_year("kosten.tvoed_s12_stufe3_jahr")  # only for the note on years before the first table
        return cls(years, pay.table_pay(years, overrides),
                   by_year("kosten.arbeitgeberzuschlag"), by_year("staffing.sachkosten_je_vze"),
                   np.asarray(foerdersatz, dtype=float), np.asarray(lowest, dtype=float),
                   tuple(notes))

    def select(self, years: Any) -> "CostRates":
        """Rates for a subset of :attr:`years` (in the given order)."""
        pos = {y: i for i, y in enumerate(self.years)}
        try:
            idx = np.array([pos[int(y)] for y in years], dtype=int)
        except KeyError as exc:
            raise InputError(Problem("years", "year not covered by the cost rates",
                                     exc.args[0])) from None
        return CostRates(tuple(int(y) for y in years), self.table_pay[idx],
                         self.overhead_share[idx], self.sachkosten[idx], self.foerdersatz[idx],
                         self.lowest_rate[idx], self.notes)


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


def target_group(stocks: Mapping[str, np.ndarray], include_vu: bool = False,
                 include_ukraine_private: bool = False) -> np.ndarray:
    """People in the programme's target group: AU, optionally vU and private Ukrainians.

    Parameters
    ----------
    stocks : mapping
        Arrays of equal shape with keys ``"au"`` and, when included, ``"vu"``
        and ``"ukraine_private"``.
    """
    needed = ["au"] + (["vu"] if include_vu else []) + (
        ["ukraine_private"] if include_ukraine_private else [])
    missing = [k for k in needed if k not in stocks]
    if missing:
        raise InputError(Problem("stocks", f"missing stage(s) {', '.join(missing)}",
                                 sorted(stocks)))
    total = _check_nonnegative(stocks["au"], "stocks.au").copy()
    for key in needed[1:]:
        total += _check_nonnegative(stocks[key], f"stocks.{key}")
    return total


def caseload(people: np.ndarray, counselling_share: float | np.ndarray = 1.0,
             group_offer_share: float | np.ndarray = 0.0) -> np.ndarray:
    """Persons needing individual counselling: ``people × share × (1 − group offers)``.

    Shares may be arrays broadcastable against ``people`` (e.g. one per draw).
    """
    people = _check_nonnegative(people, "people")
    cs = np.asarray(counselling_share, dtype=float)
    go = np.asarray(group_offer_share, dtype=float)
    if np.any((cs < 0) | (cs > 1)):
        raise InputError(Problem("staffing.counselling_share", "expected a share in [0, 1]",
                                 counselling_share))
    if np.any((go < 0) | (go > 1)):
        raise InputError(Problem("staffing.group_offer_share", "expected a share in [0, 1]",
                                 group_offer_share))
    return people * cs * (1.0 - go)


def fte_needed(caseload_: np.ndarray, ratio: float | np.ndarray) -> np.ndarray:
    """Full-time positions needed: ``caseload / ratio`` (persons per position)."""
    r = np.asarray(ratio, dtype=float)
    if np.any(~np.isfinite(r)) or np.any(r <= 0):
        raise InputError(Problem("staffing.target_ratio", "expected persons per position > 0",
                                 ratio))
    return _check_nonnegative(caseload_, "caseload") / r


def staffed_fte(funded: np.ndarray, hiring_lag_months: int = 0,
                vacancy_rate: float | np.ndarray = 0.0,
                funded_before: np.ndarray | float | None = None) -> np.ndarray:
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
        raise InputError(Problem("staffing.hiring_lag_months", "expected whole months >= 0",
                                 hiring_lag_months))
    vac = np.asarray(vacancy_rate, dtype=float)
    if np.any((vac < 0) | (vac >= 1)):
        raise InputError(Problem("staffing.vacancy_rate", "expected a share in [0, 1)",
                                 vacancy_rate))
    if lag == 0:
        filled = funded
    else:
        before = funded[..., :1] if funded_before is None else np.broadcast_to(
            np.asarray(funded_before, dtype=float)[..., None], funded[..., :1].shape)
        padded = np.concatenate([np.repeat(before, lag, axis=-1), funded], axis=-1)
        windows = np.lib.stride_tricks.sliding_window_view(padded, lag + 1, axis=-1)
        filled = windows.min(axis=-1)
    return filled * (1.0 - vac)


def staffing_arrays(people: np.ndarray, funded: np.ndarray, grid: YearGrid,
                    assumptions: StaffingAssumptions, rates: CostRates, *,
                    frame_eur: np.ndarray | None = None,
                    funded_before: np.ndarray | None = None,
                    counselling_share: np.ndarray | None = None,
                    group_offer_share: np.ndarray | None = None,
                    target_ratio: np.ndarray | None = None,
                    vacancy_rate: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The staffing model on arrays: monthly inputs in, annual outputs out.

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
        raise InputError(Problem("people", f"expected {n} months on the last axis",
                                 people.shape))
    funded = np.broadcast_to(np.asarray(funded, dtype=float), people.shape)
    rates = rates.select(grid.years)
    a = assumptions
    cs = a.counselling_share if counselling_share is None else counselling_share
    go = a.group_offer_share if group_offer_share is None else group_offer_share
    ratio = a.target_ratio if target_ratio is None else target_ratio
    vac = a.vacancy_rate if vacancy_rate is None else vacancy_rate
    cl_m = caseload(people, cs, go)
    need_m = fte_needed(cl_m, ratio)
    staffed_m = staffed_fte(funded, a.hiring_lag_months, vac, funded_before)
    frac = grid.months_fraction()

    out: dict[str, np.ndarray] = {
        "target_group": grid.mean(people),
        "caseload": grid.mean(cl_m),
        "fte_needed": grid.mean(need_m),
        "fte_funded": grid.mean(funded),
        "fte_staffed": grid.mean(staffed_m),
    }
    staffed = out["fte_staffed"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio_actual"] = np.where(staffed > 0, out["caseload"] / staffed, np.nan)
    out["gap_fte"] = np.maximum(out["fte_needed"] - staffed, 0.0)
    euro = lambda x: np.rint(x).astype(np.int64)  # noqa: E731 - local shorthand
    out["gap_eur"] = euro(out["gap_fte"] * rates.foerdersatz * frac)
    out["gap_cost_eur"] = euro(out["gap_fte"] * (rates.employer_cost + rates.sachkosten) * frac)
    out["employer_cost_eur"] = euro(staffed * rates.employer_cost * frac)
    out["sachkosten_eur"] = euro(staffed * rates.sachkosten * frac)
    land = euro(staffed * rates.land_per_fte * frac)
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


def staffing_table(people: pd.DataFrame, funded: pd.DataFrame, assumptions: StaffingAssumptions,
                   rates: CostRates, *, frame_eur: pd.DataFrame | None = None,
                   funded_before: pd.Series | None = None) -> pd.DataFrame:
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
        raise InputError(Problem("people.columns", "expected contiguous months in order",
                                 f"{months[0]}..{months[-1]}"))
    frame = None
    if frame_eur is not None:
        frame = frame_eur.reindex(index=people.index, columns=list(grid.years)).to_numpy()
        if np.isnan(frame.astype(float)).any():
            raise InputError(Problem("frame_eur", "missing a place or a year of the horizon"))
    before = None if funded_before is None else funded_before.reindex(people.index).to_numpy(float)
    arrays = staffing_arrays(people.to_numpy(float), funded.to_numpy(float), grid, assumptions,
                             rates, frame_eur=frame, funded_before=before)
    return _to_frame(arrays, people.index, grid.years)


def _check_frames(people: pd.DataFrame, funded: pd.DataFrame) -> None:
    if not people.index.equals(funded.index):
        raise InputError(Problem("funded.index", "expected the same places as people"))
    if not people.columns.equals(funded.columns):
        raise InputError(Problem("funded.columns", "expected the same months as people"))
    if not people.index.is_unique:
        raise InputError(Problem("people.index", "duplicate place keys"))


def _to_frame(arrays: Mapping[str, np.ndarray], places: pd.Index, years: np.ndarray) -> pd.DataFrame:
    """(place, year) arrays -> tidy frame with MultiIndex (place, year)."""
    index = pd.MultiIndex.from_product([places, years.astype(int)],
                                       names=[places.name or "ags", "year"])
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
        out = table[cols].groupby([pd.Index(keys.to_numpy(), name=by.name or "group"),
                                   years]).sum()
    staffed = out["fte_staffed"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio_actual"] = np.where(staffed > 0, out["caseload"].to_numpy() / staffed, np.nan)
    return out


#: English column → German header (kinds for number formats are kept in the names:
#: ``€``, ``VZÄ``, ``Anteil``).
COLUMN_LABELS: dict[str, str] = {
    "ags": "AGS", "kreis_ags": "Kreis-AGS", "year": "Jahr", "name": "Name",
    "target_group": "Zielgruppe Personen", "caseload": "Fallzahl",
    "fte_needed": "Stellen benötigt VZÄ", "fte_funded": "Stellen gefördert VZÄ",
    "fte_staffed": "Stellen besetzt VZÄ", "ratio_actual": "Personen je besetzte Stelle",
    "gap_fte": "Fehlende Stellen VZÄ", "gap_eur": "Fehlbetrag Land €",
    "gap_cost_eur": "Kosten fehlender Stellen €", "employer_cost_eur": "Personalkosten €",
    "sachkosten_eur": "Sachkosten €", "land_funding_eur": "Landesförderung €",
    "cofunding_eur": "Kommunaler Eigenanteil €", "frame_eur": "Planungsrahmen €",
    "unused_eur": "Nicht abgerufen €", "needed_eur": "Mittel benötigt €",
    "planned_eur": "Mittel geplant €", "fte_planned": "Stellen aus Planmitteln VZÄ",
    "ratio_planned": "Personen je Planstelle", "cover": "Deckung Anteil",
    "delta_frame_eur": "Δ Planungsrahmen €", "delta_frame_pct": "Δ Planungsrahmen Anteil",
    "delta_fte_funded": "Δ Stellen gefördert VZÄ", "delta_gap_fte": "Δ Fehlende Stellen VZÄ",
}
