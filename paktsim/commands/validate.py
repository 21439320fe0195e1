"""``paktsim validate FILE…``: check scenario files without running them.

Runs the same checks as ``paktsim run`` does before computing
(:func:`paktsim.checks.check_scenario`), so a file that validates also runs.
"""

from __future__ import annotations

import argparse
import sys

from paktsim.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``validate`` sub-command."""
    parser = sub.add_parser(
        "validate",
        help="Szenario-Dateien prüfen (ohne Rechnung)",
        description="Prüft Szenario-Dateien (YAML). Gibt je Problem eine Zeile "
        "'DATEI: feld.pfad: was falsch ist (erhalten WERT)' aus; Exit-Code 2 bei Fehlern.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="Szenario-Datei(en), YAML")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate every file; report all problems of all files, then exit 2 if any."""
    from pathlib import Path

    from paktsim.checks import check_scenario
    from paktsim.i18n import problem_lines
    from paktsim.scenario import load_scenario

    failed = False
    for name in args.files:
        try:
            scenario = load_scenario(name)
            try:  # everything `paktsim run` checks before it computes, same messages
                check_scenario(scenario, base_dir=Path(name).resolve().parent)
                if scenario.sweep is not None:  # every combination, as `paktsim sweep` does
                    from paktsim.sweep import check

                    check(scenario, base_dir=Path(name).resolve().parent)
            except InputError as exc:
                raise exc.with_source(name) if exc.source is None else exc from None
        except InputError as exc:
            failed = True
            for line in problem_lines(exc):
                print(line, file=sys.stderr)
            continue
        print(f"{name}: ok — {scenario.name} (sha256 {scenario.sha256[:12]})")
    return 2 if failed else 0
