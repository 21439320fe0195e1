"""Schema of the parameter files (pydantic v2, ``extra="forbid"``).

One YAML file per top-level domain (``pakt.yaml`` holds every ``pakt.*`` path).
Each top-level key is the full dotted parameter path; its body is a
:class:`ParameterSpec`.  The unit fixes the type a value must have (see
:data:`UNIT_KINDS`), so there is no separate ``type`` field.

Entry semantics (documented for users in ``README.md``):

- ``value: null`` means *no value in force from this date* (a programme ended, or
  no figure was recorded for the following years); ``0`` means *in force with
  amount zero*.
- ``tag: assumption`` entries have ``default`` + ``range`` + ``note`` instead of
  ``value``; the default is what :func:`paktsim.params.at` returns.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "UNITS",
    "UNIT_KINDS",
    "TAGS",
    "PATH_PATTERN",
    "Label",
    "EntrySpec",
    "ParameterSpec",
    "check_value",
]

#: Closed list of units and the kind of value each one takes.
UNIT_KINDS: dict[str, str] = {
    "EUR": "number",
    "EUR_per_year": "number",
    "EUR_per_person_per_year": "number",
    "EUR_per_fte_per_year": "number",
    "fte": "number",
    "persons": "number",
    "persons_per_year": "number",
    "persons_per_month": "number",
    "persons_per_fte": "number",
    "count": "integer",
    "months": "integer",
    "share": "share",
    "factor": "number",
    "date": "date",
    "text": "text",
    "bool": "bool",
}
UNITS: tuple[str, ...] = tuple(UNIT_KINDS)

#: Tags allowed in files (FACTS.md [SRC] / [DERIVED] / [UNCERTAIN] / named assumption).
#: ``calibrated``: fitted to the evidence by ``tools/calibrate.py``; ``value`` is the
#: estimate, ``range`` the bounds of the fit, ``se`` its standard error.
TAGS: tuple[str, ...] = ("sourced", "derived", "uncertain", "assumption", "calibrated")

PATH_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")

Unit = Literal[
    "EUR",
    "EUR_per_year",
    "EUR_per_person_per_year",
    "EUR_per_fte_per_year",
    "fte",
    "persons",
    "persons_per_year",
    "persons_per_month",
    "persons_per_fte",
    "count",
    "months",
    "share",
    "factor",
    "date",
    "text",
    "bool",
]
Tag = Literal["sourced", "derived", "uncertain", "assumption", "calibrated"]
_MISSING: Any = object()


def check_value(value: Any, unit: str, choices: tuple[str, ...] | None = None) -> str | None:
    """Return why ``value`` is not a valid value for ``unit`` (``None`` if it is).

    ``None`` is always valid (no value in force).  Numbers must be finite and
    non-negative; shares lie in [0, 1]; integer units refuse fractions.
    """
    if value is None:
        return None
    kind = UNIT_KINDS[unit]
    if kind in ("number", "integer", "share"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expected a number for unit {unit}"
        if value != value or value in (float("inf"), float("-inf")):
            return "expected a finite number"
        if value < 0:
            return "expected a number >= 0"
        if kind == "integer" and not float(value).is_integer():
            return f"expected a whole number for unit {unit}"
        if kind == "share" and value > 1:
            return "expected a share between 0 and 1"
        return None
    if kind == "date":
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            return "expected a date (YYYY-MM-DD)"
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else "expected true or false"
    if not isinstance(value, str) or not value.strip():
        return "expected a non-empty text"
    if choices is not None and value not in choices:
        return f"expected one of {', '.join(choices)}"
    return None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Strict):
    """German and English label."""

    de: str = Field(min_length=1)
    en: str = Field(min_length=1)


class EntrySpec(_Strict):
    """One dated value with its source."""

    value: Any = _MISSING
    default: Any = _MISSING
    range: tuple[Any, Any] | None = None
    reference: str = Field(min_length=1)
    tag: Tag
    note: str | None = Field(default=None, min_length=1)
    se: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _value_or_default(self) -> "EntrySpec":
        if self.tag == "assumption":
            if self.value is not _MISSING:
                raise ValueError("an assumption gives 'default' and 'range', not 'value'")
            if self.default is _MISSING or self.range is None or self.note is None:
                raise ValueError("an assumption needs 'default', 'range' and a 'note' saying why")
        elif self.tag == "calibrated":
            if self.value is _MISSING or self.range is None or self.se is None:
                raise ValueError(
                    "a calibrated entry needs 'value', 'range' (the bounds of the "
                    "fit) and 'se' (its standard error)"
                )
        else:
            if self.default is not _MISSING:
                raise ValueError("'default' is only for tag: assumption (use 'value')")
            if self.value is _MISSING:
                raise ValueError("required field 'value' missing (null if no value is in force)")
        if self.se is not None and self.tag != "calibrated":
            raise ValueError("'se' is only for tag: calibrated")
        if self.range is not None:
            low, high = self.range
            for bound in (low, high):
                if isinstance(bound, bool) or not isinstance(bound, (int, float, dt.date)):
                    raise ValueError("'range' must be [low, high] of numbers or dates")
            if type(low) is not type(high) and not (
                isinstance(low, (int, float)) and isinstance(high, (int, float))
            ):
                raise ValueError("'range' bounds must be of the same kind")
            if low > high:
                raise ValueError("'range' must be [low, high] with low <= high")
            central = self.central
            if central is None or not (low <= central <= high):
                raise ValueError("the value/default must lie inside 'range'")
        return self

    @property
    def central(self) -> Any:
        """The value in force: ``value``, or ``default`` for an assumption."""
        return self.default if self.tag == "assumption" else self.value


class ParameterSpec(_Strict):
    """One parameter: labels, unit, period and its dated values."""

    name: Label
    description: str = Field(min_length=1)
    unit: Unit
    period: Literal["year", "month", "none"]
    choices: tuple[str, ...] | None = None
    documentation_only: str | None = Field(
        default=None,
        min_length=1,
        description="Why no model code reads this parameter (a reported figure kept for "
        "reference, or a rule the code implements without a choice to make).",
    )
    values: dict[dt.date, EntrySpec] = Field(min_length=1)

    @field_validator("values", mode="before")
    @classmethod
    def _dates_sorted(cls, raw: Any) -> Any:
        if isinstance(raw, dict):
            keys = [dt.date.fromisoformat(k) if isinstance(k, str) else k for k in raw]
            if all(isinstance(k, dt.date) for k in keys) and keys != sorted(set(keys)):
                raise ValueError("effective dates must be sorted ascending without repeats")
        return raw

    @model_validator(mode="after")
    def _values_match_unit(self) -> "ParameterSpec":
        if self.choices is not None and self.unit != "text":
            raise ValueError("'choices' is only allowed for unit: text")
        for date, entry in self.values.items():
            problem = check_value(entry.central, self.unit, self.choices)
            if problem:
                raise ValueError(f"value at {date.isoformat()}: {problem} (got {entry.central!r})")
            if entry.range is not None and UNIT_KINDS[self.unit] in ("text", "bool"):
                raise ValueError(
                    f"value at {date.isoformat()}: 'range' is not allowed for unit {self.unit}"
                )
        return self
