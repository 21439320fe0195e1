"""Parameters in force with value, tag and source: for Herkunft sheets, reports and run records.

:func:`parameters_in_force` lists every parameter of :mod:`paktsim.params` at a
date (after a scenario's overrides) with the entry in force: its value, unit,
tag (``sourced``, ``derived``, ``uncertain``, ``assumption``, ``calibrated``;
``override`` for a scenario override), source and effective date.  German
labels for units and tags: :data:`UNITS_DE`, :data:`TAGS_DE`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any, Mapping

import pandas as pd

from paktsim.i18n import translate_segments

__all__ = [
    "UNITS_DE",
    "TAGS_DE",
    "parameters_in_force",
    "parameters_in_force_de",
    "record_parameters",
]

UNITS_DE: dict[str, str] = {
    "EUR": "€",
    "EUR_per_fte_per_year": "€ je VZÄ und Jahr",
    "EUR_per_person_per_year": "€ je Person und Jahr",
    "EUR_per_year": "€ je Jahr",
    "bool": "ja/nein",
    "count": "Anzahl",
    "factor": "Faktor",
    "date": "Datum",
    "fte": "VZÄ",
    "months": "Monate",
    "persons": "Personen",
    "persons_per_fte": "Personen je VZÄ",
    "persons_per_month": "Personen je Monat",
    "persons_per_year": "Personen je Jahr",
    "share": "Anteil",
    "text": "Text",
}

TAGS_DE: dict[str, str] = {
    "sourced": "belegt",
    "derived": "abgeleitet",
    "uncertain": "unsicher",
    "assumption": "Annahme",
    "calibrated": "kalibriert",
    "override": "Szenario-Vorgabe",
}


def parameters_in_force(date: Any, overrides: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Every parameter at ``date``: value, unit, tag, source, effective date.

    Parameters
    ----------
    date : date-like
    overrides : mapping, optional
        Scenario overrides ``{"path": {"YYYY-MM-DD": value}}``; an overridden
        value in force is tagged ``override`` with the source ``Szenario``.

    Returns
    -------
    DataFrame
        Indexed by ``path`` (sorted): ``name, value, unit, tag, source, since,
        low, high`` (``low``/``high`` the stated range, if any). Parameters
        with no value in force have ``value`` None and tag ``""``.
    """
    from paktsim import params

    day = params.to_date(date)
    tree = params.load()
    over = params.validate_overrides(tree, overrides) if overrides else {}
    rows = []
    for path, p in tree.items():
        entries = list(p.entries)
        i = bisect.bisect_right([e.date for e in entries], day)
        entry = entries[i - 1] if i else None
        row = {
            "path": path,
            "name": p.name_de,
            "unit": p.unit,
            "value": None,
            "tag": "",
            "source": "",
            "since": None,
            "low": None,
            "high": None,
        }
        if entry is not None:
            row.update(
                value=entry.value,
                tag=entry.tag,
                source=entry.reference,
                since=entry.date,
                low=entry.range[0] if entry.range else None,
                high=entry.range[1] if entry.range else None,
            )
        dated = sorted(over.get(path, []))
        j = bisect.bisect_right([d for d, _ in dated], day)
        if j:
            row.update(
                value=dated[j - 1][1],
                tag="override",
                source="Szenario",
                since=dated[j - 1][0],
                low=None,
                high=None,
            )
        rows.append(row)
    # object dtype keeps None as None (no NaN for missing values or dates)
    return pd.DataFrame(rows, dtype=object).set_index("path")


def parameters_in_force_de(
    date: Any, overrides: Mapping[str, Any] | None = None, paths: list[str] | None = None
) -> pd.DataFrame:
    """German table of :func:`parameters_in_force` (for Excel ``Herkunft`` and reports;
    memoised per date without overrides: a run writes it into two workbooks)."""
    from paktsim import params

    if paths is None:
        day = params.to_date(date)
        return params.memoised(
            (__name__, "parameters_in_force_de", day),
            lambda: _parameters_de(parameters_in_force(day, overrides)),
            overrides,
            copy=True,
        )
    table = parameters_in_force(date, overrides)
    table = table.loc[[p for p in paths if p in table.index]]
    return _parameters_de(table)


def _parameters_de(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "Bezeichnung": table["name"],
            "Wert": table["value"].map(_value_text),
            "Einheit": table["unit"].map(lambda u: UNITS_DE.get(u, u)),
            "Einstufung": table["tag"].map(lambda t: TAGS_DE.get(t, t)),
            "Quelle": table["source"].map(translate_segments),
            "gilt seit": table["since"].map(
                lambda d: d.strftime("%d.%m.%Y") if isinstance(d, dt.date) else "–"
            ),
        },
        index=table.index,
    )
    out.index.name = "Parameter"
    return out


def _value_text(value: Any) -> str:
    from paktsim.report import format as fmt

    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, (int, float)):
        decimals = 0 if float(value).is_integer() else min(4, len(repr(float(value)).split(".")[1]))
        return fmt.number(value, decimals)
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def record_parameters(
    date: Any, overrides: Mapping[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """Plain mapping path → ``{value, tag, source, since}`` for a run record."""
    table = parameters_in_force(date, overrides)
    return {
        path: {
            "value": row["value"],
            "unit": row["unit"],
            "tag": row["tag"],
            "source": row["source"],
            "since": row["since"].isoformat() if isinstance(row["since"], dt.date) else None,
        }
        for path, row in table.to_dict("index").items()
    }
