"""Winners and losers between two allocations (``compare(base, alt)``).

Both inputs are allocation tables as returned by
:func:`paktsim.allocation.allocate` (or read back from its CSV/Excel output
with :func:`read_allocation`) over the same regions.  :func:`compare` returns a
:class:`Comparison` with

- per region: amounts, Δ € and Δ %, € per inhabitant and per counted person,
  funded FTE, who applies for the region on each side and the eligibility
  transition (newly / no longer / still / never eligible);
- roll-ups by Kreis and Regierungsbezirk;
- strata by population size class and by DEGURBA (count, population, money,
  share of the envelope, € per inhabitant, transitions);
- the reference regions the user picks.

Eligibility follows each rule's own applicant level (:func:`applicants`): under
a Kreis rule the 44 Kreise apply, so a Gemeinde "applies itself" only where it
is a Stadtkreis; under a Gemeinde rule a Gemeinde applies alone, in a group, or
through its Landkreis.  A region counts as eligible when it is itself an
applicant (alone).  When one side is a Kreis table and the other a Gemeinde
table, the Kreis side is passed down to the Gemeinden by population
(:func:`pass_down_table`), and ``attrs["passed_down"]`` says which side.

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

from paktsim.allocation.rules import LEVEL_DE, SIZE_CLASS_DEFAULT_BOUNDS
from paktsim.errors import InputError, Problem
from paktsim.limits import MAX_ENVELOPE_EUR
from paktsim.safeload import MAX_TABLE_BYTES, check_regular_file

__all__ = [
    "Comparison",
    "compare",
    "german",
    "read_allocation",
    "size_class_labels",
    "TRANSITIONS_DE",
    "APPLICANT_KINDS_DE",
    "applicants",
    "pass_down_table",
    "provenance",
    "read_comparison",
]

TRANSITIONS_DE: dict[str, str] = {
    "newly": "neu antragsberechtigt",
    "no_longer": "nicht mehr antragsberechtigt",
    "still": "weiterhin antragsberechtigt",
    "never": "weiterhin nicht antragsberechtigt",
}

#: Kinds of applicant (``applicants(...)["applicant_kind"]``) → German label.
APPLICANT_KINDS_DE: dict[str, str] = {
    "kreis": "Stadt- oder Landkreis",
    "alone": "Gemeinde allein",
    "joint": "Verbund von Gemeinden",
    "landkreis": "Landkreis für kleine Gemeinden",
    "payment": "direkte Zahlung",
    "none": "kein Antrag",
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
            out.append(
                f"unter {hi:,}".replace(",", ".")
                if lo == 0
                else f"{lo:,} bis unter {hi:,}".replace(",", ".")
            )
        else:
            out.append(f"{lo:,} und mehr".replace(",", "."))
    return out


def _size_class(population: pd.Series, bounds: tuple[int, ...]) -> pd.Categorical:
    labels = size_class_labels(bounds)
    pos = np.searchsorted(np.asarray(bounds), population.to_numpy(dtype=float), side="right") - 1
    return pd.Categorical.from_codes(
        np.clip(pos, 0, len(labels) - 1), categories=labels, ordered=True
    )


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
            frame = pd.read_csv(
                p,
                dtype={
                    "ags": str,
                    "kreis_ags": str,
                    "group_id": str,
                    "rb": str,
                    "AGS": str,
                    "Kreis-AGS": str,
                    "Antrag": str,
                    "RB": str,
                },
            )
        elif suffix == ".xlsx":
            sheet = "Verteilung"
            frame = pd.read_excel(
                p,
                sheet_name=sheet,
                dtype={"AGS": str, "Kreis-AGS": str, "Antrag": str, "RB": str},
                engine="openpyxl",
            )
            frame.attrs.update(_attrs_from_herkunft(_herkunft(p)))
        else:
            raise InputError.single(src, "unsupported file type, expected .csv or .xlsx", src)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
        raise InputError.single(
            src, f"cannot read the table ({type(exc).__name__})", str(exc)[:80]
        ) from None
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
        problems.append(
            Problem(
                f"{p.name}:amount_eur",
                f"expected whole euros >= 0 (höchstens {MAX_ENVELOPE_EUR:,} €)".replace(",", "."),
                list(bad[:5]),
            )
        )
    if problems:
        raise InputError(problems)
    frame["amount_eur"] = amt.astype("int64")
    attrs = dict(frame.attrs)
    frame = frame.set_index(pd.Index(frame["ags"], name="ags"))
    frame.attrs.update(attrs)
    frame.attrs["source"] = src
    return frame


def _truthy(values: pd.Series) -> pd.Series:
    return values.map(lambda v: str(v).strip().lower() in ("true", "1", "ja", "wahr")).astype(bool)


def applicants(table: pd.DataFrame) -> pd.DataFrame:
    """Who applies for each region under one allocation.

    Parameters
    ----------
    table : DataFrame
        An allocation indexed by AGS (5-digit Kreise or 8-digit Gemeinden) with
        ``amount_eur`` and, where available, ``group_kind``, ``group_id`` and
        ``eligible_alone`` (as written by ``paktsim allocate``).

    Returns
    -------
    DataFrame
        Same index; ``applicant`` (AGS of the applying Kreis/Gemeinde or the
        group id, empty when nobody applies), ``applicant_kind`` (a key of
        :data:`APPLICANT_KINDS_DE`) and ``applies_itself`` (the region is itself
        the applicant, alone).  A Gemeinde passed down from a Kreis rule applies
        itself only when it is the Kreis's only Gemeinde (a Stadtkreis).
    """
    idx = table.index.astype(str)
    amount = pd.to_numeric(table["amount_eur"], errors="coerce").fillna(0)
    kreis_level = bool(len(idx)) and len(idx[0]) == 5
    if "group_kind" in table:
        kind = table["group_kind"].astype(str).str.strip().str.lower()
        kind = kind.where(kind.isin(list(APPLICANT_KINDS_DE)), "none")
    else:
        flag = _truthy(table["eligible_alone"]) if "eligible_alone" in table else amount > 0
        kind = pd.Series(np.where(flag, "alone", "none"), index=table.index, dtype="str")
    if kreis_level:
        kind = kind.where(kind == "none", "kreis")
    gid = (
        table["group_id"].astype("str").where(table["group_id"].notna(), "")
        if "group_id" in table
        else pd.Series("", index=table.index, dtype="str")
    )
    gid = gid.where(~gid.isin(["nan", "None", "<NA>"]), "")
    ags = pd.Series(idx, index=table.index, dtype="str")
    itself_kinds = kind.isin(["alone", "payment"]) | (kreis_level & (kind == "kreis"))
    applicant = ags.where(itself_kinds, gid).where(kind != "none", "")
    applicant = applicant.where(~((kind != "none") & (applicant == "")), ags)
    passed = (kind == "kreis") & ~kreis_level
    if passed.any():
        members = applicant[passed].map(applicant[passed].value_counts())
        itself_kinds = itself_kinds | (passed & (members == 1)).reindex(
            table.index, fill_value=False
        )
    return pd.DataFrame(
        {
            "applicant": applicant.astype("str"),
            "applicant_kind": kind.astype("str"),
            "applies_itself": itself_kinds.astype(bool),
        },
        index=table.index,
    )


def _match_vintage(kreis_table: pd.DataFrame) -> int:
    """Data vintage of a Kreis table: from its attrs, else by matching the population."""
    from paktsim import regions

    vintage = kreis_table.attrs.get("vintage")
    if vintage is not None:
        return int(vintage)
    if "population" in kreis_table:
        pop = pd.to_numeric(kreis_table["population"], errors="coerce")
        pop.index = pop.index.astype(str)
        for v in reversed(regions.VINTAGES):
            ref = regions.kreise(v)["population"].reindex(pop.index)
            if np.allclose(ref.to_numpy(dtype=float), pop.to_numpy(dtype=float)):
                return int(v)
    return int(regions.VINTAGES[-1])


def pass_down_table(kreis_table: pd.DataFrame) -> pd.DataFrame:
    """Pass a Kreis allocation (also one read back from a file) down to the Gemeinden.

    Amounts, funded money and quarter positions are split by population within
    each Kreis (largest remainder, exact sums); the Kreis stays the applicant.
    The population vintage is the table's own (attrs or matched population).
    """
    from paktsim import params, regions
    from paktsim.allocation.engine import pass_down

    k = kreis_table.set_axis(kreis_table.index.astype(str)).copy()
    k["amount_eur"] = pd.to_numeric(k["amount_eur"], errors="coerce").fillna(0).astype("int64")
    k["funded_eur"] = (
        pd.to_numeric(k["funded_eur"], errors="coerce").fillna(0).astype("int64")
        if "funded_eur" in k
        else k["amount_eur"]
    )
    k["fte_funded"] = (
        pd.to_numeric(k["fte_funded"], errors="coerce").fillna(0.0) if "fte_funded" in k else 0.0
    )
    vintage = _match_vintage(kreis_table)
    attrs = dict(kreis_table.attrs)
    programme = dict(attrs.get("programme") or {})
    if "step_fte" not in programme or "fte_reading" not in programme:
        p = params.at(attrs.get("params_date") or params.DEFAULT_RULES_DATE)
        programme.setdefault("step_fte", p["integrationsmanagement.vze_schritt"])
        programme.setdefault("fte_reading", p["integrationsmanagement.vze_lesart"])
    programme["step_fte"] = float(programme["step_fte"])
    attrs.update(
        {"level": "kreis", "programme": programme, "rule": attrs.get("rule") or "Kreisverteilung"}
    )
    k.attrs = attrs
    out = pass_down(k, regions.municipalities(vintage))
    out = out.set_index(pd.Index(out["ags"].astype(str), name="ags"))
    return out


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
    applicants: pd.DataFrame | None = None

    def tables_de(self) -> dict[str, pd.DataFrame]:
        """German tables, one per sheet, in reading order."""
        out: dict[str, pd.DataFrame] = {}
        sheets = [
            ("Übersicht", self.summary_de()),
            ("Gemeinden" if self.attrs["level"] == "gemeinde" else "Kreise", self.regions),
        ]
        if self.kreise is not None:
            sheets.append(("Kreise", self.kreise))
        if self.regierungsbezirke is not None:
            sheets.append(("Regierungsbezirke", self.regierungsbezirke))
        sheets.append(("Größenklassen", self.size_classes))
        if self.degurba is not None:
            sheets.append(("DEGURBA", self.degurba))
        sheets.append(("Antragsberechtigung", self.transitions))
        if self.applicants is not None:
            sheets.append(("Antragsteller", self.applicants))
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
            "Anträge (Anzahl)": [
                int(r.loc[r["base_applicant"] != "", "base_applicant"].nunique()),
                int(r.loc[r["alt_applicant"] != "", "alt_applicant"].nunique()),
            ],
            "Gebiete, die selbst Antrag stellen (Anzahl)": [
                int(r["base_eligible"].sum()),
                int(r["alt_eligible"].sum()),
            ],
            "geförderte Stellen (VZÄ)": [float(r["base_fte"].sum()), float(r["alt_fte"].sum())],
        }
        frame = pd.DataFrame(data, index=["Basis", "Alternative"]).T
        frame.index.name = "Kennzahl"
        return frame


_DE = {
    "name": "Name",
    "kreis_ags": "Kreis-AGS",
    "kreis_name": "Kreis",
    "rb": "RB",
    "rb_name": "Regierungsbezirk",
    "degurba": "DEGURBA",
    "size_class": "Größenklasse",
    "population": "Einwohner",
    "persons": "gezählte Personen",
    "regions": "Anzahl",
    "base_eur": "Basis (€)",
    "alt_eur": "Alternative (€)",
    "delta_eur": "Δ €",
    "delta_pct": "Δ %",
    "base_share": "Anteil Basis",
    "alt_share": "Anteil Alternative",
    "base_eur_per_inhabitant": "Basis € je Einwohner",
    "alt_eur_per_inhabitant": "Alternative € je Einwohner",
    "delta_eur_per_inhabitant": "Δ € je Einwohner",
    "base_eur_per_person": "Basis € je gezählte Person",
    "alt_eur_per_person": "Alternative € je gezählte Person",
    "delta_eur_per_person": "Δ € je gezählte Person",
    "base_eligible": "Basis antragsberechtigt",
    "alt_eligible": "Alternative antragsberechtigt",
    "transition": "Antragsberechtigung",
    "newly": "neu antragsberechtigt",
    "no_longer": "nicht mehr antragsberechtigt",
    "still": "weiterhin antragsberechtigt",
    "never": "weiterhin nicht antragsberechtigt",
    "base_fte": "Basis Stellen (VZÄ)",
    "alt_fte": "Alternative Stellen (VZÄ)",
    "delta_fte": "Δ Stellen (VZÄ)",
    "ags": "AGS",
    "base_applicant": "Basis: Antragsteller",
    "alt_applicant": "Alternative: Antragsteller",
    "base_applicant_kind": "Basis: Antragsform",
    "alt_applicant_kind": "Alternative: Antragsform",
    "applicant_kind": "Antragsform",
    "base_applications": "Basis: Anträge",
    "alt_applications": "Alternative: Anträge",
    "base_regions": "Basis: Gebiete",
    "alt_regions": "Alternative: Gebiete",
}


def german(frame: pd.DataFrame) -> pd.DataFrame:
    """A comparison table with German column names and transition labels (for people)."""
    out = frame.copy()
    if "transition" in out:
        out["transition"] = out["transition"].map(TRANSITIONS_DE)
    for col in ("base_applicant_kind", "alt_applicant_kind"):
        if col in out:
            out[col] = out[col].map(lambda v: APPLICANT_KINDS_DE.get(v, v))
    # also a Kreis or RB MultiIndex
    out.index.names = [_DE.get(n, n) if isinstance(n, str) else n for n in out.index.names]
    out = out.rename(columns=_DE)
    if out.index.name in ("Antragsberechtigung",):
        out.index = out.index.map(lambda v: TRANSITIONS_DE.get(v, v))
    if out.index.name == "Antragsform":
        out.index = out.index.map(lambda v: APPLICANT_KINDS_DE.get(v, v))
    return out


def _rollup(frame: pd.DataFrame, by: str | list[str], has_persons: bool) -> pd.DataFrame:
    cols = {
        "regions": ("base_eur", "size"),
        "population": ("population", "sum"),
        "base_eur": ("base_eur", "sum"),
        "alt_eur": ("alt_eur", "sum"),
        "base_fte": ("base_fte", "sum"),
        "alt_fte": ("alt_fte", "sum"),
        "newly": ("is_newly", "sum"),
        "no_longer": ("is_no_longer", "sum"),
    }
    if has_persons:
        cols["persons"] = ("persons", "sum")
    g = frame.assign(
        is_newly=frame["transition"] == "newly", is_no_longer=frame["transition"] == "no_longer"
    )
    grouped = g.groupby(by, observed=False, sort=True)
    # one grouped sum over every column (named aggregation runs column by column: ~5×
    # slower, and the comparer recomputes four roll-ups on every slider move)
    sums = grouped[[src for name, (src, how) in cols.items() if how == "sum"]].sum()
    out = pd.DataFrame(
        {name: grouped.size() if how == "size" else sums[src] for name, (src, how) in cols.items()}
    )
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


def compare(
    base: pd.DataFrame,
    alt: pd.DataFrame,
    reference: Iterable[str] | None = None,
    *,
    persons: pd.Series | None = None,
    size_bounds: tuple[int, ...] = SIZE_CLASS_DEFAULT_BOUNDS,
) -> Comparison:
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
    passed_down = None
    lb, la = _level_of(base), _level_of(alt)
    if lb != la and {lb, la} == {"kreis", "gemeinde"}:
        if lb == "kreis":
            base, passed_down = pass_down_table(base), "base"
        else:
            alt, passed_down = pass_down_table(alt), "alt"
    bi, ai = base.index.astype(str), alt.index.astype(str)
    if set(bi) != set(ai):
        only_b = sorted(set(bi) - set(ai))[:5]
        only_a = sorted(set(ai) - set(bi))[:5]
        raise InputError.single(
            "alt:ags",
            "the two allocations cover different regions "
            f"(only in base: {only_b}, only in alt: {only_a})",
            f"{len(bi)} vs {len(ai)} rows",
        )
    index = pd.Index(sorted(bi), name="ags")
    b = base.set_axis(bi).reindex(index)
    a = alt.set_axis(ai).reindex(index)
    # the sides' attrs go into the result's attrs below; on the working copies every
    # column operation would deep-copy them again (a sixth of the time of a comparison)
    b.attrs, a.attrs = {}, {}
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

    app_b, app_a = applicants(b), applicants(a)
    out["base_applicant"] = app_b["applicant"]
    out["base_applicant_kind"] = app_b["applicant_kind"]
    out["alt_applicant"] = app_a["applicant"]
    out["alt_applicant_kind"] = app_a["applicant_kind"]
    out["base_eligible"] = app_b["applies_itself"]
    out["alt_eligible"] = app_a["applies_itself"]
    trans = np.select(
        [
            out["base_eligible"] & out["alt_eligible"],
            ~out["base_eligible"] & out["alt_eligible"],
            out["base_eligible"] & ~out["alt_eligible"],
        ],
        ["still", "newly", "no_longer"],
        "never",
    )
    out["transition"] = pd.Series(trans, index=index, dtype="str")
    out["base_fte"] = (
        pd.to_numeric(b["fte_funded"], errors="coerce").fillna(0.0) if "fte_funded" in b else 0.0
    )
    out["alt_fte"] = (
        pd.to_numeric(a["fte_funded"], errors="coerce").fillna(0.0) if "fte_funded" in a else 0.0
    )
    out["delta_fte"] = out["alt_fte"] - out["base_fte"]
    if pop is None:
        out["population"] = np.nan
    out["size_class"] = _size_class(out["population"].fillna(0), size_bounds)

    kreise = (
        _rollup(
            out, ["kreis_ags", "kreis_name"] if "kreis_name" in out else "kreis_ags", has_persons
        )
        if level == "gemeinde" and "kreis_ags" in out
        else None
    )
    rb = (
        _rollup(out, ["rb", "rb_name"] if "rb_name" in out else "rb", has_persons)
        if "rb" in out
        else None
    )
    sizes = _rollup(out, "size_class", has_persons)
    degurba = _rollup(out, "degurba", has_persons) if "degurba" in out else None
    transitions = (
        out.groupby("transition")
        .agg(regions=("base_eur", "size"), base_eur=("base_eur", "sum"), alt_eur=("alt_eur", "sum"))
        .reindex(list(TRANSITIONS_DE), fill_value=0)
    )
    transitions["delta_eur"] = transitions["alt_eur"] - transitions["base_eur"]
    transitions.index.name = "transition"

    ref = [str(r) for r in (reference or [])]
    unknown = [r for r in ref if r not in index]
    if unknown:
        raise InputError.single("reference", "unknown AGS, not in the allocations", unknown[:5])
    reference_table = out.loc[ref]
    applicant_table = _applicant_summary(out)
    attrs = {
        "level": level,
        "base": dict(base.attrs),
        "alt": dict(alt.attrs),
        "passed_down": passed_down,
        "base_source": base.attrs.get("source"),
        "alt_source": alt.attrs.get("source"),
    }
    return Comparison(
        out, kreise, rb, sizes, degurba, transitions, reference_table, attrs, applicant_table
    )


def _level_of(table: pd.DataFrame) -> str:
    idx = table.index.astype(str)
    return "kreis" if len(idx) and len(idx[0]) == 5 else "gemeinde"


def _applicant_summary(regions_table: pd.DataFrame) -> pd.DataFrame:
    """Applications and regions covered, by kind of applicant, on both sides."""
    rows = []
    for side in ("base", "alt"):
        kind = regions_table[f"{side}_applicant_kind"]
        app = regions_table[f"{side}_applicant"]
        for key in APPLICANT_KINDS_DE:
            sel = kind == key
            rows.append(
                (
                    side,
                    key,
                    int(app[sel & (app != "")].nunique()),
                    int(sel.sum()),
                    int(regions_table.loc[sel, f"{side}_eur"].sum()),
                )
            )
    frame = pd.DataFrame(rows, columns=["side", "applicant_kind", "applications", "regions", "eur"])
    wide = frame.pivot(
        index="applicant_kind", columns="side", values=["applications", "regions", "eur"]
    )
    wide.columns = [f"{side}_{what}" for what, side in wide.columns]
    wide = wide.reindex(list(APPLICANT_KINDS_DE))[
        [
            "base_applications",
            "alt_applications",
            "base_regions",
            "alt_regions",
            "base_eur",
            "alt_eur",
        ]
    ].astype("int64")
    wide.index.name = "applicant_kind"
    return wide


def provenance(comparison: Comparison) -> Mapping[str, Any]:
    """Provenance lines for the Excel ``Herkunft`` sheet."""
    attrs = comparison.attrs
    out: dict[str, Any] = {"Vergleich": "Alternative − Basis (Δ)"}
    if attrs.get("passed_down"):
        side = "Basis" if attrs["passed_down"] == "base" else "Alternative"
        out["Ebene"] = (
            f"{side}: Kreisbeträge nach Einwohnerzahl an die Gemeinden "
            "weitergegeben (der Kreis bleibt Antragsteller)"
        )
    for label, key in (("Basis", "base"), ("Alternative", "alt")):
        a = attrs.get(key) or {}
        out[f"{label}: Datei"] = attrs.get(f"{key}_source") or a.get("source") or "(Python)"
        for key_attr, text in _SIDE_FACTS.items():
            if a.get(key_attr) not in (None, ""):
                value = a[key_attr]
                out[f"{label}: {text}"] = (
                    LEVEL_DE.get(value, value) if key_attr == "level" else value
                )
    return out


#: attrs of an allocation ↔ keys of the Herkunft sheet (``paktsim allocate`` writes them)
_SIDE_FACTS = {
    "rule": "Regel",
    "budget_eur": "Mittel (€)",
    "level": "Ebene",
    "params_date": "Stichtag Förderregeln",
    "stand": "Datenstand Einwohner",
}


def _herkunft(path: Path) -> dict[str, Any]:
    """Key/value pairs of a workbook's ``Herkunft`` sheet (empty when there is none)."""
    try:
        sheet = pd.read_excel(path, sheet_name="Herkunft", engine="openpyxl")
    except (ValueError, KeyError):
        return {}
    if sheet.shape[1] < 2:
        return {}
    return {str(k): v for k, v in zip(sheet.iloc[:, 0], sheet.iloc[:, 1]) if pd.notna(k)}


def _attrs_from_herkunft(facts: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out = {}
    for key_attr, text in _SIDE_FACTS.items():
        value = facts.get(f"{prefix}{text}")
        if value is not None and not (isinstance(value, float) and np.isnan(value)):
            out[key_attr] = value
    return out


def read_comparison(path: str | os.PathLike[str]) -> Comparison:
    """Read a comparison workbook written by ``paktsim compare`` (for maps and reports).

    Raises
    ------
    InputError
        Missing file, not an ``.xlsx`` comparison workbook.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError.single(str(p), "file not found", str(p))
    back = {v: k for k, v in _DE.items()}
    try:
        sheets = pd.read_excel(
            p, sheet_name=None, engine="openpyxl", dtype={"AGS": str, "Kreis-AGS": str, "RB": str}
        )
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
        raise InputError.single(str(p), "cannot read the workbook", type(exc).__name__) from None
    if "Antragsberechtigung" not in sheets or not ({"Gemeinden", "Kreise"} & set(sheets)):
        raise InputError.single(
            str(p),
            "not a comparison workbook of 'paktsim compare' "
            "(sheets Gemeinden/Kreise and Antragsberechtigung expected)",
            ", ".join(sheets)[:80],
        )
    level = "gemeinde" if "Gemeinden" in sheets else "kreis"
    regions_sheet = sheets["Gemeinden" if level == "gemeinde" else "Kreise"].rename(columns=back)
    regions_sheet = regions_sheet.set_index(regions_sheet["ags"].astype(str))
    kreise = None
    if level == "gemeinde" and "Kreise" in sheets:
        kreise = sheets["Kreise"].rename(columns=back)
        kreise = kreise.set_index(kreise["kreis_ags"].astype(str).str.zfill(5))
    facts = _herkunft(p)
    attrs = {
        "level": level,
        "base": _attrs_from_herkunft(facts, "Basis: "),
        "alt": _attrs_from_herkunft(facts, "Alternative: "),
        "base_source": facts.get("Basis: Datei"),
        "alt_source": facts.get("Alternative: Datei"),
        "passed_down": None,
        "source": str(p),
    }
    empty = pd.DataFrame()
    return Comparison(regions_sheet, kreise, None, empty, None, empty, empty, attrs)
