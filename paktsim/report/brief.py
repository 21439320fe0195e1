"""A German brief of one scenario for Word (``.docx``) and PDF.

:func:`build_brief` turns a :class:`~paktsim.pipeline.ScenarioResult` into a
list of blocks (headings, paragraphs, tables of text, figures with captions);
:func:`write_docx` lays them out with python-docx.  The PDF is the same
document converted by LibreOffice (:func:`docx_to_pdf`).

Content: the scenario's assumptions (scenario settings, then the parameters in
force with value, tag and source), the headline figures by year, staffing and
money over the horizon, winners and losers by Kreis with a map when the
scenario has a comparison rule, the P10–P90 bands when it has Monte Carlo
draws, and the sources.  Every figure and table has a caption with its source.

Determinism: the document carries no creation time (core properties are set
to the first rules date, zip members get a fixed timestamp), so the same
scenario gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

from paktsim.errors import InputError, Problem
from paktsim.report import format as fmt

__all__ = [
    "Block",
    "Brief",
    "build_brief",
    "write_docx",
    "docx_to_pdf",
    "soffice",
    "require_soffice",
    "headline_table",
]

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_YEARS_SHOWN = 6


@dataclass
class Block:
    """One piece of the brief: ``kind`` heading/paragraph/table/figure."""

    kind: str
    text: str = ""
    level: int = 1
    table: pd.DataFrame | None = None
    figure: Any = None


@dataclass
class Brief:
    """The brief's title, blocks and document date."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    date: dt.date = dt.date(2025, 1, 1)

    def add(self, kind: str, text: str = "", **kw: Any) -> None:
        self.blocks.append(Block(kind, text, **kw))


def _years(result: Any) -> list[int]:
    years = result.years
    if len(years) <= _YEARS_SHOWN:
        return years
    step = (len(years) - 1) / (_YEARS_SHOWN - 1)
    return sorted({years[round(i * step)] for i in range(_YEARS_SHOWN)})


def _cell(label: str, value: float) -> str:
    if pd.isna(value):
        return fmt.MISSING
    text_label = str(label)
    if "(€)" in text_label:
        text = fmt.compact_eur(value, 1)
    elif "VZÄ" in text_label:
        text = fmt.number(value, 1)
    elif "Personen je VZÄ" in text_label or "Schlüssel" in text_label:
        text = fmt.number(value, 0)
    elif "Wahrscheinlichkeit" in text_label or "%" in text_label:
        text = fmt.percent(value, 0)
    else:
        text = fmt.number(value, 0)
    return fmt.typographic_minus(text)


def headline_table(result: Any, years: list[int] | None = None) -> pd.DataFrame:
    """The summary (German rows, years as columns) as formatted German text."""
    years = years or _years(result)
    summary = result.summary(years)
    out = pd.DataFrame(
        {col: [_cell(label, v) for label, v in summary[col].items()] for col in summary.columns},
        index=summary.index,
    )
    out.index.name = "Kennzahl"
    return out


def _assumptions(scenario: Any, result: Any) -> pd.DataFrame:
    from paktsim.report.comparison_maps import rule_text_de

    rows: list[tuple[str, str]] = [
        ("Zeitraum", f"{scenario.horizon.start} bis {scenario.horizon.end}"),
        ("Datenstand Einwohner", f"31.12.{scenario.data.vintage}"),
    ]
    arrivals = getattr(scenario.arrivals, "path", None)
    if arrivals:
        rows.append(("Zugangspfad", str(arrivals)))
    first = result.allocations[min(result.allocations)]
    rows.append(("Verteilregel", rule_text_de(first.attrs.get("rule"))))
    rows.append(("Mittel (erstes Jahr)", fmt.eur(int(first["amount_eur"].sum()))))
    if first.attrs.get("params_date"):
        rows.append(
            (
                "Stichtag Förderregeln",
                "jeweils 1.1. des Jahres (erstes Jahr: "
                f"{pd.Timestamp(first.attrs['params_date']).strftime('%d.%m.%Y')})",
            )
        )
    if scenario.comparison is not None:
        comp = scenario.comparison
        rows.append(
            (
                "Vergleichsregel",
                f"{comp.rule} ({'Kreise' if comp.level == 'kreis' else 'Gemeinden'})",
            )
        )
    staffing = getattr(scenario, "staffing", None)
    ratio = getattr(staffing, "target_ratio", None) if staffing is not None else None
    if ratio:
        rows.append(("Zielschlüssel", f"1:{fmt.number(ratio, 0)} (Personen je Vollzeitstelle)"))
    draws = getattr(getattr(scenario, "uncertainty", None), "n_draws", 0) or 0
    rows.append(("Monte-Carlo-Ziehungen", fmt.number(draws) if draws else "keine"))
    if scenario.overrides:
        for path, dated in scenario.overrides.items():
            rows.append((f"Vorgabe {path}", "; ".join(f"ab {d}: {v}" for d, v in dated.items())))
    frame = pd.DataFrame(rows, columns=["Annahme", "Wert"]).set_index("Annahme")
    return frame


_PARAM_PREFIXES = ("integrationsmanagement.", "betreuungsschluessel.", "verteilung.")


def _parameter_table(scenario: Any, date: Any) -> pd.DataFrame:
    from paktsim.report.provenance import parameters_in_force, parameters_in_force_de

    raw = parameters_in_force(date, scenario.overrides or None)
    keep = [
        p
        for p, row in raw.to_dict("index").items()
        if row["value"] is not None
        and (p.startswith(_PARAM_PREFIXES) or row["tag"] in ("uncertain", "override"))
    ]
    table = parameters_in_force_de(date, scenario.overrides or None, keep)
    return table.drop(columns=["gilt seit"]).reset_index(drop=True).set_index("Bezeichnung")


def _staffing_figure(result: Any) -> Any:
    from paktsim.report.charts import stock_timeseries

    land = result.land
    frame = pd.DataFrame(
        {
            "Stellen benötigt": land["fte_needed"],
            "Stellen gefördert": land["fte_funded"],
            "Stellen besetzt": land["fte_staffed"],
        }
    )
    frame.index = [int(y) for y in frame.index]
    return stock_timeseries(
        frame,
        title="Integrationsmanagement: Stellen (VZÄ)",
        ylabel="Vollzeitstellen",
        stacked=False,
    )


def _money_figure(result: Any) -> Any:
    from paktsim.report.charts import stock_timeseries

    proj = result.projection
    frame = pd.DataFrame(
        {
            "Mittel benötigt für Zielschlüssel": proj["needed_eur"],
            "Mittel geplant": proj["planned_eur"],
        }
    )
    frame.index = [int(y) for y in frame.index]
    return stock_timeseries(
        frame,
        title="Landesmittel Integrationsmanagement (€ je Jahr)",
        ylabel="€ je Jahr",
        stacked=False,
        value_format="compact_eur",
    )


def winners_losers_table(result: Any, year: int, n: int = 8) -> pd.DataFrame:
    """Kreise with the largest gains and losses of the scenario's rule vs the comparison."""
    from paktsim import regions
    from paktsim.report.comparison_maps import kreis_labels

    comp = result.comparison.xs(year, level="year")
    pop = regions.kreise(result.scenario.data.vintage)["population"].reindex(comp.index)
    delta = comp["delta_frame_eur"].astype(float)
    order = pd.concat([delta.nlargest(n), delta.nsmallest(n)])
    order = order[~order.index.duplicated()].sort_values(ascending=False)
    labels = kreis_labels()
    out = pd.DataFrame(
        {
            "Kreis": labels.reindex(order.index).to_numpy(),
            "Vergleichsregel": [fmt.eur(v) for v in comp.loc[order.index, "frame_eur_comparison"]],
            "Szenario": [fmt.eur(v) for v in comp.loc[order.index, "frame_eur_scenario"]],
            "Δ €": [fmt.typographic_minus(fmt.eur(v, sign=True)) for v in order],
            "Δ € je Einwohner": [
                fmt.typographic_minus(fmt.eur(v, 2, sign=True))
                for v in (order / pop.reindex(order.index))
            ],
        }
    ).set_index("Kreis")
    return out


def _comparison_map(result: Any, year: int) -> Any:
    from paktsim import regions
    from paktsim.report.comparison_maps import delta_classes, map_source, rule_text_de
    from paktsim.report.maps import choropleth

    comp = result.comparison.xs(year, level="year")
    pop = regions.kreise(result.scenario.data.vintage)["population"].reindex(comp.index)
    values = (comp["delta_frame_eur"] / pop).astype(float)
    values.index = values.index.astype(str)
    first = result.allocations[year]
    spec = result.scenario.comparison
    subtitle = (
        f"Szenario: {rule_text_de(first.attrs.get('rule'))}\n"
        f"Vergleich: {spec.rule} ({'Kreise' if spec.level == 'kreis' else 'Gemeinden'})"
        f"; Mittel {fmt.compact_eur(int(first['amount_eur'].sum()))}; "
        f"Förderregeln Stand 1.1.{year}"
    )
    return choropleth(
        values,
        level="kreis",
        title=f"Gewinner und Verlierer {year}: Δ € je Einwohner nach Stadt- und Landkreisen",
        legend_title="Δ € je Einwohner",
        classes=delta_classes(values),
        value_format="eur",
        decimals=2,
        subtitle=subtitle,
        source=map_source(),
    )


def _band_table(result: Any, years: list[int]) -> pd.DataFrame:
    summary = result.summary(years)
    keep = [
        i
        for i in summary.index
        if "P10" in str(i) or "P90" in str(i) or "Wahrscheinlichkeit" in str(i)
    ]
    rows = []
    for label in keep:
        base = str(label)
        rows.append([base] + [_cell(base, summary.loc[label, c]) for c in summary.columns])
    return pd.DataFrame(rows, columns=["Kennzahl"] + list(summary.columns)).set_index("Kennzahl")


def build_brief(result: Any, command: str | None = None) -> Brief:
    """The German brief of a scenario result (blocks in reading order).

    Parameters
    ----------
    result : ScenarioResult
        From :func:`paktsim.pipeline.run_scenario`.
    command : str, optional
        The command line that made the brief (printed under "Quellen").
    """
    from paktsim._version import __version__

    scenario = result.scenario
    years = _years(result)
    first = min(result.years)
    brief = Brief(f"Kurzbericht: {scenario.name}", date=dt.date(first, 1, 1))
    source = f"Quelle: eigene Berechnung mit paktsim {__version__}"
    if scenario.description:
        brief.add("paragraph", " ".join(str(scenario.description).split()))
    brief.add(
        "paragraph",
        f"Zeitraum {scenario.horizon.start} bis {scenario.horizon.end}; "
        f"Förderregeln jeweils zum 1.1. des Jahres; Einwohner 31.12."
        f"{scenario.data.vintage}; paktsim {__version__}.",
    )

    brief.add("heading", "Annahmen", level=1)
    brief.add(
        "table",
        "Tabelle 1: Annahmen des Szenarios. " + source + ".",
        table=_assumptions(scenario, result),
    )
    brief.add(
        "table",
        f"Tabelle 2: Parameter in Kraft am 1.1.{first} mit Einstufung "
        "(belegt, abgeleitet, unsicher, Annahme, Szenario-Vorgabe) und Quelle. "
        "Quelle: paktsim/parameters (paktsim params).",
        table=_parameter_table(scenario, f"{first}-01-01"),
    )

    brief.add("heading", "Kennzahlen", level=1)
    brief.add(
        "table",
        "Tabelle 3: Kennzahlen je Jahr (Jahresmittel bzw. Jahressumme). " + source + ".",
        table=headline_table(result, years),
    )

    brief.add("heading", "Personal und Mittel im Zeitverlauf", level=1)
    brief.add(
        "figure",
        "Abbildung 1: Stellen im Integrationsmanagement, benötigt für den "
        "Zielschlüssel, gefördert und besetzt. " + source + ".",
        figure=_staffing_figure(result),
    )
    brief.add(
        "figure",
        "Abbildung 2: Landesmittel, geplant und benötigt für den Zielschlüssel. "
        + source
        + "; Mittel: Pakt für Integration (paktsim params).",
        figure=_money_figure(result),
    )

    figure_no, table_no = 3, 4
    if result.comparison is not None:
        brief.add("heading", "Gewinner und Verlierer", level=1)
        brief.add(
            "paragraph",
            f"Planungsrahmen der Kreise im Jahr {first}: Regel des Szenarios "
            "gegenüber der Vergleichsregel (Δ = Szenario − Vergleich).",
        )
        brief.add(
            "table",
            f"Tabelle {table_no}: Kreise mit den größten Gewinnen und Verlusten "
            f"{first}. {source}; Einwohner: Destatis.",
            table=winners_losers_table(result, first),
        )
        table_no += 1
        brief.add(
            "figure",
            f"Abbildung {figure_no}: Δ € je Einwohner nach Stadt- und "
            f"Landkreisen {first}. {source}; Grenzen: © GeoBasis-DE / BKG "
            "(Daten verändert).",
            figure=_comparison_map(result, first),
        )
        figure_no += 1

    if result.ensemble is not None:
        brief.add("heading", "Unsicherheit", level=1)
        draws = getattr(scenario.uncertainty, "n_draws", 0)
        brief.add(
            "paragraph",
            f"Monte-Carlo-Rechnung mit {fmt.number(draws)} Ziehungen "
            f"(Startwert {scenario.seed}): 10- und 90-%-Quantile.",
        )
        brief.add(
            "table",
            f"Tabelle {table_no}: Bandbreiten (P10 bis P90). {source}.",
            table=_band_table(result, years),
        )

    brief.add("heading", "Quellen und Methode", level=1)
    brief.add(
        "paragraph",
        "Einwohner und Gemeindeverzeichnis: Statistisches Bundesamt "
        "(Destatis); Grenzen: © GeoBasis-DE / BKG (Daten verändert), "
        "dl-de/by-2-0; Förderregeln und Annahmen: Tabelle 2 mit Quellen.",
    )
    brief.add(
        "paragraph",
        "Nachrechnen: "
        + (command or "paktsim report SZENARIO --out bericht.docx")
        + f" (paktsim {__version__}).",
    )
    return brief


def _add_table(document: Any, table: pd.DataFrame, caption: str) -> None:
    from docx.shared import Pt

    index_name = table.index.name or ""
    cols = [index_name] + [str(c) for c in table.columns]
    grid = document.add_table(rows=1, cols=len(cols))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, cols):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for label, row in table.iterrows():
        cells = grid.add_row().cells
        cells[0].text = str(label)
        for cell, value in zip(cells[1:], row.tolist()):
            cell.text = "" if value is None else str(value)
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)
    document.add_paragraph(caption, style="Caption")


def _add_figure(document: Any, figure: Any, caption: str) -> None:
    from docx.shared import Cm

    from paktsim.report.charts import add_source

    add_source(figure)
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=200,
        bbox_inches="tight",
        facecolor="white",
        metadata={"Software": "paktsim"},
    )
    buffer.seek(0)
    document.add_picture(buffer, width=Cm(16))
    document.add_paragraph(caption, style="Caption")


def write_docx(brief: Brief, handle: IO[bytes]) -> None:
    """Lay the brief out as a Word document (A4 portrait, German) into ``handle``."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    document.styles["Normal"].font.name = "Arial"
    document.add_heading(brief.title, level=0)
    for block in brief.blocks:
        if block.kind == "heading":
            document.add_heading(block.text, level=block.level)
        elif block.kind == "paragraph":
            document.add_paragraph(block.text)
        elif block.kind == "table":
            _add_table(document, block.table, block.text)
        elif block.kind == "figure":
            _add_figure(document, block.figure, block.text)
    props = document.core_properties
    stamp = dt.datetime(brief.date.year, brief.date.month, brief.date.day)
    props.title, props.author, props.language = brief.title, "paktsim", "de-DE"
    props.created = props.modified = stamp
    props.last_modified_by, props.revision = "paktsim", 1
    buffer = io.BytesIO()
    document.save(buffer)
    handle.write(_deterministic_zip(buffer.getvalue()))


def _deterministic_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, src.read(info))
    return out.getvalue()


def soffice() -> str | None:
    """Path of LibreOffice's ``soffice`` (``None`` when not installed)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice(pdf_path: str | os.PathLike[str]) -> str:
    """Path of LibreOffice's ``soffice``, needed to write ``pdf_path``.

    Raises
    ------
    InputError
        LibreOffice is not installed (the line names ``--out`` and says what to do instead).
    """
    exe = soffice()
    if exe is None:
        raise InputError(
            Problem(
                "--out",
                "PDF braucht LibreOffice (soffice), das hier nicht "
                "installiert ist: als .docx schreiben und in Word oder "
                "LibreOffice als PDF speichern",
                str(pdf_path),
            )
        )
    return exe


def docx_to_pdf(docx_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str]) -> Path:
    """Convert a .docx (or .xlsx) to PDF with LibreOffice headless.

    Raises
    ------
    InputError
        LibreOffice is not installed or the conversion failed.
    """
    exe = require_soffice(pdf_path)
    src = Path(docx_path)
    with tempfile.TemporaryDirectory(prefix="paktsim-pdf-") as tmp:
        profile = Path(tmp) / "profile"
        cmd = [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(src),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        produced = Path(tmp) / (src.stem + ".pdf")
        if done.returncode != 0 or not produced.exists():
            raise InputError(
                Problem(
                    "--out",
                    "LibreOffice konnte kein PDF erzeugen",
                    (done.stderr or done.stdout).strip()[:120],
                )
            )
        from paktsim.io import write_bytes_with

        data = produced.read_bytes()
        write_bytes_with(Path(pdf_path), lambda handle: handle.write(data))
    return Path(pdf_path)
