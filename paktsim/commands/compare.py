"""``paktsim compare BASE ALT --out DELTA.xlsx``: winners and losers between two allocations."""

from __future__ import annotations

import argparse
from typing import Any

from paktsim.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` sub-command."""
    p = sub.add_parser(
        "compare",
        help="Zwei Verteilungen vergleichen (Gewinner und Verlierer)",
        description="Vergleicht zwei Ergebnisse von 'paktsim allocate' (CSV oder Excel): "
        "Δ € und Δ % je Gemeinde und Kreis, € je Einwohner und je gezählte Person, "
        "Antragsberechtigung neu/nicht mehr/weiterhin, Größenklassen, DEGURBA, "
        "Regierungsbezirke, Referenzgemeinden. .xlsx: alle Tabellen; .csv: die "
        "Gemeindetabelle.",
    )
    p.add_argument("base", metavar="BASE", help="Basisverteilung (.csv/.xlsx)")
    p.add_argument("alt", metavar="ALT", help="Alternative (.csv/.xlsx)")
    p.add_argument(
        "--reference", metavar="AGS,AGS,...", help="Referenzgemeinden (AGS, durch Komma getrennt)"
    )
    p.add_argument("--out", required=True, metavar="DELTA.xlsx|DELTA.csv")
    p.add_argument(
        "--map",
        action="store_true",
        help="zusätzlich Karten Δ € je Einwohner nach Kreisen und Gemeinden "
        "(DELTA_karte_kreise.png/.svg, DELTA_karte_gemeinden.png/.svg)",
    )
    p.add_argument(
        "--map-formats",
        default="png,svg",
        metavar="png,svg,pdf",
        help="Formate der Karten (Standard: png,svg)",
    )
    p.add_argument("--force", action="store_true", help="bestehende Datei überschreiben")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read both tables, compare, write atomically."""
    from paktsim.compare import compare, german, provenance, read_allocation
    from paktsim.io import TABLE_SUFFIXES, ensure_writable, write_table

    (out,) = ensure_writable([args.out], force=args.force, suffixes=TABLE_SUFFIXES)
    map_targets = _map_targets(args, out) if args.map else {}
    problems = []
    tables = []
    for path in (args.base, args.alt):
        try:
            tables.append(read_allocation(path))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    reference = (
        [r.strip() for r in args.reference.split(",") if r.strip()] if args.reference else None
    )
    result = compare(tables[0], tables[1], reference=reference)
    if out.suffix.lower() == ".xlsx":
        prov = dict(provenance(result))
        write_table(out, result.tables_de(), provenance=prov, overwrite=args.force)
    else:
        write_table(out, german(result.regions), overwrite=args.force)
    if map_targets:
        from paktsim.commands.map import save
        from paktsim.report.comparison_maps import comparison_map

        for level, targets in map_targets.items():
            if level == "gemeinde" and result.attrs.get("level") != "gemeinde":
                continue
            save(comparison_map(result, level=level), targets)
            print(
                f"Karte {'Kreise' if level == 'kreis' else 'Gemeinden'}: "
                + ", ".join(str(t) for t in targets)
            )
    r = result.regions
    if result.attrs.get("passed_down"):
        side = "Basis" if result.attrs["passed_down"] == "base" else "Alternative"
        print(
            f"{side} ist eine Kreisverteilung: Kreisbeträge nach Einwohnerzahl an die "
            "Gemeinden weitergegeben (der Kreis bleibt Antragsteller)."
        )
    print(
        f"{out}: {int((r['delta_eur'] > 0).sum())} Gewinner, "
        f"{int((r['delta_eur'] < 0).sum())} Verlierer, "
        f"{int((r['transition'] == 'newly').sum())} neu und "
        f"{int((r['transition'] == 'no_longer').sum())} nicht mehr antragsberechtigt "
        f"(Förderregeln Stand {_rules_dates(result)})"
    )
    return 0


def _map_targets(args: argparse.Namespace, out: Any) -> dict[str, list[Any]]:
    """Map files next to the table, checked before anything is written."""
    from paktsim.commands.map import check_targets

    formats = [f.strip().lower().lstrip(".") for f in args.map_formats.split(",") if f.strip()]
    targets: dict[str, list[Any]] = {}
    for level, stem in (("kreis", "karte_kreise"), ("gemeinde", "karte_gemeinden")):
        paths = [str(out.with_name(f"{out.stem}_{stem}.{f}")) for f in formats]
        targets[level] = check_targets(paths, args.force)
    return targets


def _rules_dates(result: Any) -> str:
    from paktsim.report.format import date_de

    dates = [date_de((result.attrs.get(side) or {}).get("params_date")) for side in ("base", "alt")]
    if dates[0] == dates[1]:
        return dates[0] if dates[0] != "–" else "nicht in den Eingaben vermerkt (CSV)"
    return f"Basis {dates[0]}, Alternative {dates[1]}"
