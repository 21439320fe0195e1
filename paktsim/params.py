"""Dated, sourced parameters: load, look up by date, override.

Every number the model uses lives in ``paktsim/parameters/*.yaml`` with its
source and a tag (``sourced``, ``derived``, ``uncertain``, ``assumption``); the
paths are listed in ``paktsim/parameters/README.md``.

>>> from paktsim import params
>>> snap = params.at("2018-06-30")
>>> snap["integrationsmanagement.foerdersatz.hochschule"]
64000

A value is in force from its effective date until the next one.  ``None`` means
no value is in force (before the first date, or after an entry ``value: null``).
Overrides (reforms) are plain data ``{"path": {"2027-01-01": value}}``: from the
first override date on they replace the parameter's history (later baseline
entries are dropped), and they never change the baseline.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import functools
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping

import numpy as np
import pandas as pd
import yaml
from pydantic import ValidationError

from paktsim.errors import InputError, Problem
from paktsim.parameters.schema import PATH_PATTERN, ParameterSpec, check_value

__all__ = [
    "DEFAULT_DIRECTORY",
    "DEFAULT_RULES_DATE",
    "Entry",
    "Parameter",
    "ParameterTree",
    "Snapshot",
    "UnknownParameterError",
    "unknown_path",
    "load",
    "at",
    "memoised",
    "series",
    "describe",
    "yearly",
    "monthly",
    "assumptions",
    "apply_overrides",
    "validate_overrides",
    "to_date",
    "markdown_table",
]

DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "parameters"
#: Rules date used wherever none is given (``paktsim allocate``, comparisons, reports):
#: the programme rules in force since 1 January 2025 (Fördersätze, threshold, Kreis rule).
#: A fixed date, not "today", so that results do not change with the calendar.
DEFAULT_RULES_DATE = dt.date(2025, 1, 1)
DateLike = str | dt.date | dt.datetime | pd.Timestamp | np.datetime64
Overrides = Mapping[str, Mapping[Any, Any]]


class UnknownParameterError(InputError, KeyError):
    """A parameter path that does not exist (also a ``KeyError`` for ``Mapping.get``)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return "\n".join(self.lines())


@dataclass(frozen=True)
class Entry:
    """One dated value: ``value`` is the value in force (an assumption's default)."""

    date: dt.date
    value: Any
    reference: str
    tag: str
    note: str | None = None
    range: tuple[Any, Any] | None = None
    se: float | None = None


@dataclass(frozen=True)
class Parameter:
    """A parameter with its metadata and dated entries (sorted by date)."""

    path: str
    name_de: str
    name_en: str
    description: str
    unit: str
    period: str
    choices: tuple[str, ...] | None
    file: str
    entries: tuple[Entry, ...]
    documentation_only: str | None = None
    """Why no model code reads this parameter (``None``: model code applies it)."""

    def value_at(self, date: dt.date) -> Any:
        """Value in force at ``date`` (``None`` before the first effective date)."""
        i = bisect.bisect_right([e.date for e in self.entries], date)
        return self.entries[i - 1].value if i else None


class ParameterTree(Mapping[str, Parameter]):
    """Read-only mapping dotted path -> :class:`Parameter`, sorted by path."""

    def __init__(self, parameters: Mapping[str, Parameter]):
        self._params = MappingProxyType(dict(sorted(parameters.items())))
        # queries without overrides, memoised per tree (the tree never changes);
        # the dashboards ask the same dates and paths on every slider move
        self.query_memo: dict[tuple[Any, ...], Any] = {}

    def __getitem__(self, path: str) -> Parameter:
        try:
            return self._params[path]
        except KeyError:
            raise unknown_path(path, self._params) from None

    def __contains__(self, path: object) -> bool:
        # Mapping's default goes through __getitem__, whose error suggests close
        # matches with difflib (~80 ms over all paths) for every miss
        try:
            return path in self._params
        except TypeError:
            return False

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __repr__(self) -> str:
        return f"ParameterTree({len(self)} parameters)"


class Snapshot(Mapping[str, Any]):
    """Read-only mapping dotted path -> value in force at :attr:`date`."""

    def __init__(self, date: dt.date, values: Mapping[str, Any]):
        self.date = date
        self._values = MappingProxyType(dict(values))

    def __getitem__(self, path: str) -> Any:
        try:
            return self._values[path]
        except KeyError:
            raise unknown_path(path, self._values) from None

    def __contains__(self, path: object) -> bool:
        try:
            return path in self._values
        except TypeError:
            return False

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Snapshot({self.date.isoformat()}, {len(self)} parameters)"


def unknown_path(path: Any, known: Mapping[str, Any]) -> UnknownParameterError:
    """The error for an unknown parameter path, suggesting close matches from ``known``."""
    text = str(path)
    close = difflib.get_close_matches(text, list(known), n=3, cutoff=0.6)
    close += [k for k in known if text and text in k and k not in close][: 3 - len(close)]
    hint = f"; did you mean {', '.join(close)}?" if close else "; see paktsim/parameters/README.md"
    return UnknownParameterError(Problem(text, "unknown parameter path" + hint))


def to_date(value: Any, location: str = "date") -> dt.date:
    """Convert ``str`` (ISO ``YYYY-MM-DD``), date, datetime, Timestamp or datetime64 to a date.

    Raises
    ------
    InputError
        If the value is not a valid date (naming ``location``).
    """
    try:
        if isinstance(value, np.datetime64):
            value = pd.Timestamp(value)
        if value is pd.NaT:
            raise ValueError
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return dt.date.fromisoformat(value.strip())
    except (ValueError, TypeError):
        pass
    raise InputError(Problem(location, "expected a date YYYY-MM-DD", value))


# ---------------------------------------------------------------- loading


def _pydantic_problems(exc: ValidationError, path: str) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = ".".join(
            v.isoformat() if isinstance(v, dt.date) else str(v) for v in (path, *err["loc"])
        )
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "required field missing"
        elif err["type"] == "extra_forbidden":
            message = "unknown field (not in the parameter schema)"
        value = err.get("input") if err["type"] not in ("missing", "model_type") else None
        if value is None or isinstance(value, dict):
            problems.append(Problem(loc, message))
        else:
            problems.append(Problem(loc, message, value))
    return problems


def _read_file(file: Path) -> dict[str, Parameter]:
    source = file.name
    try:
        # libyaml's safe loader when built in: same result, ~8x faster on the bundled files
        raw = yaml.load(
            file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(Problem("(file)", f"cannot read YAML: {exc}"), source=source) from None
    if not isinstance(raw, dict) or not raw:
        raise InputError(Problem("(file)", "expected a mapping of parameter paths"), source=source)
    problems: list[Problem] = []
    params: dict[str, Parameter] = {}
    for path, body in raw.items():
        if not isinstance(path, str) or not PATH_PATTERN.match(path):
            problems.append(
                Problem(str(path), "parameter path must be dotted lower-case ASCII (a.b_c)", path)
            )
            continue
        if path.split(".")[0] != file.stem:
            problems.append(Problem(path, f"paths in {source} must start with '{file.stem}.'"))
            continue
        if isinstance(body, dict) and isinstance(body.get("values"), dict):
            # ISO strings so that error locations read values.2020-01-01
            body = {
                **body,
                "values": {
                    k.isoformat() if isinstance(k, dt.date) else k: v
                    for k, v in body["values"].items()
                },
            }
        try:
            spec = ParameterSpec.model_validate(body)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, path))
            continue
        entries = tuple(
            Entry(
                date,
                e.central,
                e.reference,
                e.tag,
                e.note,
                tuple(e.range) if e.range is not None else None,
                e.se,
            )
            for date, e in spec.values.items()
        )
        params[path] = Parameter(
            path,
            spec.name.de,
            spec.name.en,
            spec.description,
            spec.unit,
            spec.period,
            spec.choices,
            source,
            entries,
            spec.documentation_only,
        )
    if problems:
        raise InputError(problems, source=source)
    return params


def _build(directory: Path) -> ParameterTree:
    if not directory.is_dir():
        raise InputError(Problem("directory", "parameter directory not found", str(directory)))
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise InputError(Problem("directory", "no *.yaml parameter files", str(directory)))
    params: dict[str, Parameter] = {}
    for file in files:
        params.update(_read_file(file))
    clashes = [
        Problem(p, f"is both a parameter and a prefix of {q}")
        for p in params
        for q in params
        if q.startswith(p + ".")
    ]
    if clashes:
        raise InputError(clashes[:10])
    return ParameterTree(params)


@functools.lru_cache(maxsize=1)
def _default_tree() -> ParameterTree:
    return _build(DEFAULT_DIRECTORY)


def load(directory: str | Path | None = None) -> ParameterTree:
    """Load and validate every parameter file.

    Parameters
    ----------
    directory : str or Path, optional
        Folder of ``*.yaml`` files; default the bundled ``paktsim/parameters``
        (loaded once and cached).  Other folders are read afresh each call.

    Returns
    -------
    ParameterTree
        Read-only mapping dotted path -> :class:`Parameter`.

    Raises
    ------
    InputError
        Naming the file and the parameter path of every problem (missing
        source, unknown unit, unsorted dates, a value of the wrong type, ...).
    """
    if directory is None or Path(directory).resolve() == DEFAULT_DIRECTORY:
        return _default_tree()
    return _build(Path(directory))


# ---------------------------------------------------------------- overrides


def validate_overrides(tree: ParameterTree, overrides: Any) -> dict[str, list[tuple[dt.date, Any]]]:
    """Check overrides against ``tree`` and return them as sorted ``(date, value)`` lists.

    Raises
    ------
    InputError
        For an unknown path (with close matches), a bad date, or a value of the
        wrong type for the parameter's unit; every problem names the path.
    """
    if not isinstance(overrides, Mapping):
        raise InputError(
            Problem("overrides", 'expected a mapping {"path": {"YYYY-MM-DD": value}}', overrides)
        )
    problems: list[Problem] = []
    clean: dict[str, list[tuple[dt.date, Any]]] = {}
    for path, dated in overrides.items():
        if path not in tree:
            problems.extend(unknown_path(path, tree).problems)
            continue
        param = tree[path]
        if param.documentation_only:
            problems.append(
                Problem(
                    path,
                    "documentation only, no model code reads it, so an "
                    f"override would change nothing ({param.documentation_only})",
                )
            )
            continue
        if not isinstance(dated, Mapping) or not dated:
            problems.append(Problem(path, 'expected a mapping {"YYYY-MM-DD": value}', dated))
            continue
        rows = []
        for key, value in dated.items():
            try:
                date = to_date(key, f"{path}.{key}")
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            why = check_value(value, param.unit, param.choices)
            if why:
                problems.append(Problem(f"{path}.{date.isoformat()}", why, value))
                continue
            rows.append((date, value))
        clean[path] = sorted(rows, key=lambda r: r[0])
    if problems:
        raise InputError(problems, source="overrides")
    return clean


def apply_overrides(tree: ParameterTree, overrides: Overrides | None) -> ParameterTree:
    """Return a new tree with ``overrides`` applied; ``tree`` is not changed.

    From the first override date of a path on, the override entries replace the
    baseline entries (tag ``override``, reference ``override``).
    """
    if not overrides:
        return tree
    clean = validate_overrides(tree, overrides)
    params = dict(tree.items())
    for path, rows in clean.items():
        param = params[path]
        start = rows[0][0]
        kept = tuple(e for e in param.entries if e.date < start)
        new = tuple(Entry(d, v, "override", "override") for d, v in rows)
        params[path] = Parameter(
            param.path,
            param.name_de,
            param.name_en,
            param.description,
            param.unit,
            param.period,
            param.choices,
            param.file,
            kept + new,
            param.documentation_only,
        )
    return ParameterTree(params)


# ---------------------------------------------------------------- queries


def at(
    date: DateLike, overrides: Overrides | None = None, *, tree: ParameterTree | None = None
) -> Snapshot:
    """Values of all parameters in force at ``date``.

    Parameters
    ----------
    date : str, date, datetime, pandas.Timestamp or numpy.datetime64
        The date (``"YYYY-MM-DD"`` for strings).
    overrides : mapping, optional
        ``{"path": {"YYYY-MM-DD": value}}`` applied on top of the baseline.
    tree : ParameterTree, optional
        Parameters to use; default :func:`load`.

    Returns
    -------
    Snapshot
        Read-only mapping dotted path -> value (``None`` if nothing is in force);
        an unknown path raises :class:`UnknownParameterError` naming close matches.
    """
    day = to_date(date)
    base = apply_overrides(tree if tree is not None else load(), overrides)
    return _memoised(
        base,
        overrides,
        ("at", day),
        lambda: Snapshot(day, {path: p.value_at(day) for path, p in base.items()}),
    )


_MEMO_LIMIT = 4096  # structural: cache size


def memoised(
    key: tuple[Any, ...],
    build: Any,
    overrides: Overrides | None = None,
    *,
    tree: ParameterTree | None = None,
    copy: bool = False,
) -> Any:
    """A quantity derived from the parameters alone, memoised per parameter tree.

    Parameters
    ----------
    key : tuple
        Hashable name of the quantity and every argument it depends on besides
        the parameters (the caller's module name first, to keep keys apart).
    build : callable
        Computes the quantity (called once per tree and key).
    overrides : mapping, optional
        With overrides nothing is memoised (``build()`` every call).
    tree : ParameterTree, optional
        Default :func:`load`.
    copy : bool
        Return ``value.copy()`` (for mutable results such as pandas objects).
    """
    return _memoised(tree if tree is not None else load(), overrides, ("memo", *key), build, copy)


def _memoised(
    tree: ParameterTree,
    overrides: Overrides | None,
    key: tuple[Any, ...],
    build: Any,
    copy: bool = False,
) -> Any:
    """``build()``, memoised in ``tree`` when there are no overrides (a copy if ``copy``:
    pandas results are mutable, a :class:`Snapshot` is not)."""
    if overrides:
        return build()
    memo = tree.query_memo
    if key not in memo:
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = build()
    return memo[key].copy() if copy else memo[key]


def _param(path: str, overrides: Overrides | None, tree: ParameterTree | None) -> Parameter:
    base = tree if tree is not None else load()
    if path not in base:
        raise unknown_path(path, base)
    return apply_overrides(base, overrides)[path]


def _typed(values: list[Any], unit: str) -> pd.Series:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        dtype = "Int64" if all(float(v).is_integer() for v in present) else "Float64"
        return pd.Series([pd.NA if v is None else v for v in values], dtype=dtype)
    return pd.Series(values, dtype=object)


def series(
    path: str, overrides: Overrides | None = None, *, tree: ParameterTree | None = None
) -> pd.DataFrame:
    """Dated history of one parameter, one row per effective date.

    Returns
    -------
    pandas.DataFrame
        Columns ``date, value, tag, reference, note, low, high`` (``low``/``high``
        from the entry's range, if any).  Numeric values use nullable ``Int64`` or
        ``Float64``; ``<NA>`` means no value in force from that date.
    """
    base = tree if tree is not None else load()
    return _memoised(
        base, overrides, ("series", path), lambda: _series(_param(path, overrides, tree)), copy=True
    )


def _series(param: Parameter) -> pd.DataFrame:
    entries = param.entries
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime([e.date for e in entries]),
            "value": _typed([e.value for e in entries], param.unit),
            "tag": pd.Series([e.tag for e in entries], dtype="str"),
            "reference": pd.Series([e.reference for e in entries], dtype="str"),
            "note": pd.Series([e.note for e in entries], dtype=object),
            "low": _typed([e.range[0] if e.range else None for e in entries], param.unit),
            "high": _typed([e.range[1] if e.range else None for e in entries], param.unit),
        }
    )
    frame.attrs.update(path=param.path, unit=param.unit, name=param.name_de)
    return frame


def _lookup(param: Parameter, days: np.ndarray) -> pd.Series:
    starts = np.array([np.datetime64(e.date, "D") for e in param.entries])
    idx = np.searchsorted(starts, days, side="right") - 1
    values = [None] + [e.value for e in param.entries]
    return _typed([values[i + 1] for i in idx], param.unit)


def yearly(
    path: str,
    first_year: int,
    last_year: int,
    overrides: Overrides | None = None,
    *,
    tree: ParameterTree | None = None,
) -> pd.Series:
    """Value in force on 1 January of each year ``first_year..last_year``.

    Returns
    -------
    pandas.Series
        Indexed by year (int, index name ``"year"``), named after the path;
        ``<NA>`` where no value is in force.  ``yearly("integrationsmanagement.volumen",
        2017, 2026)`` gives the IM envelope by year.
    """
    if not (isinstance(first_year, int) and isinstance(last_year, int)) or first_year > last_year:
        raise InputError(
            Problem("years", "expected whole years with first <= last", (first_year, last_year))
        )

    def build() -> pd.Series:
        param = _param(path, overrides, tree)
        years = np.arange(first_year, last_year + 1)
        days = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        out = _lookup(param, days)
        out.index = pd.Index(years, name="year")
        out.name = path
        return out

    base = tree if tree is not None else load()
    return _memoised(base, overrides, ("yearly", path, first_year, last_year), build, copy=True)


def monthly(
    path: str,
    start: DateLike,
    end: DateLike,
    overrides: Overrides | None = None,
    *,
    tree: ParameterTree | None = None,
) -> pd.Series:
    """Value in force on the first day of each month from ``start`` to ``end``.

    Returns
    -------
    pandas.Series
        Indexed by a monthly ``PeriodIndex`` (name ``"month"``), named after the path.
    """
    first, last = to_date(start, "start"), to_date(end, "end")
    if first > last:
        raise InputError(Problem("start", "start must not be after end", (first, last)))

    def build() -> pd.Series:
        param = _param(path, overrides, tree)
        months = pd.period_range(first, last, freq="M", name="month")
        days = months.to_timestamp().to_numpy().astype("datetime64[D]")
        out = _lookup(param, days)
        out.index = months
        out.name = path
        return out

    base = tree if tree is not None else load()
    return _memoised(base, overrides, ("monthly", path, first, last), build, copy=True)


def describe(path: str, *, tree: ParameterTree | None = None) -> dict[str, Any]:
    """Metadata of one parameter: labels, unit, period, file, sources and tags.

    Returns
    -------
    dict
        ``path, name (de/en), description, unit, period, choices, file,
        documentation_only`` (why no code reads it, or ``None``), ``sources``
        (distinct references in date order), ``tags`` and
        ``assumptions`` (date, default, range, note of assumption entries).
        A fresh dict each call.
    """
    param = _param(path, None, tree)
    return {
        "path": param.path,
        "name": {"de": param.name_de, "en": param.name_en},
        "description": param.description,
        "unit": param.unit,
        "period": param.period,
        "choices": list(param.choices) if param.choices else None,
        "file": param.file,
        "documentation_only": param.documentation_only,
        "sources": list(dict.fromkeys(e.reference for e in param.entries)),
        "tags": list(dict.fromkeys(e.tag for e in param.entries)),
        "assumptions": [
            {"date": e.date, "default": e.value, "range": e.range, "note": e.note}
            for e in param.entries
            if e.tag == "assumption"
        ],
    }


def assumptions(*, tree: ParameterTree | None = None) -> pd.DataFrame:
    """All assumption entries (for sensitivity and Monte Carlo work).

    Returns
    -------
    pandas.DataFrame
        Columns ``path, date, unit, default, low, high, note``, one row per
        assumption entry, sorted by path and date.
    """
    base = tree if tree is not None else load()

    def build() -> pd.DataFrame:
        rows = [
            {
                "path": p.path,
                "date": pd.Timestamp(e.date),
                "unit": p.unit,
                "default": e.value,
                "low": (e.range or (None, None))[0],
                "high": (e.range or (None, None))[1],
                "note": e.note,
            }
            for p in base.values()
            for e in p.entries
            if e.tag == "assumption"
        ]
        return pd.DataFrame(
            rows, columns=["path", "date", "unit", "default", "low", "high", "note"]
        )

    return _memoised(base, None, ("assumptions",), build, copy=True)


def markdown_table(*, tree: ParameterTree | None = None) -> str:
    """Rows of the path table in ``parameters/README.md`` (path, unit, period, meaning, tags).

    Regenerate the README table with
    ``python -c "from paktsim import params; print(params.markdown_table())"``.
    """
    base = tree if tree is not None else load()
    rows = ["| path | unit | period | meaning | tags |", "|---|---|---|---|---|"]
    for p in base.values():
        tags = ", ".join(dict.fromkeys(e.tag for e in p.entries))
        meaning = f"{p.name_de} — {' '.join(p.description.split())}".replace("|", "/")
        rows.append(f"| `{p.path}` | {p.unit} | {p.period} | {meaning} | {tags} |")
    return "\n".join(rows)
