"""Historic splits of the Pakt für Integration, reproduced from sourced parameters.

- :func:`im_2017` — 2017/18 Integrationsmanagement: 58 Mio €/year in proportion
  to persons in Anschlussunterbringung (§ 29d FAG survey, 15.09.2017), the
  51,000 € application threshold, positions at 64,000 € / 51,000 €.
- :func:`ila_2017` — 2017/18 Integrationslastenausgleich: 1,125 € per counted
  person; 90 Mio € ⇔ 80,000 persons.
- :func:`soforthilfe_2022` — 2022 Ukraine Soforthilfe: 8 Mio € over the 44
  Stadt- und Landkreise by population.

The per-Gemeinde survey counts of 2017 are not public.  Unless the user passes
the real counts, these functions use :func:`proxy_counts_2017`, a **proxy**:
80,000 persons (= 90 Mio € / 1,125 €) spread over the Kreise in proportion to
the protection seekers of 31.12.2018 and within each Kreis in proportion to
population (31.12.2017).  It is labelled as such everywhere and is not the
official survey: Land totals (envelope, persons, € per person, Land-level FTE)
are reproduced exactly, the split between places is illustrative.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
import pandas as pd

from paktsim.allocation.engine import allocate
from paktsim.allocation.rounding import largest_remainder, largest_remainder_grouped
from paktsim.allocation.rules import CountRule, PerCapitaPayment, PopulationRule

__all__ = ["PROXY_LABEL", "proxy_counts_2017", "nearest_vintage", "im_2017", "ila_2017",
           "soforthilfe_2022", "summary"]

PROXY_LABEL = ("Näherung (Proxy): 80.000 Personen nach Schutzsuchenden 31.12.2018 auf die "
               "Kreise und nach Einwohnern 31.12.2017 auf die Gemeinden verteilt – "
               "nicht die amtliche FAG-Erhebung")

_DATE_2017 = dt.date(2017, 9, 15)


def proxy_counts_2017(total: int | None = None) -> pd.Series:
    """Proxy count of persons in AU per Gemeinde for 2017 (see the module docstring).

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


def _label_counts(counts: pd.Series | None) -> tuple[pd.Series, str, bool]:
    if counts is None:
        return proxy_counts_2017(), "Personen in AU (Proxy)", True
    return counts, "Personen in AU 15.09.2017", False


def im_2017(counts: pd.Series | None = None, *,
            join: Literal["none", "landkreis", "neighbours"] = "landkreis",
            hochschule_share: float | None = None) -> pd.DataFrame:
    """2017/18 IM Planungsrahmen: 58 Mio € by persons in AU at 15.09.2017.

    Parameters
    ----------
    counts : Series, optional
        Persons in AU per AGS (the § 29d FAG survey); default the proxy.
    join : {"none", "landkreis", "neighbours"}
        How sub-threshold Gemeinden apply.
    hochschule_share : float, optional
        Share of positions at 64,000 € (default: parameter, 1.0).

    Returns
    -------
    DataFrame
        :func:`~paktsim.allocation.allocate` result; ``attrs["counts_source"]``
        names the count and whether it is the proxy.
    """
    from paktsim import params

    counts, label, proxy = _label_counts(counts)
    budget = params.at(_DATE_2017)["integrationsmanagement.volumen"]
    out = allocate(CountRule(counts, label), int(budget), vintage=2017, join=join,
                   hochschule_share=hochschule_share, params_date=_DATE_2017)
    out.attrs["counts_source"] = PROXY_LABEL if proxy else label
    out.attrs["historic"] = "Integrationsmanagement 2017/18 (Planungsrahmen je Jahr)"
    return out


def ila_2017(counts: pd.Series | None = None) -> pd.DataFrame:
    """2017 Integrationslastenausgleich: 1,125 € per counted person (open-ended).

    With the default proxy (80,000 persons) the envelope is exactly
    90,000,000 €, the sourced ``pakt.integrationslastenausgleich.volumen``.
    """
    from paktsim import params

    counts, label, proxy = _label_counts(counts)
    rate = params.at(_DATE_2017)["pakt.integrationslastenausgleich.satz"]
    out = allocate(PerCapitaPayment(counts, float(rate), label), None, vintage=2017,
                   params_date=_DATE_2017, positions=False)
    out.attrs["counts_source"] = PROXY_LABEL if proxy else label
    out.attrs["historic"] = "Integrationslastenausgleich 2017 (Stichtag 15.09.2017)"
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
    vintage = nearest_vintage(stand)
    out = allocate(PopulationRule(level="kreis"), budget, vintage=vintage,
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
