"""Pay path of an Integrationsmanager position: TVöD SuE table pay per year.

The annual table pay per full-time position in year ``y`` is

``pay(y) = base(y) × [a × rel(S 12, stufe(y)) + (1 − a) × rel(S 11b, stufe(y))]``

* ``base(y)``: the annual table pay of S 12 Stufe 3 (``kosten.tvoed_s12_stufe3_jahr``,
  recorded up to the last Tarif table); after the last recorded year ``L`` it
  grows by ``kosten.tarifsteigerung``: ``base(L) × (1 + rise)^(y − L)``;
* ``rel(grade, stufe)``: the monthly table of that grade and Stufe divided by
  S 12 Stufe 3 (``kosten.tvoed_sue.*``; the table in force on 1 July of the year,
  for earlier years the first recorded table — the S-Tabelle structure is taken
  as constant before 2025);
* ``a``: share of positions in S 12 (``kosten.tvoed_sue.anteil_s12``);
* ``stufe(y)``: the Stufe reached in the middle of year ``y`` by staff hired in
  the middle of ``kosten.tvoed_sue.einstellungsjahr`` with
  ``kosten.tvoed_sue.berufserfahrung_monate`` credited, moving up after the
  Stufenlaufzeiten ``kosten.tvoed_sue.stufenlaufzeit.stufe_1..5``.

The employer cost adds ``kosten.arbeitgeberzuschlag`` (see
:class:`paktsim.staffing.CostRates`).  Every assumption may be given as an
array of draws (shape ``(D, 1)``) for Monte Carlo and Sobol analysis; the result
then has shape ``(D, Y)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem

__all__ = [
    "GRADES",
    "STUFEN",
    "PAY_ASSUMPTIONS",
    "stufe",
    "relative_table",
    "base_pay",
    "table_pay",
]

GRADES: tuple[str, ...] = ("s11b", "s12")
STUFEN: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
#: Keyword of :func:`table_pay` → parameter path of the assumption it overrides.
PAY_ASSUMPTIONS: dict[str, str] = {
    "anteil_s12": "kosten.tvoed_sue.anteil_s12",
    "einstellungsjahr": "kosten.tvoed_sue.einstellungsjahr",
    "berufserfahrung_monate": "kosten.tvoed_sue.berufserfahrung_monate",
    "tarifsteigerung": "kosten.tarifsteigerung",
}
_BASE = "kosten.tvoed_s12_stufe3_jahr"
_REFERENCE = ("s12", 3)  # the grade/Stufe the base series is recorded for  # structural


def stufe(
    years: Any,
    einstellungsjahr: Any,
    berufserfahrung_monate: Any,
    laufzeiten_monate: Sequence[float],
) -> np.ndarray:
    """Stufe (1–6) reached in the middle of each year.

    Parameters
    ----------
    years : array of int, shape (Y,)
    einstellungsjahr, berufserfahrung_monate : float or array broadcastable to (D, 1)
    laufzeiten_monate : sequence of 5 floats
        Months in Stufe 1..5 before moving up.

    Returns
    -------
    ndarray of int, shape broadcast of ``(D, 1)`` and ``(Y,)``
    """
    years = np.asarray(years, dtype=float)
    months = (years - np.asarray(einstellungsjahr, dtype=float)) * 12 + np.asarray(
        berufserfahrung_monate, dtype=float
    )
    months = np.maximum(months, 0.0)
    thresholds = np.cumsum(np.asarray(laufzeiten_monate, dtype=float))
    return 1 + (months[..., None] >= thresholds).sum(axis=-1)


def relative_table(year: int, overrides: Mapping[str, Any] | None = None) -> np.ndarray:
    """Monthly table of S 11b / S 12 × Stufe 1–6 relative to S 12 Stufe 3, shape (2, 6)."""
    from paktsim import params

    first = _first_table_date(overrides)
    date = max(f"{int(year)}-07-01", first)
    snap = params.at(date, overrides)
    table = np.array(
        [[float(snap[f"kosten.tvoed_sue.{g}.stufe_{s}"]) for s in STUFEN] for g in GRADES]
    )
    grade, level = _REFERENCE
    return table / table[GRADES.index(grade), level - 1]


def _first_table_date(overrides: Mapping[str, Any] | None) -> str:
    from paktsim import params

    entries = params.series(f"kosten.tvoed_sue.{_REFERENCE[0]}.stufe_{_REFERENCE[1]}", overrides)
    return pd.Timestamp(entries["date"].min()).strftime("%Y-%m-%d")


def base_pay(
    years: Sequence[int], overrides: Mapping[str, Any] | None = None, tarifsteigerung: Any = None
) -> np.ndarray:
    """Annual table pay of S 12 Stufe 3 per year, grown after the last recorded year.

    Years before the first recorded value take the first value (listed in the
    notes of :class:`paktsim.staffing.CostRates`).  After the last recorded year
    ``L`` the pay grows by ``kosten.tarifsteigerung`` in force each year (or by
    ``tarifsteigerung``, a scalar or an array of draws ``(D, 1)``).

    Returns
    -------
    ndarray, shape (Y,) or (D, Y)
    """
    from paktsim import params

    year_arr = np.asarray([int(y) for y in years])
    entries = params.series(_BASE, overrides)
    entries = entries[entries["value"].notna()]
    if entries.empty:
        raise InputError(Problem(_BASE, "no value in force", _BASE))
    first_rec = int(pd.Timestamp(entries["date"].min()).year)
    last_rec = int(pd.Timestamp(entries["date"].max()).year)
    lo, hi = min(int(year_arr.min()), first_rec), max(int(year_arr.max()), last_rec)
    recorded = params.yearly(_BASE, lo, last_rec, overrides).astype("Float64")
    values = recorded.bfill().ffill().to_numpy(dtype=float)  # lo .. last_rec
    after = np.arange(last_rec + 1, hi + 1)
    if tarifsteigerung is None:
        rise = np.array([_rise(int(y), overrides) for y in after])
    else:
        rise = np.broadcast_to(
            np.asarray(tarifsteigerung, dtype=float),
            np.broadcast_shapes(np.shape(tarifsteigerung), (len(after),)),
        )
    if np.any(rise < 0):
        raise InputError(
            Problem("kosten.tarifsteigerung", "expected a rise >= 0", float(np.min(rise)))
        )
    grown = values[-1] * np.cumprod(1.0 + rise, axis=-1)  # (..., len(after))
    full = np.concatenate(
        [np.broadcast_to(values, grown.shape[:-1] + values.shape), grown], axis=-1
    )
    return np.take(full, year_arr - lo, axis=-1)


def _rise(year: int, overrides: Mapping[str, Any] | None) -> float:
    from paktsim import params

    value = params.at(f"{year}-01-01", overrides)["kosten.tarifsteigerung"]
    return 0.0 if value is None else float(value)


def table_pay(
    years: Sequence[int], overrides: Mapping[str, Any] | None = None, **draws: Any
) -> np.ndarray:
    """Annual table pay per full-time position (grade/step mix), shape (Y,) or (D, Y).

    Parameters
    ----------
    years : sequence of int
    overrides : mapping, optional
        Parameter overrides.
    **draws
        Optional values (scalars or arrays broadcastable to ``(D, 1)``) for the
        keys of :data:`PAY_ASSUMPTIONS`; missing ones come from the parameters in
        force on 1 January of the first year.

    Raises
    ------
    InputError
        An unknown keyword or a value outside its valid interval.
    """
    from paktsim import params

    unknown = sorted(set(draws) - set(PAY_ASSUMPTIONS))
    if unknown:
        raise InputError(Problem("pay", f"expected one of {', '.join(PAY_ASSUMPTIONS)}", unknown))
    years = [int(y) for y in years]
    # before the programme start (first entry of the assumptions) its first values apply
    start = params.series(PAY_ASSUMPTIONS["einstellungsjahr"], overrides)["date"].min()
    snap = params.at(max(pd.Timestamp(f"{min(years)}-01-01"), pd.Timestamp(start)), overrides)
    value = {
        k: (draws[k] if draws.get(k) is not None else snap[path])
        for k, path in PAY_ASSUMPTIONS.items()
        if k != "tarifsteigerung"
    }
    share = np.asarray(value["anteil_s12"], dtype=float)
    if np.any((share < 0) | (share > 1)):
        raise InputError(
            Problem(
                "kosten.tvoed_sue.anteil_s12", "expected a share in [0, 1]", value["anteil_s12"]
            )
        )
    laufzeit = [float(snap[f"kosten.tvoed_sue.stufenlaufzeit.stufe_{s}"]) for s in STUFEN[:-1]]
    level = stufe(years, value["einstellungsjahr"], value["berufserfahrung_monate"], laufzeit)
    rel = np.stack([relative_table(y, overrides) for y in years])  # (Y, 2, 6)
    y_idx = np.arange(len(years))
    rel_s11b = rel[y_idx, GRADES.index("s11b"), level - 1]
    rel_s12 = rel[y_idx, GRADES.index("s12"), level - 1]
    mix = share * rel_s12 + (1.0 - share) * rel_s11b
    return base_pay(years, overrides, draws.get("tarifsteigerung")) * mix
