"""``paktsim verify RECORD.json [--rerun]``: check a run record and the files it names.

Without ``--rerun``: the record's own hash and the sha256 of every output file
next to it.  With ``--rerun``: the scenario stored in the record is run again
into a temporary folder and every output must come out byte for byte the same.
Exit code 0 when everything matches, 1 when something differs, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from paktsim.errors import InputError, Problem

__all__ = ["register", "run", "rerun_record"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``verify`` sub-command."""
    p = sub.add_parser(
        "verify",
        help="Laufprotokoll prüfen (Prüfsummen, auf Wunsch Neuberechnung)",
        description="Prüft ein Laufprotokoll (run_record.json): seine eigene Prüfsumme und die "
        "der Ausgabedateien daneben; mit --rerun wird das Szenario neu gerechnet "
        "und jede Ausgabe Byte für Byte verglichen.",
    )
    p.add_argument("record", metavar="PROTOKOLL.json", help="Laufprotokoll von 'paktsim run'")
    p.add_argument(
        "--rerun",
        action="store_true",
        help="Szenario neu rechnen und Ausgaben Byte für Byte vergleichen",
    )
    p.add_argument(
        "--inputs",
        metavar="ORDNER",
        help="Ordner der Eingabedateien des Szenarios (Standard: aktueller Ordner)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Verify and print one line per problem; exit 1 when anything differs."""
    from paktsim.runrecord import verify_record

    path = Path(args.record)
    if not path.is_file():
        raise InputError(Problem(str(path), "Datei nicht gefunden", str(path)))
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            Problem(str(path), "kein Laufprotokoll (JSON erwartet)", type(exc).__name__)
        ) from None
    if not isinstance(record, dict) or "outputs" not in record or "scenario" not in record:
        raise InputError(
            Problem(
                str(path),
                "kein Laufprotokoll von 'paktsim run' (Felder outputs und scenario fehlen)",
            )
        )
    problems = verify_record(path)
    n = len(record["outputs"])
    if args.rerun:
        problems += rerun_record(path, base_dir=args.inputs)
    for line in problems:
        print(f"{path.name}: {line}")
    if problems:
        count = "1 Abweichung" if len(problems) == 1 else f"{len(problems)} Abweichungen"
        print(f"{path.name}: NICHT bestätigt ({count})")
        return 1
    how = "neu gerechnet und Byte für Byte gleich" if args.rerun else "Prüfsummen stimmen"
    print(f"{path.name}: bestätigt, {n} Ausgabedateien ({how})")
    return 0


def rerun_record(
    path: str | os.PathLike[str], base_dir: str | os.PathLike[str] | None = None
) -> list[str]:
    """Rerun the record's scenario into a temporary folder and compare every output byte for byte.

    Parameters
    ----------
    path : path-like
        The run record (``run_record.json``).
    base_dir : path-like, optional
        Folder that relative input files (arrivals CSV) of the scenario are
        read from; default the current directory.

    Returns
    -------
    list of str
        Problems (empty when every output is reproduced exactly).
    """
    import tempfile

    from paktsim.commands.run import build_outputs, write_outputs
    from paktsim.runrecord import sha256_file
    from paktsim.scenario import Scenario

    record = json.loads(Path(path).read_text(encoding="utf-8"))
    scenario = Scenario.model_validate(record["scenario"])
    problems = []
    if scenario.sha256 != record.get("scenario_sha256"):
        problems.append("scenario_sha256 passt nicht zum gespeicherten Szenario")
    base = Path(base_dir) if base_dir else Path.cwd()
    with tempfile.TemporaryDirectory(prefix="paktsim-verify-") as tmp:
        outputs = build_outputs(scenario, base_dir=base)
        write_outputs(outputs, tmp, force=True)
        for _name, entry in sorted(record.get("outputs", {}).items()):
            file = Path(tmp) / entry["file"]
            if not file.exists():
                problems.append(f"{entry['file']}: bei der Neuberechnung nicht entstanden")
            elif sha256_file(file) != entry["sha256"]:
                problems.append(f"{entry['file']}: Neuberechnung ergibt andere Bytes")
    return problems
