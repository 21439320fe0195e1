"""``paktsim evidence [SZENARIO]``: every published figure beside the model, with the gap."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING
import sys

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``evidence`` sub-command."""
    parser = sub.add_parser(
        "evidence",
        help="Modell neben jeder veröffentlichten Zahl (Abgleich)",
        description="Stellt jede gebündelte veröffentlichte Zahl (Landesbestände, "
        "Kreisregister 31.12.2018, AsylbLG 2019, Erstaufnahme, Zahlen aus Kreisen "
        "und Städten) neben den Modellwert des Szenarios, mit Abweichung und "
        "Toleranz. Ohne SZENARIO: Status quo.",
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SZENARIO",
        help="Szenario-Datei (YAML); ohne Angabe der Status quo",
    )
    parser.add_argument(
        "--out",
        metavar="ABGLEICH.csv|ABGLEICH.xlsx",
        help="Tabelle zusätzlich als CSV oder Excel schreiben",
    )
    parser.add_argument("--force", action="store_true", help="bestehende Datei überschreiben")
    parser.set_defaults(func=run)


def _print(table: "pd.DataFrame") -> None:
    from paktsim.report.format import number, percent

    for row in table.itertuples(index=False):
        share = row.compare == "share"
        fmt = (lambda x: percent(x, 2)) if share or row.unit == "share" else number
        status = {True: "ok", False: "AUSSERHALB"}.get(row.within, "nicht modelliert")
        ratio = "–" if row.ratio != row.ratio else number(row.ratio, 2)
        what = "Anteil" if share else "Wert"
        print(
            f"{row.date:%d.%m.%Y}  {row.place or row.ags:<34.34}  {row.quantity_de:<42.42}  "
            f"{what}: veröff. {fmt(row.value):>11}  Modell {fmt(row.model):>11}  "
            f"Verhältnis {ratio:>5}  {status}"
        )


def run(args: argparse.Namespace) -> int:
    """Compare; print in German; optionally write CSV/Excel through paktsim.io."""
    from paktsim import evidence
    from paktsim.io import TABLE_SUFFIXES, ensure_writable, write_table
    from paktsim.report.format import number, percent
    from paktsim.scenario import load_scenario

    targets = []
    if args.out:
        targets = ensure_writable([args.out], force=args.force, suffixes=TABLE_SUFFIXES)
    scenario = load_scenario(args.scenario) if args.scenario else None
    table = evidence.compare(scenario)
    shown = table.assign(quantity_de=table["quantity"].map(evidence.QUANTITY_LABELS))
    _print(shown)
    s = evidence.summary(table)
    print()
    print(
        f"Stadtkreise, Anteil an den Schutzsuchenden 31.12.2018: Modell "
        f"{percent(s['stadtkreise_share_model'], 1)}, Register "
        f"{percent(s['stadtkreise_share_register'], 1)}"
    )
    print(
        f"Kreisanteile 31.12.2018: Median-Fehler {percent(s['kreis_share_error_median'], 1)}, "
        f"schlechtestes Zehntel über {percent(s['kreis_share_error_p90'], 1)}"
    )
    print(
        f"Heidelberg, Personen in Anschlussunterbringung am 15.09.2017: Modell "
        f"{number(s['heidelberg_au_2017'])}, gezählt 80"
    )
    print(f"Innerhalb der Toleranz: {s['n_within']} von {s['n_compared']} verglichenen Zahlen")
    if targets:
        name = scenario.name if scenario is not None else "status_quo"
        write_table(
            targets[0],
            {"Abgleich": evidence.german(table)}
            if targets[0].suffix == ".xlsx"
            else evidence.german(table),
            provenance={
                "Szenario": name,
                "Quelle der Beobachtungen": "paktsim/data/evidence.csv (tools/build_evidence.py)",
            },
        )
        print(f"geschrieben: {targets[0]}", file=sys.stderr)
    return 0
