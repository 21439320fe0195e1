"""German numbers typed into a dashboard field: parse as a German reader means them, or refuse.

``parse_de("1,5") == 1.5``, ``parse_de("1.000") == 1000.0``,
``parse_de("0,5 %") == 0.5`` (the unit is the field's unit), ``parse_de("1.5")``
is refused: a German reader never writes a decimal point, and guessing would turn
"1.5" into 15 or 1,5 silently.  Refusals are :class:`~paktsim.errors.InputError`
with one German line naming the field, the text and what was expected.

Pure functions, no widgets: the views call them; tests call them directly.
"""

from __future__ import annotations

import math
import re

from paktsim.errors import InputError

__all__ = ["format_de", "parse_de"]

_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_PLAIN = re.compile(r"^\d+(,\d+)?$")
_UNITS = ("%", "€", "mio.", "mio", "vzä", "personen", "x", "×")


def parse_de(
    text: str,
    field: str,
    *,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
) -> float:
    """Parse a number typed the German way (decimal comma, optional thousands points).

    Parameters
    ----------
    text : str
        What was typed, e.g. ``"1,5"``, ``"1.000"``, ``"-2,25"``, ``"0,5 %"``,
        ``"58 Mio. €"`` (a trailing unit is ignored: the field has one unit).
    field : str
        German name of the field (for the message).
    low, high : float, optional
        Allowed range (inclusive).
    integer : bool
        Only whole numbers.

    Returns
    -------
    float

    Raises
    ------
    InputError
        Not a German number (``"1.5"``, ``"abc"``, ``"1,2,3"``), outside the
        range, or not whole when ``integer``.
    """
    raw = str(text)
    s = raw.replace("\xa0", " ").replace("\u202f", " ").strip().lower()
    changed = True
    while changed:  # strip trailing units in any order ("58 mio. €")
        changed = False
        for unit in _UNITS:
            if s.endswith(unit):
                s = s[: -len(unit)].strip()
                changed = True
    s = s.replace(" ", "")
    sign = 1.0
    if s[:1] in ("-", "−", "+"):
        sign = -1.0 if s[0] in "-−" else 1.0
        s = s[1:]
    if _THOUSANDS.match(s):
        s = s.replace(".", "")
    elif not _PLAIN.match(s):
        if re.fullmatch(r"\d+\.\d+", s):
            expected = f"Dezimalkomma statt Punkt, z. B. {s.replace('.', ',')}"
        else:
            expected = "eine Zahl wie 1,5 oder 1.000"
        raise InputError.single(
            field, f"keine Zahl in deutscher Schreibweise: erwartet {expected}", raw
        )
    value = sign * float(s.replace(",", "."))
    if integer and value != math.floor(value):
        raise InputError.single(field, "erwartet eine ganze Zahl", raw)
    if (low is not None and value < low) or (high is not None and value > high):
        raise InputError.single(
            field, f"erwartet einen Wert von {format_de(low)} bis {format_de(high)}", raw
        )
    return value


def format_de(value: float | None, decimals: int | None = None) -> str:
    """German text of a number for a field: ``1.5 → '1,5'``, ``1000 → '1.000'``.

    ``decimals=None`` shows as many decimals as needed (up to 4), none for whole
    numbers.
    """
    from paktsim.report import format as fmt

    if value is None:
        return "beliebig"
    if decimals is None:
        text = f"{float(value):.4f}".rstrip("0").rstrip(".")
        decimals = len(text.split(".")[1]) if "." in text else 0
    return fmt.number(float(value), decimals)
