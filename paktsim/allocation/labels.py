"""German column labels of allocation tables (Excel, notebooks) and the way back.

CSV files keep the English column names of the Python API (machine-readable);
Excel sheets and user-facing tables use these German labels.
:func:`from_german` maps a German-labelled table back, so ``paktsim compare``
reads CSV and Excel outputs of ``paktsim allocate`` alike.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["ALLOCATION_LABELS_DE", "GROUP_KIND_DE", "to_german", "from_german"]

ALLOCATION_LABELS_DE: dict[str, str] = {
    "ags": "AGS",
    "name": "Name",
    "kreis_ags": "Kreis-AGS",
    "kreis_name": "Kreis",
    "kreis_typ": "Kreistyp",
    "rb": "RB",
    "rb_name": "Regierungsbezirk",
    "is_stadtkreis": "Stadtkreis",
    "degurba": "DEGURBA",
    "population": "Einwohner",
    "persons": "gezählte Personen",
    "weight": "Gewicht",
    "share": "Anteil",
    "amount_eur": "Planungsrahmen (€)",
    "eur_per_inhabitant": "€ je Einwohner",
    "eur_per_person": "€ je gezählte Person",
    "eligible_alone": "allein antragsberechtigt",
    "group_id": "Antrag",
    "group_kind": "Antragsform",
    "group_size": "Mitglieder im Antrag",
    "group_frame_eur": "Rahmen des Antrags (€)",
    "fallback": "vom Landkreis gebündelt",
    "group_fte_funded": "Stellen des Antrags (VZÄ)",
    "group_funded_eur": "abrufbar im Antrag (€)",
    "group_unused_eur": "nicht abrufbar im Antrag (€)",
    "topped_up": "Mindeststelle mit Eigenanteil",
    "fte_funded": "geförderte Stellen (VZÄ)",
    "funded_eur": "abrufbar (€)",
    "unused_eur": "nicht abrufbar (€)",
}

GROUP_KIND_DE: dict[str, str] = {
    "alone": "allein",
    "joint": "Verbund mit Nachbarn",
    "landkreis": "über den Landkreis",
    "kreis": "über den Kreis",
    "payment": "direkte Zahlung",
    "none": "kein Antrag",
}


def to_german(table: pd.DataFrame) -> pd.DataFrame:
    """Rename columns to German labels and translate ``group_kind`` values."""
    out = table.copy()
    if "group_kind" in out:
        out["group_kind"] = out["group_kind"].map(lambda v: GROUP_KIND_DE.get(v, v))
    if "ags" in out and out.index.name == "ags":
        out = out.drop(columns="ags")
    out = out.rename(columns=ALLOCATION_LABELS_DE)
    out.index.name = ALLOCATION_LABELS_DE.get(out.index.name or "", out.index.name)
    return out


def from_german(table: pd.DataFrame) -> pd.DataFrame:
    """Inverse of :func:`to_german` (columns already in English are kept)."""
    back = {v: k for k, v in ALLOCATION_LABELS_DE.items()}
    kinds = {v: k for k, v in GROUP_KIND_DE.items()}
    out = table.rename(columns=back)
    if "group_kind" in out:
        out["group_kind"] = out["group_kind"].map(lambda v: kinds.get(v, v))
    return out
