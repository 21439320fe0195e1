"""Bundled Baden-Württemberg Gemeinde and Kreis tables, boundaries and adjacency.

The data are built from official files by ``tools/build_data.py`` and shipped as
package data (``paktsim/data/``); provenance, sha256 of every source file and the
licences are in ``paktsim/data/metadata.yaml`` (see :func:`data_info`).

Keys
----
Gemeinden are keyed by the 8-digit AGS string (``"08111000"``), Kreise by the
5-digit Kreis AGS (``"08111"``), Regierungsbezirke by ``"1"`` .. ``"4"``.

Population vintages
-------------------
:data:`VINTAGES` lists the available population reference dates (31.12. of each
year).  Names, keys, area, DEGURBA and coordinates are those of the Destatis
Gemeindeverzeichnis 31.12.2023 for every vintage (there were no boundary changes in
BW 2013–2024).  **Series break:** populations up to 31.12.2021 are carried forward
from Zensus 2011, 31.12.2023 from Zensus 2022; the change between 2021 and 2023 is
partly methodological.  Destatis also warns that results from 2016 on are only partly
comparable with earlier years.

The two uninhabited *gemeindefreie Gebiete* (``08317971`` Rheinau, ``08415971``
Gutsbezirk Münsingen) are in the data with population 0 and are left out unless
``include_uninhabited=True``.

Every function returns a fresh object: callers may modify the result freely.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from functools import lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem
from paktsim.limits import MAX_COUNT

__all__ = [
    "LEVELS",
    "check_level",
    "VINTAGES",
    "DEFAULT_VINTAGE",
    "municipalities",
    "kreise",
    "regierungsbezirke",
    "population_series",
    "boundaries",
    "neighbours",
    "read_user_table",
    "parse_numbers",
    "MAX_TABLE_VALUE",
    "data_info",
]

VINTAGES: tuple[int, ...] = (2013, 2014, 2017, 2018, 2019, 2021, 2023)
DEFAULT_VINTAGE = 2023

#: The two levels of regional tables: Gemeinden and Stadt-/Landkreise.
LEVELS: tuple[str, ...] = ("gemeinde", "kreis")
_MAX_PROBLEMS = 20  # report at most this many bad cells from one user file

_GEMEINDE_COLUMNS = [
    "ars",
    "name",
    "kreis_ags",
    "kreis_name",
    "rb",
    "rb_name",
    "gemeinde_typ",
    "is_stadtkreis",
    "area_km2",
    "degurba",
    "lon",
    "lat",
    "population",
    "inhabited",
]
_KREIS_COLUMNS = [
    "name",
    "kreis_typ",
    "is_stadtkreis",
    "rb",
    "rb_name",
    "area_km2",
    "population",
    "schutzsuchende_2018",
]
_STR = "str"
_DTYPES = {
    "ags": _STR,
    "ars": _STR,
    "name": _STR,
    "kreis_ags": _STR,
    "kreis_name": _STR,
    "rb": _STR,
    "rb_name": _STR,
    "gemeinde_typ": _STR,
    "kreis_typ": _STR,
    "is_stadtkreis": bool,
    "inhabited": bool,
    "area_km2": "float64",
    "degurba": "int64",
    "lon": "float64",
    "lat": "float64",
    "schutzsuchende_2018": "int64",
    **{f"pop_{y}": "int64" for y in VINTAGES},
}

#: First population vintage on the Zensus 2022 basis (earlier ones: Zensus 2011).
_ZENSUS_2022_FROM = 2022  # structural: census basis of the data


# --------------------------------------------------------------------------- loading


def _read_text(name: str) -> str:
    return (resources.files("paktsim.data") / name).read_text(encoding="utf-8")


def _read_csv(name: str) -> pd.DataFrame:
    text = _read_text(name)
    header = text.split("\n", 1)[0].split(",")
    return pd.read_csv(
        io.StringIO(text),
        dtype={c: _DTYPES[c] for c in header if c in _DTYPES},
        keep_default_na=False,
    )


@lru_cache(maxsize=None)
def _gemeinden_table() -> pd.DataFrame:
    return _read_csv("gemeinden.csv").set_index("ags")


@lru_cache(maxsize=None)
def _kreise_table() -> pd.DataFrame:
    return _read_csv("kreise.csv").set_index("ags")


@lru_cache(maxsize=None)
def _neighbours_table() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(_read_text("gemeinden_nachbarn.csv")), dtype=_STR)


@lru_cache(maxsize=None)
def _metadata_text() -> str:
    return _read_text("metadata.yaml")


def _metadata() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(_metadata_text())


@lru_cache(maxsize=None)
def _geojson_text(level: str) -> str:
    return _read_text("gemeinden.geojson" if level == "gemeinde" else "kreise.geojson")


# --------------------------------------------------------------------------- checks


def _check_vintage(vintage: Any) -> int:
    if (
        isinstance(vintage, bool)
        or not isinstance(vintage, (int, np.integer))
        or int(vintage) not in VINTAGES
    ):
        raise InputError(
            Problem(
                "vintage",
                "no population data for this year; available: " + ", ".join(map(str, VINTAGES)),
                vintage,
            )
        )
    return int(vintage)


def check_level(level: Any, location: str = "level") -> str:
    """Return ``level`` if it is one of :data:`LEVELS`, else raise :class:`InputError`."""
    if level not in LEVELS:
        raise InputError(Problem(location, f"expected one of {', '.join(LEVELS)}", level))
    return level


def _attrs(vintage: int) -> dict[str, Any]:
    return {
        "vintage": vintage,
        "stand": f"31.12.{vintage}",
        "gebietsstand": "31.12.2023",
        "population_basis": "Zensus 2022" if vintage >= _ZENSUS_2022_FROM else "Zensus 2011",
        "series_break": "Bevölkerung bis 31.12.2021 auf Basis Zensus 2011, ab 31.12.2023 "
        "auf Basis Zensus 2022 (Reihenbruch)",
    }


# --------------------------------------------------------------------------- tables


def municipalities(
    vintage: int = DEFAULT_VINTAGE, include_uninhabited: bool = False
) -> pd.DataFrame:
    """Baden-Württemberg's Gemeinden with the population of one vintage.

    Parameters
    ----------
    vintage : int, default 2023
        Population reference year (31.12.), one of :data:`VINTAGES`.
    include_uninhabited : bool, default False
        Also return the 2 uninhabited gemeindefreie Gebiete (population 0).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``ags`` (8-digit string, sorted); columns ``ars`` (12 digits),
        ``name``, ``kreis_ags``, ``kreis_name``, ``rb`` (``"1"``..``"4"``),
        ``rb_name``, ``gemeinde_typ`` (``"Stadt"``, ``"Gemeinde"`` or
        ``"gemeindefrei"``, from the Destatis Textkennzeichen), ``is_stadtkreis``,
        ``area_km2``, ``degurba`` (1 dicht, 2 mittel, 3 gering besiedelt),
        ``lon``, ``lat``, ``population`` (int64) and ``inhabited``.
        ``attrs`` holds ``vintage``, ``stand`` (``"31.12.2023"``), ``gebietsstand``,
        ``population_basis`` and ``series_break``.

    Raises
    ------
    InputError
        If ``vintage`` is not one of :data:`VINTAGES`.

    Notes
    -----
    Populations up to 2021 are based on Zensus 2011, 2023 on Zensus 2022 (series
    break).  Attributes other than population are those of 31.12.2023.
    """
    year = _check_vintage(vintage)
    table = _gemeinden_table()
    if not include_uninhabited:
        table = table[table["inhabited"]]
    df = table.assign(population=table[f"pop_{year}"])[_GEMEINDE_COLUMNS].copy()
    df.attrs = _attrs(year)
    return df


def kreise(vintage: int = DEFAULT_VINTAGE) -> pd.DataFrame:
    """The 44 Stadt- und Landkreise with the population of one vintage.

    Parameters
    ----------
    vintage : int, default 2023
        Population reference year (31.12.), one of :data:`VINTAGES`.

    Returns
    -------
    pandas.DataFrame
        Indexed by 5-digit ``ags`` (sorted); columns ``name`` (GV name, e.g.
        ``"Heilbronn, Stadtkreis"`` vs ``"Heilbronn"``), ``kreis_typ``
        (``"Stadtkreis"``/``"Landkreis"``), ``is_stadtkreis``, ``rb``, ``rb_name``,
        ``area_km2``, ``population`` (sum of its Gemeinden) and
        ``schutzsuchende_2018`` (protection seekers 31.12.2018, Destatis 12531,
        values rounded to multiples of 5 by Destatis).  ``attrs`` as in
        :func:`municipalities`.

    Raises
    ------
    InputError
        If ``vintage`` is not one of :data:`VINTAGES`.
    """
    year = _check_vintage(vintage)
    table = _kreise_table()
    df = table.assign(population=table[f"pop_{year}"])[_KREIS_COLUMNS].copy()
    df.attrs = _attrs(year)
    return df


def regierungsbezirke(vintage: int = DEFAULT_VINTAGE) -> pd.DataFrame:
    """The 4 Regierungsbezirke, aggregated from :func:`kreise`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``rb`` (``"1"`` Stuttgart .. ``"4"`` Tübingen); columns ``name``,
        ``n_kreise``, ``area_km2``, ``population``, ``schutzsuchende_2018``.
    """
    k = kreise(vintage)
    df = k.groupby("rb").agg(
        name=("rb_name", "first"),
        n_kreise=("name", "size"),
        area_km2=("area_km2", "sum"),
        population=("population", "sum"),
        schutzsuchende_2018=("schutzsuchende_2018", "sum"),
    )
    df["area_km2"] = df["area_km2"].round(2)
    df.attrs = k.attrs
    return df


def population_series(level: str = "gemeinde", include_uninhabited: bool = False) -> pd.DataFrame:
    """Population of every vintage side by side.

    Parameters
    ----------
    level : {"gemeinde", "kreis"}
    include_uninhabited : bool, default False
        Gemeinde level only: include the 2 uninhabited gemeindefreie Gebiete.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``ags``; one int64 column per year in :data:`VINTAGES`
        (column labels are the int years).  ``attrs["stand"]`` maps year to Stand.
        Mind the Zensus 2022 series break between 2021 and 2023.
    """
    level = check_level(level)
    table = _gemeinden_table() if level == "gemeinde" else _kreise_table()
    if level == "gemeinde" and not include_uninhabited:
        table = table[table["inhabited"]]
    df = table[[f"pop_{y}" for y in VINTAGES]].copy()
    df.columns = list(VINTAGES)
    df.attrs = {
        "stand": {y: f"31.12.{y}" for y in VINTAGES},
        "series_break": _attrs(2023)["series_break"],
    }
    return df


def boundaries(level: str = "gemeinde") -> dict[str, Any]:
    """Simplified boundary polygons as a GeoJSON FeatureCollection (lon/lat).

    Parameters
    ----------
    level : {"gemeinde", "kreis"}
        1,103 Gemeinde polygons (incl. the gemeindefreie Gebiete) or 44 Kreis polygons.

    Returns
    -------
    dict
        GeoJSON with feature properties ``ags`` and ``name`` and top-level
        ``attribution`` ("© GeoBasis-DE / BKG ... (Daten verändert)") and ``license``
        (dl-de/by-2-0) members, which maps must show.  Coordinates are rounded to
        4 decimals; the source was simplified with a 200 m tolerance.
    """
    return json.loads(_geojson_text(check_level(level)))


def neighbours(include_uninhabited: bool = False) -> pd.DataFrame:
    """Pairs of Gemeinden that share a border.

    Parameters
    ----------
    include_uninhabited : bool, default False
        Include pairs with one of the 2 uninhabited gemeindefreie Gebiete.

    Returns
    -------
    pandas.DataFrame
        Columns ``ags_a``, ``ags_b`` (each pair once, ``ags_a < ags_b``, sorted).

    Notes
    -----
    Computed at build time from the 200 m-simplified BKG polygons: two Gemeinden are
    neighbours when their borders run within 100 m of each other for at least 100 m
    (exclaves count).  Büsingen am Hochrhein (``08335015``), an exclave inside
    Switzerland, has no neighbour.
    """
    pairs = _neighbours_table()
    if not include_uninhabited:
        inhabited = _gemeinden_table()["inhabited"]
        pairs = pairs[
            inhabited.reindex(pairs["ags_a"]).to_numpy()
            & inhabited.reindex(pairs["ags_b"]).to_numpy()
        ]
    return pairs.reset_index(drop=True).copy()


# --------------------------------------------------------------------------- user tables


def _normalise_keys(raw: pd.Series, level: str) -> pd.Series:
    """Strip blanks and restore a leading zero dropped by spreadsheet programs."""
    width = 8 if level == "gemeinde" else 5
    keys = raw.str.strip()
    dropped_zero = keys.str.fullmatch(r"8\d{%d}" % (width - 2))
    return keys.where(~dropped_zero, "0" + keys)


def _detect_delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _too_many_fields(name: str, text: str, sep: str) -> InputError:
    """Error naming the first row with more fields than the header line."""
    reader = csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True)
    width = len(next(reader))
    for row_number, row in enumerate(reader, start=2):
        if len(row) > width:
            return InputError(
                Problem(
                    f"{name}:row {row_number}",
                    f"{len(row)} fields but the header has {width}; with ',' as delimiter "
                    "write decimals with '.' (or use ';' as delimiter)",
                    sep.join(row),
                )
            )
    return InputError(Problem(name, "a row has more fields than the header line"))


_GERMAN_NUMBER = r"[+-]?(?:(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?"
_ENGLISH_NUMBER = r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
#: Largest value accepted in a user table (persons, counts): far above any real count,
#: far below where float64 stops representing whole numbers exactly (2**53).
MAX_TABLE_VALUE = MAX_COUNT


def parse_numbers(raw: pd.Series, sep: str) -> tuple[pd.Series, pd.Series]:
    """Parse number cells as a user of that delimiter writes them.

    In a ``;`` file (German spreadsheets) ``.`` groups thousands and ``,`` is the
    decimal mark: ``1.000`` is one thousand, ``1.234,5`` is 1234.5.  In a ``,``
    file (English) ``,`` groups thousands (in a quoted cell) and ``.`` is the
    decimal mark: ``"1,000.5"``.  A cell that fits neither the pattern of its file
    nor a plain number (``1.5`` in a ``;`` file, ``"1,5"`` in a ``,`` file) is
    ambiguous and refused.

    Parameters
    ----------
    raw : Series of str
        Stripped cell texts.
    sep : {";", ","}
        Delimiter of the file.

    Returns
    -------
    values : Series of float64
        Parsed numbers, NaN where the cell was refused.
    refused : Series of bool
        Cells that are not a number in that file's convention.
    """
    if sep == ";":
        ok = raw.str.fullmatch(_GERMAN_NUMBER).fillna(False).astype(bool)
        cleaned = raw.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        ok = raw.str.fullmatch(_ENGLISH_NUMBER).fillna(False).astype(bool)
        cleaned = raw.str.replace(",", "", regex=False)
    values = pd.to_numeric(cleaned.where(ok, ""), errors="coerce").astype("float64")
    return values.where(ok), ~ok


def _how_read(value: str, sep: str) -> str:
    """Why a cell was refused, naming the reading of its file's convention."""
    if value == "":
        return "leere Zelle; erwartet eine Zahl ≥ 0"
    if sep == ";":
        if "." in value and "," not in value:
            return (
                "mehrdeutige Zahl: in einer ';'-Datei trennt '.' Tausender (1.000 = "
                "eintausend) und ',' Dezimalstellen (1,5); dieser Wert passt zu keinem; "
                "bitte z. B. 1,5 oder 1.500 schreiben"
            )
        return (
            "keine Zahl: in einer ';'-Datei gilt deutsche Schreibweise, '.' für Tausender "
            "und ',' für Dezimalstellen (1.234,5)"
        )
    if "," in value:
        return (
            "mehrdeutige Zahl: in einer ','-Datei trennt ',' Tausender (\"1,000\" = "
            "eintausend) und '.' Dezimalstellen (1.5); dieser Wert passt zu keinem; "
            "für deutsche Zahlen ';' als Trennzeichen verwenden"
        )
    return "keine Zahl; erwartet eine Zahl ≥ 0 (z. B. 1234.5)"


def read_user_table(
    path: str | PathLike[str],
    columns: Sequence[str],
    level: str = "gemeinde",
    complete: bool = False,
) -> pd.DataFrame:
    """Read and validate a user CSV keyed by ``ags`` with non-negative numbers.

    Parameters
    ----------
    path : path-like
        CSV file, UTF-8 (a BOM is fine).  The delimiter is ``,`` or ``;`` (detected
        from the header line).  Numbers follow the delimiter's convention (see
        :func:`parse_numbers`): ``;`` files German (``1.234,5``), ``,`` files
        English (``1234.5``, quoted ``"1,234.5"``); ambiguous cells are refused.
    columns : sequence of str
        Numeric columns to read besides ``ags``; other columns are ignored.
    level : {"gemeinde", "kreis"}
        Gemeinde table (8-digit AGS) or Kreis table (5-digit Kreis AGS).
    complete : bool, default False
        Require a row for every key (every inhabited Gemeinde / every Kreis).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``ags`` (sorted), one float64 column per requested column.

    Raises
    ------
    InputError
        Missing file or column, not a regular file, too large, empty file,
        malformed, unknown or duplicate AGS, empty, non-numeric, ambiguous,
        negative or implausibly large (> :data:`MAX_TABLE_VALUE`) values.  Each
        problem names the file, the row (as numbered in a spreadsheet: header =
        row 1) and column, and the value.

    Notes
    -----
    AGS are read as text.  Because spreadsheet programs drop the leading zero of
    ``08111000``, a key of 7 digits starting with ``8`` (``8111000``; 4 digits
    ``8111`` at Kreis level) is accepted and padded.  All 1,103 Gemeinde AGS are
    known, including the 2 uninhabited gemeindefreie Gebiete.  Validation is
    linear in the number of rows.
    """
    from paktsim.safeload import MAX_TABLE_BYTES, read_text

    level = check_level(level)
    path = Path(path)
    name = path.name
    text = read_text(path, MAX_TABLE_BYTES, location=name, source="", encoding="utf-8-sig")
    if not text.strip():
        raise InputError(Problem(name, "file is empty; expected a header line with 'ags'"))
    if "\r" in text:  # Windows and old Mac line ends alike
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise InputError(
            Problem(name, "enthält Null-Bytes; keine Textdatei (CSV als UTF-8-Text speichern)")
        )
    sep = _detect_delimiter(text.split("\n", 1)[0])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
                index_col=False,
            )
    except pd.errors.ParserWarning:
        try:
            error = _too_many_fields(name, text, sep)
        except csv.Error as exc:
            error = InputError(Problem(name, f"not a readable CSV table ({str(exc)[:120]})"))
        raise error from None
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise InputError(Problem(name, f"not a readable CSV table ({str(exc)[:120]})")) from None
    df.columns = [str(c).strip() for c in df.columns]

    wanted = ["ags", *columns]
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        found = ", ".join(df.columns[:20]) + (", …" if len(df.columns) > 20 else "")
        raise InputError(
            [Problem(f"{name}:{c}", "missing column; columns found: " + found) for c in missing]
        )
    # pandas renames a repeated header ("persons", "persons.1"): count in the header line
    header = [
        c.strip() for c in next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=sep))
    ]
    dupes = [c for c in wanted if header.count(c) > 1]
    if dupes:
        raise InputError([Problem(f"{name}:{c}", "column appears more than once") for c in dupes])

    rows = np.arange(2, len(df) + 2)  # spreadsheet row numbers (header is row 1)
    problems: list[Problem] = []
    n_problems = 0

    def report(mask: np.ndarray, values: np.ndarray, location: str, message: Any) -> None:
        # only the first few problems become Problem objects: linear time at 10**6 rows
        nonlocal n_problems
        hits = np.flatnonzero(mask)
        n_problems += len(hits)
        for i in hits[: max(0, _MAX_PROBLEMS - len(problems))]:
            msg = message(values[i]) if callable(message) else message
            problems.append(Problem(location.format(row=rows[i]), msg, values[i]))

    known = _gemeinden_table().index if level == "gemeinde" else _kreise_table().index
    width = 8 if level == "gemeinde" else 5
    keys = _normalise_keys(df["ags"], level)
    raw_ags = df["ags"].to_numpy()
    well_formed = keys.str.fullmatch(r"08\d{%d}" % (width - 2)).to_numpy(dtype=bool)
    report(
        ~well_formed,
        raw_ags,
        f"{name}:row {{row}}:ags",
        f"expected a {width}-digit AGS starting with 08",
    )
    what = "Gemeinde" if level == "gemeinde" else "Kreis"
    unknown = well_formed & ~keys.isin(known).to_numpy()
    report(unknown, raw_ags, f"{name}:row {{row}}:ags", f"unknown {what} AGS in Baden-Württemberg")
    key_values = keys.to_numpy()
    dup = keys.duplicated(keep="first").to_numpy() & well_formed
    if dup.any():
        first_row = pd.Series(rows, index=keys.to_numpy()).groupby(level=0, sort=False).first()
        report(
            dup,
            key_values,
            f"{name}:row {{row}}:ags",
            lambda v: f"duplicate AGS (first in row {int(first_row[v])})",
        )

    out = pd.DataFrame(index=pd.Index(key_values, name="ags"))
    for col in columns:
        raw = df[col].str.strip()
        raw_values = raw.to_numpy()
        values, refused = parse_numbers(raw, sep)
        report(
            refused.to_numpy(), raw_values, f"{name}:row {{row}}:{col}", lambda v: _how_read(v, sep)
        )
        finite = np.isfinite(values.to_numpy())
        report(
            ~refused.to_numpy() & ~finite,
            raw_values,
            f"{name}:row {{row}}:{col}",
            "expected a number ≥ 0",
        )
        report(
            (values < 0).to_numpy(),
            raw_values,
            f"{name}:row {{row}}:{col}",
            "negative value; expected ≥ 0",
        )
        report(
            finite & (values > MAX_TABLE_VALUE).to_numpy(),
            raw_values,
            f"{name}:row {{row}}:{col}",
            lambda v: (
                f"Wert zu groß (gelesen als {float(_as_float(v, sep)):.6g}); "
                f"höchstens {MAX_TABLE_VALUE:.0e}"
            ),
        )
        out[col] = values.to_numpy()

    if complete and not n_problems:
        expected = (
            _gemeinden_table().index[_gemeinden_table()["inhabited"]]
            if level == "gemeinde"
            else known
        )
        absent = expected.difference(out.index)
        if len(absent):
            problems.append(
                Problem(
                    f"{name}:ags",
                    f"{len(absent)} AGS have no row, e.g. " + ", ".join(absent[:5]),
                    len(absent),
                )
            )
            n_problems += 1
    if problems:
        if n_problems > len(problems):
            problems.append(Problem(name, f"... and {n_problems - len(problems)} more problems"))
        raise InputError(problems)
    out = out.sort_index()
    out.attrs = {"source": str(path), "level": level}
    return out


def _as_float(text: str, sep: str) -> float:
    values, _ = parse_numbers(pd.Series([text], dtype="str"), sep)
    return float(values.iloc[0])


# --------------------------------------------------------------------------- info


def data_info() -> dict[str, Any]:
    """Summary of the bundled data for ``paktsim data`` and reports.

    Returns
    -------
    dict
        ``vintages`` ({year: Stand}), ``population_totals`` ({year: BW total}),
        ``gemeinden`` / ``gemeinden_total`` / ``gemeindefrei_unbewohnt``, ``kreise``,
        ``stadtkreise``, ``landkreise``, ``regierungsbezirke``, ``neighbour_pairs``,
        ``gebietsstand``, ``schutzsuchende_2018`` (Stand, BW total), ``series_break``,
        ``attribution`` (list of lines to show), ``licences`` and ``sources``
        ({file: sha256}).
    """
    meta = _metadata()
    tables = meta["tables"]
    gem, krs = tables["gemeinden"], tables["kreise"]
    vint = gem["population_vintages"]
    attribution = meta["attribution"]
    return {
        "vintages": {int(y): v["stand"] for y, v in vint.items()},
        "population_totals": {int(y): int(v["bw_total"]) for y, v in vint.items()},
        "population_basis": {int(y): v["basis"] for y, v in vint.items()},
        "gemeinden": int(gem["rows_inhabited"]),
        "gemeinden_total": int(gem["rows"]),
        "gemeindefrei_unbewohnt": [str(a) for a in gem["uninhabited"]],
        "kreise": int(krs["rows"]),
        "stadtkreise": int(krs["stadtkreise"]),
        "landkreise": int(krs["landkreise"]),
        "regierungsbezirke": int(krs["regierungsbezirke"]),
        "neighbour_pairs": int(tables["gemeinden_nachbarn"]["rows"]),
        "gebietsstand": "31.12.2023",
        "schutzsuchende_2018": {
            "stand": krs["schutzsuchende_2018"]["stand"],
            "total": int(krs["schutzsuchende_2018"]["bw_total"]),
        },
        "series_break": meta["series_break"],
        "attribution": [
            attribution["destatis"],
            attribution["destatis_schutzsuchende"],
            attribution["bkg"],
        ],
        "licences": {
            "destatis": "Vervielfältigung und Verbreitung, auch auszugsweise, mit "
            "Quellenangabe gestattet",
            "bkg": attribution["bkg_licence"],
        },
        "sources": {name: entry["sha256"] for name, entry in meta["sources"].items()},
        "build_command": meta["build_command"],
    }
