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
_DATE = "yyyy-mm-dd"
_DATETIME = "yyyy-mm-dd hh:mm:ss"
_PAPER_A4 = 9  # Excel's paper code
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
    characters a workbook cannot hold, CR line ends become LF (as in the CSV files) and
    text is cut to Excel's 32,767 characters.

    Text is *data*: a writer must store every ``str`` as a string cell, never
    let it be parsed (:func:`write_row` writes it with xlsxwriter's ``write_string``).
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
        if "\r" in value:  # line ends as in the CSV files (a workbook would store "_x000D_")
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if len(value) > _MAX_CELL_TEXT:
            value = value[: _MAX_CELL_TEXT - 1] + "…"
    return value


class _Styles:
    """The xlsxwriter formats of one workbook, each made once per set of properties."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self._made: dict[tuple[tuple[str, Any], ...], Any] = {}

    def get(self, **props: Any) -> Any:
        """The format with ``props`` (``None`` for no properties: the default style)."""
        props = {k: v for k, v in props.items() if v is not None}
        if not props:
            return None
        key = tuple(sorted(props.items()))
        if key not in self._made:
            self._made[key] = self.workbook.add_format(props)
        return self._made[key]


def write_row(
    ws: Any,
    row: int,
    values: list[Any],
    styles: _Styles,
    number_formats: list[str | None] | None = None,
    **props: Any,
) -> list[Any]:
    """Write one row (0-based ``row``) of an xlsxwriter worksheet.

    Every value goes through :func:`safe_cell`; text is written with ``write_string``
    (never read as a formula, number, URL or error code), and text starting with a
    formula trigger gets the quote prefix.  ``number_formats`` (per column) apply to
    numeric cells; ``props`` (e.g. ``bold=True``) to every cell.  The data rows of a
    table go through :func:`_write_cells`, the same rules column by column.

    Returns
    -------
    list
        The values as written.
    """
    cells = [safe_cell(v) for v in values]
    for col, value in enumerate(cells):
        fmt = number_formats[col] if number_formats else None
        _write_cell(ws, row, col, value, styles, fmt, props)
    return cells


def _write_cell(
    ws: Any,
    row: int,
    col: int,
    value: Any,
    styles: _Styles,
    number_format: str | None,
    props: Mapping[str, Any],
) -> None:
    if value is None:
        if props:
            ws.write_blank(row, col, None, styles.get(**props))
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, styles.get(**props))
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, styles.get(num_format=number_format, **props))
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, styles.get(num_format=_DATETIME, **props))
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, styles.get(num_format=_DATE, **props))
    else:
        quote = True if value.startswith(FORMULA_TRIGGERS) else None
        ws.write_string(row, col, value, styles.get(quote_prefix=quote, **props))


def _cell_value(value: Any) -> Any:
    """Convert a pandas/numpy value to something a workbook holds as a real cell."""
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


def _column_width(values: list[Any], fmt: str | None) -> int:
    """The widest :func:`_display_width` of a column's cells.

    A number's width grows with its size (and a minus sign), so a column of numbers
    needs only its largest and smallest value; text is measured once per distinct value.
    """
    if not values:
        return 0
    kinds = {type(v) for v in values}
    if kinds == {float} or kinds == {int}:
        return max(_display_width(max(values), fmt), _display_width(min(values), fmt))
    return max((_display_width(v, fmt) for v in _distinct(values)), default=0)


def _distinct(values: list[Any]) -> list[Any]:
    """Each value once (text by equality; anything else kept as it is)."""
    text = {v for v in values if type(v) is str}
    return [*text, *(v for v in values if type(v) is not str)]


def _safe_cells(values: list[Any]) -> list[Any]:
    """:func:`safe_cell` of each value, worked out once per distinct text (a long sheet
    repeats a few place names and labels thousands of times)."""
    done: dict[str, Any] = {}
    cells = []
    for v in values:
        if type(v) is str:
            cell = done.get(v)
            if cell is None:
                cell = done[v] = safe_cell(v)
        else:
            cell = safe_cell(v)
        cells.append(cell)
    return cells


def _write_sheet(
    ws: Any, frame: "pd.DataFrame", formats: Mapping[str, str], styles: _Styles
) -> str:
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
    row_formats: list[str | None] | None = None
    if n_index and not plain_index and _is_label_index(index) and frame.shape[1]:
        row_formats = [row_number_format(str(v)) for v in index.get_level_values(0)]

    write_row(ws, 0, header, styles, bold=True, text_wrap=True, valign="top")
    columns = _write_cells(
        ws, [values for _dtype, values in series], column_formats, styles, n_index, row_formats
    )
    header_lines = 1
    for col, (name, fmt, values) in enumerate(zip(header, column_formats, columns)):
        width = min(_MAX_WIDTH, max(len(name), _column_width(values, fmt)) + 2)
        ws.set_column(col, col, width)
        header_lines = max(header_lines, -(-len(name) // max(1, int(width) - 2)))
    if header_lines > 1:  # a wrapped header would run into the first row where not sized
        ws.set_row(0, 15 * header_lines)
    ws.freeze_panes(1, n_index)
    if len(frame) and header:
        ws.autofilter(0, 0, len(frame), len(header) - 1)
        return print_excerpt(ws, header, columns)
    return ""


def _write_cells(
    ws: Any,
    columns: list[list[Any]],
    column_formats: list[str | None],
    styles: _Styles,
    n_index: int,
    row_formats: list[str | None] | None,
) -> list[list[Any]]:
    """Write the data rows (from row 1) column by column, with the rules of
    :func:`write_row`; return the values as written.

    The hot loop of a workbook: formats are looked up once per column (and once per
    row for a table of named figures, whose row label decides a number's format).
    """
    written = []
    text = {False: None, True: styles.get(quote_prefix=True)}
    date_fmt, datetime_fmt = styles.get(num_format=_DATE), styles.get(num_format=_DATETIME)
    by_row = [styles.get(num_format=f) for f in row_formats] if row_formats else None
    for col, values in enumerate(columns):
        number = styles.get(num_format=column_formats[col])
        cells = _safe_cells(values)
        for row, value in enumerate(cells, start=1):
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_boolean(row, col, value)
            elif isinstance(value, (int, float)):
                fmt = number
                if by_row is not None and col >= n_index and by_row[row - 1] is not None:
                    fmt = by_row[row - 1]
                ws.write_number(row, col, value, fmt)
            elif isinstance(value, str):
                ws.write_string(row, col, value, text[value.startswith(FORMULA_TRIGGERS)])
            elif isinstance(value, dt.datetime):
                ws.write_datetime(row, col, value, datetime_fmt)
            else:
                ws.write_datetime(row, col, value, date_fmt)
        written.append(cells)
    return written


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
        note = f"Druck: nur {first} (Filter auf Jahr; alle Jahre in der Tabelle)"
        condition: Any = [str(first)]
    elif "Einwohner" in header:
        col = header.index("Einwohner")
        keep = [
            isinstance(v, (int, float)) and not isinstance(v, bool) and v >= PRINT_MIN_POPULATION
            for v in columns[col]
        ]
        limit = f"{PRINT_MIN_POPULATION:,}".replace(",", ".")
        note = (
            f"Druck: {sum(keep)} von {n_rows} Zeilen, ab {limit} Einwohnern "
            "(Filter auf Einwohner; alle Zeilen in der Tabelle)"
        )
        condition = f"x >= {PRINT_MIN_POPULATION}"
    else:
        return ""
    if not any(keep):
        return ""
    if isinstance(condition, list):
        ws.filter_column_list(col, condition)
    else:
        ws.filter_column(col, condition)
    for row, shown in enumerate(keep, start=1):
        if not shown:
            ws.set_row(row, None, None, {"hidden": True})
    return note


def _is_label_index(index: Any) -> bool:
    """Rows are named figures (a Kennzahl index), so the row label decides the format."""
    name = str(index.names[0] or "").lower()
    # also "Kennzahl (Zielgruppe: …)", the summary's index naming its target group
    return name.split(" (")[0] in ("kennzahl", "kennzahlen", "größe", "angabe")


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
    page numbers (gridlines are not printed: xlsxwriter's default)."""
    ws.set_landscape()
    ws.set_paper(_PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(0)
    if n_index:
        ws.repeat_columns(0, n_index - 1)
    header = f"{title} – {ws.name}" if title else ws.name
    ws.set_header(f"&L&9 {_escape_header(header)}")
    footer = f"&L&7 {_escape_header(f'Quelle: paktsim; {ATTRIBUTION}', 90)}"
    if note:
        footer += f"&C&8 {_escape_header(note, 110)}"
    ws.set_footer(footer + "&R&7 Seite &P von &N")


def _escape_header(text: str, limit: int = 230) -> str:
    # Excel holds at most 255 characters per header or footer, codes included
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("&", "&&")


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


def _write_parameters(ws: Any, row: int, table: "pd.DataFrame", styles: _Styles) -> None:
    """The parameter table below the provenance rows (the last of which is ``row``)."""
    row += 2  # one empty row
    write_row(ws, row, ["Parameter in Kraft (paktsim params)"], styles, bold=True)
    row += 1
    write_row(ws, row, ["Parameter", *table.columns], styles, bold=True, font_size=_PARAMETER_FONT)
    chars = [max(1, int(width * 1.6)) for width in _PARAMETER_WIDTHS]
    for path, values in zip(table.index, table.to_numpy(dtype=object).tolist()):
        row += 1
        texts = [str(path), *(str(v) for v in values)]
        write_row(ws, row, texts, styles, font_size=_PARAMETER_FONT, text_wrap=True, valign="top")
        # LibreOffice does not size rows of wrapped text on import: give the height
        lines = max(
            sum(-(-max(len(part), 1) // per_line) for part in text.splitlines() or [""])
            for text, per_line in zip(texts, chars + [16] * len(texts))
        )
        ws.set_row(row, lines * (_PARAMETER_FONT + 2.5) + 1)
    for col, width in enumerate(_PARAMETER_WIDTHS):
        ws.set_column(col, col, width)


def _write_provenance(ws: Any, rows: list[tuple[str, Any]], styles: _Styles) -> int:
    """The key/value rows of the ``Herkunft`` sheet; returns the last row written."""
    write_row(ws, 0, ["Angabe", "Wert"], styles, bold=True)
    for row, (key, value) in enumerate(rows, start=1):
        write_row(ws, row, [key], styles, valign="top")
        value = safe_cell(value)
        _write_cell(ws, row, 1, value, styles, None, {"text_wrap": True, "valign": "top"})
        lines = sum(-(-max(len(part), 1) // 58) for part in str(value).splitlines() or [""])
        if lines > 1:  # LibreOffice does not size rows of wrapped text on import
            ws.set_row(row, lines * 15)
    ws.set_column(0, 0, min(_MAX_WIDTH, max(len(k) for k, _ in rows) + 2))
    ws.set_column(1, 1, 60)
    ws.freeze_panes(1, 0)
    return len(rows)


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
    import xlsxwriter

    _validate(tables, number_formats)
    created = _created(provenance)

    buffer = io.BytesIO()
    # in memory: every zip member carries xlsxwriter's fixed 1980 timestamp, and the
    # document dates are ``created``: the same inputs give the same bytes
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    styles = _Styles(workbook)
    names = sheet_names(list(tables))
    title = print_title(provenance)
    for sheet_name, frame in zip(names, tables.values()):
        ws = workbook.add_worksheet(sheet_name)
        note = _write_sheet(ws, frame, number_formats, styles)
        page_setup(ws, title, _index_columns(frame), note)
    ws = workbook.add_worksheet(PROVENANCE_SHEET)
    last = _write_provenance(ws, _provenance_rows(provenance, created), styles)
    parameters = _parameter_rows(provenance)
    if parameters is not None:
        _write_parameters(ws, last, parameters, styles)
    page_setup(ws, title, 1)
    workbook.set_properties({"author": "paktsim", "title": ", ".join(names), "created": created})
    workbook.close()
    handle.write(buffer.getvalue())
