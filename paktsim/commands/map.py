"""``paktsim map RESULT --level kreis|gemeinde --metric M --out karte.png``: a map to paste.

RESULT is a comparison workbook of ``paktsim compare`` (.xlsx) or an allocation of
``paktsim allocate`` (.csv/.xlsx).  The format follows the suffix of each
``--out`` (.png, .svg with text kept as text, .pdf); every map carries its title,
a subtitle saying what is compared (rules, factors, envelope, rules date, data
Stand) and the source line.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from paktsim.errors import InputError, Problem

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``map`` sub-command."""
    from paktsim.report.map_metrics import ALLOCATION_METRICS, COMPARISON_METRICS

    metrics = ", ".join(list(COMPARISON_METRICS) + list(ALLOCATION_METRICS))
    p = sub.add_parser(
        "map",
        help="Karte eines Vergleichs oder einer Verteilung (PNG, SVG, PDF)",
        description="Zeichnet eine Karte der Gemeinden oder Kreise aus einer Vergleichsmappe "
        "von 'paktsim compare' (.xlsx) oder einer Verteilung von 'paktsim allocate' "
        "(.csv/.xlsx), mit Titel, Untertitel (Regeln, Faktoren, Mittel, Stichtag) "
        "und Quellenzeile.",
    )
    p.add_argument("result", metavar="ERGEBNIS", help="Vergleichsmappe oder Verteilung")
    p.add_argument(
        "--level",
        choices=("gemeinde", "kreis"),
        default="gemeinde",
        help="Ebene der Karte (Standard: gemeinde)",
    )
    p.add_argument(
        "--metric",
        metavar="KENNZAHL",
        help=f"Kennzahl ({metrics}); Standard: Δ € je Einwohner bzw. € je Einwohner",
    )
    p.add_argument("--title", metavar="TEXT", help="eigener Titel")
    p.add_argument(
        "--out",
        required=True,
        action="append",
        metavar="KARTE.png|.svg|.pdf",
        help="Zieldatei; mehrfach angeben für mehrere Formate",
    )
    p.add_argument("--force", action="store_true", help="bestehende Dateien überschreiben")
    p.set_defaults(func=run)


def check_targets(paths: list[str], force: bool) -> list[Path]:
    """Check figure targets (suffix, existence) before anything is computed."""
    from paktsim.io import ensure_writable

    problems = [
        Problem("--out", "expected a .png, .svg or .pdf file", p)
        for p in paths
        if Path(p).suffix.lower() not in FIGURE_SUFFIXES
    ]
    if problems:
        raise InputError(problems)
    return ensure_writable(paths, force=force)


def save(fig: Any, targets: list[Path]) -> list[Path]:
    """Write one figure to each target (format from the suffix), atomically."""
    from paktsim.report.charts import save_figure

    written: list[Path] = []
    for target in targets:
        written += save_figure(
            fig, target.with_suffix(""), formats=[target.suffix[1:].lower()], force=True
        )
    return written


def _is_comparison(path: Path) -> bool:
    if path.suffix.lower() != ".xlsx" or not path.is_file():
        return False
    from openpyxl import load_workbook

    try:
        names = load_workbook(path, read_only=True).sheetnames
    except Exception:  # noqa: BLE001 - not a workbook: read_allocation says why
        return False
    return "Antragsberechtigung" in names


def run(args: argparse.Namespace) -> int:
    """Read the result, draw the map, write every target."""
    from paktsim.compare import read_allocation, read_comparison
    from paktsim.report.comparison_maps import allocation_map, comparison_map

    targets = check_targets(args.out, args.force)
    path = Path(args.result)
    if _is_comparison(path):
        comparison = read_comparison(path)
        fig = comparison_map(
            comparison,
            level=args.level,
            metric=args.metric or "delta_eur_per_inhabitant",
            title=args.title,
        )
    else:
        table = read_allocation(path)
        fig = allocation_map(
            table, level=args.level, metric=args.metric or "eur_per_inhabitant", title=args.title
        )
    written = save(fig, targets)
    print("Karte geschrieben: " + ", ".join(str(w) for w in written))
    return 0
