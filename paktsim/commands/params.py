"""``paktsim params [PATH] [--date YYYY-MM-DD]``: show parameters with unit and source.

Without PATH (or with a prefix such as ``pakt``) it lists the parameters in force
at the date; with a full parameter path it prints that parameter's dated history
(or, with ``--date``, the one value in force).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``params`` sub-command."""
    parser = subparsers.add_parser(
        "params",
        help="Parameter (Werte, Einheit, Quelle) zu einem Datum oder Verlauf eines Parameters",
        description="Zeigt Parameter mit Wert, Einheit, Einstufung und Quelle: ohne PFAD (oder "
        "mit einem Präfix wie 'pakt') alle am Stichtag geltenden, mit einem "
        "vollständigen Pfad den Verlauf dieses Parameters (mit --date den einen "
        "geltenden Wert).",
    )
    parser.add_argument(
        "path",
        nargs="?",
        default=None,
        help="Parameterpfad (z. B. integrationsmanagement.foerdersatz.hochschule) oder Präfix (z. B. pakt)",
    )
    parser.add_argument("--date", default=None, help="Stichtag YYYY-MM-DD (Standard: heute)")
    parser.set_defaults(func=run)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return str(value)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the listing or history; bad path or date -> InputError (exit 2)."""
    from paktsim import params
    from paktsim.i18n import language, translate_segments
    from paktsim.report.provenance import TAGS_DE, UNITS_DE

    german = language() == "de"
    unit = (lambda u: UNITS_DE.get(u, u)) if german else (lambda u: u)
    tag = (lambda t: TAGS_DE.get(t, t)) if german else (lambda t: t)
    source = translate_segments if german else (lambda s: s)
    tree = params.load()
    day = params.to_date(args.date, "--date") if args.date else dt.date.today()
    path = args.path

    if path is not None and path in tree:
        param = tree[path]
        if german:
            # the descriptions in the YAML files are English; German shows the German name
            print(f"{param.path}: {param.name_de}")
            print(f"Einheit: {unit(param.unit)}   Datei: {param.file}")
        else:
            print(f"{param.path}: {param.name_de} / {param.name_en}")
            print(f"Einheit: {param.unit}   Periode: {param.period}   Datei: {param.file}")
            print(param.description)
        if param.documentation_only:
            print(f"Nur zur Dokumentation (kein Modellcode liest ihn): {param.documentation_only}")
        if args.date:
            entry = next((e for e in reversed(param.entries) if e.date <= day), None)
            value = entry.value if entry else None
            where = f"{source(entry.reference)} [{tag(entry.tag)}]" if entry else "-"
            print(f"\nam {day.isoformat()}: {_fmt(value)}  ({where})")
            return 0
        rows = [
            [
                e.date.isoformat(),
                _fmt(e.value),
                tag(e.tag),
                f"[{_fmt(e.range[0])}, {_fmt(e.range[1])}]" if e.range else "",
                source(e.reference) + (f" — {e.note}" if e.note and not german else ""),
            ]
            for e in param.entries
        ]
        print()
        print(_table(["ab", "Wert", "Einstufung", "Spanne", "Quelle"], rows))
        return 0

    paths = list(tree)
    if path is not None:
        paths = [p for p in paths if p.startswith(path + ".")]
        if not paths:
            raise params.unknown_path(path, tree)
    snap = params.at(day)
    rows = []
    for p in paths:
        param = tree[p]
        entry = next((e for e in reversed(param.entries) if e.date <= day), None)
        rows.append(
            [
                p,
                _fmt(snap[p]),
                unit(param.unit),
                tag(entry.tag) if entry else "-",
                source(entry.reference) if entry else "(noch nicht in Kraft)",
            ]
        )
    print(f"Parameter am {day.isoformat()} ({len(rows)}):")
    print(_table(["Parameter", "Wert", "Einheit", "Einstufung", "Quelle"], rows))
    return 0
