"""Historic splits of the Pakt für Integration, from sourced parameters and modelled counts.

- :func:`im_2017` — 2017/18 Integrationsmanagement: 58 Mio €/year in proportion
  to persons in Anschlussunterbringung counted on 15.09.2017 (§ 29d FAG survey),
  the 51,000 € application threshold, positions at 64,000 € / 51,000 €.
- :func:`ila_2017` — 2017/18 Integrationslastenausgleich: 1,125 € per counted
  person of its own arrival cohort; 90 Mio € ⇔ 80,000 persons.
- :func:`soforthilfe_2022` — 2022 Ukraine Soforthilfe: 8 Mio € over the 44
  Stadt- und Landkreise by population.

What is exact and what is modelled
----------------------------------
Exact (sourced parameters): the IM envelope of 58 Mio €, the Fördersätze and
hence the Land-level 906.25 positions (58 Mio € / 64,000 €), the threshold, the
ILA envelope of 90 Mio € and its 1,125 € per person, the Soforthilfe of 8 Mio €
and its population key.

Modelled: the per-Gemeinde survey counts of 2017 are not public.  Unless the
user passes the real counts (they always win), :func:`au_counts_2017` gives the
inflow model's stock of persons in Anschlussunterbringung on the count date
(``integrationsmanagement.verteilung_2017.fag_stichtag``; the monthly model
stock of that month).  Its Land total is a model result (≈ 72,000 with the
default parameters), not the surveyed total, which is not published.  The ILA
keeps its own cohort: 80,000 persons (= volume / rate, derived) spread over the
Gemeinden like the modelled AU stock on its Stichtag — the model does not follow
arrival cohorts, so which Gemeinde had how many of the 2015/16 arrivals is
approximate too.  :func:`proxy_counts_2017` is the earlier, cruder proxy
(80,000 spread by protection seekers and population), kept as a synthetic count
for tests and benchmarks; it is no longer a default.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

import numpy as np
import pandas as pd

from paktsim.allocation.engine import allocate
from paktsim.allocation.rounding import largest_remainder, largest_remainder_grouped
from paktsim.allocation.rules import CountRule, PerCapitaPayment, PopulationRule

__all__ = ["PROXY_LABEL", "MODEL_LABEL", "au_counts_2017", "ila_cohort_2017",
           "vorerhebung_counts_2017",
           "proxy_counts_2017", "nearest_vintage", "im_2017", "ila_2017",
           "soforthilfe_2022", "summary"]

PROXY_LABEL = ("Näherung (Proxy): 80.000 Personen nach Schutzsuchenden 31.12.2018 auf die "
               "Kreise und nach Einwohnern 31.12.2017 auf die Gemeinden verteilt – "
               "nicht die amtliche FAG-Erhebung")
MODEL_LABEL = ("Modell: Bestand in Anschlussunterbringung im Monat des Stichtags {date} "
               "(Zugangsmodell, historische Zugänge) – nicht die amtliche FAG-Erhebung")

_DATE_2017 = dt.date(2017, 9, 15)


def _count_date(path: str, overrides: dict[str, Any] | None) -> dt.date:
    from paktsim import params

    day = params.at(_DATE_2017, overrides)[path]
    if day is None:
        from paktsim.errors import InputError

        raise InputError.single(path, "no count date in force in 2017")
    return day


_RUN_CACHE: dict[str, Any] = {}


def _historic_run(last_year: int, overrides: dict[str, Any] | None) -> Any:
    """Inflow model on the historic arrivals from January 2014 to December ``last_year``."""
    from paktsim.inflow.model import simulate
    from paktsim.scenario import Scenario

    key = json.dumps([last_year, overrides or {}], sort_keys=True, default=str)
    if key not in _RUN_CACHE:
        scenario = Scenario.from_dict({
            "name": "Historische Zugänge bis zum Stichtag",
            "horizon": {"start": "2014-01", "end": f"{last_year}-12"},
            "arrivals": {"path": "historic"}, "overrides": dict(overrides or {})})
        while len(_RUN_CACHE) >= 4:
            _RUN_CACHE.pop(next(iter(_RUN_CACHE)))
        _RUN_CACHE[key] = simulate(scenario, n_draws=0)
    return _RUN_CACHE[key]


def _au_stock(month: pd.Period, level: str, overrides: dict[str, Any] | None) -> pd.Series:
    return _historic_run(month.year, overrides).stock_on("au", month, level)


def vorerhebung_counts_2017(overrides: dict[str, Any] | None = None) -> pd.Series:
    """Modelled persons assigned to Anschlussunterbringung in 2015 and 2016, per Gemeinde.

    What the February 2017 pre-survey counted (the first 60 % tranche); not public
    per Gemeinde, so the inflow model's ``vu_to_au`` flow of 2015–2016 stands in.
    """
    counts = _historic_run(2017, overrides).flow_total("vu_to_au", "2015-01", "2016-12")
    out = counts.rename("persons").copy()
    out.index.name = "ags"
    out.attrs["label"] = ("Modell: Zuweisungen in die Anschlussunterbringung 2015 und 2016 "
                          "(Zugangsmodell) – nicht die amtliche Vorerhebung")
    return out


def au_counts_2017(level: Literal["gemeinde", "kreis"] = "gemeinde", *,
                   date: dt.date | str | None = None,
                   overrides: dict[str, Any] | None = None) -> pd.Series:
    """Modelled persons in Anschlussunterbringung per Gemeinde (or Kreis) on a count date.

    The default count of the 2017/18 IM frame: the inflow model run on the
    historic arrivals from January 2014, its AU stock in the month of ``date``.

    Parameters
    ----------
    level : {"gemeinde", "kreis"}
    date : date or str, optional
        Default ``integrationsmanagement.verteilung_2017.fag_stichtag`` (15.09.2017).
    overrides : mapping, optional
        Parameter overrides for the inflow model (e.g. chain rates).

    Returns
    -------
    Series of float
        Persons per AGS (name ``"persons"``); ``attrs["label"]`` says it is modelled.
    """
    from paktsim.params import to_date

    day = to_date(date) if date is not None else _count_date(
        "integrationsmanagement.verteilung_2017.fag_stichtag", overrides)
    stock = _au_stock(pd.Period(day, freq="M"), level, overrides)
    out = stock.rename("persons").copy()
    out.index.name = "ags"
    out.attrs["label"] = MODEL_LABEL.format(date=day.strftime("%d.%m.%Y"))
    return out


def ila_cohort_2017(total: int | None = None,
                    overrides: dict[str, Any] | None = None) -> pd.Series:
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

    snap = params.at(_DATE_2017, overrides)
    if total is None:
        total = round(snap["pakt.integrationslastenausgleich.volumen"]
                      / snap["pakt.integrationslastenausgleich.satz"])
    day = _count_date("pakt.integrationslastenausgleich.stichtag", overrides)
    stock = au_counts_2017("gemeinde", date=day, overrides=overrides)
    persons = largest_remainder(stock.astype(float), int(total)).rename("persons")
    persons.attrs["label"] = (f"Kohorte des Integrationslastenausgleichs: {int(total):,} "
                              "Personen (Volumen ÷ Satz), verteilt wie der modellierte "
                              f"AU-Bestand am {day.strftime('%d.%m.%Y')}").replace(",", ".")
    return persons


def proxy_counts_2017(total: int | None = None) -> pd.Series:
    """The earlier proxy count per Gemeinde for 2017 (see the module docstring).

    80,000 persons spread over the Kreise by the protection seekers of
    31.12.2018 and within each Kreis by population (31.12.2017).  Not a default
    any more: a synthetic, realistic count for tests and benchmarks.

    Parameters
    ----------
    total : int, optional
        Persons in the Land; default ``pakt.integrationslastenausgleich.volumen /
        pakt.integrationslastenausgleich.satz`` at 15.09.2017 (= 80,000).

    Returns
    -------
    Series of int64
        Persons per 8-digit AGS (name ``"persons"``), summing to ``total``;
        ``attrs["label"]`` says that it is a proxy.
    """
    from paktsim import params, regions

    if total is None:
        snap = params.at(_DATE_2017)
        total = round(snap["pakt.integrationslastenausgleich.volumen"]
                      / snap["pakt.integrationslastenausgleich.satz"])
    kreise = regions.kreise(2018)
    per_kreis = largest_remainder(kreise["schutzsuchende_2018"].astype(float), int(total))
    muni = regions.municipalities(2017)
    persons = largest_remainder_grouped(muni["population"].astype(float),
                                        muni["kreis_ags"], per_kreis)
    persons.name = "persons"
    persons.attrs["label"] = PROXY_LABEL
    return persons


def nearest_vintage(date: dt.date | str) -> int:
    """Data vintage (population Stand 31.12.) closest to ``date`` (ties: the earlier one)."""
    from paktsim import regions
    from paktsim.params import to_date

    day = to_date(date)
    gaps = [(abs((dt.date(v, 12, 31) - day).days), v) for v in regions.VINTAGES]
    return min(gaps)[1]


def im_2017(counts: pd.Series | None = None, *,
            join: Literal["none", "landkreis", "neighbours"] = "landkreis",
            hochschule_share: float | None = None,
            overrides: dict[str, Any] | None = None) -> pd.DataFrame:
    """2017/18 IM Planungsrahmen: 58 Mio € by persons in AU at 15.09.2017.

    Parameters
    ----------
    counts : Series, optional
        Persons in AU per AGS (the § 29d FAG survey); default the modelled AU
        stock on the count date (:func:`au_counts_2017`).
    join : {"none", "landkreis", "neighbours"}
        How sub-threshold Gemeinden apply.
    hochschule_share : float, optional
        Share of positions at 64,000 € (default: parameter, 1.0).
    overrides : mapping, optional
        Parameter overrides (count date, envelope, Fördersätze, chain rates).

    Returns
    -------
    DataFrame
        :func:`~paktsim.allocation.allocate` result; ``attrs["counts_source"]``
        names the count and whether it is modelled.
    """
    from paktsim import params

    day = _count_date("integrationsmanagement.verteilung_2017.fag_stichtag", overrides)
    if counts is None:
        counts = au_counts_2017("gemeinde", date=day, overrides=overrides)
        label, source = "Personen in AU (Modell)", counts.attrs["label"]
    else:
        label = source = f"Personen in AU {day.strftime('%d.%m.%Y')}"
    budget = params.at(day, overrides)["integrationsmanagement.volumen"]
    out = allocate(CountRule(counts, label), int(budget), vintage=nearest_vintage(day),
                   join=join, hochschule_share=hochschule_share, params_date=day,
                   overrides=overrides)
    out.attrs["counts_source"] = source
    out.attrs["historic"] = "Integrationsmanagement 2017/18 (Planungsrahmen je Jahr)"
    return out


def ila_2017(counts: pd.Series | None = None) -> pd.DataFrame:
    """2017 Integrationslastenausgleich: 1,125 € per counted person (open-ended).

    With the default cohort (:func:`ila_cohort_2017`, 80,000 persons) the
    envelope is exactly 90,000,000 €, the sourced
    ``pakt.integrationslastenausgleich.volumen``.
    """
    from paktsim import params

    day = _count_date("pakt.integrationslastenausgleich.stichtag", None)
    if counts is None:
        counts = ila_cohort_2017()
        label, source = "Personen der ILA-Kohorte (Modell)", counts.attrs["label"]
    else:
        label = source = f"Personen in AU {day.strftime('%d.%m.%Y')}"
    rate = params.at(day)["pakt.integrationslastenausgleich.satz"]
    out = allocate(PerCapitaPayment(counts, float(rate), label), None,
                   vintage=nearest_vintage(day), params_date=day, positions=False)
    out.attrs["counts_source"] = source
    out.attrs["historic"] = f"Integrationslastenausgleich 2017 (Stichtag {day:%d.%m.%Y})"
    return out


def soforthilfe_2022() -> pd.DataFrame:
    """2022 Ukraine Soforthilfe: 8 Mio € to the 44 Kreise by population.

    The rule uses population at 30.11.2021
    (``integrationsmanagement.soforthilfe.bevoelkerung_stand``); the bundled data
    has no such date, so the nearest vintage is used (31.12.2021) and
    ``attrs["vintage_note"]`` says so.  The money went to all 44 Kreise
    (``integrationsmanagement.soforthilfe.anzahl_empfaenger``), so no
    application threshold applies; positions use the 2022 Fördersätze.
    """
    from paktsim import params

    snap = params.at(dt.date(2022, 1, 1))
    budget = int(snap["integrationsmanagement.soforthilfe.volumen"])
    stand = snap["integrationsmanagement.soforthilfe.bevoelkerung_stand"]
    key = snap["integrationsmanagement.soforthilfe.schluessel"]
    rules = {"bevoelkerung": PopulationRule(level="kreis")}
    if key not in rules:
        from paktsim.errors import InputError

        raise InputError.single("integrationsmanagement.soforthilfe.schluessel",
                                f"expected one of {', '.join(rules)}", key)
    vintage = nearest_vintage(stand)
    out = allocate(rules[key], budget, vintage=vintage,
                   params_date=dt.date(2022, 1, 1), threshold_eur=0)
    stand_text = stand.strftime("%d.%m.%Y") if hasattr(stand, "strftime") else str(stand)
    out.attrs["vintage_note"] = (
        f"Die Regel verteilt nach der Bevölkerung zum Stand {stand_text}; verwendet wird der "
        f"nächstgelegene verfügbare Stand {out.attrs.get('stand')} (Jahrgang {vintage}).")
    out.attrs["historic"] = "Soforthilfe Integrationsmanagement Ukraine 2022"
    return out


def summary(result: pd.DataFrame) -> pd.Series:
    """Key figures of an allocation (German labels), for tables and checks.

    Includes the Land-level positions ``envelope ÷ average rate`` (e.g. 58 Mio € /
    64,000 € = 906.25, the programme's "ca. 906 Stellen") next to the sum of the
    positions actually fundable per application (0.25 steps, minimum 1 FTE).
    """
    prog = result.attrs["programme"] or {}
    envelope = int(result.attrs["budget_eur"])
    persons = float(result["persons"].sum()) if "persons" in result else np.nan
    apps = result["group_id"].dropna().nunique()
    data: dict[str, Any] = {
        "Mittel (€)": envelope,
        "Summe der Anteile (€)": int(result["amount_eur"].sum()),
        "gezählte Personen": persons,
        "€ je Person": envelope / persons if persons and persons > 0 else np.nan,
        "Anträge": int(apps),
        "allein antragsberechtigt": int(result["eligible_alone"].sum()),
        "Stellen Landesebene (Mittel ÷ Fördersatz, VZÄ)": (
            envelope / prog["rate_mix_eur"] if prog else np.nan),
        "geförderte Stellen (VZÄ)": float(result["fte_funded"].sum()) if prog else np.nan,
        "nicht abrufbare Mittel (€)": int(result["unused_eur"].sum()),
    }
    return pd.Series(data, name=result.attrs.get("historic", "Verteilung"), dtype=object)
