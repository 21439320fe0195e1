"""German number, currency and percent formatting (babel, locale ``de_DE``).

All functions format one scalar and never depend on the operating system's
locale (CI images often lack ``de_DE.UTF-8``).  Between a number and its unit
(``€``, ``%``, ``Mio.``) they put a **non-breaking space** (``\\xa0``) as CLDR
does, so a table cell or an axis label never breaks between ``1.234`` and
``€``.  Rounding is commercial (half away from zero: ``2,5 → 3``), not babel's
default banker's rounding.  Missing values (``None``, ``NaN``, ``pd.NA``) are
shown as :data:`MISSING` (an en dash).

Column kinds
------------
:func:`column_kind` guesses what a column holds from its name and dtype; the
Styler helper :func:`style_de` and the Excel writer
(:mod:`paktsim.report.excel`) share it so a table looks the same on screen and
in Excel:

``"eur"``        name contains ``eur`` or ``€`` (whole euros for integers,
                 cents for floats)
``"share"``      name contains ``share``, ``anteil``, ``pct`` or ``%`` —
                 **fractions** (0.123 is shown as ``12,3 %``)
``"fte"``        name contains ``fte`` or ``vzä`` (full-time equivalents)
``"count"``      any other integer column
``"number"``     any other float column
``None``         text, dates, booleans

A name starting with ``delta``/``diff`` or containing ``Δ`` makes the kind
*signed* (``+1.234 €``), as winners/losers tables want.
"""

from __future__ import annotations

import functools

import math
import numbers
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal

from paktsim.errors import InputError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.ticker import FuncFormatter
    from pandas.io.formats.style import Styler

__all__ = [
    "LOCALE",
    "MISSING",
    "NBSP",
    "eur",
    "number",
    "percent",
    "compact_eur",
    "column_kind",
    "is_signed",
    "formatter_for",
    "style_de",
    "axis_formatter",
    "MINUS",
    "typographic_minus",
    "date_de",
]

LOCALE = "de_DE"
NBSP = "\xa0"
MISSING = "–"
#: The minus sign (U+2212) used in charts and printed text instead of the hyphen-minus.
MINUS = "\u2212"

_KINDS = ("eur", "share", "fte", "count", "number")


def _is_missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        import pandas as pd

        if x is pd.NA or x is pd.NaT:
            return True
    except ImportError:  # pragma: no cover - pandas is a core dependency
        pass
    return isinstance(x, float) and math.isnan(x)


def _as_decimal(x: Any, decimals: int, location: str) -> Decimal:
    """Round ``x`` half away from zero to ``decimals`` places, as a Decimal."""
    if isinstance(x, (bool, str, bytes)) or not isinstance(x, (numbers.Real, Decimal)):
        raise InputError(Problem(location, "expected a number", x))
    if decimals < 0:
        raise InputError(Problem(f"{location}.decimals", "expected 0 or more decimals", decimals))
    if isinstance(x, Decimal):
        value = x
    elif isinstance(x, numbers.Integral):
        value = Decimal(int(x))
    else:
        f = float(x)
        if math.isinf(f):
            raise InputError(Problem(location, "expected a finite number", x))
        # repr gives the shortest decimal that round-trips, so 2.675 rounds to 2.68
        value = Decimal(repr(f))
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded + Decimal(0)  # turns -0 into 0


def number(x: Any, decimals: int = 0, sign: bool = False) -> str:
    """Format a number the German way: ``1.234.567,89``.

    Parameters
    ----------
    x : int, float or Decimal
        The value; ``None``/``NaN`` give :data:`MISSING`.
    decimals : int
        Number of decimals (fixed, zeros are kept).
    sign : bool
        Prefix positive values with ``+`` (for differences).

    Returns
    -------
    str

    Raises
    ------
    InputError
        ``x`` is not a number or is infinite, or ``decimals`` is negative.
    """
    if _is_missing(x):
        return MISSING
    value = _as_decimal(x, decimals, "number")
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(value, format=pattern, locale=LOCALE, decimal_quantization=True)
    if sign and value > 0:
        text = "+" + text
    return text


def eur(x: Any, decimals: int = 0, sign: bool = False) -> str:
    """Format an amount in euros: ``1.234.567 €`` (non-breaking space before ``€``).

    Parameters
    ----------
    x : number
        Amount in euros.
    decimals : int
        ``0`` for whole euros (the default, as in the official Planungsrahmen),
        ``2`` for cents (e.g. € per inhabitant).
    sign : bool
        Prefix positive amounts with ``+``.

    Returns
    -------
    str
    """
    if _is_missing(x):
        return MISSING
    return number(x, decimals, sign) + NBSP + "€"


def percent(x: Any, decimals: int = 1, sign: bool = False) -> str:
    """Format a fraction as a German percentage: ``0.1234 → '12,3 %'``.

    Parameters
    ----------
    x : number
        A fraction (``1.0`` is 100 %).
    decimals : int
        Decimals of the percentage.
    sign : bool
        Prefix positive values with ``+``.

    Returns
    -------
    str
    """
    if _is_missing(x):
        return MISSING
    value = _as_decimal(x, 12, "percent")
    return number(value * 100, decimals, sign) + NBSP + "%"


_COMPACT_STEPS = ((Decimal(10) ** 9, "Mrd."), (Decimal(10) ** 6, "Mio."))


def compact_eur(x: Any, decimals: int = 1, sign: bool = False) -> str:
    """Format a large amount compactly: ``43_300_000 → '43,3 Mio. €'``.

    Amounts of at least one million use ``Mio.``, of at least one billion
    ``Mrd.`` (German short scale); smaller amounts are written out in whole
    euros.

    Parameters
    ----------
    x : number
        Amount in euros.
    decimals : int
        Decimals of the compact figure.
    sign : bool
        Prefix positive amounts with ``+``.

    Returns
    -------
    str
    """
    if _is_missing(x):
        return MISSING
    value = _as_decimal(x, 6, "compact_eur")
    for step, word in _COMPACT_STEPS:
        # compare after rounding so 999,96 Mio. becomes "1,0 Mrd." rather than "1.000,0 Mio."
        scaled = (abs(value) / step).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        if scaled >= 1:
            return number(value / step, decimals, sign) + NBSP + word + NBSP + "€"
    return eur(value, 0, sign)


def typographic_minus(text: str) -> str:
    """Replace a leading hyphen-minus (``-1.234``) by the minus sign ``−1.234`` (U+2212).

    For charts, maps and reports; tables meant for computing keep real numbers.
    """
    return MINUS + text[1:] if text.startswith("-") else text


def date_de(value: Any) -> str:
    """A date (ISO text, date or Timestamp) as ``1.1.2025``; :data:`MISSING` when absent."""
    if _is_missing(value) or value == "":
        return MISSING
    import datetime as _dt

    if isinstance(value, _dt.datetime):
        value = value.date()
    if not isinstance(value, _dt.date):
        try:
            value = _dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return f"{value.day}.{value.month}.{value.year}"


def is_signed(name: Any) -> bool:
    """True if a column name denotes a difference (``delta…``, ``diff…``, ``Δ``)."""
    text = str(name).lower()
    return text.startswith(("delta", "diff")) or "δ" in text or "Δ" in str(name)


def column_kind(name: Any, dtype: Any) -> str | None:
    """Guess what a column holds from its name and dtype (see the module docstring).

    Parameters
    ----------
    name : hashable
        Column name (tuples of a MultiIndex are joined).
    dtype : numpy or pandas dtype

    Returns
    -------
    str or None
        One of ``"eur", "share", "fte", "count", "number"`` or ``None`` for
        non-numeric columns.
    """
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return None
    text = " ".join(map(str, name)) if isinstance(name, tuple) else str(name)
    text = text.lower()
    if "eur" in text or "€" in text:
        return "eur"
    if any(key in text for key in ("share", "anteil", "pct", "%")):
        return "share"
    if "fte" in text or "vzä" in text:
        return "fte"
    if np.issubdtype(
        np.dtype(dtype.numpy_dtype if hasattr(dtype, "numpy_dtype") else dtype), np.integer
    ):
        return "count"
    return "number"


def formatter_for(kind: str, integer: bool = True, signed: bool = False) -> Callable[[Any], str]:
    """Return a one-argument German formatter for a column kind.

    Parameters
    ----------
    kind : {"eur", "compact_eur", "share", "fte", "count", "number"}
    integer : bool
        For ``"eur"``: whole euros if True, else cents.
    signed : bool
        Prefix positive values with ``+``.

    Raises
    ------
    InputError
        Unknown kind.
    """
    table: dict[str, Callable[[Any], str]] = {
        "eur": lambda x: eur(x, 0 if integer else 2, signed),
        "compact_eur": lambda x: compact_eur(x, 1, signed),
        "share": lambda x: percent(x, 1, signed),
        "fte": lambda x: number(x, 2, signed),
        "count": lambda x: number(x, 0, signed),
        "number": lambda x: number(x, 2, signed),
    }
    if kind not in table:
        raise InputError(
            Problem("formats", f"unknown format kind, expected one of {', '.join(table)}", kind)
        )
    return table[kind]


def style_de(
    df: "pd.DataFrame",
    formats: Mapping[Any, str | Callable[[Any], str]] | None = None,
    uuid: str = "paktsim",
    caption: str | None = None,
    hide_index: bool = False,
) -> "Styler":
    """Return a pandas ``Styler`` showing ``df`` with German number formats.

    Parameters
    ----------
    df : DataFrame
        The table; it is not modified.
    formats : mapping, optional
        Column → kind (see :func:`formatter_for`, e.g. ``"eur"``, ``"share"``) or a
        callable. Columns not listed get a format from :func:`column_kind`.
    uuid : str
        Fixed id of the HTML table, so the rendered HTML is the same on every
        run (nbval compares it).
    caption : str, optional
        Table caption.
    hide_index : bool
        Do not show the index.

    Returns
    -------
    pandas.io.formats.style.Styler

    Raises
    ------
    InputError
        ``formats`` names a column that is not in ``df`` or an unknown kind.
    """
    formats = dict(formats or {})
    unknown = [c for c in formats if c not in df.columns]
    if unknown:
        raise InputError(
            [Problem(f"formats.{c}", "no such column in the table", c) for c in unknown]
        )
    column_formatters: dict[Any, Callable[[Any], str]] = {}
    for column in df.columns:
        spec = formats.get(column)
        if callable(spec):
            column_formatters[column] = spec
            continue
        dtype = df[column].dtype
        kind = spec or column_kind(column, dtype)
        if kind is None:
            continue
        column_formatters[column] = formatter_for(
            kind, integer=_is_integer_dtype(dtype), signed=is_signed(column)
        )
    styler = _german_styler_class()(df).set_uuid(uuid).format(column_formatters, na_rep=MISSING)
    if caption:
        styler = styler.set_caption(caption)
    if hide_index:
        styler = styler.hide(axis="index")
    return styler


@functools.lru_cache(maxsize=1)
def _german_styler_class() -> type:
    """A ``Styler`` whose text repr is deterministic (no memory address), for nbval."""
    from pandas.io.formats.style import Styler

    class GermanStyler(Styler):
        def __repr__(self) -> str:
            rows, cols = self.data.shape
            return f"<Styler {self.uuid}: {rows} Zeilen × {cols} Spalten>"

    return GermanStyler


def _is_integer_dtype(dtype: Any) -> bool:
    import pandas as pd

    return pd.api.types.is_integer_dtype(dtype)


def axis_formatter(kind: str = "number", decimals: int = 0) -> "FuncFormatter":
    """Return a matplotlib ``FuncFormatter`` for German tick labels.

    Parameters
    ----------
    kind : {"number", "eur", "compact_eur", "percent"}
        ``"percent"`` expects fractions on the axis.
    decimals : int
        Decimals shown (``compact_eur`` always uses one).

    Returns
    -------
    matplotlib.ticker.FuncFormatter
    """
    from matplotlib.ticker import FuncFormatter

    functions: dict[str, Callable[[float], str]] = {
        "number": lambda v: number(v, decimals),
        "eur": lambda v: eur(v, decimals),
        "compact_eur": lambda v: _compact_axis(v),
        "percent": lambda v: percent(v, decimals),
    }
    if kind not in functions:
        raise InputError(
            Problem("kind", f"unknown axis format, expected one of {', '.join(functions)}", kind)
        )
    function = functions[kind]
    # matplotlib formats every tick again on each draw (layout, PNG, SVG): once per value
    labels: dict[float, str] = {}

    def label(value: float, _pos: Any) -> str:
        text = labels.get(value)
        if text is None:
            text = labels[value] = typographic_minus(function(value))
        return text

    return FuncFormatter(label)


def _compact_axis(value: float) -> str:
    # axis ticks at round values: drop a trailing ",0" so "10 Mio. €" not "10,0 Mio. €"
    text = compact_eur(value, 1)
    return text.replace(",0" + NBSP, NBSP)
