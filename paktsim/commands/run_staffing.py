"""Staffing and budget outputs of ``paktsim run`` (helper of :mod:`paktsim.commands.run`).

:func:`build` runs :func:`paktsim.pipeline.run_scenario` and returns

* ``files``: file name → DataFrame (``.csv``) or sheet mapping (``.xlsx``):
  the one-page summary, Land/Kreis(/Gemeinde) staffing tables, the budget
  history and projection, the rule comparison and the Monte Carlo bands when
  the scenario has them;
* ``figures``: name → :class:`~paktsim.report.charts.Plot` (needed vs funded positions,
  tornado of the missing positions, fan chart when there is an ensemble) or, for the
  Sobol charts, a matplotlib Figure;
* ``record``: headline figures for the run record.

Column headers are German (these tables are read by people); values are plain
numbers (CSV machine-readable, Excel with number formats by column kind).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from paktsim.staffing import COLUMN_LABELS

__all__ = [
    "build",
    "headline",
    "horizon_lines",
    "SUMMARY_NAME",
    "WORKBOOK_NAME",
]

SUMMARY_NAME = "personal_uebersicht"
WORKBOOK_NAME = "personal_budget.xlsx"


def _german(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index() if not isinstance(frame.index, pd.RangeIndex) else frame.copy()
    rename = {}
    for col in out.columns:
        text = str(col)
        for suffix, label in (("_scenario", " (Szenario)"), ("_comparison", " (Vergleich)")):
            if text.endswith(suffix):
                rename[col] = COLUMN_LABELS.get(text[: -len(suffix)], text) + label
                break
        else:
            rename[col] = COLUMN_LABELS.get(text, text)
    return out.rename(columns=rename)


def _history_table() -> pd.DataFrame:
    from paktsim import budget
    from paktsim.report.provenance import TAGS_DE

    hist, tags = cast("tuple[pd.DataFrame, pd.DataFrame]", budget.history(with_tags=True))
    labels = hist.attrs["labels"]
    long = hist.rename(columns=labels)
    long.index.name = "Jahr"
    for col, label in labels.items():
        if col in tags:
            long[f"{label} (Einstufung)"] = tags[col].map(lambda t: TAGS_DE.get(t, t or pd.NA))
    return long


def _needed_vs_funded(result: Any) -> Any:
    from paktsim.report.charts import Plot

    land = result.land
    frame = pd.DataFrame(
        {
            "Stellen benötigt": land["fte_needed"].to_numpy(),
            "Stellen gefördert": land["fte_funded"].to_numpy(),
            "Stellen besetzt": land["fte_staffed"].to_numpy(),
        },
        index=pd.PeriodIndex([str(y) for y in land.index], freq="Y"),
    )
    ratio = result.scenario.staffing.target_ratio
    return Plot(
        "stock_timeseries",
        (frame,),
        {
            "title": f"Integrationsmanagement: Stellen benötigt (1:"
            f"{ratio:g}) und gefördert – {result.scenario.name}\n"
            f"Zielgruppe: {result.target_group_label}",
            "ylabel": "Vollzeitstellen",
            "stacked": False,
        },
    )


def build(
    scenario: Any,
    base_dir: Path | None = None,
    tornado: bool = True,
    executor: Any = None,
    steps: Any = None,
    on_figure: Any = None,
) -> dict[str, Any]:
    """Run the staffing/budget pipeline for ``scenario`` and collect its outputs
    (the ensemble's chunks on ``executor`` if given; the long steps shown on
    ``steps``, a :class:`~paktsim.commands.progress.Steps`; ``on_figure(name, figure)``
    called as soon as each chart is complete)."""
    from paktsim import pipeline
    from paktsim.commands.progress import Steps
    from paktsim.report import charts

    steps = steps if steps is not None else Steps(quiet=True)
    n_draws = scenario.uncertainty.n_draws
    with steps.step(f"Monte Carlo: {n_draws} Ziehungen" if n_draws else "Personal und Budget"):
        result = pipeline.run_scenario(scenario, base_dir=base_dir, executor=executor)
    figures: dict[str, Any] = {}

    def add_figure(name: str, fig: Any) -> None:
        figures[name] = fig
        if on_figure is not None:
            on_figure(name, fig)

    add_figure("personal_bedarf_foerderung", _needed_vs_funded(result))  # drawn from now on
    summary = result.summary().round(3)
    files: dict[str, Any] = {
        f"{SUMMARY_NAME}.csv": summary,
        "personal_land.csv": _german(result.land),
        "personal_kreise.csv": _german(result.kreise),
        "budget_projektion.csv": _german(result.projection),
        "budget_verlauf.csv": _history_table(),
    }
    if result.level == "gemeinde":
        files["personal_gemeinden.csv"] = _german(result.places)
    if result.comparison is not None:
        files["vergleich_kreise.csv"] = _german(result.comparison)
    sheets = {
        "Übersicht": summary,
        "Land": files["personal_land.csv"],
        "Kreise": files["personal_kreise.csv"],
        "Budget Projektion": files["budget_projektion.csv"],
        "Budget 2017-2026": files["budget_verlauf.csv"],
    }
    if "personal_gemeinden.csv" in files:
        sheets["Gemeinden"] = files["personal_gemeinden.csv"]
    if "vergleich_kreise.csv" in files:
        sheets["Vergleich Kreise"] = files["vergleich_kreise.csv"]

    record: dict[str, Any] = {
        "staffing_summary": {
            str(y): {
                k: float(result.land[k].loc[y])
                for k in (
                    "caseload",
                    "fte_needed",
                    "fte_funded",
                    "fte_staffed",
                    "gap_fte",
                    "gap_eur",
                )
            }
            for y in result.years
        }
    }
    ens = result.ensemble
    if ens is not None:
        bands = pd.concat(
            {
                COLUMN_LABELS[m]: pd.concat(
                    [result.land[m].rename("deterministisch"), ens.quantiles(m)], axis=1
                )
                for m in ("fte_needed", "gap_fte", "ratio_actual", "gap_eur")
            },
            axis=1,
        )
        bands.columns = [f"{a} {b}" for a, b in bands.columns]
        files["unsicherheit_land.csv"] = bands.reset_index().rename(columns={"year": "Jahr"})
        prob = ens.prob_ratio_above(pipeline.ratio_alert(scenario))
        prob.columns = [str(c) for c in prob.columns]
        files["unsicherheit_kreise_ueber_120.csv"] = prob.reset_index().rename(
            columns={"kreis_ags": "Kreis-AGS"}
        )
        sheets["Unsicherheit Land"] = files["unsicherheit_land.csv"]
        files["unsicherheit_kreise.csv"] = kreis_bands(result)
        sheets["Unsicherheit Kreise"] = files["unsicherheit_kreise.csv"]
        sheets["Wahrsch. über 1 zu 120"] = files["unsicherheit_kreise_ueber_120.csv"]
        q = ens.quantiles("gap_fte")
        q.index = pd.PeriodIndex([str(y) for y in q.index], freq="Y")
        add_figure(
            "personal_faecher_fehlende_stellen",
            charts.Plot(
                "fan_chart",
                (q,),
                {
                    "title": f"Fehlende Stellen (VZÄ), Monte Carlo P10–P90 und Median aus "
                    f"{ens.n_draws} Ziehungen – {scenario.name}",
                    "ylabel": "Vollzeitstellen",
                },
            ),
        )
        record["ensemble"] = {
            "n_draws": ens.n_draws,
            "seed": ens.seed,
            "chunk_size": ens.chunk_size,
            "drawn_mean": {k: float(v.mean()) for k, v in ens.drawn.items()},
        }
    sobol_year = None
    if scenario.uncertainty.sobol_n_base:
        with steps.step(f"Sobol-Analyse: {scenario.uncertainty.sobol_n_base} Basisstichproben"):
            before = set(figures)
            sobol_year = _add_sobol(scenario, base_dir, files, sheets, figures, record)
            for name in [n for n in figures if n not in before]:
                add_figure(name, figures[name])
    files[WORKBOOK_NAME] = sheets
    staff = {
        "files": files,
        "figures": figures,
        "record": record,
        "result": result,
        "summary": summary,
        "notes": list(result.notes),
    }
    if tornado:
        _add_tornado(staff, scenario, sobol_year, base_dir, steps, on_figure)
    return staff


def _add_tornado(
    staff: dict[str, Any],
    scenario: Any,
    sobol_year: int | None,
    base_dir: Path | None,
    steps: Any,
    on_figure: Any,
) -> None:
    """Add the tornado of ``sobol_year`` (``None``: the year of the largest gap) to the
    outputs of :func:`build`: table, sheet (the workbook's last) and chart (``on_figure``
    called)."""
    from paktsim import uncertainty
    from paktsim.report import charts

    with steps.step("Tornado: Annahmen einzeln verändert"):
        tor = uncertainty.tornado(scenario, "net_gap_fte", sobol_year, base_dir=base_dir)
    effects = tor.set_index("label")[["value_low", "value_high"]].rename(
        columns={"value_low": "low", "value_high": "high"}
    )
    year = tor.attrs["year"]
    # an assumption that does not move the year's gap gets no empty bar: it is named
    acting = (effects["high"] - effects["low"]).abs() > 1e-9
    title = f"Fehlende Stellen {year} (benötigt − besetzt): Einfluss einzelner Annahmen"
    if not acting.all():
        title += f"\nohne Wirkung auf {year}: " + ", ".join(effects.index[~acting])
    chart = charts.Plot(
        "tornado",
        (effects[acting] if acting.any() else effects,),
        {
            "base": float(tor["base"].iloc[0]),
            "title": title,
            "xlabel": "Fehlende Stellen (VZÄ, negativ = Überhang)",
            "decimals": 0,
        },
    )
    staff["figures"]["personal_tornado"] = chart
    if on_figure is not None:
        on_figure("personal_tornado", chart)
    files = staff["files"]
    sheets = files.pop(WORKBOOK_NAME)
    files["sensitivitaet.csv"] = tor.reset_index().rename(
        columns={
            "input": "Eingabe",
            "label": "Bezeichnung",
            "low": "unterer Wert",
            "high": "oberer Wert",
            "value_low": "Ergebnis unten",
            "value_high": "Ergebnis oben",
            "base": "Ergebnis Basis",
            "swing": "Spannweite",
        }
    )
    sheets["Sensitivität"] = files["sensitivitaet.csv"]
    files[WORKBOOK_NAME] = sheets  # the workbook stays the last file


def kreis_bands(result: Any) -> pd.DataFrame:
    """Per Kreis and year: positions needed and missing, deterministic beside the Monte
    Carlo P10/P50/P90 (German headers)."""
    ens = result.ensemble
    parts = {}
    for metric in ("fte_needed", "gap_fte"):
        bands = ens.kreis_bands(metric)
        det = result.kreise[metric].reindex(bands.index)
        parts[COLUMN_LABELS[metric]] = pd.concat([det.rename("deterministisch"), bands], axis=1)
    table = pd.concat(parts, axis=1)
    table.columns = [f"{a} {b}" for a, b in table.columns]
    table.index.names = ["kreis_ags", "year"]
    table.insert(0, "name", result.kreise["name"].reindex(table.index).to_numpy())
    return _german(table)


#: German headers of the Sobol table
SOBOL_COLUMNS = {
    "metric": "Kennzahl",
    "year": "Jahr",
    "factor": "Annahme (Schlüssel)",
    "label": "Annahme",
    "low": "unterer Wert",
    "high": "oberer Wert",
    "S1": "Haupteffekt S1",
    "S1_conf": "S1 ± (95 %)",
    "ST": "Gesamteffekt ST",
    "ST_conf": "ST ± (95 %)",
}


def _add_sobol(
    scenario: Any, base_dir: Any, files: dict, sheets: dict, figures: dict, record: dict
) -> int:
    """Sobol indices of the net gap and the co-funding (year of the largest median gap);
    returns that year."""
    from paktsim import sensitivity

    res = sensitivity.sobol(scenario, n_base=scenario.uncertainty.sobol_n_base, base_dir=base_dir)
    parts = []
    for metric in ("net_gap_fte", "cofunding_eur"):
        ix = res.indices(metric)
        table = ix.drop(columns="path").reset_index()
        table.insert(0, "year", res.year)
        table.insert(0, "metric", sensitivity.METRIC_LABELS[metric])
        parts.append(table)
        name = "personal_sobol" if metric == "net_gap_fte" else "personal_sobol_eigenanteil"
        figures[name] = sensitivity.sobol_chart(
            ix,
            title=f"{sensitivity.METRIC_LABELS[metric]} {res.year}:\nSobol-Indizes – "
            f"{scenario.name}",
        )
    table = pd.concat(parts, ignore_index=True).rename(columns=SOBOL_COLUMNS)
    files["sensitivitaet_sobol.csv"] = table
    sheets["Sobol"] = table
    record["sobol"] = {
        "n_base": res.n_base,
        "runs": int(len(res.X)),
        "year": res.year,
        "seed": res.seed,
        "factors": len(res.factors),
    }
    return res.year


def headline(result: Any) -> str:
    """One German line for the terminal: first year's needed vs funded positions."""
    from paktsim.report import format as fmt

    y = result.years[0]
    land = result.land.loc[y]
    ratio = land["ratio_actual"]
    ratio_text = "–" if np.isnan(ratio) else f"1:{fmt.number(ratio)}"
    text = (
        f"{y} (Zielgruppe: {result.target_group_label}): "
        f"{fmt.number(land['fte_needed'])} Stellen benötigt, "
        f"{fmt.number(land['fte_funded'])} gefördert, Schlüssel {ratio_text}, "
        f"fehlend {fmt.number(land['gap_fte'])} (deterministisch)"
    )
    ens = result.ensemble
    if ens is not None:
        q = ens.quantiles("gap_fte").loc[y]
        text += (
            f"; Monte Carlo ({ens.n_draws} Ziehungen) fehlend P10/P50/P90: "
            f"{fmt.number(q['P10'])} / {fmt.number(q['P50'])} / {fmt.number(q['P90'])}"
        )
    return text


def horizon_lines(result: Any) -> list[str]:
    """The closing terminal summary of ``paktsim run``: one German line per year of the
    horizon (stock at the year's end, target group, positions needed / funded / missing,
    caseload ratio; with an ensemble the P10/P50/P90 of the missing positions) and one
    line over the whole horizon."""
    from paktsim.report import format as fmt

    land = result.land
    monthly = result.inflow.land().groupby("month")["persons"].sum()  # all stages
    year_end = monthly.groupby(monthly.index.year).tail(1)  # December, or the last month
    stocks = pd.Series(year_end.to_numpy(), index=year_end.index.year)
    ens = result.ensemble
    bands = ens.quantiles("gap_fte") if ens is not None else None
    convention = (
        "deterministisch"
        if ens is None
        else f"deterministisch; P10/P50/P90 aus {ens.n_draws} Monte-Carlo-Ziehungen"
    )
    lines = [f"Zielgruppe: {result.target_group_label} ({convention})"]
    for year in result.years:
        row = land.loc[year]
        ratio = row["ratio_actual"]
        text = (
            f"{year}: Bestand Jahresende {fmt.number(stocks.get(year, np.nan))} Personen, "
            f"Zielgruppe {fmt.number(row['target_group'])}, "
            f"Stellen benötigt {fmt.number(row['fte_needed'])}, "
            f"gefördert {fmt.number(row['fte_funded'])}, "
            f"fehlend {fmt.number(row['gap_fte'])}, Schlüssel "
            + ("–" if np.isnan(ratio) else f"1:{fmt.number(ratio)}")
        )
        if bands is not None:
            q = bands.loc[year]
            text += (
                f", fehlend P10/P50/P90 {fmt.number(q['P10'])} / {fmt.number(q['P50'])}"
                f" / {fmt.number(q['P90'])}"
            )
        lines.append(text)
    years = result.years
    gap = land["gap_fte"]
    worst = int(gap.idxmax())
    lines.append(
        f"{years[0]}–{years[-1]}: im Mittel {fmt.number(land['fte_needed'].mean())} "
        f"Stellen benötigt, {fmt.number(land['fte_funded'].mean())} gefördert, "
        f"{fmt.number(gap.mean())} fehlend (am meisten {worst}: "
        f"{fmt.number(gap.loc[worst])}); Fehlbetrag Landesmittel zusammen "
        f"{fmt.number(land['gap_eur'].sum())} €"
    )
    return lines
