"""``paktsim sweep SCENARIO --out DIR``: every combination of a scenario's grid.

Writes into ``DIR`` (all at once, :func:`paktsim.io.output_set`):

* ``sweep.csv`` — one row per combination and year: ``Kombination``, the grid
  paths as written in the scenario, ``Jahr`` and the headline figures
  (:data:`paktsim.sweep.METRICS` under their German labels, ``METRIC_LABELS``);
* ``sweep_vergleich.csv`` — each combination minus the base scenario (the
  scenario without its grid) in the same year (``Δ …``) and how many Kreise
  get more or less money than under the base;
* ``sweep.xlsx`` — both tables and the base with the same German headers, plus
  ``Herkunft`` (the CSVs keep grid values as written, the workbook shows them for reading);
* ``run_record.json`` — scenario, grid, sha256 of every file.

Combinations run in-process, on local processes (``--workers N``) or on a Dask
cluster (``--scheduler ADDRESS``) with the same bytes in every case.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from paktsim.errors import InputError

__all__ = ["register", "run"]

RECORD_NAME = "run_record.json"
FILES = ("sweep.csv", "sweep_vergleich.csv", "sweep.xlsx")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``sweep`` sub-command."""
    parser = sub.add_parser(
        "sweep",
        help="Raster von Varianten rechnen (sweep.grid des Szenarios)",
        description="Rechnet jede Kombination der Werte in 'sweep.grid' des Szenarios "
        "(z. B. Regel × Stadtfaktor × Mittel × Zugangspfad) und schreibt eine "
        "Tabelle je Kombination und Jahr (sweep.csv), den Vergleich mit dem "
        "Basisszenario (sweep_vergleich.csv), beides als Excel und einen "
        "Laufnachweis.",
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="Szenario-Datei (YAML) mit sweep.grid")
    parser.add_argument("--out", required=True, metavar="DIR", help="Ausgabeordner")
    parser.add_argument("--force", action="store_true", help="vorhandene Dateien überschreiben")
    parser.add_argument("--quiet", action="store_true", help="keinen Fortschritt anzeigen")
    from paktsim.commands.executor import add_arguments

    add_arguments(parser)
    parser.set_defaults(func=run)


def _progress(quiet: bool) -> Any:
    if quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\rKombinationen gerechnet: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def run(args: argparse.Namespace) -> int:
    """Run every combination and write the tables."""
    from paktsim import sweep
    from paktsim.commands.executor import executor_from_args
    from paktsim.io import ensure_writable, output_set, write_table
    from paktsim.regions import data_info
    from paktsim.report.format import number
    from paktsim.runrecord import build_record, write_record
    from paktsim.scenario import load_scenario

    path = Path(args.scenario)
    scenario = load_scenario(path)
    out_dir = Path(args.out)
    targets = [out_dir / name for name in (*FILES, RECORD_NAME)]
    ensure_writable(targets, force=args.force, location="--out")
    try:
        with executor_from_args(args) as executor:
            result = sweep.run(
                scenario,
                base_dir=path.resolve().parent,
                executor=executor,
                progress=_progress(args.quiet),
            )
    except InputError as exc:
        raise exc.with_source(str(path)) if exc.source is None else exc from None
    grid = list(result.combinations.columns)
    base = result.base.reset_index()
    provenance = {
        "Szenario": scenario.name,
        "Szenario sha256": scenario.sha256,
        "Kombinationen": len(result.combinations),
        "Raster": ", ".join(grid),
    }
    with output_set(
        out_dir, [p.name for p in targets], force=args.force, record_name=RECORD_NAME
    ) as staging:
        written = {}
        for name, table in (
            ("sweep.csv", result.table),
            ("sweep_vergleich.csv", result.comparison),
        ):
            # German headers as in sweep.xlsx; grid paths and values stay as written (machine)
            written[name] = write_table(
                staging / name, sweep.german(table, []).set_index("Kombination")
            )
        sheets = {
            "Varianten": sweep.german(result.table, grid).set_index("Kombination"),
            "Vergleich mit Basis": sweep.german(result.comparison, grid).set_index("Kombination"),
            "Basis": sweep.german(base, []).set_index("Jahr"),
        }
        written["sweep.xlsx"] = write_table(staging / "sweep.xlsx", sheets, provenance=provenance)
        record = build_record(
            scenario=scenario,
            parameters={},
            data={
                "vintage": scenario.data.vintage,
                "sources_sha256": data_info().get("sources", {}),
            },
            inputs={"scenario_file": path},
            outputs=written,
            extra={"combinations": len(result.combinations), "grid": grid},
        )
        write_record(staging / RECORD_NAME, record)
    print(
        f"{scenario.name}: {number(len(result.combinations))} Kombinationen × "
        f"{number(result.base.shape[0])} Jahre, {len(targets)} Dateien in {out_dir}"
    )
    return 0
