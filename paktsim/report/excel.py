"""Excel workbooks with real numbers, number formats and a provenance sheet.

Cells hold numbers, never formatted strings, so users can compute with them.
Number formats are written in Excel's locale-neutral (US) syntax; Excel and
LibreOffice show ``#,##0 "€"`` as ``1.234.567 €`` on a German system.

Call this through :func:`paktsim.io.write_table` (``.xlsx`` path), which checks
the target first and renames a finished temporary file into place.

Determinism: the same tables and provenance give the same bytes. The workbook's
"created"/"modified" properties are set to the provenance date (keys ``date``
or ``Datum``, ISO ``YYYY-MM-DD``) or else to a fixed 1 January 1980 (no date
row is added then), and every zip member gets a fixed timestamp, so a rerun
on another day gives the same file (``paktsim verify --rerun``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from paktsim.errors import InputError, Problem
from paktsim.report.format import column_kind, is_signed

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ATTRIBUTION",
    "PROVENANCE_SHEET",
    "default_number_format",
    "page_setup",
    "print_excerpt",
    "print_title",
    "row_number_format",
    "safe_cell",
    "sheet_names",
    "write_row",
    "write_workbook",
]

PROVENANCE_SHEET = "Herkunft"
ATTRIBUTION = "Destatis; © GeoBasis-DE / BKG (Daten verändert), dl-de/by-2-0"

_EUR = '#,##0 "€"'
_EUR_CENTS = '#,##0.00 "€"'
_FORMATS = {
    "share": "0.0%",
    "fte": "0.00",
    "count": "#,##0",
    "number": "#,##0.00",
}
_MAX_WIDTH = 60
#: A sheet with more data rows than this prints an excerpt (see :func:`print_excerpt`):
#: 440 Kreis-years or 1,101 Gemeinden fit on paper only at an unreadable size.
PRINT_MAX_ROWS = 120
#: The Gemeinden a long Gemeinde sheet prints: from 20,000 inhabitants a Gemeinde may
#: become a Große Kreisstadt (§ 3 Abs. 2 GemO BW) -- the cities a Städtetag reader looks up.
PRINT_MIN_POPULATION = 20_000
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: First characters that make Excel/LibreOffice read typed text as a formula (or DDE).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_GUARDED = (*FORMULA_TRIGGERS, "#")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_CELL_TEXT = 32_767  # Excel's limit per cell


def _signed(fmt: str) -> str:
    # positive;negative;zero sections, so gains show a "+" in winners/losers tables
    return f"+{fmt};-{fmt};{fmt}"


def default_number_format(name: Any, dtype: Any) -> str | None:
    """Excel number format for a column, from its name and dtype.

    Euros ``#,##0 "€"`` (integers) or ``#,##0.00 "€"`` (floats, e.g. € per
    inhabitant), shares ``0.0%`` (fractions), FTE ``0.00``, counts ``#,##0``,
    other floats ``#,##0.00``. Difference columns (``delta…``, ``Δ``) get a
    ``+`` sign for positive values. Non-numeric columns: ``None`` (General).

    Parameters
    ----------
    name : hashable
        Column name.
    dtype : dtype
        Column dtype.

    Returns
    -------
    str or None
    """
    import pandas as pd

    if _is_year(name):
        return "0"
    kind = column_kind(name, dtype)
    if kind is None:
        return None
    if kind in ("number", "count") and _is_count_name(name):
        return _signed("#,##0") if is_signed(name) else "#,##0"
    if kind == "eur":
        fmt = _EUR if pd.api.types.is_integer_dtype(dtype) else _EUR_CENTS
    else:
        fmt = _FORMATS[kind]
    return _signed(fmt) if is_signed(name) else fmt


_YEAR_NAMES = {"jahr", "year", "jahre", "years", "haushaltsjahr", "stichjahr"}
_COUNT_WORDS = (
    "personen",
    "persons",
    "fallzahl",
    "einwohner",
    "anzahl",
    "zielgruppe",
    "bestand",
    "zugänge",
    "gewinner",
    "verlierer",
    "gebiete",
    "anträge",
)


def _is_year(name: Any) -> bool:
    return str(name).strip().lower() in _YEAR_NAMES


def _is_count_name(name: Any) -> bool:
    text = str(name).lower()
    return (
        any(word in text for word in _COUNT_WORDS)
        and "je" not in text.split()
        and "€" not in text
        and "vzä" not in text
        and "anteil" not in text
    )


def row_number_format(label: Any) -> str | None:
    """Number format of a row in a transposed table (rows = Kennzahlen, columns = years).

    ``Mittel (€)`` → euros, ``… (VZÄ)`` → FTE, ``… (Anzahl)``/persons → counts,
    shares → percent; ``None`` when the label says nothing.
    """
    text = str(label)
    if "€" in text and "je" not in text.split():
        return _EUR
    if "€ je" in text:
        return _EUR_CENTS
    if "VZÄ" in text and "je VZÄ" not in text:
        return "#,##0.00"
    if "Wahrscheinlichkeit" in text or "Anteil" in text or "%" in text:
        return "0.0%"
    if _is_count_name(text) or "Kreise mit" in text or "je VZÄ" in text:
        return "#,##0"
    return None


def sheet_names(names: list[Any], reserved: tuple[str, ...] = (PROVENANCE_SHEET,)) -> list[str]:
    """Turn table names into valid, unique Excel sheet names (≤ 31 characters).

    Characters Excel forbids (``[]:*?/\\``) become ``_``; clashes (also with
    ``reserved`` names, case-insensitive as in Excel) get a `` (2)``, `` (3)`` …
    suffix.

    Parameters
    ----------
    names : list
        Requested names, in order.
    reserved : tuple of str
        Names already taken.

    Returns
    -------
    list of str
    """
    taken = {r.lower() for r in reserved}
    result = []
    for raw in names:
        base = _INVALID_SHEET_CHARS.sub("_", str(raw)).strip("' ") or "Tabelle"
        candidate = base[:31]
        counter = 2
        while candidate.lower() in taken:
            suffix = f" ({counter})"
            candidate = base[: 31 - len(suffix)] + suffix
            counter += 1
        taken.add(candidate.lower())
        result.append(candidate)
    return result


def safe_cell(value: Any) -> Any:
    """The value to put into one worksheet cell: real numbers, never a formula.

    pandas/numpy scalars become Python numbers, dates become naive datetimes,
    NaN/inf become empty cells, other objects text.  Text loses the control
    characters a workbook cannot hold and is cut to Excel's 32,767 characters.

    Text is *data*: a writer must store every ``str`` as a string cell, never
    let it be parsed (openpyxl: :func:`write_row`; xlsxwriter: ``write_string``).
    Text starting with ``= + - @`` (or tab/CR/LF) additionally gets the
    "quote prefix" style, so Excel and LibreOffice also keep it text when the
    user edits the cell.

    Parameters
    ----------
    value : Any

    Returns
    -------
    None, bool, int, float, str, date or datetime
    """
    value = _cell_value(value)
    if isinstance(value, str):
        if _CONTROL.search(value):
            value = _CONTROL.sub("", value)
        if len(value) > _MAX_CELL_TEXT:
            value = value[: _MAX_CELL_TEXT - 1] + "…"
    return value


def write_row(ws: Any, values: list[Any]) -> None:
    """Append one row to an openpyxl worksheet; the only place paktsim writes cells.

    Every value goes through :func:`safe_cell`; every text cell is stored as a
    string (openpyxl would otherwise turn ``=…`` into a live formula and
    ``#N/A`` into an error value), and text starting with a formula trigger gets
    the quote prefix.
    """
    row = [safe_cell(v) for v in values]
    ws.append(row)
    r = None  # ws.max_row scans every cell: ask only when a cell needs re-typing
    for col, value in enumerate(row, start=1):
        # only "=…" (formula) and "#…" (error codes such as #N/A) are re-typed by openpyxl
        if isinstance(value, str) and value.startswith(_GUARDED):
            r = ws.max_row if r is None else r
            cell = ws.cell(row=r, column=col)
            cell.data_type = "s"
            if value.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True


def _cell_value(value: Any) -> Any:
    """Convert a pandas/numpy value to something openpyxl writes as a real cell."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, (bool, int, str, dt.date)):
        return value
    if isinstance(value, (dt.timedelta, pd.Timedelta)):
        return str(value)
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, (Mapping, list, tuple)):
        return json.dumps(
            value, ensure_ascii=False, sort_keys=isinstance(value, Mapping), default=str
        )
    return str(value)


def _label(name: Any) -> str:
    if isinstance(name, tuple):
        return " / ".join(str(n) for n in name if str(n))
    return "" if name is None else str(name)


def _display_width(value: Any, fmt: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        # formatted width: digits, separators, decimals, unit
        digits = len(f"{abs(value):,.0f}") + (1 if value < 0 else 0)
        return digits + (3 if fmt and "0.0" in fmt else 0) + (3 if fmt and "€" in fmt else 0)
    if isinstance(value, int) and not isinstance(value, bool):
        return len(f"{abs(value):,}") + (1 if value < 0 else 0) + (3 if fmt and "€" in fmt else 0)
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_sheet(ws: Any, frame: "pd.DataFrame", formats: Mapping[str, str]) -> str:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    import pandas as pd

    index = frame.index
    plain_index = isinstance(index, pd.RangeIndex) and index.name is None
    index_levels = [] if plain_index else [index.get_level_values(i) for i in range(index.nlevels)]
    header = [_label(n) or f"index_{i}" for i, n in enumerate(index.names)][: len(index_levels)]
    header += [_label(c) for c in frame.columns]
    originals = list(index.names)[: len(index_levels)] + list(frame.columns)
    series = [(level.dtype, level.tolist()) for level in index_levels]
    series += [(frame.iloc[:, j].dtype, frame.iloc[:, j].tolist()) for j in range(frame.shape[1])]
    n_index = len(index_levels)

    column_formats: list[str | None] = []
    for name, original, (dtype, _values) in zip(header, originals, series):
        if name in formats:
            column_formats.append(formats[name])
        elif original in formats:
            column_formats.append(formats[original])
        else:
            column_formats.append(default_number_format(original, dtype))

    bold = Font(bold=True)
    write_row(ws, header)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    widths = [len(h) for h in header]
    for row_values in zip(*(values for _dtype, values in series)):
        write_row(ws, list(row_values))
    for col_idx, fmt in enumerate(column_formats, start=1):
        letter = get_column_letter(col_idx)
        for (cell,) in ws.iter_rows(min_row=2, min_col=col_idx, max_col=col_idx):
            if fmt and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = fmt
            widths[col_idx - 1] = max(widths[col_idx - 1], _display_width(cell.value, fmt))
        ws.column_dimensions[letter].width = min(_MAX_WIDTH, widths[col_idx - 1] + 2)

    if n_index and not plain_index and _is_label_index(index) and frame.shape[1]:
        _row_formats(ws, [str(v) for v in index.get_level_values(0)], n_index, len(header))
    ws.freeze_panes = ws.cell(row=2, column=n_index + 1)
    if len(frame) and header:
        ws.auto_filter.ref = ws.dimensions
        return print_excerpt(ws, header, [values for _dtype, values in series])
    return ""


def print_excerpt(ws: Any, header: list[str], columns: list[list[Any]]) -> str:
    """Filter a long sheet to what fits readably on paper; return the note for the page header.

    A sheet of more than :data:`PRINT_MAX_ROWS` rows shows (and prints) only the first
    year when it has a ``Jahr`` column, else the Gemeinden of at least
    :data:`PRINT_MIN_POPULATION` inhabitants when it has an ``Einwohner`` column. It is an
    ordinary AutoFilter (rows hidden, the filter set on the column): "Filter löschen" in
    Excel or LibreOffice shows every row; the CSV twin and formulas see every row.
    Other sheets are left alone (``""``).
    """
    n_rows = len(columns[0]) if columns else 0
    if n_rows <= PRINT_MAX_ROWS:
        return ""
    if "Jahr" in header:
        col = header.index("Jahr")
        years = [v for v in columns[col] if isinstance(v, (int, float, str)) and str(v).strip()]
        if len({str(v) for v in years}) < 2:
            return ""
        first = min(years, key=lambda v: float(v))
        keep = [str(v) == str(first) for v in columns[col]]
        ws.auto_filter.add_filter_column(col, [str(first)])
        note = f"Druck: nur {first} (Filter auf Jahr; alle Jahre in der Tabelle)"
    elif "Einwohner" in header:
        from openpyxl.worksheet.filters import CustomFilter, CustomFilters, FilterColumn

        col = header.index("Einwohner")
        keep = [
            isinstance(v, (int, float)) and not isinstance(v, bool) and v >= PRINT_MIN_POPULATION
            for v in columns[col]
        ]
        ws.auto_filter.filterColumn.append(
            FilterColumn(
                colId=col,
                customFilters=CustomFilters(
                    customFilter=[
                        CustomFilter(operator="greaterThanOrEqual", val=str(PRINT_MIN_POPULATION))
                    ]
                ),
            )
        )
        limit = f"{PRINT_MIN_POPULATION:,}".replace(",", ".")
        note = (
            f"Druck: {sum(keep)} von {n_rows} Zeilen, ab {limit} Einwohnern "
            "(Filter auf Einwohner; alle Zeilen in der Tabelle)"
        )
    else:
        return ""
    if not any(keep):
        return ""
    for row, shown in enumerate(keep, start=2):
        if not shown:
            ws.row_dimensions[row].hidden = True
    return note


def _is_label_index(index: Any) -> bool:
    """Rows are named figures (a Kennzahl index), so the row label decides the format."""
    name = str(index.names[0] or "").lower()
    return name in ("kennzahl", "kennzahlen", "größe", "angabe")


def _row_formats(ws: Any, labels: list[str], n_index: int, n_cols: int) -> None:
    for row, label in enumerate(labels, start=2):
        fmt = row_number_format(label)
        if fmt is None:
            continue
        for col in range(n_index + 1, n_cols + 1):
            cell = ws.cell(row=row, column=col)
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = fmt


def print_title(provenance: Mapping[str, Any]) -> str:
    """One line for the printed page header: scenario, rule, envelope, rules year."""
    parts = []
    for keys, prefix in (
        (("Szenario",), ""),
        (("Regel", "Basis: Regel"), "Regel: "),
        (("Alternative: Regel",), "Alternative: "),
        (("Mittel (€)", "Alternative: Mittel (€)"), "Mittel: "),
        (
            ("Stichtag Förderregeln", "Alternative: Stichtag Förderregeln", "Förderregeln"),
            "Förderregeln: ",
        ),
    ):
        for key in keys:
            value = provenance.get(key)
            if value not in (None, ""):
                if key.endswith("(€)") and isinstance(value, (int, float)):
                    value = f"{int(value):,} €".replace(",", ".")
                parts.append(f"{prefix}{value}")
                break
    return " | ".join(parts)


def page_setup(ws: Any, title: str, n_index: int, note: str = "") -> None:
    """Print layout: A4 landscape, fit to width, repeated header row and label columns,
    page header with ``title``, footer with source, ``note`` (what an excerpt prints) and
    page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = "1:1"
    if n_index:
        from openpyxl.utils import get_column_letter

        ws.print_title_cols = f"A:{get_column_letter(n_index)}"
    header = f"{title} – {ws.title}" if title else ws.title
    header = _escape_header(header)
    ws.oddHeader.left.text = header
    ws.oddHeader.left.size = 9
    ws.oddFooter.left.text = _escape_header(f"Quelle: paktsim; {ATTRIBUTION}")
    ws.oddFooter.left.size = 7
    if note:
        ws.oddFooter.center.text = _escape_header(note)
        ws.oddFooter.center.size = 8
    ws.oddFooter.right.text = "Seite &P von &N"
    ws.oddFooter.right.size = 7


def _escape_header(text: str) -> str:
    return text.replace("&", "&&")[:250]


def _index_columns(frame: "pd.DataFrame") -> int:
    import pandas as pd

    plain = isinstance(frame.index, pd.RangeIndex) and frame.index.name is None
    return 0 if plain else frame.index.nlevels


def _provenance_rows(provenance: Mapping[str, Any], created: dt.datetime) -> list[tuple[str, Any]]:
    from paktsim._version import __version__

    rows: list[tuple[str, Any]] = []
    for key, value in provenance.items():
        cell = _cell_value(value)
        rows.append((str(key), cell if not isinstance(cell, str) or cell else ""))
    keys = {str(k).lower() for k in provenance}
    if not keys & {"paktsim_version", "paktsim-version", "version"}:
        rows.append(("paktsim-Version", __version__))
    if not keys & {"attribution", "quellen", "quellenvermerk"}:
        rows.append(("Quellen", ATTRIBUTION))
    return rows


def _created(provenance: Mapping[str, Any]) -> dt.datetime:
    for key, value in provenance.items():
        if str(key).lower() not in ("date", "datum"):
            continue
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        try:
            return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)
        except ValueError as exc:
            raise InputError(
                Problem(f"provenance.{key}", "expected an ISO date YYYY-MM-DD", value)
            ) from exc
    return dt.datetime(*_ZIP_EPOCH)


#: Column widths (A: parameter path … G: in force since) and font size of the parameter table.
_PARAMETER_WIDTHS = (34, 60, 11, 16, 11, 70, 11)
_PARAMETER_FONT = 8
_PARAMETER_DATE_KEYS = (
    "Parameterstand",
    "Stichtag Förderregeln",
    "Alternative: Stichtag Förderregeln",
    "Basis: Stichtag Förderregeln",
)


def _parameter_rows(provenance: Mapping[str, Any]) -> "pd.DataFrame | None":
    """Every parameter in force at the provenance's rules date (value, tag, source)."""
    from paktsim.report.provenance import parameters_in_force_de

    for key in _PARAMETER_DATE_KEYS:
        value = provenance.get(key)
        if value in (None, ""):
            continue
        try:
            date = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            continue
        return parameters_in_force_de(date)
    return None


def _write_parameters(ws: Any, table: "pd.DataFrame") -> None:
    from openpyxl.styles import Alignment, Font

    ws.append([])
    ws.append(["Parameter in Kraft (paktsim params)"])
    r = ws.max_row  # asked once: max_row scans every cell, so asking per row is quadratic
    ws.cell(row=r, column=1).font = Font(bold=True)
    ws.append(["Parameter"] + list(table.columns))
    r += 1
    for cell in ws[r]:
        cell.font = Font(bold=True, size=_PARAMETER_FONT)
    widths = dict(zip("ABCDEFG", _PARAMETER_WIDTHS))
    small, wrap = Font(size=_PARAMETER_FONT), Alignment(wrap_text=True, vertical="top")
    per_line = {letter: max(1, int(width * 1.6)) for letter, width in widths.items()}
    for path, row in zip(table.index, table.to_numpy(dtype=object).tolist()):
        values = [path] + [str(v) for v in row]
        ws.append(values)
        r += 1
        lines = 1
        for cell, value in zip(ws[r], values):
            cell.font, cell.alignment = small, wrap
            # LibreOffice does not size rows of wrapped text on import: give the height
            chars = per_line.get(cell.column_letter, 16)
            lines = max(
                lines,
                sum(-(-max(len(part), 1) // chars) for part in str(value).splitlines() or [""]),
            )
        ws.row_dimensions[r].height = lines * (_PARAMETER_FONT + 2.5) + 1
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def _write_provenance(ws: Any, rows: list[tuple[str, Any]]) -> None:
    from openpyxl.styles import Alignment, Font

    write_row(ws, ["Angabe", "Wert"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for key, value in rows:
        write_row(ws, [key, value])
        if isinstance(value, dt.date):
            ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
    ws.column_dimensions["A"].width = min(_MAX_WIDTH, max(len(k) for k, _ in rows) + 2)
    ws.column_dimensions["B"].width = 60
    for key_cell, cell in ws.iter_rows(min_row=2, min_col=1, max_col=2):
        key_cell.alignment = Alignment(vertical="top")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = sum(-(-max(len(part), 1) // 58) for part in str(cell.value).splitlines() or [""])
        if lines > 1:  # LibreOffice does not size rows of wrapped text on import
            ws.row_dimensions[cell.row].height = lines * 15
    ws.freeze_panes = "A2"


def _validate(tables: Mapping[str, Any], number_formats: Mapping[str, str]) -> None:
    import pandas as pd

    problems = []
    if not tables:
        problems.append(Problem("tables", "expected at least one table"))
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            problems.append(
                Problem(f"tables.{name}", "expected a pandas DataFrame", type(frame).__name__)
            )
    for column, fmt in number_formats.items():
        if not isinstance(fmt, str) or not fmt:
            problems.append(
                Problem(
                    f"number_formats.{column}",
                    "expected an Excel number format string such as '#,##0'",
                    fmt,
                )
            )
    if problems:
        raise InputError(problems)


def _deterministic_zip(data: bytes, core_xml: bytes) -> bytes:
    """Re-pack the xlsx with fixed member timestamps and the given core properties."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            payload = core_xml if info.filename == "docProps/core.xml" else src.read(info)
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, payload)
    return out.getvalue()


def write_workbook(
    handle: IO[bytes],
    tables: Mapping[str, "pd.DataFrame"],
    provenance: Mapping[str, Any],
    number_formats: Mapping[str, str],
) -> None:
    """Write tables as sheets of an Excel workbook, plus a ``Herkunft`` sheet.

    Parameters
    ----------
    handle : binary file object
        Where the ``.xlsx`` bytes go (``paktsim.io`` passes a temporary file).
    tables : mapping of name to DataFrame
        One sheet per table, in order; names are made valid and unique
        (:func:`sheet_names`). The index is written as the first column(s) and
        frozen together with the header row.
    provenance : mapping
        Key/value pairs for the ``Herkunft`` sheet (rule, parameters, data
        vintage, date …); nested values are written as JSON. The date, the
        paktsim version and the source attribution are added when missing.
    number_formats : mapping
        Column name → Excel number format in US syntax, overriding
        :func:`default_number_format`; applies to that column in every sheet.

    Raises
    ------
    InputError
        No tables, a table that is not a DataFrame, an empty number format, or a
        provenance date that is not ISO.
    """
    from openpyxl import Workbook
    from openpyxl.xml.functions import tostring

    _validate(tables, number_formats)
    created = _created(provenance)

    workbook = Workbook()
    workbook.remove(workbook.active)
    names = sheet_names(list(tables))
    title = print_title(provenance)
    for sheet_name, frame in zip(names, tables.values()):
        ws = workbook.create_sheet(sheet_name)
        note = _write_sheet(ws, frame, number_formats)
        page_setup(ws, title, _index_columns(frame), note)
    ws = workbook.create_sheet(PROVENANCE_SHEET)
    _write_provenance(ws, _provenance_rows(provenance, created))
    parameters = _parameter_rows(provenance)
    if parameters is not None:
        _write_parameters(ws, parameters)
    page_setup(ws, title, 1)

    props = workbook.properties
    props.creator = "paktsim"
    props.title = ", ".join(names)
    props.created = created
    buffer = io.BytesIO()
    workbook.save(buffer)
    props.modified = created  # openpyxl stamps "now" while saving; put the fixed time back
    handle.write(_deterministic_zip(buffer.getvalue(), tostring(props.to_tree())))
