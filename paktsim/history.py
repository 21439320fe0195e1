"""The historic splits with modelled counts: what the 2017/18 surveys would have counted.

The per-Gemeinde results of the 2017 surveys are not public.  This module runs
the inflow model on the historic arrivals from January 2014 and gives

- :func:`au_counts_2017` — persons in Anschlussunterbringung per Gemeinde (or
  Kreis) on the § 29d FAG count date (15.09.2017; the monthly model stock of
  that month): the default count of the 2017/18 IM frame;
- :func:`vorerhebung_counts_2017` — persons assigned to Anschlussunterbringung
  in 2015 and 2016 (what the February 2017 pre-survey counted);
- :func:`ila_cohort_2017` — the Integrationslastenausgleich's own cohort,
  80,000 persons (volume ÷ rate) spread like the modelled AU stock on its
  Stichtag (the model does not follow arrival cohorts);
- :func:`im_2017`, :func:`ila_2017` — the splits of
  :mod:`paktsim.allocation.historic` with these counts by default; counts the
  user passes always win.

Exact are the envelopes, the Fördersätze and the Land-level 906.25 positions;
every count per place, its Land total and the € per person are model results.
It sits above :mod:`paktsim.inflow` and :mod:`paktsim.allocation`, which do not
import each other.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import pandas as pd

from paktsim.allocation import historic
from paktsim.allocation.rounding import largest_remainder

__all__ = [
    "MODEL_LABEL",
    "au_counts_2017",
    "ila_2017",
    "ila_cohort_2017",
    "im_2017",
    "vorerhebung_counts_2017",
]

MODEL_LABEL = (
    "Modell: Bestand in Anschlussunterbringung im Monat des Stichtags {date} "
    "(Zugangsmodell, historische Zugänge) – nicht die amtliche FAG-Erhebung"
)

_RUN_CACHE: dict[str, Any] = {}


def _historic_run(last_year: int, overrides: dict[str, Any] | None) -> Any:
    """Inflow model on the historic arrivals from January 2014 to December ``last_year``."""
    from paktsim.inflow.model import simulate
    from paktsim.scenario import Scenario

    key = json.dumps([last_year, overrides or {}], sort_keys=True, default=str)
    if key not in _RUN_CACHE:
        scenario = Scenario.from_dict(
            {
                "name": "Historische Zugänge bis zum Stichtag",
                "horizon": {"start": "2014-01", "end": f"{last_year}-12"},
                "arrivals": {"path": "historic"},
                "overrides": dict(overrides or {}),
            }
        )
        while len(_RUN_CACHE) >= 4:
            _RUN_CACHE.pop(next(iter(_RUN_CACHE)))
        _RUN_CACHE[key] = simulate(scenario, n_draws=0)
    return _RUN_CACHE[key]


def au_counts_2017(
    level: Literal["gemeinde", "kreis"] = "gemeinde",
    *,
    date: Any = None,
    overrides: dict[str, Any] | None = None,
) -> pd.Series:
    """Modelled persons in Anschlussunterbringung per Gemeinde (or Kreis) on a count date.

    Parameters
    ----------
    level : {"gemeinde", "kreis"}
    date : date or str, optional
        Default ``integrationsmanagement.verteilung_2017.fag_stichtag`` (15.09.2017).
    overrides : mapping, optional
        Parameter overrides (count date, chain rates, …).

    Returns
    -------
    Series of float
        Persons per AGS (name ``"persons"``); ``attrs["label"]`` says it is modelled.
    """
    from paktsim.params import to_date

    day = (
        to_date(date)
        if date is not None
        else historic.count_date("integrationsmanagement.verteilung_2017.fag_stichtag", overrides)
    )
    month = pd.Period(day, freq="M")
    stock = _historic_run(month.year, overrides).stock_on("au", month, level)
    out = stock.rename("persons").copy()
    out.index.name = "ags"
    out.attrs["label"] = MODEL_LABEL.format(date=day.strftime("%d.%m.%Y"))
    out.attrs["short_label"] = "Personen in AU (Modell)"
    return out


def vorerhebung_counts_2017(overrides: dict[str, Any] | None = None) -> pd.Series:
    """Modelled persons assigned to Anschlussunterbringung in 2015 and 2016, per Gemeinde.

    What the February 2017 pre-survey counted (the first 60 % tranche); not public
    per Gemeinde, so the inflow model's ``vu_to_au`` flow of 2015–2016 stands in.
    """
    counts = _historic_run(2017, overrides).flow_total("vu_to_au", "2015-01", "2016-12")
    out = counts.rename("persons").copy()
    out.index.name = "ags"
    out.attrs["label"] = (
        "Modell: Zuweisungen in die Anschlussunterbringung 2015 und 2016 "
        "(Zugangsmodell) – nicht die amtliche Vorerhebung"
    )
    out.attrs["short_label"] = "Vorerhebung (Modell)"
    return out


def ila_cohort_2017(total: int | None = None, overrides: dict[str, Any] | None = None) -> pd.Series:
    """The ILA's own cohort per Gemeinde: ``total`` persons spread like the modelled AU stock.

    Parameters
    ----------
    total : int, optional
        Persons in the Land; default ``pakt.integrationslastenausgleich.volumen /
        pakt.integrationslastenausgleich.satz`` in 2017 (= 80,000, derived).
    overrides : mapping, optional
        Parameter overrides.

    Returns
    -------
    Series of int64
        Persons per 8-digit AGS (name ``"persons"``), summing to ``total``
        (largest remainder) over the AU stock on
        ``pakt.integrationslastenausgleich.stichtag``.
    """
    from paktsim import params

    snap = params.at("2017-09-15", overrides)
    if total is None:
        total = round(
            snap["pakt.integrationslastenausgleich.volumen"]
            / snap["pakt.integrationslastenausgleich.satz"]
        )
    day = historic.count_date("pakt.integrationslastenausgleich.stichtag", overrides)
    stock = au_counts_2017("gemeinde", date=day, overrides=overrides)
    persons = largest_remainder(stock.astype(float), int(total)).rename("persons")
    persons.attrs["label"] = (
        f"Kohorte des Integrationslastenausgleichs: {int(total):,} "
        "Personen (Volumen ÷ Satz), verteilt wie der modellierte "
        f"AU-Bestand am {day.strftime('%d.%m.%Y')}"
    ).replace(",", ".")
    persons.attrs["short_label"] = "Personen der ILA-Kohorte (Modell)"
    return persons


def im_2017(
    counts: pd.Series | None = None,
    *,
    join: Literal["none", "landkreis", "neighbours"] = "landkreis",
    hochschule_share: float | None = None,
    overrides: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """2017/18 IM Planungsrahmen (:func:`paktsim.allocation.historic.im_2017`).

    ``counts`` default: :func:`au_counts_2017` on the count date in force.
    """
    if counts is None:
        counts = au_counts_2017("gemeinde", overrides=overrides)
    return historic.im_2017(
        counts, join=join, hochschule_share=hochschule_share, overrides=overrides
    )


def ila_2017(counts: pd.Series | None = None) -> pd.DataFrame:
    """2017 Integrationslastenausgleich (:func:`paktsim.allocation.historic.ila_2017`).

    ``counts`` default: the ILA's own cohort, :func:`ila_cohort_2017` (80,000
    persons, exactly 90 Mio €).
    """
    return historic.ila_2017(ila_cohort_2017() if counts is None else counts)
