"""Historic splits of the Pakt für Integration by the rules of their year.

- :func:`im_2017` — 2017/18 Integrationsmanagement: 58 Mio €/year in proportion
  to persons in Anschlussunterbringung counted on 15.09.2017 (§ 29d FAG survey),
  the 51,000 € application threshold, positions at 64,000 € / 51,000 €.
- :func:`ila_2017` — 2017/18 Integrationslastenausgleich: 1,125 € per counted
  person of its own arrival cohort; 90 Mio € ⇔ 80,000 persons.
- :func:`soforthilfe_2022` — 2022 Ukraine Soforthilfe: 8 Mio € over the 44
  Stadt- und Landkreise by population.

The functions here apply a rule to given counts.  The counts per Gemeinde of
2017 are not public: :mod:`paktsim.history` gives the inflow model's counts
(the AU stock on the count date) and calls these functions with them by
default; user counts always win.  Exact (sourced parameters): the envelopes of
58 Mio €, 90 Mio € and 8 Mio €, the Fördersätze and the Land-level 906.25
positions (58 Mio € / 64,000 €), the threshold, the Soforthilfe's population
key.  Everything per place depends on the counts passed in.
:func:`proxy_counts_2017` is an earlier, cruder proxy (80,000 spread by
protection seekers and population), kept as a synthetic count for tests and
benchmarks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
import pandas as pd

from paktsim.allocation.engine import allocate
from paktsim.allocation.rounding import largest_remainder, largest_remainder_grouped
from paktsim.allocation.rules import CountRule, PerCapitaPayment, PopulationRule

__all__ = [
    "PROXY_LABEL",
    "proxy_counts_2017",
    "nearest_vintage",
    "count_date",
    "im_2017",
    "ila_2017",
    "soforthilfe_2022",
    "summary",
]

PROXY_LABEL = (
    "Näherung (Proxy): 80.000 Personen nach Schutzsuchenden 31.12.2018 auf die "
    "Kreise und nach Einwohnern 31.12.2017 auf die Gemeinden verteilt – "
    "nicht die amtliche FAG-Erhebung"
)

_DATE_2017 = dt.date(2017, 9, 15)


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
        total = round(
            snap["pakt.integrationslastenausgleich.volumen"]
            / snap["pakt.integrationslastenausgleich.satz"]
        )
    kreise = regions.kreise(2018)
    per_kreis = largest_remainder(kreise["schutzsuchende_2018"].astype(float), int(total))
    muni = regions.municipalities(2017)
    persons = largest_remainder_grouped(
        muni["population"].astype(float), muni["kreis_ags"], per_kreis
    )
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


def count_date(path: str, overrides: dict[str, Any] | None = None) -> dt.date:
    """A count date parameter in force in 2017 (e.g. ``integrationsmanagement.verteilung_2017.
    fag_stichtag``, ``pakt.integrationslastenausgleich.stichtag``)."""
    from paktsim import params

    day = params.at(_DATE_2017, overrides)[path]
    if day is None:
        from paktsim.errors import InputError

        raise InputError.single(path, "no count date in force in 2017")
    return day


def _source(counts: pd.Series, default: str) -> tuple[str, str]:
    """(short label for the rule, full provenance) of a count."""
    full = counts.attrs.get("label")
    if full:
        return counts.attrs.get("short_label", default), full
    return default, default


def im_2017(
    counts: pd.Series,
    *,
    join: Literal["none", "landkreis", "neighbours"] = "landkreis",
    hochschule_share: float | None = None,
    overrides: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """2017/18 IM Planungsrahmen: 58 Mio € by persons in AU at 15.09.2017.

    Parameters
    ----------
    counts : Series
        Persons in AU per AGS (the § 29d FAG survey, or the model's count from
        :func:`paktsim.history.au_counts_2017`; ``attrs["label"]`` is kept as
        the provenance).
    join : {"none", "landkreis", "neighbours"}
        How sub-threshold Gemeinden apply.
    hochschule_share : float, optional
        Share of positions at 64,000 € (default: parameter, 1.0).
    overrides : mapping, optional
        Parameter overrides (count date, envelope, Fördersätze).

    Returns
    -------
    DataFrame
        :func:`~paktsim.allocation.allocate` result; ``attrs["counts_source"]``
        names the count and whether it is modelled.
    """
    from paktsim import params

    day = count_date("integrationsmanagement.verteilung_2017.fag_stichtag", overrides)
    label, source = _source(counts, f"Personen in AU {day.strftime('%d.%m.%Y')}")
    budget = params.at(day, overrides)["integrationsmanagement.volumen"]
    out = allocate(
        CountRule(counts, label),
        int(budget),
        vintage=nearest_vintage(day),
        join=join,
        hochschule_share=hochschule_share,
        params_date=day,
        overrides=overrides,
    )
    out.attrs["counts_source"] = source
    out.attrs["historic"] = "Integrationsmanagement 2017/18 (Planungsrahmen je Jahr)"
    return out


def ila_2017(counts: pd.Series) -> pd.DataFrame:
    """2017 Integrationslastenausgleich: 1,125 € per counted person (open-ended).

    With the ILA's own cohort (:func:`paktsim.history.ila_cohort_2017`, 80,000
    persons) the envelope is exactly 90,000,000 €, the sourced
    ``pakt.integrationslastenausgleich.volumen``.
    """
    from paktsim import params

    day = count_date("pakt.integrationslastenausgleich.stichtag")
    label, source = _source(counts, f"Personen in AU {day.strftime('%d.%m.%Y')}")
    rate = params.at(day)["pakt.integrationslastenausgleich.satz"]
    out = allocate(
        PerCapitaPayment(counts, float(rate), label),
        None,
        vintage=nearest_vintage(day),
        params_date=day,
        positions=False,
    )
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

        raise InputError.single(
            "integrationsmanagement.soforthilfe.schluessel",
            f"expected one of {', '.join(rules)}",
            key,
        )
    vintage = nearest_vintage(stand)
    out = allocate(
        rules[key], budget, vintage=vintage, params_date=dt.date(2022, 1, 1), threshold_eur=0
    )
    stand_text = stand.strftime("%d.%m.%Y") if hasattr(stand, "strftime") else str(stand)
    out.attrs["vintage_note"] = (
        f"Die Regel verteilt nach der Bevölkerung zum Stand {stand_text}; verwendet wird der "
        f"nächstgelegene verfügbare Stand {out.attrs.get('stand')} (Jahrgang {vintage})."
    )
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
            envelope / prog["rate_mix_eur"] if prog else np.nan
        ),
        "geförderte Stellen (VZÄ)": float(result["fte_funded"].sum()) if prog else np.nan,
        "nicht abrufbare Mittel (€)": int(result["unused_eur"].sum()),
    }
    return pd.Series(data, name=result.attrs.get("historic", "Verteilung"), dtype=object)
