"""``paktsim compare BASE ALT --out DELTA.xlsx``: winners and losers between two allocations."""

from __future__ import annotations

import argparse
import datetime as dt

from paktsim.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` sub-command."""
    p = sub.add_parser(
        "compare", help="Zwei Verteilungen vergleichen (Gewinner und Verlierer)",
        description="Vergleicht zwei Ergebnisse von 'paktsim allocate' (CSV oder Excel): "
                    "Δ € und Δ % je Gemeinde und Kreis, € je Einwohner und je gezählte Person, "
                    "Antragsberechtigung neu/nicht mehr/weiterhin, Größenklassen, DEGURBA, "
                    "Regierungsbezirke, Referenzgemeinden. .xlsx: alle Tabellen; .csv: die "
                    "Gemeindetabelle.")
    p.add_argument("base", metavar="BASE", help="Basisverteilung (.csv/.xlsx)")
    p.add_argument("alt", metavar="ALT", help="Alternative (.csv/.xlsx)")
    p.add_argument("--reference", metavar="AGS,AGS,...",
                   help="Referenzgemeinden (AGS, durch Komma getrennt)")
    p.add_argument("--out", required=True, metavar="DELTA.xlsx|DELTA.csv")
    p.add_argument("--force", action="store_true", help="bestehende Datei überschreiben")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read both tables, compare, write atomically."""
    from paktsim.compare import compare, german, provenance, read_allocation
    from paktsim.io import TABLE_SUFFIXES, ensure_writable, write_table

    (out,) = ensure_writable([args.out], force=args.force, suffixes=TABLE_SUFFIXES)
    problems = []
    tables = []
    for path in (args.base, args.alt):
        try:
            tables.append(read_allocation(path))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    reference = [r.strip() for r in args.reference.split(",") if r.strip()] \
        if args.reference else None
    result = compare(tables[0], tables[1], reference=reference)
    if out.suffix.lower() == ".xlsx":
        prov = dict(provenance(result))
        prov["Datum"] = dt.date.today().isoformat()
        write_table(out, result.tables_de(), provenance=prov, overwrite=args.force)
    else:
        write_table(out, german(result.regions), overwrite=args.force)
    r = result.regions
    print(f"{out}: {int((r['delta_eur'] > 0).sum())} Gewinner, "
          f"{int((r['delta_eur'] < 0).sum())} Verlierer, "
          f"{int((r['transition'] == 'newly').sum())} neu und "
          f"{int((r['transition'] == 'no_longer').sum())} nicht mehr antragsberechtigt")
    return 0
