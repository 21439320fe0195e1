"""Monthly arrival paths: the historic path 2014–2025, forward scenarios, building blocks.

A path is a ``DataFrame`` indexed by a monthly ``PeriodIndex`` (name ``"month"``)
with one float column per group (:data:`GROUPS`), persons arriving in
Baden-Württemberg in that month.

The historic path is rebuilt from the ``inflow.arrivals.*`` parameters
(FACTS.md §3): annual totals, the months where a figure is published (2019,
2020, October 2015, the Augusts of 2022–2025) and the cumulative counts of the
spring 2022 Ukraine surge.  Within a year the unknown months share what the
known months leave of the annual total, following the cumulative counts where
there are any and evenly otherwise.

Forward paths (from :data:`FORWARD_START`): ``baseline`` (average of the last
``inflow.forward.baseline_years`` historic years), ``wave_2015`` (the 2015 and
2016 asylum months repeated from the first forward year, then baseline),
``ukraine_surge`` (the 2022 and 2023 Ukraine months repeated, then baseline),
``low`` (each group at its lowest historic year), ``historic`` (no arrivals
after 2025) and ``custom`` (blocks only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem

if TYPE_CHECKING:  # pragma: no cover
    from paktsim.scenario import ArrivalBlock, ArrivalsSpec

__all__ = [
    "GROUPS",
    "GROUP_LABELS",
    "HISTORIC_START",
    "HISTORIC_END",
    "FORWARD_START",
    "PATHS",
    "months",
    "year_path",
    "historic",
    "forward",
    "level",
    "pulse",
    "ramp",
    "seasonal",
    "read_csv",
    "build",
]

GROUPS: tuple[str, ...] = ("asyl", "ukraine", "humanitaer")
GROUP_LABELS: dict[str, str] = {
    "asyl": "Asylsuchende",
    "ukraine": "Schutz nach § 24 AufenthG (Ukraine)",
    "humanitaer": "Humanitäre Aufnahmen",
}
HISTORIC_START = pd.Period("2014-01", freq="M")
HISTORIC_END = pd.Period("2025-12", freq="M")
FORWARD_START = HISTORIC_END + 1
PATHS: tuple[str, ...] = ("historic", "baseline", "wave_2015", "ukraine_surge", "low", "custom")


def months(start: str | pd.Period, end: str | pd.Period) -> pd.PeriodIndex:
    """Monthly ``PeriodIndex`` from ``start`` to ``end`` inclusive, named ``"month"``."""
    return pd.period_range(
        pd.Period(start, freq="M"), pd.Period(end, freq="M"), freq="M", name="month"
    )


def year_path(
    year: int,
    total: float,
    known: Mapping[int, float] | None = None,
    anchors: Sequence[tuple[dt.date, float]] = (),
) -> np.ndarray:
    """Twelve monthly values for one year that add up to ``total``.

    Parameters
    ----------
    year : int
        Calendar year.
    total : float
        Annual total; ignored when all twelve months are ``known``.
    known : mapping month (1–12) → persons, optional
        Published monthly figures; kept as they are.
    anchors : sequence of (date, cumulative persons), optional
        Cumulative counts since 1 January at given dates, interpolated linearly
        by day; months up to the last anchor follow them exactly.

    Returns
    -------
    ndarray, shape (12,)

    Raises
    ------
    InputError
        The known months and anchors exceed the total, or anchors decrease.
    """
    known = dict(known or {})
    if len(known) == 12:
        return np.array([float(known[m]) for m in range(1, 13)])
    start = dt.date(year, 1, 1)
    ends = [dt.date(year + (m == 12), m % 12 + 1, 1) for m in range(1, 13)]
    days = np.array([0] + [(e - start).days for e in ends], dtype=float)
    pts = [(0.0, 0.0)] + [(float((d - start).days), float(v)) for d, v in anchors]
    pts.append((days[-1], float(total)))
    x, y = np.array(pts).T
    if np.any(np.diff(y) < 0) or np.any(np.diff(x) < 0):
        raise InputError(
            Problem(
                f"arrivals.{year}",
                "cumulative counts must not decrease and must stay within the annual total",
                list(y),
            )
        )
    cum = np.interp(days, x, y)
    values = np.diff(cum)
    last_anchor_day = max((float((d - start).days) for d, _ in anchors), default=-1.0)
    fixed = np.array([m in known for m in range(1, 13)]) | (days[:-1] < last_anchor_day)
    for m, v in known.items():
        values[m - 1] = float(v)
    rest = float(total) - values[fixed].sum()
    free = ~fixed
    if rest < -1e-9 or (rest > 1e-9 and not free.any()):
        raise InputError(
            Problem(
                f"arrivals.{year}",
                "known months and counts do not fit the annual total",
                {"total": total, "fixed": values[fixed].sum()},
            )
        )
    weights = values[free]
    weights = weights / weights.sum() if weights.sum() > 0 else np.full(free.sum(), 1 / free.sum())
    values[free] = max(rest, 0.0) * weights
    return values


def _monthly_known(path: str, year: int, tree: Any, overrides: Any) -> dict[int, float]:
    from paktsim import params

    series = params.monthly(path, f"{year}-01-01", f"{year}-12-01", overrides, tree=tree)
    return {p.month: float(v) for p, v in series.items() if not pd.isna(v)}


def _anchors(path: str, tree: Any, overrides: Any) -> list[tuple[dt.date, float]]:
    from paktsim import params

    frame = params.series(path, overrides, tree=tree)
    return [(ts.date(), float(v)) for ts, v in zip(frame["date"], frame["value"]) if not pd.isna(v)]


def historic(overrides: Mapping[str, Any] | None = None, *, tree: Any = None) -> pd.DataFrame:
    """The reconstructed historic path 2014-01 … 2025-12 (all groups).

    Parameters
    ----------
    overrides : mapping, optional
        Parameter overrides (``{"inflow.arrivals.asyl.per_year": {"2015-01-01": 98000}}``).
    tree : ParameterTree, optional
        Parameters to use; default the bundled ones.

    Returns
    -------
    pandas.DataFrame
        Monthly path, columns :data:`GROUPS`.
    """
    from paktsim import params

    # the same for every scenario without overrides: memoised per parameter tree
    return params.memoised(
        ("inflow.arrivals.historic",),
        lambda: _historic(overrides, tree),
        overrides,
        tree=tree,
        copy=True,
    )


def _historic(overrides: Mapping[str, Any] | None, tree: Any) -> pd.DataFrame:
    from paktsim import params

    idx = months(HISTORIC_START, HISTORIC_END)
    out = pd.DataFrame(0.0, index=idx, columns=list(GROUPS))
    years = range(HISTORIC_START.year, HISTORIC_END.year + 1)
    anchors_ua = _anchors("inflow.arrivals.ukraine.cumulative", tree, overrides)
    for group in GROUPS:
        totals = params.yearly(
            f"inflow.arrivals.{group}.per_year", years[0], years[-1], overrides, tree=tree
        )
        monthly_path = f"inflow.arrivals.{group}.per_month"
        has_monthly = monthly_path in (tree if tree is not None else params.load())
        for year in years:
            total = totals.loc[year]
            if pd.isna(total):
                raise InputError(
                    Problem(
                        f"inflow.arrivals.{group}.per_year", f"no annual total in force for {year}"
                    )
                )
            known = _monthly_known(monthly_path, year, tree, overrides) if has_monthly else {}
            anchors = (
                [(d, v) for d, v in anchors_ua if d.year == year] if group == "ukraine" else []
            )
            out.loc[str(year), group] = year_path(year, float(total), known, anchors)
    return out


def _year_block(hist: pd.DataFrame, group: str, year: int) -> np.ndarray:
    return hist.loc[str(year), group].to_numpy()


def forward(
    name: str, index: pd.PeriodIndex, hist: pd.DataFrame, baseline_years: int = 3
) -> pd.DataFrame:
    """A named forward path on ``index`` (months after the historic path).

    Parameters
    ----------
    name : str
        One of :data:`PATHS`.
    index : PeriodIndex
        Forward months (normally from :data:`FORWARD_START`).
    hist : DataFrame
        The historic path (:func:`historic`).
    baseline_years : int
        Years averaged for the baseline.

    Returns
    -------
    pandas.DataFrame
    """
    if name not in PATHS:
        raise InputError(
            Problem("arrivals.path", f"unknown path, expected one of {', '.join(PATHS)}", name)
        )
    out = pd.DataFrame(0.0, index=index, columns=list(GROUPS))
    if name in ("historic", "custom") or len(index) == 0:
        return out
    annual = hist.groupby(hist.index.year).sum()
    base = annual.iloc[-baseline_years:].mean() / 12.0
    if name == "low":
        low = annual.where(annual > 0).min().fillna(0.0) / 12.0
        out[:] = low.to_numpy()
        return out
    out[:] = base.to_numpy()
    repeats = {"wave_2015": ("asyl", (2015, 2016)), "ukraine_surge": ("ukraine", (2022, 2023))}
    if name in repeats:
        group, src_years = repeats[name]
        first = index[0].year if index[0].month == 1 else index[0].year + 1
        for k, src in enumerate(src_years):
            target = [p for p in index if p.year == first + k]
            if target:
                values = _year_block(hist, group, src)
                out.loc[target, group] = values[[p.month - 1 for p in target]]
    return out


def _span(
    index: pd.PeriodIndex, start: str | None, end: str | None, default_start: pd.Period
) -> np.ndarray:
    lo = pd.Period(start, freq="M") if start else default_start
    hi = pd.Period(end, freq="M") if end else index[-1]
    return np.asarray((index >= lo) & (index <= hi))


def level(
    index: pd.PeriodIndex, per_month: float, start: str | None = None, end: str | None = None
) -> pd.Series:
    """``per_month`` persons in every month from ``start`` to ``end`` (default: all)."""
    mask = _span(index, start, end, index[0])
    return pd.Series(np.where(mask, float(per_month), 0.0), index=index)


def pulse(index: pd.PeriodIndex, total: float, start: str, end: str) -> pd.Series:
    """``total`` persons spread evenly over ``start`` … ``end``."""
    mask = _span(index, start, end, index[0])
    n = int(mask.sum())
    return pd.Series(np.where(mask, float(total) / n if n else 0.0, 0.0), index=index)


def ramp(
    index: pd.PeriodIndex, per_month: float, per_month_end: float, start: str, end: str
) -> pd.Series:
    """Linear from ``per_month`` at ``start`` to ``per_month_end`` at ``end``, zero outside."""
    mask = _span(index, start, end, index[0])
    n = int(mask.sum())
    values = np.zeros(len(index))
    values[mask] = np.linspace(float(per_month), float(per_month_end), n) if n > 1 else per_month
    return pd.Series(values, index=index)


def seasonal(
    index: pd.PeriodIndex,
    factors: Sequence[float],
    start: str | None = None,
    end: str | None = None,
) -> pd.Series:
    """Multipliers by calendar month (Jan … Dec) within ``start`` … ``end``, 1 outside."""
    if len(factors) != 12:
        raise InputError(Problem("factors", "expected 12 factors (Jan..Dec)", list(factors)))
    mask = _span(index, start, end, index[0])
    f = np.asarray(factors, dtype=float)[np.asarray(index.month) - 1]
    return pd.Series(np.where(mask, f, 1.0), index=index)


def read_csv(path: str | Path, location: str = "file") -> pd.Series:
    """Monthly values from a CSV with columns ``month`` (YYYY-MM) and ``persons``.

    Raises
    ------
    InputError
        File missing, columns missing, a bad month, a duplicate month, or a
        negative or non-numeric count (naming the row).
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str)
    except FileNotFoundError:
        raise InputError(Problem(location, "file not found", str(path))) from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(Problem(location, f"cannot read CSV: {exc}", str(path))) from None
    missing = [c for c in ("month", "persons") if c not in frame.columns]
    if missing:
        raise InputError(
            Problem(
                f"{path.name}",
                f"missing column(s) {', '.join(missing)}; expected month,persons",
                list(frame.columns),
            )
        )
    problems: list[Problem] = []
    periods, values = [], []
    for i, (m, v) in enumerate(zip(frame["month"], frame["persons"]), start=2):
        try:
            p = pd.Period(str(m).strip(), freq="M")
            if not str(m).strip()[:4].isdigit():
                raise ValueError
        except (ValueError, TypeError):
            problems.append(Problem(f"{path.name}:row {i}:month", "expected YYYY-MM", m))
            continue
        try:
            x = float(v)
            if not np.isfinite(x) or x < 0:
                raise ValueError
        except (ValueError, TypeError):
            problems.append(Problem(f"{path.name}:row {i}:persons", "expected a number >= 0", v))
            continue
        periods.append(p)
        values.append(x)
    if not problems and len(set(periods)) != len(periods):
        dup = sorted({str(p) for p in periods if periods.count(p) > 1})
        problems.append(Problem(f"{path.name}:month", "duplicate months", dup))
    if problems:
        raise InputError(problems)
    return pd.Series(values, index=pd.PeriodIndex(periods, freq="M", name="month"), dtype=float)


def _apply_block(
    path: pd.DataFrame,
    block: "ArrivalBlock",
    base_dir: Path | None,
    location: str,
    fwd_start: pd.Period,
) -> None:
    idx = path.index
    col = block.group
    if block.kind == "seasonal":
        mask_start = block.start or str(fwd_start)
        path[col] = path[col] * seasonal(idx, block.factors or [], mask_start, block.end)
        return
    if block.kind == "level":
        add = level(idx, block.per_month or 0.0, block.start or str(fwd_start), block.end)
    elif block.kind == "pulse":
        add = pulse(idx, block.total or 0.0, block.start or "", block.end or "")
    elif block.kind == "ramp":
        add = ramp(
            idx,
            block.per_month or 0.0,
            block.per_month_end or 0.0,
            block.start or "",
            block.end or "",
        )
    else:
        file = Path(block.file or "")
        if base_dir is not None and not file.is_absolute():
            file = base_dir / file
        values = read_csv(file, location=f"{location}.file")
        outside = values.index.difference(idx)
        if len(outside):
            raise InputError(
                Problem(
                    f"{location}.file",
                    f"months outside the simulated period {idx[0]}..{idx[-1]}",
                    [str(p) for p in outside[:5]],
                )
            )
        add = values.reindex(idx, fill_value=0.0)
    path[col] = path[col] + add.to_numpy()


def build(
    spec: "ArrivalsSpec",
    end: str | pd.Period,
    *,
    base_dir: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    tree: Any = None,
) -> pd.DataFrame:
    """The full monthly path from :data:`HISTORIC_START` to ``end`` for a scenario.

    Historic months come from :func:`historic`; later months from the named
    forward path times ``spec.scale``; then the blocks are applied in order
    (``level``/``pulse``/``ramp``/``csv`` add, ``seasonal`` multiplies; blocks
    without ``start`` begin at :data:`FORWARD_START`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GROUPS`, non-negative.
    """
    from paktsim import params

    end = pd.Period(end, freq="M")
    if end < HISTORIC_START:
        raise InputError(Problem("horizon.end", f"must not lie before {HISTORIC_START}", str(end)))
    hist = historic(overrides, tree=tree)
    idx = months(HISTORIC_START, max(end, HISTORIC_END))
    snap = params.at(HISTORIC_END.start_time.date(), overrides, tree=tree)
    fwd_idx = idx[idx > HISTORIC_END]
    fwd = forward(spec.path, fwd_idx, hist, int(snap["inflow.forward.baseline_years"]))
    path = pd.concat([hist, fwd * float(spec.scale)])
    for i, block in enumerate(spec.blocks):
        _apply_block(
            path, block, Path(base_dir) if base_dir else None, f"arrivals.blocks.{i}", FORWARD_START
        )
    path.index.name = "month"
    return path.loc[:end]
