"""Published figures beside the model: every observation, the modelled value and the gap.

The observations are bundled as ``paktsim/data/evidence.csv`` (built by
``tools/build_evidence.py`` from ``../shared/EVIDENCE.md``, ``FACTS.md`` and the Destatis
Kreis tables): date, level, place (AGS), quantity, value, unit, how to compare
(``level`` or ``share`` of the 44 Kreise), tolerance, weight in the fit, source, tag.

Quantities and their modelled counterpart (stocks at the date, interpolated
linearly between month ends):

=========================== ==================================================================
``schutzsuchende``          all stages incl. own housing (+ Erstaufnahme on its sites, Kreis)
``schutzsuchende_ukraine``  the same, Ukrainian group only
``schutzsuchende_anteil_bev`` Kreis stock (as above) / Kreis population 2017
``asylblg_empfaenger``      Erstaufnahme + vU + AU of asylum seekers and humanitarian
                            admissions (proxy: the model has no legal status)
``ea``, ``ea_site``         Erstaufnahme (Land; on the sites of a Kreis)
``ea_mittel_jahr``          Erstaufnahme, mean of the month ends of the year
``vu``, ``au``, ``vu_au``   stocks in vorläufiger / Anschlussunterbringung (all groups)
``zuweisungen_jahr``        assignments out of Erstaufnahme into the Kreis in the year
``zuweisungsanteil_jahr``   the Kreis's share of all assignments in the year
``im_eur_jahr``             IM money of the year: compared by the 2025 Kreis key
                            (:mod:`paktsim.allocation`), not computed here (model = NaN)
=========================== ==================================================================
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem

if TYPE_CHECKING:  # pragma: no cover
    from paktsim.inflow.model import InflowResult
    from paktsim.scenario import Scenario

__all__ = [
    "EVIDENCE_END",
    "observations",
    "compare",
    "model_values",
    "evidence_run",
    "GERMAN_COLUMNS",
    "german",
    "summary",
    "QUANTITY_LABELS",
]

#: German labels of the quantities (for tables people read).
QUANTITY_LABELS: dict[str, str] = {
    "schutzsuchende": "Schutzsuchende (Bestand)",
    "schutzsuchende_ukraine": "Schutzsuchende aus der Ukraine",
    "schutzsuchende_anteil_bev": "Schutzsuchende je Einwohner",
    "asylblg_empfaenger": "Empfänger AsylbLG-Regelleistungen",
    "ea": "Personen in der Erstaufnahme",
    "ea_mittel_jahr": "Personen in der Erstaufnahme (Jahresmittel)",
    "ea_site": "Personen in der Erstaufnahme (Standort)",
    "vu": "Personen in vorläufiger Unterbringung",
    "au": "Personen in Anschlussunterbringung",
    "vu_au": "Personen in kommunaler Unterbringung (vU + AU)",
    "zuweisungen_jahr": "Zuweisungen aus der Erstaufnahme im Jahr",
    "zuweisungsanteil_jahr": "Anteil an den Zuweisungen im Jahr",
    "im_eur_jahr": "Mittel Integrationsmanagement im Jahr",
}

#: Machine column → German header.
GERMAN_COLUMNS: dict[str, str] = {
    "id": "Kennung",
    "date": "Stichtag",
    "level": "Ebene",
    "ags": "AGS",
    "place": "Ort",
    "quantity": "Größe",
    "compare": "Vergleich",
    "value": "Veröffentlicht",
    "model": "Modell",
    "gap": "Abweichung",
    "ratio": "Verhältnis Modell/veröffentlicht",
    "tolerance": "Toleranz",
    "tolerance_kind": "Toleranzart",
    "within": "innerhalb Toleranz",
    "weight": "Gewicht Kalibrierung",
    "unit": "Einheit",
    "source": "Quelle",
    "tag": "Status",
    "note": "Anmerkung",
}
_LEVEL_DE = {"land": "Land", "kreis": "Kreis", "gemeinde": "Gemeinde"}
_ALL = ("ea", "vu", "au", "own")
#: Last month of the evidence run (the latest dated observation is in 2026).
EVIDENCE_END = "2026-12"


def observations() -> pd.DataFrame:
    """The bundled observations (``paktsim/data/evidence.csv``), one row each.

    Returns
    -------
    DataFrame
        Columns ``id, date (Timestamp), level, ags, quantity, compare, value, unit,
        tolerance, tolerance_kind, weight, source, tag, note``.
    """
    with files("paktsim.data").joinpath("evidence.csv").open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(
            fh, dtype={"ags": str, "note": str}, keep_default_na=False, na_values={"value": [""]}
        )
    frame["date"] = pd.to_datetime(frame["date"])
    for col in ("value", "tolerance", "weight"):
        frame[col] = frame[col].astype(float)
    return frame


def evidence_run(scenario: "Scenario | None" = None, **kwargs: Any) -> "InflowResult":
    """Deterministic inflow run covering every observation (January 2014 to :data:`EVIDENCE_END`).

    The scenario's arrivals, data vintage and overrides are used with this horizon.
    """
    from paktsim.inflow.model import simulate
    from paktsim.scenario import builtin_scenario

    base = scenario if scenario is not None else builtin_scenario("status_quo")
    return simulate(
        base.with_changes(horizon={"start": "2014-01", "end": EVIDENCE_END}), n_draws=0, **kwargs
    )


def _at(arr: np.ndarray, months: pd.PeriodIndex, dates: pd.Series) -> np.ndarray:
    """Stock at each date: linear between the end of the previous month and this one."""
    per = pd.PeriodIndex(dates, freq="M")
    pos = months.get_indexer(per)
    if (pos < 0).any():
        raise InputError(
            Problem("evidence.date", "outside the model run", str(dates[pos < 0].iloc[0].date()))
        )
    frac = dates.dt.day.to_numpy() / dates.dt.days_in_month.to_numpy()
    prev = np.where(pos > 0, arr[..., np.maximum(pos - 1, 0)], arr[..., pos])
    return (1 - frac) * prev + frac * arr[..., pos]


def model_values(result: "InflowResult", obs: pd.DataFrame | None = None) -> np.ndarray:
    """The modelled value for every observation row (NaN where not modelled here).

    ``share`` rows return the modelled *share* of the place among all rows of the
    same quantity and date; the observed share is computed the same way in
    :func:`compare`.
    """
    from paktsim import regions

    obs = observations() if obs is None else obs
    out = np.full(len(obs), np.nan)
    months = result.months
    kreis_ags = pd.Index(result.keys.kreis_ags)
    gem_ags = pd.Index(result.keys.gemeinde_ags)
    cache: dict[tuple, np.ndarray] = {}

    def arr(
        name: str, level: str, groups: tuple[str, ...] | None = None, flow: bool = False
    ) -> np.ndarray:
        key = (name, level, groups, flow)
        if key not in cache:
            places = None
            if level == "gemeinde":
                need = obs.loc[obs["level"] == "gemeinde", "ags"].unique()
                places = gem_ags.get_indexer(need)
                cache[("gem_index", level, None, False)] = pd.Index(need)
            cache[key] = result.array(name, level, groups, flow=flow, places=places)
        return cache[key]

    def stock(
        level: str, names: tuple[str, ...], groups: tuple[str, ...] | None = None
    ) -> np.ndarray:
        if level == "land":
            return sum(arr(n, "land", groups) for n in names)
        parts = [arr("ea_site" if n == "ea" else n, level, groups) for n in names]
        return sum(parts)

    recipe: dict[str, tuple[tuple[str, ...], tuple[str, ...] | None]] = {
        "schutzsuchende": (_ALL, None),
        "schutzsuchende_ukraine": (_ALL, ("ukraine",)),
        "schutzsuchende_anteil_bev": (_ALL, None),
        "asylblg_empfaenger": (("ea", "vu", "au"), ("asyl", "humanitaer")),
        "ea": (("ea",), None),
        "ea_site": (("ea",), None),
        "vu": (("vu",), None),
        "au": (("au",), None),
        "vu_au": (("vu", "au"), None),
    }
    for (quantity, level), rows in obs.groupby(["quantity", "level"], sort=False):
        idx = rows.index.to_numpy()
        if level == "land":
            pos = np.zeros(len(rows), dtype=int)
        elif level == "kreis":
            pos = kreis_ags.get_indexer(rows["ags"])
        else:
            arr("au", "gemeinde")  # fills the Gemeinde index
            pos = cache[("gem_index", "gemeinde", None, False)].get_indexer(rows["ags"])
        if (pos < 0).any():
            raise InputError(
                Problem(
                    "evidence.ags",
                    f"unknown {level} AGS",
                    rows["ags"].iloc[int(np.flatnonzero(pos < 0)[0])],
                )
            )
        if quantity in recipe:
            names, groups = recipe[quantity]
            data = stock(level, names, groups)  # (N, T)
            vals = _at(data[pos], months, rows["date"].reset_index(drop=True))
            values = np.diagonal(vals) if vals.ndim == 2 else vals
            if quantity == "schutzsuchende_anteil_bev":
                pop = regions.kreise(2017)["population"].reindex(rows["ags"]).to_numpy(float)
                values = values / pop
            out[idx] = values
        elif quantity == "ea_mittel_jahr":
            data = stock(level, ("ea",))
            years = rows["date"].dt.year.to_numpy()
            in_year = (months.year.to_numpy()[None, :] == years[:, None]).astype(float)
            out[idx] = np.einsum("rt,rt->r", data[pos], in_year) / in_year.sum(axis=1)
        elif quantity in ("zuweisungen_jahr", "zuweisungsanteil_jahr"):
            flows = arr("ea_to_vu", "kreis" if level != "land" else "land", None, True)
            years = rows["date"].dt.year.to_numpy()
            in_year = months.year.to_numpy()[None, :] == years[:, None]  # (R, T)
            place = np.einsum("rt,rt->r", flows[pos], in_year)
            if quantity == "zuweisungen_jahr":
                out[idx] = place
            else:
                land = arr("ea_to_vu", "land", None, True)[0]
                out[idx] = place / (in_year @ land)
    return out


def _within(ratio: np.ndarray, tol: np.ndarray, kind: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(ratio - 1.0) <= tol
        fac = np.maximum(ratio, 1.0 / ratio) <= tol
    return np.where(kind == "factor", fac, rel) & np.isfinite(ratio)


def compare(
    scenario: "Scenario | None" = None,
    *,
    result: "InflowResult | None" = None,
    obs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every observation beside the model, with the gap and whether it is within tolerance.

    Parameters
    ----------
    scenario : Scenario, optional
        Default: the status quo (deterministic run from 2014, see :func:`evidence_run`).
    result : InflowResult, optional
        An existing run that covers the observation dates.
    obs : DataFrame, optional
        Observations (default :func:`observations`).

    Returns
    -------
    DataFrame
        Machine columns (:data:`GERMAN_COLUMNS` gives German headers): ``id, date,
        level, ags, place, quantity, compare, value, model, gap, ratio, tolerance,
        tolerance_kind, within, weight, unit, source, tag, note``.  For ``share``
        rows ``value`` and ``model`` are shares (fractions) of the 44 Kreise;
        ``within`` is ``<NA>`` where the model does not compute the quantity.
    """
    from paktsim import regions

    obs = (observations() if obs is None else obs).reset_index(drop=True)
    result = result if result is not None else evidence_run(scenario)
    model = model_values(result, obs)
    value = obs["value"].to_numpy(dtype=float).copy()
    share = (obs["compare"] == "share").to_numpy()
    if share.any():
        grp = obs.loc[share].groupby(["quantity", "date"], sort=False)
        for _, rows in grp:
            i = rows.index.to_numpy()
            value[i] = value[i] / value[i].sum()
            model[i] = model[i] / model[i].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = model / value
    within = pd.array(
        _within(ratio, obs["tolerance"].to_numpy(float), obs["tolerance_kind"].to_numpy()),
        dtype="boolean",
    )
    within[np.isnan(model)] = pd.NA
    names = {
        **regions.kreise(2023)["name"].to_dict(),
        **regions.municipalities(2023)["name"].to_dict(),
        "08": "Baden-Württemberg",
    }
    frame = pd.DataFrame(
        {
            "id": obs["id"],
            "date": obs["date"],
            "level": obs["level"],
            "ags": obs["ags"],
            "place": obs["ags"].map(names),
            "quantity": obs["quantity"],
            "compare": obs["compare"],
            "value": value,
            "model": model,
            "gap": model - value,
            "ratio": ratio,
            "tolerance": obs["tolerance"],
            "tolerance_kind": obs["tolerance_kind"],
            "within": within,
            "weight": obs["weight"],
            "unit": obs["unit"],
            "source": obs["source"],
            "tag": obs["tag"],
            "note": obs["note"],
        }
    )
    frame.attrs["parameters"] = dict(getattr(result, "parameters", {}))
    return frame


def german(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison with German headers and labels (for print, CSV and Excel)."""
    out = frame.copy()
    out["date"] = out["date"].dt.strftime("%d.%m.%Y")
    out["level"] = out["level"].map(_LEVEL_DE)
    out["quantity"] = out["quantity"].map(QUANTITY_LABELS).fillna(out["quantity"])
    out["compare"] = out["compare"].map({"level": "Wert", "share": "Anteil an den 44 Kreisen"})
    out["tolerance_kind"] = out["tolerance_kind"].map({"rel": "relativ", "factor": "Faktor"})
    out["within"] = out["within"].map({True: "ja", False: "nein"}).astype(object)
    out["within"] = out["within"].where(out["within"].notna(), "nicht modelliert")
    return out.rename(columns=GERMAN_COLUMNS)


def summary(frame: pd.DataFrame) -> dict[str, float]:
    """Headline fit figures of a comparison (issue 10 targets).

    Returns
    -------
    dict
        ``stadtkreise_share_model`` / ``_register`` (31.12.2018, fractions),
        ``kreis_share_error_p90`` and ``_median`` (relative error of the Kreis
        shares), ``heidelberg_au_2017`` (persons), ``land_<year>_error`` (relative)
        for 2019, 2022, 2023, ``n_within`` / ``n_compared``.
    """
    from paktsim import regions

    reg = frame[frame["id"].str.startswith("register_2018_")]
    stadt = regions.kreise(2023)["is_stadtkreis"].reindex(reg["ags"]).to_numpy(bool)
    err = np.abs(reg["ratio"].to_numpy() - 1.0)
    out = {
        "stadtkreise_share_model": float(reg["model"].to_numpy()[stadt].sum()),
        "stadtkreise_share_register": float(reg["value"].to_numpy()[stadt].sum()),
        "kreis_share_error_p90": float(np.quantile(err, 0.9)),
        "kreis_share_error_median": float(np.median(err)),
    }
    by_id = frame.set_index("id")
    out["heidelberg_au_2017"] = float(by_id.loc["gemeinde_heidelberg_au_2017", "model"])
    for year in (2019, 2022, 2023):
        out[f"land_{year}_error"] = float(by_id.loc[f"land_schutzsuchende_{year}", "ratio"] - 1)
    compared = frame["within"].notna()
    out["n_compared"] = int(compared.sum())
    out["n_within"] = int(frame.loc[compared, "within"].astype(bool).sum())
    return out
