"""Self-contained maps of a comparison or an allocation (title, subtitle, source line).

A map pasted into a position paper must say on its own what it shows: which
rule against which, the factors, the envelope, the rules date and the data
Stand.  :func:`comparison_map` and :func:`allocation_map` build that text from
the tables' provenance (``attrs``, as set by :func:`paktsim.allocation.allocate`
or read back from a workbook's ``Herkunft`` sheet) and draw
:func:`paktsim.report.maps.choropleth`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem
from paktsim.report import format as fmt
from paktsim.report.map_metrics import ALLOCATION_METRICS, COMPARISON_METRICS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from paktsim.compare import Comparison

__all__ = [
    "COMPARISON_METRICS",
    "ALLOCATION_METRICS",
    "rule_text_de",
    "comparison_map",
    "allocation_map",
    "comparison_subtitle",
    "kreis_labels",
    "map_source",
    "delta_classes",
]

_LEVEL_DE = {"gemeinde": "Gemeinden", "kreis": "Stadt- und Landkreisen"}


def map_source() -> str:
    """Source line of a paktsim map (model, version; the boundary attribution follows)."""
    from paktsim._version import __version__

    return f"Quelle: eigene Berechnung mit paktsim {__version__}; Einwohner: Destatis"


def rule_text_de(text: Any) -> str:
    """German reading of a rule description (levels, DEGURBA, decimal commas)."""
    if not text:
        return "unbekannte Regel"
    out = str(text)
    out = out.replace("(kreis)", "(Kreise)").replace("(gemeinde)", "(Gemeinden)")
    out = out.replace("degurba", "DEGURBA").replace("kreis_typ", "Kreistyp")
    out = out.replace("size_class", "Größenklasse")
    return re.sub(r"(?<=\d)\.(?=\d)", ",", out)


def _date_de(value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = str(value)[:10]
    try:
        d = pd.Timestamp(text)
    except (ValueError, TypeError):
        return text
    return f"{d.day}.{d.month}.{d.year}"


def _side_text(attrs: dict[str, Any], passed_down: bool) -> str:
    rule = rule_text_de(attrs.get("rule") or attrs.get("source"))
    if passed_down and "weitergegeben" not in rule:
        rule += "; an die Gemeinden nach Einwohnerzahl weitergegeben"
    return rule


def comparison_subtitle(comparison: "Comparison") -> str:
    """Subtitle lines: both rules, envelope, rules date and data Stand."""
    a = comparison.attrs
    base, alt = dict(a.get("base") or {}), dict(a.get("alt") or {})
    for side, key in ((base, "base_source"), (alt, "alt_source")):
        if not side.get("rule") and a.get(key):
            side["source"] = f"Datei {a[key]}"
    r = comparison.regions
    tb, ta = int(r["base_eur"].sum()), int(r["alt_eur"].sum())
    money = (
        f"Mittel {fmt.compact_eur(ta)} auf beiden Seiten"
        if tb == ta
        else f"Mittel: Basis {fmt.compact_eur(tb)}, Alternative {fmt.compact_eur(ta)}"
    )
    facts = [money]
    dates = {_date_de(base.get("params_date")), _date_de(alt.get("params_date"))} - {None}
    if dates:
        facts.append("Förderregeln Stand " + " / ".join(sorted(dates)))
    stands = {str(s) for s in (base.get("stand"), alt.get("stand")) if s}
    if stands:
        facts.append("Einwohner " + " / ".join(sorted(stands)))
    return "\n".join(
        [
            "Alternative: " + _side_text(alt, a.get("passed_down") == "alt"),
            "Basis: " + _side_text(base, a.get("passed_down") == "base"),
            "; ".join(facts),
        ]
    )


def _values(comparison: "Comparison", level: str, metric: str) -> pd.Series:
    if metric not in COMPARISON_METRICS:
        raise InputError(
            Problem(
                "--metric",
                "unknown metric, expected one of " + ", ".join(COMPARISON_METRICS),
                metric,
            )
        )
    own = comparison.attrs.get("level", "gemeinde")
    if level == own:
        frame = comparison.regions
    elif level == "kreis" and comparison.kreise is not None:
        frame = comparison.kreise.copy()
        frame.index = frame.index.get_level_values(0)
    else:
        raise InputError(
            Problem(
                "--level",
                "a Gemeinde map needs a comparison of Gemeinden (this one compares Kreise)",
                level,
            )
        )
    if metric not in frame:
        raise InputError(Problem("--metric", "not in this comparison", metric))
    values = pd.to_numeric(frame[metric], errors="coerce").astype(float)
    values.index = values.index.astype(str)
    return values


def comparison_map(
    comparison: "Comparison",
    level: str = "gemeinde",
    metric: str = "delta_eur_per_inhabitant",
    title: str | None = None,
    classes: Any = None,
) -> "Figure":
    """Map of one comparison metric with a title, a subtitle and the source line.

    Parameters
    ----------
    comparison : Comparison
    level : {"gemeinde", "kreis"}
        Kreis maps of a Gemeinde comparison use its Kreis roll-up.
    metric : str
        A key of :data:`COMPARISON_METRICS`.
    title : str, optional
        Default "Gewinner und Verlierer: <metric> nach <level>".
    classes : int or list of float, optional
        Default symmetric breaks around 0 for Δ metrics, 5 quantile classes
        otherwise; empty classes are merged away.

    Returns
    -------
    Figure
    """
    from paktsim.report.maps import choropleth

    values = _values(comparison, level, metric)
    label, kind, decimals = COMPARISON_METRICS[metric]
    if classes is None:
        classes = delta_classes(values) if metric.startswith("delta") else 5
    title = title or (
        f"Gewinner und Verlierer: {label} nach {_LEVEL_DE[level]}"
        if metric.startswith("delta")
        else f"{label} nach {_LEVEL_DE[level]}"
    )
    return choropleth(
        values,
        level=level,
        title=title,
        legend_title=label,
        classes=classes,
        value_format=kind,
        decimals=decimals if kind != "percent" else None,
        subtitle=comparison_subtitle(comparison),
        source=map_source(),
    )


def delta_classes(values: pd.Series) -> list[float] | int:
    """Symmetric breaks ±m × (1, ½, ⅕) around 0 with m a round number (else 5 quantiles)."""
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    top = float(np.abs(finite).max()) if finite.size else 0.0
    if top <= 0:
        return 5
    exponent = np.floor(np.log10(top))
    m = next(
        step * 10**exponent
        for step in (1.0, 2.0, 2.5, 4.0, 5.0, 8.0, 10.0)
        if step * 10**exponent >= top
    )
    return [-m, -m / 2, -m / 5, 0.0, m / 5, m / 2, m]


def allocation_map(
    table: pd.DataFrame,
    level: str = "gemeinde",
    metric: str = "eur_per_inhabitant",
    title: str | None = None,
) -> "Figure":
    """Map of one allocation (``paktsim allocate`` output) at Gemeinde or Kreis level.

    A Gemeinde table is summed up to Kreise for a Kreis map; a Kreis table is
    passed down by population for a Gemeinde map (said in the subtitle).
    """
    from paktsim.compare import pass_down_table
    from paktsim.report.maps import choropleth

    if metric not in ALLOCATION_METRICS:
        raise InputError(
            Problem(
                "--metric",
                "unknown metric, expected one of " + ", ".join(ALLOCATION_METRICS),
                metric,
            )
        )
    attrs = dict(table.attrs)
    own = "kreis" if len(str(table.index[0])) == 5 else "gemeinde"
    note = ""
    frame = table
    if own == "kreis" and level == "gemeinde":
        frame = pass_down_table(table)
        note = "; an die Gemeinden nach Einwohnerzahl weitergegeben"
    elif own == "gemeinde" and level == "kreis":
        sums = table.groupby(table["kreis_ags"].astype(str).str.zfill(5))[
            ["amount_eur", "population"] + (["fte_funded"] if "fte_funded" in table else [])
        ].sum()
        sums["eur_per_inhabitant"] = sums["amount_eur"] / sums["population"].where(
            sums["population"] > 0
        )
        frame = sums
        note = "; Summe der Gemeinden je Kreis"
    if metric not in frame:
        raise InputError(Problem("--metric", "not in this table", metric))
    values = pd.to_numeric(frame[metric], errors="coerce").astype(float)
    values.index = values.index.astype(str)
    label, kind, decimals = ALLOCATION_METRICS[metric]
    facts = [f"Mittel {fmt.compact_eur(int(pd.to_numeric(table['amount_eur']).sum()))}"]
    if _date_de(attrs.get("params_date")):
        facts.append(f"Förderregeln Stand {_date_de(attrs.get('params_date'))}")
    if attrs.get("stand"):
        facts.append(f"Einwohner {attrs['stand']}")
    subtitle = (
        "Regel: "
        + rule_text_de(attrs.get("rule") or f"Datei {attrs.get('source')}")
        + note
        + "\n"
        + "; ".join(facts)
    )
    return choropleth(
        values,
        level=level,
        title=title or f"{label} nach {_LEVEL_DE[level]}",
        legend_title=label,
        classes=5,
        value_format=kind,
        decimals=decimals,
        subtitle=subtitle,
        source=map_source(),
    )


def kreis_labels(kreise: pd.DataFrame | None = None) -> pd.Series:
    """Short Kreis names, "Stadt X" / "Lkr. X" where a Stadtkreis and a Landkreis share X.

    Parameters
    ----------
    kreise : DataFrame, optional
        ``paktsim.regions.kreise()`` (default) with ``name`` and ``is_stadtkreis``.

    Returns
    -------
    Series
        Indexed by Kreis AGS.
    """
    if kreise is None:
        from paktsim import regions

        kreise = regions.kreise()
    short = kreise["name"].astype(str).str.split(",").str[0].str.strip()
    shared = short.duplicated(keep=False)
    stadt = kreise["is_stadtkreis"].astype(bool)
    out = short.where(~shared, np.where(stadt, "Stadt " + short, "Lkr. " + short))
    return pd.Series(out, index=kreise.index.astype(str), name="label")
