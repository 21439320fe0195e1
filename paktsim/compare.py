"""Winners and losers between two allocations (``compare(base, alt)``).

Both inputs are allocation tables as returned by
:func:`paktsim.allocation.allocate` (or read back from its CSV/Excel output
with :func:`read_allocation`) over the same regions.  :func:`compare` returns a
:class:`Comparison` with

- per region: amounts, Δ € and Δ %, € per inhabitant and per counted person,
  funded FTE, eligibility transition (newly / no longer / still / never eligible);
- roll-ups by Kreis and Regierungsbezirk;
- strata by population size class and by DEGURBA (count, population, money,
  share of the envelope, € per inhabitant, transitions);
- the reference regions the user picks.

Conventions: Δ = alt − base; Δ % = Δ / base, 0 when Δ = 0, NaN when base = 0
and Δ ≠ 0; so an identity comparison is exactly zero everywhere.
:meth:`Comparison.tables_de` gives the German tables for Excel and notebooks.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from paktsim.allocation.rules import SIZE_CLASS_DEFAULT_BOUNDS
from paktsim.errors import InputError, Problem
from paktsim.limits import MAX_ENVELOPE_EUR
from paktsim.safeload import MAX_TABLE_BYTES, check_regular_file

__all__ = ["Comparison", "compare", "german", "read_allocation", "size_class_labels", "TRANSITIONS_DE"]

TRANSITIONS_DE: dict[str, str] = {
    "newly": "neu antragsberechtigt",
    "no_longer": "nicht mehr antragsberechtigt",
    "still": "weiterhin antragsberechtigt",
    "never": "weiterhin nicht antragsberechtigt",
}

_REQUIRED = ("amount_eur",)
_CONTEXT = ("name", "kreis_ags", "kreis_name", "rb", "rb_name", "degurba", "population")


def size_class_labels(bounds: Iterable[int] = SIZE_CLASS_DEFAULT_BOUNDS) -> list[str]:
    """German labels of the population size classes (``unter 5.000`` …)."""
    b = list(bounds)
    out = []
    for i, lo in enumerate(b):
        if i + 1 < len(b):
            hi = b[i + 1]
            out.append(f"unter {hi:,}".replace(",", ".") if lo == 0
                       else f"{lo:,} bis unter {hi:,}".replace(",", "."))
        else:
            out.append(f"{lo:,} und mehr".replace(",", "."))
    return out


def _size_class(population: pd.Series, bounds: tuple[int, ...]) -> pd.Categorical:
    labels = size_class_labels(bounds)
    pos = np.searchsorted(np.asarray(bounds), population.to_numpy(dtype=float), side="right") - 1
    return pd.Categorical.from_codes(np.clip(pos, 0, len(labels) - 1), categories=labels,
                                     ordered=True)


def read_allocation(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an allocation written by ``paktsim allocate`` (CSV or Excel).

    Raises
    ------
    InputError
        Missing file, unsupported type, missing ``ags``/``amount_eur`` column,
        duplicate AGS, non-integer or negative amounts.
    """
    from paktsim.allocation.labels import from_german

    p = Path(path)
    src = str(p)
    check_regular_file(p, MAX_TABLE_BYTES, location=p.name, source="")
    suffix = p.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(p, dtype={"ags": str, "kreis_ags": str, "group_id": str,
                                          "rb": str})
        elif suffix == ".xlsx":
            sheet = "Verteilung"
            frame = pd.read_excel(p, sheet_name=sheet, dtype={"AGS": str, "Kreis-AGS": str,
                                                              "Antrag": str, "RB": str})
        else:
            raise InputError.single(src, "unsupported file type, expected .csv or .xlsx", src)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
        raise InputError.single(src, f"cannot read the table ({type(exc).__name__})",
                                str(exc)[:80]) from None
    frame = from_german(frame)
    problems: list[Problem] = []
    for col in ("ags",) + _REQUIRED:
        if col not in frame:
            problems.append(Problem(f"{p.name}:{col}", "missing column"))
    if problems:
        raise InputError(problems)
    frame["ags"] = frame["ags"].astype(str)
    dup = frame["ags"][frame["ags"].duplicated()]
    if len(dup):
        problems.append(Problem(f"{p.name}:ags", "duplicate AGS", list(dup[:5])))
    amt = pd.to_numeric(frame["amount_eur"], errors="coerce")
    # range first: a float above 2**63 would wrap to a negative int64 below
    bad = frame["ags"][amt.isna() | (amt < 0) | (amt != np.floor(amt)) | (amt > MAX_ENVELOPE_EUR)]
    if len(bad):
        problems.append(Problem(f"{p.name}:amount_eur", "expected whole euros >= 0 "
                                f"(höchstens {MAX_ENVELOPE_EUR:,} €)".replace(",", "."),
                                list(bad[:5])))
    if problems:
        raise InputError(problems)
    frame["amount_eur"] = amt.astype("int64")
    frame = frame.set_index(pd.Index(frame["ags"], name="ags"))
    frame.attrs["source"] = src
    return frame


def _pct(delta: pd.Series, base: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = delta / base.where(base != 0)
    return pct.where(delta != 0, 0.0).astype(float)


def _per(amount: pd.Series, denom: pd.Series | None) -> pd.Series:
    if denom is None:
        return pd.Series(np.nan, index=amount.index)
    d = denom.astype(float)
    return (amount / d.where(d > 0)).astype(float)


@dataclass
class Comparison:
    """Result of :func:`compare`: English tables plus German views."""

    regions: pd.DataFrame
    kreise: pd.DataFrame | None
    regierungsbezirke: pd.DataFrame | None
    size_classes: pd.DataFrame
    degurba: pd.DataFrame | None
    transitions: pd.DataFrame
    reference: pd.DataFrame
    attrs: dict[str, Any] = field(default_factory=dict)

    def tables_de(self) -> dict[str, pd.DataFrame]:
        """German tables, one per sheet, in reading order."""
        out: dict[str, pd.DataFrame] = {}
        sheets = [("Übersicht", self.summary_de()), ("Gemeinden" if self.attrs["level"] ==
                                                     "gemeinde" else "Kreise", self.regions)]
        if self.kreise is not None:
            sheets.append(("Kreise", self.kreise))
        if self.regierungsbezirke is not None:
            sheets.append(("Regierungsbezirke", self.regierungsbezirke))
        sheets.append(("Größenklassen", self.size_classes))
        if self.degurba is not None:
            sheets.append(("DEGURBA", self.degurba))
        sheets.append(("Antragsberechtigung", self.transitions))
        if len(self.reference):
            sheets.append(("Referenzgemeinden", self.reference))
        for name, frame in sheets:
            out[name] = german(frame)
        return out

    def summary_de(self) -> pd.DataFrame:
        """Key figures of both allocations (German)."""
        r = self.regions
        data = {
            "Mittel (€)": [int(r["base_eur"].sum()), int(r["alt_eur"].sum())],
            "Gewinner (Anzahl)": [np.nan, int((r["delta_eur"] > 0).sum())],
            "Verlierer (Anzahl)": [np.nan, int((r["delta_eur"] < 0).sum())],
            "allein antragsberechtigt (Anzahl)": [int(r["base_eligible"].sum()),
                                                  int(r["alt_eligible"].sum())],
            "geförderte Stellen (VZÄ)": [float(r["base_fte"].sum()), float(r["alt_fte"].sum())],
        }
        frame = pd.DataFrame(data, index=["Basis", "Alternative"]).T
        frame.index.name = "Kennzahl"
        return frame


_DE = {
    "name": "Name", "kreis_ags": "Kreis-AGS", "kreis_name": "Kreis", "rb": "RB",
    "rb_name": "Regierungsbezirk", "degurba": "DEGURBA", "size_class": "Größenklasse",
    "population": "Einwohner", "persons": "gezählte Personen", "regions": "Anzahl",
    "base_eur": "Basis (€)", "alt_eur": "Alternative (€)", "delta_eur": "Δ €",
    "delta_pct": "Δ %", "base_share": "Anteil Basis", "alt_share": "Anteil Alternative",
    "base_eur_per_inhabitant": "Basis € je Einwohner",
    "alt_eur_per_inhabitant": "Alternative € je Einwohner",
    "delta_eur_per_inhabitant": "Δ € je Einwohner",
    "base_eur_per_person": "Basis € je gezählte Person",
    "alt_eur_per_person": "Alternative € je gezählte Person",
    "delta_eur_per_person": "Δ € je gezählte Person",
    "base_eligible": "Basis antragsberechtigt", "alt_eligible": "Alternative antragsberechtigt",
    "transition": "Antragsberechtigung", "newly": "neu antragsberechtigt",
    "no_longer": "nicht mehr antragsberechtigt", "still": "weiterhin antragsberechtigt",
    "never": "weiterhin nicht antragsberechtigt",
    "base_fte": "Basis Stellen (VZÄ)", "alt_fte": "Alternative Stellen (VZÄ)",
    "delta_fte": "Δ Stellen (VZÄ)", "ags": "AGS",
}


def german(frame: pd.DataFrame) -> pd.DataFrame:
    """A comparison table with German column names and transition labels (for people)."""
    out = frame.copy()
    if "transition" in out:
        out["transition"] = out["transition"].map(TRANSITIONS_DE)
    if out.index.name in _DE:
        out.index.name = _DE[out.index.name]
    out = out.rename(columns=_DE)
    if out.index.name in ("Antragsberechtigung",):
        out.index = out.index.map(lambda v: TRANSITIONS_DE.get(v, v))
    return out


def _rollup(frame: pd.DataFrame, by: str | list[str], has_persons: bool) -> pd.DataFrame:
    cols = {"regions": ("base_eur", "size"), "population": ("population", "sum"),
            "base_eur": ("base_eur", "sum"), "alt_eur": ("alt_eur", "sum"),
            "base_fte": ("base_fte", "sum"), "alt_fte": ("alt_fte", "sum"),
            "newly": ("is_newly", "sum"), "no_longer": ("is_no_longer", "sum")}
    if has_persons:
        cols["persons"] = ("persons", "sum")
    g = frame.assign(is_newly=frame["transition"] == "newly",
                     is_no_longer=frame["transition"] == "no_longer")
    out = g.groupby(by, observed=False, sort=True).agg(**cols)
    out["regions"] = out["regions"].astype("int64")
    for col in ("base_eur", "alt_eur", "newly", "no_longer"):
        out[col] = out[col].astype("int64")
    out["delta_eur"] = out["alt_eur"] - out["base_eur"]
    out["delta_pct"] = _pct(out["delta_eur"], out["base_eur"])
    tb, ta = frame["base_eur"].sum(), frame["alt_eur"].sum()
    out["base_share"] = out["base_eur"] / tb if tb else 0.0
    out["alt_share"] = out["alt_eur"] / ta if ta else 0.0
    out["base_eur_per_inhabitant"] = _per(out["base_eur"], out["population"])
    out["alt_eur_per_inhabitant"] = _per(out["alt_eur"], out["population"])
    out["delta_eur_per_inhabitant"] = _per(out["delta_eur"], out["population"])
    if has_persons:
        out["base_eur_per_person"] = _per(out["base_eur"], out["persons"])
        out["alt_eur_per_person"] = _per(out["alt_eur"], out["persons"])
        out["delta_eur_per_person"] = _per(out["delta_eur"], out["persons"])
    out["delta_fte"] = out["alt_fte"] - out["base_fte"]
    return out


def compare(base: pd.DataFrame, alt: pd.DataFrame, reference: Iterable[str] | None = None, *,
            persons: pd.Series | None = None,
            size_bounds: tuple[int, ...] = SIZE_CLASS_DEFAULT_BOUNDS) -> Comparison:
    """Compare two allocations over the same regions.

    Parameters
    ----------
    base, alt : DataFrame
        Allocation tables indexed by AGS with ``amount_eur`` (and, where
        available, ``eligible_alone``, ``fte_funded``, ``population``,
        ``persons`` and the regional context columns).
    reference : iterable of str, optional
        AGS of reference regions to list separately.
    persons : Series, optional
        Counted persons per AGS for € per counted person; default the
        ``persons`` column of ``base`` (else of ``alt``).
    size_bounds : tuple of int
        Lower bounds of the population size classes.

    Returns
    -------
    Comparison

    Raises
    ------
    InputError
        The two tables cover different regions, a reference AGS is unknown, or
        a table lacks ``amount_eur``.
    """
    problems: list[Problem] = []
    for label, t in (("base", base), ("alt", alt)):
        if "amount_eur" not in t:
            problems.append(Problem(f"{label}:amount_eur", "missing column"))
    if problems:
        raise InputError(problems)
    bi, ai = base.index.astype(str), alt.index.astype(str)
    if set(bi) != set(ai):
        only_b = sorted(set(bi) - set(ai))[:5]
        only_a = sorted(set(ai) - set(bi))[:5]
        raise InputError.single("alt:ags", "the two allocations cover different regions "
                                f"(only in base: {only_b}, only in alt: {only_a})",
                                f"{len(bi)} vs {len(ai)} rows")
    index = pd.Index(sorted(bi), name="ags")
    b = base.set_axis(bi).reindex(index)
    a = alt.set_axis(ai).reindex(index)
    level = "kreis" if len(index) and len(index[0]) == 5 else "gemeinde"
    out = pd.DataFrame(index=index)
    for col in _CONTEXT:
        src = b if col in b else (a if col in a else None)
        if src is not None:
            out[col] = src[col]
    if "kreis_ags" in out:
        out["kreis_ags"] = out["kreis_ags"].astype(str).str.zfill(5)
    if persons is None:
        persons = b["persons"] if "persons" in b else (a["persons"] if "persons" in a else None)
    has_persons = persons is not None
    if has_persons:
        out["persons"] = persons.set_axis(persons.index.astype(str)).reindex(index).fillna(0.0)
    out["base_eur"] = b["amount_eur"].astype("int64")
    out["alt_eur"] = a["amount_eur"].astype("int64")
    out["delta_eur"] = out["alt_eur"] - out["base_eur"]
    out["delta_pct"] = _pct(out["delta_eur"], out["base_eur"])
    pop = out["population"] if "population" in out else None
    out["base_eur_per_inhabitant"] = _per(out["base_eur"], pop)
    out["alt_eur_per_inhabitant"] = _per(out["alt_eur"], pop)
    out["delta_eur_per_inhabitant"] = _per(out["delta_eur"], pop)
    if has_persons:
        out["base_eur_per_person"] = _per(out["base_eur"], out["persons"])
        out["alt_eur_per_person"] = _per(out["alt_eur"], out["persons"])
        out["delta_eur_per_person"] = _per(out["delta_eur"], out["persons"])

    def flag(t: pd.DataFrame) -> pd.Series:
        if "eligible_alone" in t:
            return t["eligible_alone"].map(lambda v: str(v).strip().lower()
                                           in ("true", "1", "ja", "wahr")).astype(bool)
        return t["amount_eur"] > 0

    out["base_eligible"] = flag(b)
    out["alt_eligible"] = flag(a)
    trans = np.select([out["base_eligible"] & out["alt_eligible"],
                       ~out["base_eligible"] & out["alt_eligible"],
                       out["base_eligible"] & ~out["alt_eligible"]],
                      ["still", "newly", "no_longer"], "never")
    out["transition"] = pd.Series(trans, index=index, dtype="str")
    out["base_fte"] = (pd.to_numeric(b["fte_funded"], errors="coerce").fillna(0.0)
                       if "fte_funded" in b else 0.0)
    out["alt_fte"] = (pd.to_numeric(a["fte_funded"], errors="coerce").fillna(0.0)
                      if "fte_funded" in a else 0.0)
    out["delta_fte"] = out["alt_fte"] - out["base_fte"]
    if pop is None:
        out["population"] = np.nan
    out["size_class"] = _size_class(out["population"].fillna(0), size_bounds)

    kreise = (_rollup(out, ["kreis_ags", "kreis_name"] if "kreis_name" in out else "kreis_ags",
                      has_persons)
              if level == "gemeinde" and "kreis_ags" in out else None)
    rb = (_rollup(out, ["rb", "rb_name"] if "rb_name" in out else "rb", has_persons)
          if "rb" in out else None)
    sizes = _rollup(out, "size_class", has_persons)
    degurba = _rollup(out, "degurba", has_persons) if "degurba" in out else None
    transitions = (out.groupby("transition")
                   .agg(regions=("base_eur", "size"), base_eur=("base_eur", "sum"),
                        alt_eur=("alt_eur", "sum"))
                   .reindex(list(TRANSITIONS_DE), fill_value=0))
    transitions["delta_eur"] = transitions["alt_eur"] - transitions["base_eur"]
    transitions.index.name = "transition"

    ref = [str(r) for r in (reference or [])]
    unknown = [r for r in ref if r not in index]
    if unknown:
        raise InputError.single("reference", "unknown AGS, not in the allocations", unknown[:5])
    reference_table = out.loc[ref]
    attrs = {"level": level, "base": dict(base.attrs), "alt": dict(alt.attrs),
             "base_source": base.attrs.get("source"), "alt_source": alt.attrs.get("source")}
    return Comparison(out, kreise, rb, sizes, degurba, transitions, reference_table, attrs)


def provenance(comparison: Comparison) -> Mapping[str, Any]:
    """Provenance lines for the Excel ``Herkunft`` sheet."""
    attrs = comparison.attrs
    out: dict[str, Any] = {"Vergleich": "Alternative − Basis (Δ)"}
    for label, key in (("Basis", "base"), ("Alternative", "alt")):
        a = attrs.get(key) or {}
        out[f"{label}: Datei"] = attrs.get(f"{key}_source") or a.get("source") or "(Python)"
        if a.get("rule"):
            out[f"{label}: Regel"] = a["rule"]
    return out
