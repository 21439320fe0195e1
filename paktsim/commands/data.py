"""``paktsim data``: show the bundled region data, its vintages and licences (German)."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``data`` sub-command."""
    parser = sub.add_parser(
        "data",
        help="Mitgelieferte Daten: Stände, Umfang, Quellen und Lizenzen",
        description="Zeigt die mitgelieferten Gemeinde- und Kreisdaten: Bevölkerungsstände, "
        "Anzahl der Gemeinden und Kreise, Quellenvermerke und Lizenzen.",
    )
    parser.add_argument(
        "--json", action="store_true", help="maschinenlesbar als JSON ausgeben (Schlüssel englisch)"
    )
    parser.set_defaults(func=run)


def _n(value: int) -> str:
    """German thousands separator (11.339.260)."""
    return f"{value:,}".replace(",", ".")


def format_info(info: dict[str, Any]) -> str:
    """Render :func:`paktsim.regions.data_info` as German text."""
    lines = [
        "Mitgelieferte Daten (paktsim/data)",
        "",
        f"Gebietsstand: {info['gebietsstand']}",
        f"Gemeinden: {_n(info['gemeinden'])} bewohnte, dazu "
        f"{len(info['gemeindefrei_unbewohnt'])} unbewohnte gemeindefreie Gebiete "
        f"({', '.join(info['gemeindefrei_unbewohnt'])})",
        f"Kreise: {info['kreise']} ({info['stadtkreise']} Stadtkreise, "
        f"{info['landkreise']} Landkreise) in {info['regierungsbezirke']} Regierungsbezirken",
        f"Nachbarschaften: {_n(info['neighbour_pairs'])} Gemeindepaare mit gemeinsamer Grenze",
        "",
        "Bevölkerungsstände (Baden-Württemberg insgesamt):",
    ]
    for year, stand in info["vintages"].items():
        basis = info["population_basis"][year].replace("Fortschreibung auf Basis ", "")
        lines.append(
            f"  {stand}: {_n(info['population_totals'][year]):>11} Einwohner (Basis {basis})"
        )
    schutz = info["schutzsuchende_2018"]
    lines += [
        "Reihenbruch: Stände bis 31.12.2021 beruhen auf dem Zensus 2011, der Stand 31.12.2023 "
        "auf dem Zensus 2022;",
        "  die Veränderung 2021→2023 ist teils methodisch bedingt.",
        f"Schutzsuchende je Kreis: Stand {schutz['stand']}, insgesamt {_n(schutz['total'])}",
        "",
        "Quellenvermerke:",
        *[f"  {line}" for line in info["attribution"]],
        "Lizenzen:",
        f"  Destatis-Gemeindeverzeichnis: {info['licences']['destatis']}",
        f"  Geometrien (BKG): {info['licences']['bkg']}",
        "",
        f"Neu erzeugen: {info['build_command']}",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the data summary."""
    from paktsim.regions import data_info

    info = data_info()
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        print(format_info(info))
    return 0
