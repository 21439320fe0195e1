"""``paktsim allocate``: split an envelope with a rule and write the table (CSV or Excel).

Examples::

    paktsim allocate --rule counts --counts personen.csv --budget 58000000 --out rahmen.csv
    paktsim allocate --rule population --vintage 2021 --urban-factor 1=1.3,2=1.1,3=1.0 \\
        --budget 58000000 --join neighbours --out rahmen.xlsx
    paktsim allocate --rule population --level kreis --vintage 2021 --budget 8000000 \\
        --out kreise.csv
    paktsim allocate --rule kreis-key --budget 58000000 --out heute.xlsx

``--rule kreis-key`` is the IM rule in force on the rules date
(``integrationsmanagement.verteilschluessel``; from 2025 the Kreise' shares of the
modelled assignments out of Erstaufnahme over the reference window, computed by the
status-quo inflow model).

Every input is checked (and the output target too) before anything is computed
or written; bad input exits with code 2 and one line per problem.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from paktsim.errors import InputError, Problem
from paktsim.limits import MAX_ENVELOPE_EUR

RULES = ("counts", "two-survey", "population", "hybrid", "per-capita", "kreis-key")
_BY = {"degurba": "degurba", "kreistyp": "kreis_typ", "groesse": "size_class"}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``allocate`` sub-command."""
    p = sub.add_parser(
        "allocate",
        help="Mittel nach einer Regel auf Gemeinden oder Kreise verteilen",
        description="Verteilt ein Budget nach einer Regel (gezählte Personen, zwei Erhebungen, "
        "Einwohner mit Stadtfaktor, Mischung, Betrag je Person) auf die Gemeinden "
        "oder Kreise, in ganzen Euro (Summe exakt), mit Antragsschwelle, "
        "gemeinsamen Anträgen und geförderten Stellen. Ausgabe .csv oder .xlsx.",
    )
    p.add_argument(
        "--rule",
        required=True,
        choices=RULES,
        help="Verteilregel; kreis-key: der IM-Kreisschlüssel, der am Stichtag der "
        "Förderregeln gilt (ab 2025: modellierte Zuweisungen aus der "
        "Erstaufnahme je Kreis)",
    )
    p.add_argument(
        "--counts",
        action="append",
        metavar="FILE.csv",
        help="CSV mit Spalten ags,persons (für two-survey zweimal angeben)",
    )
    p.add_argument(
        "--weights",
        metavar="W1,W2",
        help="two-survey: Gewichte der beiden Erhebungen, Summe 1 "
        "(Standard: Parameter 2017, 0.6,0.4)",
    )
    p.add_argument(
        "--alpha",
        type=float,
        metavar="A",
        help="hybrid: Anteil nach gezählten Personen, Rest nach Einwohnern",
    )
    p.add_argument(
        "--rate",
        type=float,
        metavar="EUR",
        help="per-capita: Euro je Person (Standard: Integrationslastenausgleich)",
    )
    p.add_argument("--budget", type=float, metavar="EUR", help="zu verteilende Mittel in Euro")
    p.add_argument("--vintage", type=int, default=2023, help="Datenstand der Einwohner (Jahr)")
    p.add_argument("--level", choices=("gemeinde", "kreis"), default="gemeinde")
    p.add_argument(
        "--pass-down",
        action="store_true",
        help="Kreisbeträge nach Einwohnern an die Gemeinden weitergeben",
    )
    p.add_argument(
        "--urban-factor",
        metavar="K=F,...",
        help="Faktor je Klasse, z. B. 1=1.3,2=1.1,3=1.0 (DEGURBA)",
    )
    p.add_argument(
        "--urban-factor-by",
        choices=tuple(_BY),
        default="degurba",
        help="Klassen des Faktors: degurba (1,2,3), kreistyp "
        "(stadtkreis,landkreis) oder groesse (Einwohner-Untergrenzen)",
    )
    p.add_argument(
        "--join",
        choices=("none", "landkreis", "neighbours"),
        help="Anträge unter der Schwelle: keine, über den Landkreis, mit Nachbarn "
        "(Standard: landkreis)",
    )
    p.add_argument(
        "--hochschule-share",
        type=float,
        metavar="H",
        help="Anteil Stellen zum Hochschul-Fördersatz (Standard: Parameter)",
    )
    p.add_argument(
        "--threshold", type=float, metavar="EUR", help="Antragsschwelle ersetzen (0 = keine)"
    )
    p.add_argument(
        "--params-date",
        metavar="YYYY-MM-DD",
        help="Stichtag der Förderregeln (Standard: 2025-01-01, wie paktsim run)",
    )
    p.add_argument(
        "--below-minimum",
        choices=("top_up", "drop"),
        default="top_up",
        help="Antrag, der keine Mindeststelle trägt: mit Eigenanteil (top_up) "
        "oder ohne Stelle (drop)",
    )
    p.add_argument("--out", required=True, metavar="OUT.csv|OUT.xlsx")
    p.add_argument("--force", action="store_true", help="bestehende Datei überschreiben")
    p.set_defaults(func=run)


def _parse_factors(text: str, by: str) -> dict[Any, float]:
    factors: dict[Any, float] = {}
    problems: list[Problem] = []
    for item in text.split(","):
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            problems.append(
                Problem("--urban-factor", "expected KEY=FACTOR pairs separated by ','", item)
            )
            continue
        try:
            f = float(value)
        except ValueError:
            problems.append(Problem(f"--urban-factor.{key}", "factor must be a number", value))
            continue
        if not (math.isfinite(f) and f > 0):
            problems.append(Problem(f"--urban-factor.{key}", "factor must be > 0", value))
            continue
        if by in ("degurba", "size_class"):
            try:
                factors[int(key)] = f
            except ValueError:
                problems.append(
                    Problem(f"--urban-factor.{key}", "class must be a whole number", key)
                )
        else:
            factors[key] = f
    if problems:
        raise InputError(problems)
    return factors


def _build_rule(args: argparse.Namespace) -> tuple[Any, int | None]:
    problems: list[Problem] = []
    counts_files = args.counts or []
    need = {
        "counts": 1,
        "hybrid": 1,
        "per-capita": 1,
        "two-survey": 2,
        "population": 0,
        "kreis-key": 0,
    }[args.rule]
    if len(counts_files) != need:
        problems.append(
            Problem(
                "--counts", f"rule {args.rule} needs {need} --counts file(s)", len(counts_files)
            )
        )
    if args.rule == "per-capita":
        if args.budget is not None:
            problems.append(
                Problem(
                    "--budget",
                    "a per-capita payment has no budget: the envelope is rate × persons",
                    args.budget,
                )
            )
    elif args.budget is None:
        problems.append(Problem("--budget", "missing; give the envelope in euros"))
    elif not (
        math.isfinite(args.budget) and args.budget > 0 and args.budget == math.floor(args.budget)
    ):
        problems.append(Problem("--budget", "expected whole euros > 0", args.budget))
    elif args.budget > MAX_ENVELOPE_EUR:
        problems.append(
            Problem(
                "--budget",
                f"Budget zu groß; höchstens {MAX_ENVELOPE_EUR:,} €".replace(",", "."),
                args.budget,
            )
        )
    if args.urban_factor and args.rule not in ("population", "hybrid"):
        problems.append(
            Problem("--urban-factor", "only for --rule population or hybrid", args.urban_factor)
        )
    if args.rule == "hybrid" and args.alpha is None:
        problems.append(Problem("--alpha", "missing; hybrid needs the share by counted persons"))
    if args.rule == "kreis-key" and args.level != "kreis":
        args.level = "kreis"  # the key is a Kreis key; --pass-down hands it on
    if args.pass_down and args.level != "kreis":
        problems.append(Problem("--pass-down", "only with --level kreis", True))
    if args.level == "kreis" and args.join not in (None, "none"):
        problems.append(
            Problem(
                "--join",
                "Kreise apply alone; joint applications exist only for Gemeinden",
                args.join,
            )
        )
    if args.hochschule_share is not None and not 0 <= args.hochschule_share <= 1:
        problems.append(
            Problem("--hochschule-share", "expected a share in [0, 1]", args.hochschule_share)
        )
    if args.threshold is not None and not 0 <= args.threshold <= MAX_ENVELOPE_EUR:
        problems.append(
            Problem(
                "--threshold",
                f"expected euros >= 0 (höchstens {MAX_ENVELOPE_EUR:,} €)".replace(",", "."),
                args.threshold,
            )
        )
    if problems:
        raise InputError(problems)

    from paktsim.allocation.factory import build_rule, read_counts, urban_factor

    level = args.level
    urban = None
    if args.urban_factor:
        by = _BY[args.urban_factor_by]
        urban = urban_factor(by, _parse_factors(args.urban_factor, by), "--urban-factor")
    budget = int(args.budget) if args.budget is not None else None
    weights = None
    if args.rule == "two-survey":
        if level == "kreis":
            raise InputError.single("--level", "two-survey is a Gemeinde rule", level)
        if args.weights:
            try:
                weights = [float(x) for x in args.weights.split(",")]
            except ValueError:
                raise InputError.single(
                    "--weights", "expected two numbers W1,W2", args.weights
                ) from None
            if len(weights) != 2 or any(not (math.isfinite(x) and x >= 0) for x in weights):
                raise InputError.single("--weights", "expected two numbers >= 0", args.weights)
            if abs(sum(weights) - 1) > 1e-9:
                raise InputError.single("--weights", "weights must sum to 1", args.weights)
    counts = [read_counts(path, level) for path in counts_files]
    if args.rule == "kreis-key":
        return _kreis_key_rule(args), budget
    rule = build_rule(
        args.rule,
        level=level,
        urban=urban,
        counts=counts,
        weights=weights,
        alpha=args.alpha,
        rate=args.rate,
        location="--rule",
    )
    return rule, budget


def _kreis_key_rule(args: argparse.Namespace) -> Any:
    """The Kreis key in force on the rules date, counted by the status-quo inflow model."""
    from paktsim import pipeline
    from paktsim.allocation.factory import build_rule
    from paktsim.allocation.rules import KreisKey
    from paktsim.params import DEFAULT_RULES_DATE, to_date
    from paktsim.scenario import builtin_scenario

    day = to_date(args.params_date, "--params-date") if args.params_date else DEFAULT_RULES_DATE
    key = KreisKey.in_force(day.year)
    counts = key.count(pipeline.central_inflow(builtin_scenario("status_quo")))
    return build_rule(
        "kreis",
        level="kreis",
        kreis_key="verteilschluessel",
        model_counts=counts,
        year=day.year,
        location="--rule",
    )


#: ``--join`` values as the Herkunft sheet says them
JOIN_DE = {
    "none": "keine gemeinsamen Anträge",
    "landkreis": "über den Landkreis",
    "neighbours": "gemeinsam mit Nachbargemeinden",
}


def _provenance(result: Any, args: argparse.Namespace) -> dict[str, Any]:
    from paktsim._version import __version__
    from paktsim.allocation.rules import LEVEL_DE

    a = result.attrs
    prov: dict[str, Any] = {
        "Regel": a.get("rule"),
        "Mittel (€)": a.get("budget_eur"),
        "Ebene": LEVEL_DE.get(a.get("level"), a.get("level")),
        "Anträge unter der Schwelle": JOIN_DE.get(a.get("join"), a.get("join")),
        "Datenstand Einwohner": a.get("stand"),
        "Stichtag Förderregeln": a.get("params_date"),
        "nicht abrufbare Mittel (€)": a.get("unused_eur"),
        "geförderte Stellen (VZÄ)": a.get("fte_funded"),
        "Zählungen": ", ".join(args.counts or []) or "–",
        "Befehl": "paktsim " + " ".join(sys.argv[1:]) if sys.argv[1:] else "paktsim allocate",
        "paktsim": __version__,
    }
    for path, value in (a.get("parameters") or {}).items():
        prov[f"Parameter {path}"] = value
    return prov


def run(args: argparse.Namespace) -> int:
    """Validate everything, allocate, then write the table atomically."""
    from paktsim.allocation import allocate
    from paktsim.allocation.labels import to_german
    from paktsim.io import TABLE_SUFFIXES, ensure_writable, write_table
    from paktsim.params import to_date

    (out,) = ensure_writable([args.out], force=args.force, suffixes=TABLE_SUFFIXES)
    params_date = to_date(args.params_date, "--params-date") if args.params_date else None
    rule, budget = _build_rule(args)
    result = allocate(
        rule,
        budget,
        vintage=args.vintage,
        join=args.join,
        hochschule_share=args.hochschule_share,
        params_date=params_date,
        threshold_eur=None if args.threshold is None else int(args.threshold),
        below_minimum=args.below_minimum,
        pass_to_gemeinden=args.pass_down,
    )
    table = result.drop(columns="ags")
    if out.suffix.lower() == ".xlsx":
        write_table(
            out,
            {"Verteilung": to_german(table)},
            provenance=_provenance(result, args),
            overwrite=args.force,
        )
    else:  # the same German headers as the Excel sheet (docs/DEVELOPING.md, "CSV files")
        write_table(out, to_german(table), overwrite=args.force)
    from paktsim.report.format import date_de as pd_date
    from paktsim.report.format import eur, number

    a = result.attrs
    fte = a.get("fte_funded")
    fte_text = f", {number(fte, 2)} VZÄ gefördert" if fte is not None else ""
    rules = pd_date(a.get("params_date"))
    print(
        f"{out}: {len(result)} Zeilen, {eur(a['budget_eur'])} verteilt{fte_text}, "
        f"{eur(a['unused_eur'])} nicht abrufbar (Förderregeln Stand {rules})"
    )
    return 0
