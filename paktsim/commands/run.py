"""``paktsim run [SCENARIO] --out DIR [--force]``: stocks by stage, month and place.

Writes into ``DIR``:

* ``bestand_land.csv``, ``bestand_kreise.csv``, ``bestand_gemeinden.csv`` —
  monthly stocks (persons) by stage (and group for the Land);
* ``bestand.xlsx`` — what a person reads: Land stocks by month (sheet ``Land``)
  and Kreis stocks at each year's end (``Kreise_Dezember``), plus ``Herkunft``.
  Place × month tables are long machine tables (the Gemeinde one has about
  half a million rows) and stay CSV only: written to Excel they cost most of
  the run's time and print on a thousand pages nobody reads;
* ``bestand_nach_stufe.png`` / ``.svg`` — chart of Land stocks by stage;
* ``run_record.json`` — scenario, parameters, data vintage, version, sha256 of
  inputs and of every file above;
* staffing and budget (:mod:`paktsim.commands.run_staffing`): the one-page
  summary ``personal_uebersicht.csv``, ``personal_land/kreise[/gemeinden].csv``,
  ``budget_projektion.csv``, ``budget_verlauf.csv``, ``sensitivitaet.csv``,
  ``vergleich_kreise.csv`` (with a comparison), ``unsicherheit_*.csv`` (with
  draws), the workbook ``personal_budget.xlsx`` and charts
  ``personal_bedarf_foerderung``, ``personal_tornado`` and
  ``personal_faecher_fehlende_stellen`` (with draws), PNG and SVG.

Speed: a forked :class:`~paktsim.commands.background.Worker` imports matplotlib while
the scenario is computed and draws each chart (PNG and SVG bytes, from a picklable
:class:`~paktsim.report.charts.Plot`) as soon as it exists — the stock chart once the
inflow is computed, the staffing and tornado charts right after the central run — while
this process builds and writes the tables (byte for byte what one process draws,
``PAKTSIM_NO_FORK=1``).  This process never imports matplotlib; it leaves by ``os._exit``
(:func:`paktsim.cli.entry`).  The terminal shows the running step
(:class:`~paktsim.commands.progress.Steps`, not with ``--quiet``) and ends with a summary
over every year of the horizon.

Structure for extension: :func:`build_outputs` computes everything into a dict
(tables, figures, record facts); :func:`write_outputs` checks every target and
then writes.  Other commands can add tables/figures to the dict before writing.
"""

from __future__ import annotations

import argparse
import gc
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paktsim.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register", "run", "build_outputs", "write_outputs", "output_files"]

RECORD_NAME = "run_record.json"
WORKBOOK_NAME = "bestand.xlsx"
CHART_FORMATS = ("png", "svg")
#: Resolution of the PNG charts: that of the Word report's pictures (a chart 16 cm wide
#: prints at 250 dpi); the SVG twin is for print at any size.  300 dpi cost a fifth more
#: drawing time (0.27 s CPU of a status-quo run).
CHART_DPI = 200  # structural: output resolution, not a model number


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``run`` sub-command."""
    parser = sub.add_parser(
        "run",
        help="Szenario rechnen: Bestände nach Stufe, Monat und Ort",
        description="Rechnet ein Szenario (ohne Datei: Status quo mit den mitgelieferten "
        "Daten) und schreibt Bestandstabellen (CSV, Excel), eine Grafik und "
        "einen Laufnachweis (run_record.json) in den Ordner --out.",
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="Szenario-Datei (YAML); ohne Angabe: Status quo",
    )
    parser.add_argument(
        "--out", default="ergebnisse", metavar="DIR", help="Ausgabeordner (Standard: ./ergebnisse)"
    )
    parser.add_argument("--force", action="store_true", help="vorhandene Dateien überschreiben")
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="keine Fortschrittsanzeige und keine Zusammenfassung, nur Fehlermeldungen",
    )
    parser.add_argument(
        "--draws",
        type=int,
        metavar="N",
        help="Zahl der Monte-Carlo-Ziehungen statt uncertainty.n_draws des "
        "Szenarios (0 = nur die zentrale Rechnung, auch ohne Sobol-"
        "Analyse; z. B. für schnelle Proben und CI)",
    )
    parser.add_argument(
        "--sobol",
        type=int,
        metavar="N",
        help="zusätzlich Sobol-Indizes (globale Sensitivität) der fehlenden "
        "Stellen und des kommunalen Eigenanteils: N Basisstichproben "
        "(Zweierpotenz, z. B. 128; N × (Annahmen + 2) Modellläufe, "
        "Status quo mit 128: etwa 5.400 Läufe, eine halbe Minute); "
        "schreibt sensitivitaet_sobol.csv, das Blatt Sobol in "
        "personal_budget.xlsx und zwei Grafiken; 0 = keine (Standard, "
        "außer das Szenario setzt uncertainty.sobol_n_base)",
    )
    from paktsim.commands.executor import add_arguments

    add_arguments(parser)
    parser.set_defaults(func=run)


def _load(scenario_path: str | None) -> tuple[Any, Path | None]:
    from paktsim.scenario import builtin_scenario, load_scenario

    if scenario_path is None:
        return builtin_scenario("status_quo"), None
    path = Path(scenario_path)
    return load_scenario(path), path


def _labels(values: pd.Series, mapping: Any = None) -> pd.Categorical:
    """``values`` as text (mapped through ``mapping`` if given), worked out once per
    distinct value: the Gemeinde table repeats 1,101 names over 264,000 rows."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values)
    text = pd.Index(np.asarray(uniques.astype(str), dtype=object))
    if mapping is not None:
        text = text.map(mapping)
    # two places may share a name: categories must be unique
    label_codes, label_uniques = pd.factorize(np.asarray(text, dtype=object))
    return pd.Categorical.from_codes(label_codes[codes], categories=pd.Index(label_uniques))


def _german_tables(result: Any) -> dict[str, pd.DataFrame]:
    import pandas as pd

    from paktsim import regions
    from paktsim.inflow.arrivals import GROUP_LABELS
    from paktsim.inflow.model import STAGE_LABELS

    land = result.land(by_group=True)
    land = pd.DataFrame(
        {
            "Monat": land["month"].astype(str),
            "Stufe": land["stage"].astype(str).map(STAGE_LABELS),
            "Gruppe": land["group"].astype(str).map(GROUP_LABELS),
            "Personen": land["persons"].to_numpy().round(3),
        }
    )
    names_k = regions.kreise(2023)["name"]
    kreise = result.kreise()
    kreise = pd.DataFrame(
        {
            "AGS": kreise["ags"].astype(str),
            "Kreis": kreise["ags"].astype(str).map(names_k),
            "Monat": kreise["month"].astype(str),
            "Stufe": kreise["stage"].astype(str).map(STAGE_LABELS),
            "Personen": kreise["persons"].to_numpy().round(3),
        }
    )
    gem_meta = regions.municipalities(2023)
    gem = result.gemeinden()
    gem = pd.DataFrame(
        {
            "AGS": _labels(gem["ags"]),
            "Gemeinde": _labels(gem["ags"], gem_meta["name"]),
            "Kreis": _labels(gem["ags"], gem_meta["kreis_name"]),
            "Monat": _labels(gem["month"]),
            "Stufe": _labels(gem["stage"], STAGE_LABELS),
            "Personen": gem["persons"].to_numpy().round(3),
        }
    )
    return {"Land": land, "Kreise": kreise, "Gemeinden": gem}


def _year_ends(months: Any) -> list[str]:
    """Each December of the horizon, and its last month if that is not a December."""
    ends = [str(m) for m in months if m.month == 12]
    if str(months[-1]) not in ends:
        ends.append(str(months[-1]))
    return ends


def build_outputs(
    scenario: Any,
    base_dir: Path | None = None,
    scenario_file: Path | None = None,
    executor: Any = None,
    steps: Any = None,
    drawer: Any = None,
) -> dict[str, Any]:
    """Run the scenario and collect everything ``paktsim run`` writes (the long steps
    shown on ``steps``, a :class:`~paktsim.commands.progress.Steps`; the charts drawn by
    ``drawer``, a :class:`~paktsim.commands.background.Worker`, started here if not given
    and there is no executor).

    Returns
    -------
    dict
        ``tables`` (name → DataFrame, CSV and Excel sheets), ``excel_tables``
        (the Excel variants), ``figures`` (name → :class:`~paktsim.report.charts.Plot`,
        or a matplotlib Figure), ``record`` (facts for the run record: scenario,
        parameters, data, inputs, extra), ``drawing`` (name → the job drawing that
        figure's PNG and SVG bytes; empty with an executor), ``drawer`` (the
        :class:`~paktsim.commands.background.Worker` of those jobs, closed by
        :func:`write_outputs`; ``None`` with an executor) and ``result`` (the
        :class:`~paktsim.inflow.model.InflowResult`).
    """
    from paktsim import pipeline
    from paktsim.commands.progress import Steps

    steps = steps if steps is not None else Steps(quiet=True)
    # charts are drawn on the second core by a forked worker that imports matplotlib
    # while this process computes (not beside the workers or the Dask client of
    # --workers/--scheduler: no fork there)
    if drawer is None and executor is None:
        drawer = start_drawer()
    drawing: dict[str, Any] = {}

    def on_figure(name: str, fig: Any) -> None:
        if drawer is not None:
            drawing[name] = _start_drawing(fig, drawer)

    try:
        with steps.step("Szenario rechnen"):
            # checks first; the stock chart needs the inflow only: it is sent to the drawer
            # before the allocations and the staffing of the central run are computed
            result = pipeline.checked_inflow(scenario, base_dir=base_dir)
            stock_chart = _stock_chart(scenario, result)
            on_figure("bestand_nach_stufe", stock_chart)
            pipeline.run_scenario(scenario, base_dir=base_dir, ensemble=False)
        outputs = _collect(
            scenario, result, stock_chart, base_dir, scenario_file, executor, steps, on_figure
        )
    except BaseException:
        for job in [drawer, *drawing.values()]:
            if job is not None:
                job.cancel()
        raise
    outputs["drawing"] = drawing
    outputs["drawer"] = drawer
    return outputs


def start_drawer() -> Any:
    """The :class:`~paktsim.commands.background.Worker` that draws ``paktsim run``'s
    charts (it imports matplotlib at once: start it as soon as the scenario is read)."""
    from paktsim.commands.background import Worker
    from paktsim.report.charts import warm_up

    return Worker(warm_up)


def _stock_chart(scenario: Any, result: Any) -> Any:
    """The chart of the Land stocks by stage (a :class:`~paktsim.report.charts.Plot`)."""
    from paktsim.inflow.model import STAGE_LABELS
    from paktsim.report.charts import Plot

    land = result.land().pivot(index="month", columns="stage", values="persons")
    land = land[["ea", "vu", "au", "own"]].rename(columns=STAGE_LABELS)
    land.index = land.index.to_timestamp()
    land.columns = [str(c) for c in land.columns]
    title = f"Bestände nach Unterbringungsstufe – {scenario.name}"
    return Plot("stock_timeseries", (land,), {"title": title})


def _put(data: bytes, handle: Any) -> None:
    handle.write(data)


class _Drawn:
    """A chart already drawn (the interface of a finished Background)."""

    def __init__(self, charts: dict[str, bytes]) -> None:
        self.charts = charts

    def result(self) -> dict[str, bytes]:
        """The files' bytes by format."""
        return self.charts

    def cancel(self) -> None:
        """Nothing runs."""


def _start_drawing(fig: Any, drawer: Any = None) -> Any:
    """A job drawing ``fig`` as PNG and SVG: a :class:`~paktsim.report.charts.Plot` on
    ``drawer`` (a :class:`~paktsim.commands.background.Worker`), a matplotlib Figure (not
    picklable) in a forked :class:`~paktsim.commands.background.Background`."""
    import functools

    from paktsim.commands.background import Background
    from paktsim.report.charts import Plot, render_figure

    draw = functools.partial(render_figure, fig, CHART_FORMATS, dpi=CHART_DPI)
    if drawer is not None and isinstance(fig, Plot):
        return drawer.submit(draw)
    return Background(draw)


def _collect(
    scenario: Any,
    result: Any,
    stock_chart: Any,
    base_dir: Path | None,
    scenario_file: Path | None,
    executor: Any,
    steps: Any,
    on_figure: Any = None,
) -> dict[str, Any]:
    """The tables, figures and record facts of :func:`build_outputs` (``on_figure(name,
    figure)`` is called as soon as each further chart is complete)."""
    from paktsim import regions
    from paktsim.commands import run_staffing

    # staffing and tornado first: their charts are drawn while the tables are built
    staff = run_staffing.build(
        scenario, base_dir=base_dir, executor=executor, steps=steps, on_figure=on_figure
    )
    tables = _german_tables(result)
    kreise = tables["Kreise"]
    excel_tables = {
        "Land": tables["Land"],
        "Kreise_Dezember": kreise[kreise["Monat"].isin(_year_ends(result.months))].reset_index(
            drop=True
        ),
    }
    inputs: dict[str, Any] = {}
    if scenario_file is not None:
        inputs["scenario_file"] = scenario_file
    for i, block in enumerate(scenario.arrivals.blocks):
        if block.kind == "csv" and block.file:
            file = Path(block.file)
            inputs[f"arrivals.blocks.{i}.file"] = (
                (base_dir / file) if base_dir and not file.is_absolute() else file
            )
    info = regions.data_info()
    record = {
        "scenario": scenario,
        "parameters": dict(result.parameters),
        "data": {
            "vintage": scenario.data.vintage,
            "key_vintages": result.keys.vintages,
            "sources_sha256": info.get("sources", {}),
        },
        "inputs": inputs,
        "extra": {
            "n_draws": scenario.uncertainty.n_draws,
            "seed": scenario.seed if scenario.uncertainty.n_draws else None,
            "horizon": [str(result.months[0]), str(result.months[-1])],
            "balance_max_residual": result.balance(),
        },
    }
    outputs = {
        "tables": tables,
        "excel_tables": excel_tables,
        "figures": {"bestand_nach_stufe": stock_chart},
        "record": record,
        "result": result,
    }

    outputs["files"] = staff["files"]
    outputs["figures"].update(staff["figures"])
    outputs["record"]["extra"].update(staff["record"])
    outputs["staffing"] = staff
    return outputs


def output_files(outputs: dict[str, Any], out_dir: Path) -> list[Path]:
    """Every file :func:`write_outputs` will write (for the up-front check)."""
    files = [out_dir / f"bestand_{name.lower()}.csv" for name in outputs["tables"]]
    files.append(out_dir / WORKBOOK_NAME)
    files += [out_dir / name for name in outputs.get("files", {})]
    for name in outputs["figures"]:
        files += [out_dir / f"{name}.{kind}" for kind in CHART_FORMATS]
    files.append(out_dir / RECORD_NAME)
    return files


def write_outputs(outputs: dict[str, Any], out_dir: str | Path, force: bool = False) -> list[Path]:
    """Check every target, then write tables, workbook, figures and the run record.

    The whole set is written into a fresh folder next to ``out_dir`` and swapped
    in only when complete (:func:`paktsim.io.output_set`): a run that fails or is
    interrupted leaves ``out_dir`` exactly as it was, and two runs cannot write
    one folder at once.

    Raises
    ------
    InputError
        A target exists (without ``force``) or cannot be written; nothing is
        written in that case.
    """
    from paktsim.io import output_set

    out_dir = Path(out_dir)
    targets = output_files(outputs, out_dir)
    with output_set(
        out_dir, [p.name for p in targets], force=force, record_name=RECORD_NAME
    ) as staging:
        _write_set(outputs, staging)
    return targets


def _write_set(outputs: dict[str, Any], out_dir: Path) -> None:
    """Write every file of the set into the (fresh, empty) folder ``out_dir``."""
    from paktsim.runrecord import record_base, seal_record, write_record

    import functools

    from paktsim.io import write_bytes_with

    written: dict[str, Path] = {}
    # drawing is the largest part of the work: each chart not yet drawn by a forked
    # child of build_outputs is drawn by one now (same bytes as inline,
    # PAKTSIM_NO_FORK=1) while this process writes the tables
    drawing = outputs.setdefault("drawing", {})
    for name, fig in outputs["figures"].items():
        if name not in drawing:
            drawing[name] = _start_drawing(fig)
    drawer = outputs.get("drawer")
    try:
        _write_tables(outputs, out_dir, written)
        base = record_base(**outputs["record"])  # while the last charts are drawn
        for name in outputs["figures"]:
            charts = drawing[name].result()
            drawing[name] = _Drawn(charts)  # a second write_outputs writes the same bytes
            for kind, data in charts.items():
                path = write_bytes_with(out_dir / f"{name}.{kind}", functools.partial(_put, data))
                written[path.name] = path
    except BaseException:
        for job in [*drawing.values(), drawer]:
            if job is not None:
                job.cancel()
        raise
    if drawer is not None:
        drawer.close()
    write_record(out_dir / RECORD_NAME, seal_record(base, written))


def _write_tables(outputs: dict[str, Any], out_dir: Path, written: dict[str, Path]) -> None:
    """Write the CSV files and workbooks of the set into ``out_dir``."""
    import pandas as pd

    from paktsim.io import write_long_csv, write_table

    for name, table in outputs["tables"].items():
        path = out_dir / f"bestand_{name.lower()}.csv"
        write_long_csv(path, table)
        written[path.name] = path
    facts = outputs["record"]
    provenance = {
        "Szenario": facts["scenario"].name,
        "Szenario sha256": facts["scenario"].sha256,
        "Datenstand": facts["data"]["vintage"],
        "Ziehungen": facts["extra"]["n_draws"],
        "Parameterstand": f"{facts['scenario'].horizon.start}-01",
    }
    path = out_dir / WORKBOOK_NAME
    write_table(
        path,
        {k: v.set_index(v.columns[0]) for k, v in outputs["excel_tables"].items()},
        provenance=provenance,
    )
    written[path.name] = path
    for name, table in outputs.get("files", {}).items():
        path = out_dir / name
        if name.endswith(".xlsx"):
            write_table(
                path,
                {
                    k: v if not isinstance(v.index, pd.RangeIndex) else v.set_index(v.columns[0])
                    for k, v in table.items()
                },
                provenance=provenance,
            )
        else:
            write_table(
                path,
                table
                if not isinstance(table.index, pd.RangeIndex)
                else table.set_index(table.columns[0]),
            )
        written[path.name] = path


def run(args: argparse.Namespace) -> int:
    """Run a scenario and write its outputs."""
    from paktsim.commands.executor import uses_executor

    scenario, path = _load(args.scenario)
    # the modules are loaded: the garbage collector need not scan them again (its full
    # collections took 0.13 s of a status-quo run, 0.03 s after), and the forked children
    # do not copy their memory pages by scanning them
    gc.freeze()
    # now (pandas is imported, the scenario is read): the drawing worker imports
    # matplotlib while this process computes
    drawer = None if uses_executor(args) else start_drawer()
    try:
        return _run(args, scenario, path, drawer)
    except BaseException:
        if drawer is not None:
            drawer.cancel()
        raise


def _run(args: argparse.Namespace, scenario: Any, path: Path | None, drawer: Any) -> int:
    if not args.force and (Path(args.out) / RECORD_NAME).exists():
        # refuse before computing: the folder holds a previous run
        from paktsim.io import ensure_writable

        ensure_writable([Path(args.out) / RECORD_NAME], location="--out")
    if args.draws is not None:
        if args.draws < 0:
            raise InputError(Problem("--draws", "expected 0 or more draws", args.draws))
        changes: dict[str, int] = {"n_draws": args.draws}
        if args.draws == 0 and args.sobol is None:  # "only the central run", as the help says
            changes["sobol_n_base"] = 0
        scenario = scenario.with_changes(uncertainty=changes)
    if args.sobol is not None:
        from paktsim.limits import MAX_SOBOL_N_BASE

        if (
            args.sobol < 0
            or args.sobol == 1
            or args.sobol & (args.sobol - 1)
            or args.sobol > MAX_SOBOL_N_BASE
        ):
            raise InputError(
                Problem(
                    "--sobol",
                    "erwartet 0 oder eine Zweierpotenz von 2 bis "
                    f"{MAX_SOBOL_N_BASE} (z. B. 64, 128, 256)",
                    args.sobol,
                )
            )
        scenario = scenario.with_changes(uncertainty={"sobol_n_base": args.sobol})
    from paktsim.commands.executor import chunk_progress_display, executor_from_args
    from paktsim.commands.progress import Steps

    out_dir = Path(args.out)
    with Steps(quiet=args.quiet) as steps:
        try:
            with executor_from_args(args) as executor, chunk_progress_display(args):
                outputs = build_outputs(
                    scenario,
                    base_dir=path.parent if path else None,
                    scenario_file=path,
                    executor=executor,
                    steps=steps,
                    drawer=drawer,
                )
        except InputError as exc:  # name the scenario file, as `paktsim validate` does
            raise exc.with_source(str(path)) if path and exc.source is None else exc from None
        if out_dir.exists() and not out_dir.is_dir():
            raise InputError(Problem("--out", "is a file, expected a folder", str(out_dir)))
        with steps.step("Dateien schreiben"):
            files = write_outputs(outputs, out_dir, force=args.force)
    if args.quiet:
        return 0
    result = outputs["result"]
    from paktsim.commands.run_staffing import horizon_lines

    print(f"{scenario.name}: {len(files)} Dateien in {out_dir}")
    print(
        f"Förderregeln: Stand 1.1. jedes Jahres, {str(result.months[0])[:4]} bis "
        f"{str(result.months[-1])[:4]}; prüfen mit: paktsim verify {out_dir / RECORD_NAME}"
    )
    for line in horizon_lines(outputs["staffing"]["result"]):
        print(line)
    return 0
