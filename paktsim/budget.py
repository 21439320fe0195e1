"""Budget of the Pakt für Integration: history by component and projections.

- :func:`history` — the Pakt's components by year (2017–2026 by default) read
  from the parameter files, with the tag of every figure (sourced, derived,
  uncertain, assumption); ``<NA>`` where no figure is in force.
- :func:`planned_envelope` — the IM money planned per year (Pakt IM volume plus
  Ukraine Soforthilfe), carried forward as the parameter files say.
- :func:`projection` — per year: the envelope needed to reach a target ratio
  vs the envelope planned, for the Land (from a Land staffing table).
- :func:`by_place` — the same per Kreis or Gemeinde: money needed at the target
  ratio vs the allocated frame, and the envelope the *current rule* would need so
  that every place reaches the ratio.

Money is in whole euros (int64).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem
from paktsim.staffing import CostRates, euros, needed_eur

__all__ = ["COMPONENTS", "history", "planned_envelope", "projection", "by_place"]

#: Column -> (parameter path, German label) of the Pakt components.
COMPONENTS: dict[str, tuple[str, str]] = {
    "pakt_eur": ("pakt.volumen", "Pakt für Integration insgesamt"),
    "integrationslastenausgleich_eur": (
        "pakt.integrationslastenausgleich.volumen",
        "Integrationslastenausgleich",
    ),
    "landesprogramme_eur": ("pakt.landesprogramme.volumen", "Landesintegrationsprogramme"),
    "im_eur": ("integrationsmanagement.volumen", "Integrationsmanagement (PIK)"),
    "soforthilfe_eur": (
        "integrationsmanagement.soforthilfe.volumen",
        "Soforthilfe Integrationsmanagement",
    ),
    "sonstige_foerderbereiche_eur": (
        "pakt.foerderbereiche_sonstige.volumen",
        "Übrige Förderbereiche",
    ),
    "sprachfoerderung_eur": ("pakt.massnahmen_2025.sprachfoerderung", "Sprachförderung"),
    "bw_schuetzt_eur": ("pakt.massnahmen_2025.bw_schuetzt", "BW schützt!"),
    "inturo_eur": ("pakt.massnahmen_2025.inturo", "INTURO"),
}
_RATE = "integrationsmanagement.foerdersatz.hochschule"


def _tags(path: str, years: np.ndarray, overrides: Any) -> list[str]:
    from paktsim import params

    hist = params.series(path, overrides)
    # the tag of the entry in force on 1 January, as params.yearly reads values
    idx = (
        np.searchsorted(
            hist["date"].to_numpy(),
            (years - 1970).astype("datetime64[Y]").astype("datetime64[ns]"),
            side="right",
        )
        - 1
    )
    return [hist["tag"].iloc[i] if i >= 0 else "" for i in idx]


def history(
    first_year: int | None = None,
    last_year: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    with_tags: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Pakt components by year from the parameter files.

    Parameters
    ----------
    first_year, last_year : int, optional
        Years (inclusive); default from the first entry of the IM volume to the
        last year whose IM volume is recorded (not an assumption).
    overrides : mapping, optional
        Parameter overrides.
    with_tags : bool
        Also return a frame of the same shape with each figure's tag.

    Returns
    -------
    DataFrame (and tags DataFrame)
        Indexed by ``year``; one ``Int64`` column per component in
        :data:`COMPONENTS` plus ``im_total_eur`` (IM + Soforthilfe) and
        ``im_fte_rechnerisch`` (IM total ÷ Hochschul-Fördersatz: positions the
        money buys at that rate).  ``attrs["labels"]`` maps columns to German
        labels, ``attrs["paths"]`` to parameter paths.
    """
    from paktsim import params

    if first_year is None or last_year is None:
        volume = params.series(COMPONENTS["im_eur"][0], overrides)
        recorded = volume[volume["tag"] != "assumption"]
        first_year = (
            int(pd.Timestamp(volume["date"].min()).year) if first_year is None else first_year
        )
        last_year = (
            int(pd.Timestamp(recorded["date"].max()).year) if last_year is None else last_year
        )
    years = np.arange(first_year, last_year + 1)
    data: dict[str, pd.Series] = {}
    tags: dict[str, list[str]] = {}
    for col, (path, _) in COMPONENTS.items():
        data[col] = params.yearly(path, first_year, last_year, overrides).astype("Int64")
        tags[col] = _tags(path, years, overrides)
    out = pd.DataFrame(data)
    out.index.name = "year"
    out["im_total_eur"] = (
        (out["im_eur"].fillna(0) + out["soforthilfe_eur"].fillna(0))
        .where(out["im_eur"].notna() | out["soforthilfe_eur"].notna())
        .astype("Int64")
    )
    rate = params.yearly(_RATE, first_year, last_year, overrides).astype("Float64")
    out["im_fte_rechnerisch"] = (out["im_total_eur"].astype("Float64") / rate).round(2)
    labels = {col: label for col, (_, label) in COMPONENTS.items()}
    labels.update(
        {
            "im_total_eur": "Integrationsmanagement insgesamt",
            "im_fte_rechnerisch": "Stellen rechnerisch (Hochschul-Fördersatz)",
        }
    )
    out.attrs.update(labels=labels, paths={c: p for c, (p, _) in COMPONENTS.items()})
    if not with_tags:
        return out
    tag_frame = pd.DataFrame(tags, index=out.index)
    return out, tag_frame


def planned_envelope(
    years: Any, overrides: Mapping[str, Any] | None = None, include_soforthilfe: bool = True
) -> pd.Series:
    """IM money planned per year (whole euros): PIK IM volume (+ Soforthilfe).

    Years without any figure in force give 0 (no programme).
    """
    from paktsim import params

    years = [int(y) for y in years]
    if not years:
        raise InputError(Problem("years", "expected at least one year", years))
    first, last = min(years), max(years)
    total = (
        params.yearly("integrationsmanagement.volumen", first, last, overrides)
        .astype("Float64")
        .fillna(0)
    )
    if include_soforthilfe:
        total = total + params.yearly(
            "integrationsmanagement.soforthilfe.volumen", first, last, overrides
        ).astype("Float64").fillna(0)
    out = total.reindex(years).round().astype("int64")
    out.name = "planned_eur"
    return out


def projection(land: pd.DataFrame, rates: CostRates, planned: pd.Series) -> pd.DataFrame:
    """Envelope needed to reach the target ratio vs planned, per year (Land).

    Parameters
    ----------
    land : DataFrame
        Land staffing table indexed by ``year`` (:func:`paktsim.staffing.aggregate`
        with ``by=None``) with ``caseload`` and ``fte_needed``.
    rates : CostRates
        Fördersatz by year.
    planned : Series
        Planned envelope by year (:func:`planned_envelope`).

    Returns
    -------
    DataFrame
        Indexed by year: ``caseload, fte_needed, needed_eur`` (needed FTE × Fördersatz),
        ``planned_eur, fte_planned`` (planned ÷ Fördersatz), ``ratio_planned``
        (caseload ÷ planned FTE), ``gap_eur = needed − planned`` (signed: negative
        means the plan exceeds the need).
    """
    years = land.index.to_numpy(dtype=int)
    r = rates.select(years)
    need_fte = land["fte_needed"].to_numpy(float)
    out = pd.DataFrame(index=pd.Index(years, name="year"))
    out["caseload"] = land["caseload"].to_numpy(float)
    out["fte_needed"] = need_fte
    out["needed_eur"] = needed_eur(need_fte, r)
    plan = planned.reindex(years)
    if plan.isna().any():
        raise InputError(
            Problem("planned", "missing years", years[plan.isna().to_numpy()].tolist())
        )
    out["planned_eur"] = plan.to_numpy(dtype=np.int64)
    out["fte_planned"] = out["planned_eur"] / r.foerdersatz
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio_planned"] = np.where(
            out["fte_planned"] > 0, out["caseload"] / out["fte_planned"], np.nan
        )
    out["gap_eur"] = out["needed_eur"] - out["planned_eur"]
    return out


def by_place(table: pd.DataFrame, rates: CostRates) -> pd.DataFrame:
    """Money needed at the target ratio vs the frame, per place and year.

    Parameters
    ----------
    table : DataFrame
        Staffing table indexed by ``(place, year)`` with ``fte_needed`` and
        ``frame_eur`` (:func:`paktsim.staffing.staffing_table` with frames).

    Returns
    -------
    DataFrame
        Same index: ``needed_eur`` (needed FTE × Fördersatz, a full year's
        money like the frame), ``frame_eur``, ``gap_eur = needed − frame``
        (signed), ``cover`` (frame ÷ needed).  ``attrs["rule_envelope_eur"]``
        maps each year to the envelope the current rule would need so that every
        place with a need gets at least its need: Σ frame × max(needed ÷ frame),
        valid for rules whose frames scale with the envelope (rounding and
        threshold effects aside); ``None`` when a place with a need gets no
        frame at all (no envelope under this rule reaches it).
    """
    if "frame_eur" not in table:
        raise InputError(
            Problem("table", "needs a frame_eur column (pass frame_eur to staffing_table)")
        )
    years = table.index.get_level_values("year").to_numpy(dtype=int)
    uniq = np.unique(years)
    r = rates.select(uniq)
    rate = pd.Series(r.foerdersatz, index=uniq).reindex(years).to_numpy()
    out = pd.DataFrame(index=table.index)
    out["needed_eur"] = euros(table["fte_needed"].to_numpy(float) * rate)
    out["frame_eur"] = table["frame_eur"].to_numpy(dtype=np.int64)
    out["gap_eur"] = out["needed_eur"] - out["frame_eur"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cover"] = np.where(out["needed_eur"] > 0, out["frame_eur"] / out["needed_eur"], np.nan)
    envelope: dict[int, int | None] = {}
    for year, part in out.groupby(level="year"):  # a handful of years, not places
        need = part["needed_eur"].to_numpy(float)
        frame = part["frame_eur"].to_numpy(float)
        if not (need > 0).any():
            envelope[int(year)] = 0
        elif ((need > 0) & (frame <= 0)).any():
            envelope[int(year)] = None
        else:
            factor = np.max(need[need > 0] / frame[need > 0])
            envelope[int(year)] = int(np.ceil(frame.sum() * factor))
    out.attrs["rule_envelope_eur"] = envelope
    return out
