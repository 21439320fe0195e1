"""``paktsim report SZENARIO --out bericht.docx|bericht.pdf``: a German brief of one scenario.

The ``.docx`` is written by python-docx; the ``.pdf`` is the same document
converted by LibreOffice (``soffice --headless``), with a clear message when
LibreOffice is missing.  Several ``--out`` may be given (e.g. both).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from paktsim.errors import InputError, Problem

REPORT_SUFFIXES = (".docx", ".pdf")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` sub-command."""
    p = sub.add_parser(
        "report",
        help="Kurzbericht eines Szenarios als Word-Dokument oder PDF",
        description="Rechnet ein Szenario und schreibt einen deutschen Kurzbericht: Annahmen "
        "mit Quelle und Einstufung, Kennzahlen, Stellen und Mittel im Zeitverlauf, "
        "Gewinner und Verlierer mit Karte (bei einem Vergleich), Bandbreiten (bei "
        "Monte-Carlo-Ziehungen), Quellen.",
    )
    p.add_argument("scenario", metavar="SZENARIO", help="Szenario-Datei (.yaml)")
    p.add_argument(
        "--out",
        required=True,
        action="append",
        metavar="BERICHT.docx|.pdf",
        help="Zieldatei; mehrfach angeben für Word und PDF",
    )
    p.add_argument("--force", action="store_true", help="bestehende Dateien überschreiben")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check targets, run the scenario, write the brief."""
    from paktsim.io import ensure_writable, write_bytes_with
    from paktsim.pipeline import run_scenario
    from paktsim.report.brief import build_brief, docx_to_pdf, require_soffice, write_docx
    from paktsim.scenario import Scenario

    bad = [
        Problem("--out", "expected a .docx or .pdf file", p)
        for p in args.out
        if Path(p).suffix.lower() not in REPORT_SUFFIXES
    ]
    if bad:
        raise InputError(bad)
    targets = ensure_writable(args.out, force=args.force)
    pdfs = [t for t in targets if t.suffix.lower() == ".pdf"]
    if pdfs:  # refused before anything is computed or written
        require_soffice(pdfs[0])
    scenario = Scenario.from_yaml(args.scenario)
    result = run_scenario(scenario)
    command = "paktsim " + " ".join(sys.argv[1:]) if sys.argv[1:] else None
    brief = build_brief(result, command=command)
    docx_targets = [t for t in targets if t.suffix.lower() == ".docx"]
    for target in docx_targets:
        write_bytes_with(target, lambda handle: write_docx(brief, handle))
    pdf_targets = [t for t in targets if t.suffix.lower() == ".pdf"]
    if pdf_targets:
        with tempfile.TemporaryDirectory(prefix="paktsim-report-") as tmp:
            source = Path(tmp) / (pdf_targets[0].stem + ".docx")
            with open(source, "wb") as handle:
                write_docx(brief, handle)
            for target in pdf_targets:
                docx_to_pdf(source, target)
    first = min(result.years)
    print(
        f"Bericht geschrieben: {', '.join(str(t) for t in targets)} "
        f"(Förderregeln Stand 1.1.{first}, {len(brief.blocks)} Abschnitte)"
    )
    return 0
