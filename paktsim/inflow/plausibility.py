"""Plausibility of the inflow model against published stocks of protection seekers.

The published figures (``zugang.schutzsuchende_*``, FACTS.md §3; the Kreis table
31.12.2018 from the bundled regions data) count **all protection seekers** living
in Baden-Württemberg (Ausländerzentralregister): people in reception, in state
housing and in their own flats, recognised or not, until they leave, are
naturalised or change status.  The model's comparable figure is the sum of all
its stages (Erstaufnahme + vU + AU + own housing).  Differences come from

* definitions: the model's "own housing" stage ends only through the assumed
  leave hazards, while the register also drops people who change residence
  title; the pre-2014 stock is an assumption (``inflow.initial.own``);
* arrivals: annual totals whose definitions differ by year (FACTS.md);
* Kreis distribution: the model places people by population key, but reception
  facilities (LEA) sit in a few Kreise and people move after recognition
  (to cities), so the register is more concentrated than the key.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from paktsim.inflow.model import InflowResult, simulate

__all__ = ["historic_run", "plausibility", "kreis_plausibility"]


def historic_run(**kwargs: Any) -> InflowResult:
    """Deterministic run of the historic path 2014-01 … 2025-12."""
    from paktsim.scenario import Scenario

    scenario = Scenario.from_dict(
        {
            "name": "historisch",
            "arrivals": {"path": "historic"},
            "horizon": {"start": "2014-01", "end": "2025-12"},
        }
    )
    return simulate(scenario, **kwargs)


def _total(result: InflowResult, month: str, group: int | None = None) -> float:
    pos = result.months.get_loc(pd.Period(month, freq="M"))
    total = 0.0
    for stage in ("ea", "vu", "au", "own"):
        arr = result._land(stage).mean(axis=0)  # (G, T)
        total += float(arr[:, pos].sum() if group is None else arr[group, pos])
    return total


def plausibility(result: InflowResult | None = None) -> pd.DataFrame:
    """Model vs published stocks of protection seekers in BW.

    Returns
    -------
    DataFrame
        Columns ``Größe, Stichtag, Modell, Veröffentlicht, Abweichung,
        Abweichung_Prozent, Anmerkung``.
    """
    from paktsim import params

    result = result if result is not None else historic_run()
    rows = []
    notes = {
        "all": "Register zählt alle Schutzsuchenden; Modell: alle Stufen inkl. eigener Wohnraum; "
        "Anfangsbestand 2014 kalibriert (inflow.initial.own), u. a. an diesen Zahlen",
        "ukraine": "Abgangsrate Ukraine aus Bestandsänderung 2022→2023 abgeleitet: "
        "2023 kein unabhängiger Test",
    }
    for path, group, label in (
        ("zugang.schutzsuchende_bestand", None, "Schutzsuchende BW"),
        ("zugang.schutzsuchende_ukraine_bestand", 1, "Schutzsuchende aus der Ukraine"),
    ):
        series = params.series(path)
        for date, value in zip(series["date"], series["value"]):
            if pd.isna(value):
                continue
            month = pd.Period(date, freq="M")
            if month not in result.months:
                continue
            model = _total(result, str(month), group)
            rows.append(
                {
                    "Größe": label,
                    "Stichtag": date.strftime("%d.%m.%Y"),
                    "Modell": model,
                    "Veröffentlicht": float(value),
                    "Abweichung": model - float(value),
                    "Abweichung_Prozent": 100.0 * (model - float(value)) / float(value),
                    "Anmerkung": notes["all" if group is None else "ukraine"],
                }
            )
    k = kreis_plausibility(result)
    if len(k):
        rows.append(
            {
                "Größe": "Schutzsuchende in den 44 Kreisen (Summe vU+AU+eigener Wohnraum)",
                "Stichtag": "31.12.2018",
                "Modell": float(k["Modell"].sum()),
                "Veröffentlicht": float(k["Veröffentlicht"].sum()),
                "Abweichung": float(k["Modell"].sum() - k["Veröffentlicht"].sum()),
                "Abweichung_Prozent": 100.0
                * float(k["Modell"].sum() / k["Veröffentlicht"].sum() - 1),
                "Anmerkung": "Erstaufnahme nur auf Landesebene; Kreiswerte siehe "
                "kreis_plausibility()",
            }
        )
        rows.append(
            {
                "Größe": "Kreisverteilung 2018: mittlere absolute Anteilsabweichung",
                "Stichtag": "31.12.2018",
                "Modell": float(
                    np.abs(k["Anteil_Modell"] - k["Anteil_veröffentlicht"]).mean() * 100
                ),
                "Veröffentlicht": 0.0,
                "Abweichung": float(
                    np.abs(k["Anteil_Modell"] - k["Anteil_veröffentlicht"]).mean() * 100
                ),
                "Abweichung_Prozent": float("nan"),
                "Anmerkung": "Prozentpunkte; Bevölkerungsschlüssel vs. Register (LEA-Standorte, "
                "Zuzug in Städte nach Anerkennung)",
            }
        )
    return pd.DataFrame(rows)


def kreis_plausibility(result: InflowResult | None = None) -> pd.DataFrame:
    """Kreis stocks at 31.12.2018: model (vU + AU + own) vs the published register.

    Returns
    -------
    DataFrame
        Indexed by Kreis AGS: ``Kreis, Modell, Veröffentlicht, Abweichung,
        Anteil_Modell, Anteil_veröffentlicht``.
    """
    from paktsim import regions

    result = result if result is not None else historic_run()
    month = pd.Period("2018-12", freq="M")
    if month not in result.months:
        return pd.DataFrame()
    pos = result.months.get_loc(month)
    model = sum(
        result._place(stage, "kreis").mean(axis=0).sum(axis=0)[:, pos]
        for stage in ("vu", "au", "own")
    )
    kreise = regions.kreise(2018).reindex(result.keys.kreis_ags)
    pub = kreise["schutzsuchende_2018"].astype(float).to_numpy()
    frame = pd.DataFrame(
        {
            "Kreis": kreise["name"].to_numpy(),
            "Modell": model,
            "Veröffentlicht": pub,
            "Abweichung": model - pub,
            "Anteil_Modell": model / model.sum(),
            "Anteil_veröffentlicht": pub / pub.sum(),
        },
        index=result.keys.kreis_ags,
    )
    return frame
